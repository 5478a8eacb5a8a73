"""GigaChat "Test connection": sign in and list the models, on a pool thread, never the UI thread."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ui.pool_job import PoolJobs

TIMEOUT_S = 20.0


async def _list_models(key: str | None, scope: str) -> list[str]:
    from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter  # the SDK loads here

    writer = GigaChatWriter(GigaChatSettings(credentials=key, scope=scope, max_retries=1, timeout=TIMEOUT_S))
    try:
        return await writer.list_models()
    finally:
        await writer.aclose()


class ConnectionTest(QObject):
    finished = Signal(list, str)  # model names, error ("" when it worked)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = PoolJobs(self)
        self._jobs.answered.connect(self._on_done)
        self.busy = False

    def start(self, key: str | None, scope: str) -> None:
        """``key`` None: the one in the keyring (or GIGACHAT_CREDENTIALS)."""
        if self.busy:
            return
        self.busy = True
        self._jobs.start(lambda: asyncio.run(_list_models(key, scope)), what="GigaChat connection test",
                         unexpected=QCoreApplication.translate(
                             "ConnectionTest", "The connection test failed unexpectedly; the log has the "
                                               "details."))

    def _on_done(self, _number: int, models: list[str] | None, error: str) -> None:
        self.busy = False
        self.finished.emit(models or [], error)
