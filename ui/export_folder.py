"""The export folder that Export to… and Publish to Wildberries… ask for: a path with Choose…, the
folder suggested the first time, and what is wrong with a typed path, said before anything is written.

Its words are Export's own (the "ExportDialog" translation context): both dialogs say them alike.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

# Called by this name with literal strings so that pyside6-lupdate finds them.
translate = QCoreApplication.translate


def inside(folder: Path, root: Path) -> bool:
    """``folder`` is ``root`` or below it (bundles there would be scanned as new photos)."""
    folder, root = folder.resolve(), root.resolve()
    return folder == root or root in folder.parents


def suggested_folder(photos: Path) -> Path:
    """Beside the photo folder, named after it: never inside it."""
    return photos.parent / translate("ExportDialog", "{0} cards").format(photos.name)


def folder_problem(text: str, photos: Path) -> str:
    """Why bundles cannot go to the folder typed ("" when they can)."""
    if not text:
        return translate("ExportDialog", "Choose a folder.")
    if not Path(text).is_absolute():
        return translate("ExportDialog", "Give the full path of the folder.")
    if not Path(text).parent.is_dir():
        return translate(
            "ExportDialog", "{0} does not exist (is the disk connected?). Choose another place.").format(
            Path(text).parent)
    if inside(Path(text), photos):
        return translate(
            "ExportDialog", "Choose a folder outside the photo folder: bundles there would be read as new "
                            "photos next time.")
    return ""


class FolderField(QWidget):
    """The path (``edit``) and Choose…; a folder picked there replaces the text."""

    def __init__(self, folder: str, photos: Path, choose_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos, self.choose_title = photos, choose_title
        self.edit = QLineEdit(folder or str(suggested_folder(photos)))
        self.edit.setMinimumWidth(420)
        browse = QPushButton(translate("ExportDialog", "Choose…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(browse)

    def text(self) -> str:
        return self.edit.text().strip()

    def problem(self) -> str:
        return folder_problem(self.text(), self.photos)

    def browse(self) -> None:
        start = self.text() or str(self.photos.parent)
        chosen = QFileDialog.getExistingDirectory(self, self.choose_title, start)
        if chosen:
            self.edit.setText(chosen)
