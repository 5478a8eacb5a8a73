"""Publish to Wildberries…: "For products without their own" — the brand and package that the
export folder's products without their own are published with, as ``vitrina publish wb --brand
--dimensions --weight`` gives them. Read from the folder's ``.vitrina/publish.json`` and kept there
by the run (``app.studio.publish``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.errors import VitrinaError
from app.publish.wb.listing import Defaults
from app.studio.publish import PackageDefaults, folder_defaults
from ui.wb_package import PackageFields

# Called by this name with literal strings so that pyside6-lupdate finds them.
translate = QCoreApplication.translate


class PackageDefaultsBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("For products without their own"), parent)
        self.setToolTip(self.tr("Kept in the export folder for every product whose Wildberries listing "
                                "(Card text tab) has no brand or package of its own"))
        self.brand = QLineEdit()
        self.brand.setPlaceholderText(self.tr("as registered on Wildberries"))
        self.package = PackageFields(self)
        self.problem = ""  # why the folder's publish.json cannot be read ("" when it can)
        self._typed = False  # the user's own values here outlast a change of folder
        self.brand.textEdited.connect(self._on_typed)
        self.package.changed.connect(self._on_typed)
        row = QHBoxLayout(self)
        # The listing's own words, as the Card text tab's Wildberries section says them.
        for label, field, stretch in ((translate("WBListingPanel", "Brand"), self.brand, 3),
                                      (translate("WBListingPanel", "L × W × H, cm"), self.package.size, 3),
                                      (translate("WBListingPanel", "Weight, kg"), self.package.weight, 1)):
            row.addWidget(QLabel(label))
            row.addWidget(field, stretch)

    def load(self, folder: str) -> None:
        """Show this export folder's defaults (none yet: empty), unless the user typed their own here."""
        try:
            defaults = folder_defaults(Path(folder)) if folder else Defaults()
        except VitrinaError as exc:  # unreadable or from a newer Vitrina: publishing there would stop
            self.problem = str(exc)
            self.setEnabled(False)
            return
        self.problem = ""
        self.setEnabled(True)
        if not self._typed:
            self.brand.setText(defaults.brand)
            self.package.set_dimensions(defaults.dimensions)

    def value(self) -> PackageDefaults:
        return PackageDefaults(brand=self.brand.text(), dimensions=self.package.dimensions())

    def _on_typed(self) -> None:
        self._typed = True
