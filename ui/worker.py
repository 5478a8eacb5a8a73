"""The one adapter between the core's long operations and Qt.

A task is a plain function ``fn(events, cancel) -> result`` from ``app.studio``; it runs on a
QThread, its typed events become signals (queued to the GUI thread, in order), and Cancel sets
the ``threading.Event`` it checks. One task at a time: the GPU has one worker.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from app.errors import VitrinaError
from app.events import Event, EventSink, ItemDone, ItemFailed, ItemStarted, Notice, Progress, TrainingStep

log = logging.getLogger(__name__)

Task = Callable[[EventSink, threading.Event], Any]

# Every task thread ever started, so a test can fail when one is left running.
_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


def running_threads() -> list[QThread]:
    alive = []
    for thread in list(_threads):
        try:
            if thread.isRunning():
                alive.append(thread)
        except RuntimeError:  # its C++ side was deleted (deleteLater): it has stopped
            _threads.discard(thread)
    return alive


class _TaskThread(QThread):
    def __init__(self, name: str, task: Task, runner: TaskRunner) -> None:
        super().__init__()
        self.setObjectName(f"vitrina-{name}")
        self.task, self.runner = task, runner
        self.cancel = threading.Event()
        self.result: Any = None
        self.error = ""

    def run(self) -> None:
        try:
            self.result = self.task(self.runner.emit_event, self.cancel)
        except VitrinaError as exc:
            self.error = str(exc)
        except Exception as exc:  # a bug: say so, keep the app alive, keep the traceback in the log
            log.exception("task %s crashed", self.objectName())
            what = f"{type(exc).__name__}: {exc}"
            self.error = QCoreApplication.translate(
                "TaskRunner", "Unexpected error (see the log file): {0}").format(what)


class TaskRunner(QObject):
    # qint64: a describer download counts over 4 GB in bytes, past a C++ int.
    progress = Signal(str, "qint64", "qint64", str)  # stage, done, total, item
    item_started = Signal(str, str)  # item, stage
    item_done = Signal(str, str)  # item, stage
    item_failed = Signal(str, str, str)  # item, stage, message
    notice = Signal(str, str)  # message, item
    training = Signal(object)  # app.events.TrainingStep: fine-tuning's steps, loss, IoU, time left
    finished = Signal(str, object)  # task name, its result (None when it failed)
    failed = Signal(str, str)  # task name, message: the whole task could not run

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: _TaskThread | None = None
        self._name = ""

    @property
    def busy(self) -> bool:
        return self._thread is not None

    @property
    def task_name(self) -> str:
        return self._name if self._thread is not None else ""

    def start(self, name: str, task: Task) -> None:
        if self._thread is not None:
            raise RuntimeError(f"task {self._name!r} is still running")
        thread = _TaskThread(name, task, self)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._name = thread, name
        _threads.add(thread)
        thread.start()

    def cancel(self) -> None:
        if self._thread is not None:
            self._thread.cancel.set()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the task ends (window closing); True when nothing runs any more."""
        if self._thread is None:
            return True
        done = self._thread.wait() if msecs < 0 else self._thread.wait(msecs)
        if done:
            self._on_thread_finished()  # the queued finished signal may never be delivered now
        return done

    def emit_event(self, event: Event) -> None:
        """Called on the task's thread; signals cross to the GUI thread queued, in order."""
        if isinstance(event, Progress):
            self.progress.emit(event.stage, event.done, event.total, event.item)
        elif isinstance(event, ItemStarted):
            self.item_started.emit(event.item, event.stage)
        elif isinstance(event, ItemDone):
            self.item_done.emit(event.item, event.stage)
        elif isinstance(event, ItemFailed):
            self.item_failed.emit(event.item, event.stage, event.message)
        elif isinstance(event, Notice):
            self.notice.emit(event.message, event.item)
        elif isinstance(event, TrainingStep):
            self.training.emit(event)

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, name = self._thread, self._name
        if thread is None:
            return
        self._thread = None
        thread.deleteLater()
        if thread.error:
            self.failed.emit(name, thread.error)
        else:
            self.finished.emit(name, thread.result)
