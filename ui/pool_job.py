"""Work off the UI thread, on the global thread pool, answered as a signal: a result, or an error in
the user's words. A widget closed while its job runs does not wait for it; the answer then goes
nowhere (the signals object has no parent, so the job still has it)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.errors import VitrinaError

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(int, object, str)  # job number, result, error ("" when it worked)


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], unexpected: str, what: str,
                 signals: _Signals) -> None:
        super().__init__()
        self.number, self.work, self.signals = number, work, signals
        self.unexpected, self.what = unexpected, what

    def run(self) -> None:
        try:
            result = self.work()
        except VitrinaError as exc:  # the core's messages are for the user and never hold a key or token
            self.signals.done.emit(self.number, None, str(exc))
        except Exception:  # a bug or a service surprise: still an answer, never a hang or a crash
            log.exception("%s failed unexpectedly", self.what)  # the type and the trace, for the log
            self.signals.done.emit(self.number, None, self.unexpected)
        else:
            self.signals.done.emit(self.number, result, "")


class PoolJobs(QObject):
    """Starts numbered jobs; ``answered`` says each one's number, result and error, on this thread."""

    answered = Signal(int, object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()  # no parent: a job running past its asker's life still has it
        self._signals.done.connect(self.answered)
        self._last = 0

    def start(self, work: Callable[[], Any], *, unexpected: str, what: str) -> int:
        """Run ``work`` on the pool; returns the job's number. ``unexpected`` is what the user reads
        when it fails with a bug rather than a VitrinaError; ``what`` names it in the log."""
        self._last += 1
        QThreadPool.globalInstance().start(_Job(self._last, work, unexpected, what, self._signals))
        return self._last
