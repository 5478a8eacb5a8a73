"""Edit → Undo / Redo for the project's choices (``app.studio.history``), and the status bar's Undo button.

The window tells it when a choice was made; it tells the window (``restored``) when undo or redo
wrote values back, so the panels and the preview show them again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar, QToolButton

from app.errors import VitrinaError
from app.project import Project
from app.studio import history_of

TOLD_MS = 15_000  # long enough to read the message and reach the button


class ChoiceHistory(QObject):
    changed = Signal(str, str)  # what Undo and Redo would do now ("" when nothing)
    restored = Signal()  # undo or redo wrote choices back: show them again

    def __init__(self, bar: QStatusBar, *, before: Callable[[], None], report: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self._bar, self._before, self._report = bar, before, report
        self._told = ""
        self.undo_button = QToolButton()
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Take back what was just done (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.hide()
        bar.insertPermanentWidget(0, self.undo_button)  # beside the message, left of the progress
        bar.messageChanged.connect(self._on_message)

    def set_project(self, project: Project | None) -> None:
        self.project = project
        self.refresh()

    def refresh(self) -> None:
        history = history_of(self.project) if self.project is not None else None
        if history is None:
            self.changed.emit("", "")
            return
        fallback = self.tr("the last choice")
        self.changed.emit(history.undo_label or fallback if history.can_undo else "",
                          history.redo_label or fallback if history.can_redo else "")

    def tell(self, label: str) -> None:
        """Say what a bulk choice did, with a way to take it back right there."""
        self._told = self.tr("{0} — Ctrl+Z undoes it").format(label)
        self._bar.showMessage(self._told, TOLD_MS)
        self.undo_button.show()

    def undo(self) -> None:
        self._step(back=True)

    def redo(self) -> None:
        self._step(back=False)

    def _step(self, *, back: bool) -> None:
        if self.project is None:
            return
        self._before()  # a card edit still waiting to be saved is the newest choice: it goes first
        history = history_of(self.project)
        try:
            outcome = history.undo(self.project) if back else history.redo(self.project)
        except VitrinaError as exc:  # written back in memory, but the save failed: say so
            self._report(str(exc))
            outcome = None
        if outcome is not None:
            done = self.tr("Undone: {0}") if back else self.tr("Redone: {0}")
            message = done.format(outcome.step.label or self.tr("the last choice"))
            if outcome.kept:
                message += " " + self.tr("(%n change(s) made since were left as they are)", "", outcome.kept)
            self._bar.showMessage(message, TOLD_MS)
        self.restored.emit()
        self.refresh()

    def _on_message(self, text: str) -> None:
        if text != self._told:
            self.undo_button.hide()
            self._told = ""
