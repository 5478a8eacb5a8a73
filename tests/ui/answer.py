"""Answer the real modal message boxes the window opens (QMessageBox.question blocks in exec())."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def answer_next_question(button: QMessageBox.StandardButton) -> list[str]:
    """Click ``button`` in the next message box that opens; the list gets the box's text."""
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)  # not open yet
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)
    return seen
