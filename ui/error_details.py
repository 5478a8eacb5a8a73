"""A "Details…" button beside a plain error message: the technical side of a failure (exception
type, errno, setting names) is one click away for whoever helps the user, never in the sentence
the user reads."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


def detail_of(exc: BaseException) -> str:
    """The technical text of a failure: a VitrinaError's ``detail``, else the exception's type."""
    detail = getattr(exc, "detail", "")
    return detail or f"{type(exc).__name__}: {exc}".rstrip(": ")


class DetailsButton(QPushButton):
    """Hidden until a failure with details is shown; a click shows them in a message box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Details…"), parent)
        self._detail = ""
        self._box: QMessageBox | None = None
        self.clicked.connect(self._show)
        self.setVisible(False)

    def set_detail(self, detail: str) -> None:
        """``detail`` "" hides the button (no failure, or nothing more to say)."""
        self._detail = detail
        self.setVisible(bool(detail))

    def detail(self) -> str:
        return self._detail

    def box(self) -> QMessageBox | None:
        """The details box last shown (tests read it)."""
        return self._box

    def _show(self) -> None:
        self._box = QMessageBox(QMessageBox.Icon.Information, self.tr("Details"), self._detail,
                                QMessageBox.StandardButton.Close, self.window())
        self._box.open()  # not modal to the app: the settings stay usable behind it
