"""What the window's task helpers (card text, export, publish) have in common: each is kept by the
window and hears every task's progress, end and failure from its one worker, and takes its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from ui.window_parts import TaskHost


class TaskRun(QObject):
    def __init__(self, host: TaskHost) -> None:
        super().__init__()  # kept by the window; no QObject parent needed
        self.host = host
        host.runner.progress.connect(self._on_progress)
        host.runner.finished.connect(self._on_finished)
        host.runner.failed.connect(self._on_failed)

    # Each helper picks its own task's reports by their stage or task name; the others pass here.
    def _on_progress(self, stage: str, done: int, total: int, item: str) -> None:
        pass

    def _on_finished(self, name: str, result: object) -> None:
        pass

    def _on_failed(self, name: str, message: str) -> None:
        pass
