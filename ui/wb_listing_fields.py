"""A product's own vendor code, brand, package and price on Wildberries, as a form. Left empty, each
is what publishing sends anyway: the vendor code made from the bundle's name, and the export
folder's defaults (Publish → "For products without their own", or the CLI's ``--brand`` …),
which the empty fields show."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from app.project import Project
from app.publish.wb.listing import Defaults
from app.studio import wb_listing as wb
from ui.wb_package import NumberBox, PackageFields

# Called by this name with literal strings so that pyside6-lupdate finds them; the words are the
# Wildberries section's own (its "WBListingPanel" translation context).
translate = QCoreApplication.translate

VENDOR_CODE, BRAND, DIMENSIONS, PRICE = "vendor_code", "brand", "dimensions", "price"


class ListingFields(QWidget):
    edited = Signal(str)  # which field the user changed: VENDOR_CODE, BRAND, DIMENSIONS or PRICE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False
        self._folder = Defaults()
        self.vendor_code = QLineEdit()
        self.brand = QLineEdit()
        self.package = PackageFields(self)
        self.price = NumberBox()
        self.price.setRange(0, 10_000_000)
        self.price.setSpecialValueText(translate("WBListingPanel", "not set"))
        self.price.setSuffix(" ₽")
        self.price.setToolTip(translate("WBListingPanel", "Price for a new card (optional; later prices are "
                                                          "set in the seller portal)"))
        self.folder_note = QLabel()  # the folder's package and price, while the product has none of its own
        self.folder_note.setWordWrap(True)
        self.folder_note.setStyleSheet("color: #555")
        self.vendor_code.textEdited.connect(lambda _t: self.edited.emit(VENDOR_CODE))
        self.brand.textEdited.connect(lambda _t: self.edited.emit(BRAND))
        self.package.changed.connect(lambda: self.edited.emit(DIMENSIONS))
        self.price.valueChanged.connect(lambda _v: None if self._showing else self.edited.emit(PRICE))
        self.package.changed.connect(self._show_folder_note)
        self.price.valueChanged.connect(self._show_folder_note)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow(translate("WBListingPanel", "Vendor code"), self.vendor_code)
        self.form.addRow(translate("WBListingPanel", "Brand"), self.brand)
        self.form.addRow(translate("WBListingPanel", "L × W × H, cm"), self.package.size)
        self.form.addRow(translate("WBListingPanel", "Weight, kg"), self.package.weight)
        self.form.addRow(translate("WBListingPanel", "Price"), self.price)
        self.form.addRow("", self.folder_note)

    def show_listing(self, listing: wb.WBListing, vendor_code: str, folder: Defaults) -> None:
        """The product's own values; ``vendor_code`` and the ``folder``'s defaults are what the empty
        fields stand for."""
        self._showing, self._folder = True, folder
        try:
            self.vendor_code.setPlaceholderText(vendor_code)
            self.vendor_code.setText(listing.vendor_code)
            self.brand.setPlaceholderText(
                translate("WBListingPanel", "{0} (the export folder's default)").format(folder.brand)
                if folder.brand else translate("WBListingPanel", "As registered on Wildberries"))
            self.brand.setText(listing.brand)
            self.package.set_dimensions(listing.dimensions)
            self.price.setValue(listing.price or 0)
        finally:
            self._showing = False
        self._show_folder_note()

    def _show_folder_note(self) -> None:
        """The folder's package and price, for those left empty here (brand: its placeholder says)."""
        said = []
        dims = self._folder.dimensions
        if dims is not None and self.package.dimensions() is None:
            said.append(translate("WBListingPanel", "package {0} × {1} × {2} cm, {3} kg").format(
                dims.length, dims.width, dims.height, f"{dims.weight:g}"))
        if self._folder.price and not self.price.value():
            said.append(translate("WBListingPanel", "price {0} ₽").format(self._folder.price))
        sentence = translate("WBListingPanel", "Left empty, the export folder's defaults apply: {0}.")
        self.folder_note.setText(sentence.format("; ".join(said)) if said else "")
        self.form.setRowVisible(self.folder_note, bool(said))

    def store(self, project: Project, key: str, field: str, label: str) -> None:
        """Save what the user typed into ``field`` as the product's own."""
        if field == VENDOR_CODE:
            wb.set_vendor_code(project, key, self.vendor_code.text(), label=label)
        elif field == BRAND:
            wb.set_brand(project, key, self.brand.text(), label=label)
        elif field == DIMENSIONS:
            wb.set_dimensions(project, key, self.package.dimensions(), label=label)
        elif field == PRICE:
            wb.set_price(project, key, self.price.value() or None, label=label)
