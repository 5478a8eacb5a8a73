"""Export to…: the folder the card bundles go to and how an export treats what is already there.

What the user picks is remembered in the photo folder's state, so afterwards Export is one click.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.project import ExportTarget
from app.project.state import EXPORT_SCOPES
from ui.export_folder import FolderField


class ExportDialog(QDialog):
    def __init__(self, photos: Path, target: ExportTarget, parent: QWidget | None = None, *,
                 counts: dict[str, int] | None = None) -> None:
        """``counts``: how many products each scope would export now (shown beside it)."""
        super().__init__(parent)
        self.counts = counts
        self.setWindowTitle(self.tr("Export card bundles"))
        self.photos = photos
        self.folder_field = FolderField(target.folder, photos, self.tr("Export the card bundles into…"))
        self.folder = self.folder_field.edit
        self.replace = QCheckBox(self.tr("Replace bundles that are already there (they are made again "
                                         "from your saved masks, backgrounds and text)"))
        self.replace.setChecked(target.replace)
        self.fix = QCheckBox(self.tr("Fix what the marketplace would refuse (size, transparency, file size); "
                                     "changes are listed in compliance.json"))
        self.fix.setChecked(target.fix)
        self.scope = QComboBox()
        names = {"all": self.tr("All products"), "approved": self.tr("Approved products only"),
                 "selected": self.tr("Selected products")}
        for scope in EXPORT_SCOPES:
            text = names[scope] if counts is None else f"{names[scope]} ({counts.get(scope, 0)})"
            self.scope.addItem(text, scope)
        self.scope.setToolTip(self.tr("Approved: every photo of the product flagged (P / X), at least one "
                                      "approved. Selected: the products of the photos selected in the "
                                      "gallery. Rejected photos are never exported."))
        self.scope.setCurrentIndex(max(self.scope.findData(target.scope), 0))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("One folder per product, with report.csv and manifest.csv beside "
                                        "them, goes into:")))
        layout.addWidget(self.folder_field)
        scope_row = QHBoxLayout()
        scope_row.addWidget(QLabel(self.tr("Export:")))
        scope_row.addWidget(self.scope, 1)
        layout.addLayout(scope_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.replace)
        layout.addWidget(self.fix)
        layout.addWidget(buttons)
        self.folder.textChanged.connect(self._check)
        self.scope.currentIndexChanged.connect(self._check)
        self._check()

    def target(self) -> ExportTarget:
        return ExportTarget(folder=self.folder_field.text(), replace=self.replace.isChecked(),
                            fix=self.fix.isChecked(), scope=self.scope.currentData())

    def _check(self) -> None:
        problem = self.folder_field.problem()
        if not problem and self.counts is not None and not self.counts.get(self.scope.currentData(), 0):
            problem = {"approved": self.tr("No product is approved yet: approve its photos with P (every "
                                           "photo flagged, at least one approved)."),
                       "selected": self.tr("No processed product is selected: select photos in the gallery "
                                           "first.")}.get(self.scope.currentData(),
                                                          self.tr("Nothing to export yet: process the photos "
                                                                  "first."))
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.export_button.setEnabled(not problem)
