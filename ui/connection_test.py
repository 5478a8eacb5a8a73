"""GigaChat "Test connection": sign in and list the models, on a pool thread, never the UI thread."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from app.errors import VitrinaError

TIMEOUT_S = 20.0

log = logging.getLogger(__name__)


async def _list_models(key: str | None, scope: str) -> list[str]:
    from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter  # the SDK loads here

    writer = GigaChatWriter(GigaChatSettings(credentials=key, scope=scope, max_retries=1, timeout=TIMEOUT_S))
    try:
        return await writer.list_models()
    finally:
        await writer.aclose()


class _Signals(QObject):
    done = Signal(list, str)  # model names, error ("" when it worked)


class _Job(QRunnable):
    def __init__(self, key: str | None, scope: str, signals: _Signals) -> None:
        super().__init__()
        self.key, self.scope, self.signals = key, scope, signals

    def run(self) -> None:
        try:
            models = asyncio.run(_list_models(self.key, self.scope))
        except VitrinaError as exc:  # the writer's messages are for the user and never hold the key
            self.signals.done.emit([], str(exc))
        except Exception:  # a bug or an SDK surprise: still an answer, not a hang
            log.exception("GigaChat connection test failed unexpectedly")  # the type and trace
            self.signals.done.emit([], QCoreApplication.translate(
                "ConnectionTest", "The connection test failed unexpectedly; the log has the details."))
        else:
            self.signals.done.emit(models, "")


class ConnectionTest(QObject):
    finished = Signal(list, str)  # model names, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.done.connect(self._on_done)
        self.busy = False

    def start(self, key: str | None, scope: str) -> None:
        """``key`` None: the one in the keyring (or GIGACHAT_CREDENTIALS)."""
        if self.busy:
            return
        self.busy = True
        # The global pool: a dialog closed mid-test does not wait; the answer then goes nowhere.
        QThreadPool.globalInstance().start(_Job(key, scope, self._signals))

    def _on_done(self, models: list[str], error: str) -> None:
        self.busy = False
        self.finished.emit(models, error)
