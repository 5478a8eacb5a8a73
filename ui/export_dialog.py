"""Export to…: the folder the card bundles go to and how an export treats what is already there.

What the user picks is remembered in the photo folder's state, so afterwards Export is one click.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.project import ExportTarget


def inside(folder: Path, root: Path) -> bool:
    """``folder`` is ``root`` or below it (bundles there would be scanned as new photos)."""
    folder, root = folder.resolve(), root.resolve()
    return folder == root or root in folder.parents


class ExportDialog(QDialog):
    def __init__(self, photos: Path, target: ExportTarget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export card bundles"))
        self.photos = photos
        self.folder = QLineEdit(target.folder or str(self.suggested_folder()))
        self.folder.setMinimumWidth(420)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        self.replace = QCheckBox(self.tr("Replace bundles that are already there (they are made again "
                                         "from your saved masks, backgrounds and text)"))
        self.replace.setChecked(target.replace)
        self.fix = QCheckBox(self.tr("Fix what the marketplace would refuse (size, transparency, file size); "
                                     "changes are listed in compliance.json"))
        self.fix.setChecked(target.fix)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("One folder per product, with report.csv and manifest.csv beside "
                                        "them, goes into:")))
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.replace)
        layout.addWidget(self.fix)
        layout.addWidget(buttons)
        self.folder.textChanged.connect(self._check)
        self._check()

    def suggested_folder(self) -> Path:
        """Beside the photo folder, named after it: never inside it."""
        return self.photos.parent / self.tr("{0} cards").format(self.photos.name)

    def target(self) -> ExportTarget:
        return ExportTarget(folder=self.folder.text().strip(), replace=self.replace.isChecked(),
                            fix=self.fix.isChecked())

    def _browse(self) -> None:
        start = self.folder.text().strip() or str(self.photos.parent)
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Export the card bundles into…"), start)
        if chosen:
            self.folder.setText(chosen)

    def _check(self) -> None:
        text = self.folder.text().strip()
        problem = ""
        if not text:
            problem = self.tr("Choose a folder.")
        elif not Path(text).is_absolute():
            problem = self.tr("Give the full path of the folder.")
        elif not Path(text).parent.is_dir():
            problem = self.tr("{0} does not exist (is the disk connected?). Choose another place.").format(
                Path(text).parent)
        elif inside(Path(text), self.photos):
            problem = self.tr("Choose a folder outside the photo folder: bundles there would be read as new "
                              "photos next time.")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.export_button.setEnabled(not problem)
