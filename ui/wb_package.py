"""The packed product as Wildberries takes it — length × width × height in whole centimetres and the
weight in kilograms — for one product (the Card text tab's Wildberries section) and for an export
folder's products without their own (Publish to Wildberries…)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from app.publish.wb.listing import Dimensions

# Called by this name with literal strings so that pyside6-lupdate finds them; the words are the
# Wildberries section's own (its "WBListingPanel" translation context), wherever they are laid out.
translate = QCoreApplication.translate
UNSET = "—"  # what a zero reads as: not given


class _WheelWhenFocused:
    """Scrolling a form over a number box must not change the number: only a focused box takes the wheel."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():  # type: ignore[attr-defined]
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            event.ignore()


class NumberBox(_WheelWhenFocused, QSpinBox):
    pass


class DecimalBox(_WheelWhenFocused, QDoubleSpinBox):
    pass


class PackageFields(QObject):
    """``size`` (L × W × H boxes in a row) and ``weight``, to lay out where they fit; zero is unset."""

    changed = Signal()  # the user changed a number (not set_dimensions)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._setting = False
        self.length, self.width, self.height = NumberBox(), NumberBox(), NumberBox()
        self.size = QWidget()
        row = QHBoxLayout(self.size)
        row.setContentsMargins(0, 0, 0, 0)
        sides = (translate("WBListingPanel", "Length"), translate("WBListingPanel", "Width"),
                 translate("WBListingPanel", "Height"))
        for n, (spin, side) in enumerate(zip((self.length, self.width, self.height), sides, strict=True)):
            spin.setRange(0, 1000)
            spin.setSpecialValueText(UNSET)
            spin.setToolTip(translate("WBListingPanel", "{0} of the package in cm").format(side))
            if n:
                row.addWidget(QLabel("×"))
            row.addWidget(spin, 1)
        self.weight = DecimalBox()
        self.weight.setRange(0, 1000)
        self.weight.setDecimals(3)
        self.weight.setSingleStep(0.1)
        self.weight.setSpecialValueText(UNSET)
        self.weight.setToolTip(translate("WBListingPanel", "Weight of the packed product in kg"))
        for spin in (self.length, self.width, self.height, self.weight):
            spin.valueChanged.connect(self._on_change)

    def dimensions(self) -> Dimensions | None:
        """What is typed; None while all four are unset."""
        dims = Dimensions(self.length.value(), self.width.value(), self.height.value(),
                          round(self.weight.value(), 3))
        return dims if dims.length or dims.width or dims.height or dims.weight else None

    def set_dimensions(self, dims: Dimensions | None) -> None:
        self._setting = True
        try:
            self.length.setValue(dims.length if dims else 0)
            self.width.setValue(dims.width if dims else 0)
            self.height.setValue(dims.height if dims else 0)
            self.weight.setValue(dims.weight if dims else 0.0)
        finally:
            self._setting = False

    def set_enabled(self, enabled: bool) -> None:
        self.size.setEnabled(enabled)
        self.weight.setEnabled(enabled)

    def _on_change(self) -> None:
        if not self._setting:
            self.changed.emit()
