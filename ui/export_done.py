"""After an export: what was done, the folder's path (selectable, with Copy), and Open folder.

Opening a folder needs a file manager; on a bare desktop (a minimal Linux session, a server) there
is none and QDesktopServices.openUrl just returns False. The dialog then says so and stays open with
the path, instead of closing on a click that did nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_WARN = "color: #b35900"


class ExportDone(QDialog):
    def __init__(self, text: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export finished"))
        self.folder = folder
        summary = QLabel(text)
        summary.setWordWrap(True)
        self.path = QLineEdit(str(folder))
        self.path.setReadOnly(True)  # selectable and copyable, not editable
        self.copy_button = QPushButton(self.tr("Copy path"))
        self.copy_button.clicked.connect(self.copy_path)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_WARN)
        self.problem.hide()
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(self.tr("Open folder"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.open_folder)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.close)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(QLabel(self.tr("The bundles are in:")))
        layout.addLayout(path_row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def open_folder(self) -> bool:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))):
            self.close()
            return True
        self.problem.setText(self.tr("No file manager was found to open the folder. Open it yourself: "
                                     "its path is above (Copy path puts it on the clipboard)."))
        self.problem.show()
        self.path.setFocus()
        self.path.selectAll()
        return False

    def copy_path(self) -> None:
        QGuiApplication.clipboard().setText(str(self.folder))
        self.copy_button.setText(self.tr("Copied"))


def export_finished(parent: QWidget, text: str, folder: Path) -> ExportDone:
    """Shown with open(), not exec(), so nothing waits on it."""
    box = ExportDone(text, folder, parent)
    box.open()
    return box
