"""The brush's controls: restore/erase, size, hardness, overlay layers, plus the editor's actions.

Three rows: the brush mode and size on this toolbar, hardness and the layers on
:attr:`BrushToolbar.view_row`, the editor's actions (undo, redo, reset, fit) on
:attr:`BrushToolbar.actions_row`, so that none of them hides behind "»" in a
photo-sized pane. It only shows and reports values; the editor owns the brush and calls
:meth:`show_brush` back.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QSlider, QToolBar, QWidget

from app.maskedit import Brush

RADIUS_MIN = 1.0
RADIUS_MAX = 1000.0
_SLIDER_STEPS = 1000


def radius_to_slider(radius: float) -> int:
    """Logarithmic: small brushes get as much of the slider's travel as big ones."""
    r = min(RADIUS_MAX, max(RADIUS_MIN, radius))
    return round(_SLIDER_STEPS * math.log(r / RADIUS_MIN) / math.log(RADIUS_MAX / RADIUS_MIN))


def slider_to_radius(value: int) -> float:
    return round(RADIUS_MIN * (RADIUS_MAX / RADIUS_MIN) ** (value / _SLIDER_STEPS), 1)


class BrushToolbar(QToolBar):
    modeChanged = Signal(str)
    radiusChanged = Signal(float)
    hardnessChanged = Signal(float)
    layersChanged = Signal(bool, bool)  # show mask overlay, show uncertain band

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("brushToolbar")
        self.restore_action = self._checkable(
            self.tr("Restore"), self.tr("Paint the product back in (X toggles)")
        )
        self.erase_action = self._checkable(
            self.tr("Erase"), self.tr("Paint the background away (X toggles)")
        )
        modes = QActionGroup(self)
        modes.setExclusive(True)
        for action, mode in ((self.restore_action, "restore"), (self.erase_action, "erase")):
            modes.addAction(action)
            self.addAction(action)
            action.triggered.connect(lambda _checked=False, m=mode: self.modeChanged.emit(m))
        self.addSeparator()

        self.size_slider = self._slider(0, _SLIDER_STEPS, self.tr("Brush size ([ and ] change it)"))
        self.size_label = QLabel(self)
        self.size_slider.valueChanged.connect(self._on_size)
        self._add_labelled(self.tr("Size"), self.size_slider, self.size_label,
                           self.tr("%n px", "", round(slider_to_radius(_SLIDER_STEPS))))
        # Hardness and the layers share the second row, the editor's actions the third: in Russian
        # at 1280 px two rows hid sliders and Fit behind "»".
        self.view_row = QToolBar(parent)
        self.view_row.setObjectName("brushViewToolbar")
        self.hardness_slider = self._slider(0, 100, self.tr("Edge hardness: 0 % soft, 100 % sharp"))
        self.hardness_label = QLabel(self)
        self.hardness_slider.valueChanged.connect(self._on_hardness)
        self._add_labelled(self.tr("Hardness"), self.hardness_slider, self.hardness_label, "100 %",
                           self.view_row)
        self.view_row.addSeparator()
        self.actions_row = QToolBar(parent)
        self.actions_row.setObjectName("brushActionsToolbar")
        self.overlay_action = self._checkable(self.tr("Overlay"), self.tr("Tint the removed background"))
        self.overlay_action.setChecked(True)
        self.band_action = self._checkable(
            self.tr("Unsure edge"), self.tr("Highlight half-transparent pixels")
        )
        for action in (self.overlay_action, self.band_action):
            self.view_row.addAction(action)
            action.toggled.connect(self._on_layers)

    def add_editor_actions(self, actions: list[QAction]) -> None:
        for action in actions:
            self.actions_row.addAction(action)

    def show_brush(self, brush: Brush) -> None:
        """Reflect ``brush`` in the controls without reporting it back."""
        (self.restore_action if brush.mode == "restore" else self.erase_action).setChecked(True)
        for slider, value in (
            (self.size_slider, radius_to_slider(brush.radius)),
            (self.hardness_slider, round(brush.hardness * 100)),
        ):
            slider.blockSignals(True)
            slider.setValue(value)
            slider.blockSignals(False)
        self.size_label.setText(self.tr("%n px", "", max(1, round(brush.radius))))
        self.hardness_label.setText(f"{round(brush.hardness * 100)} %")

    def _on_size(self, value: int) -> None:
        self.radiusChanged.emit(slider_to_radius(value))

    def _on_hardness(self, value: int) -> None:
        self.hardnessChanged.emit(value / 100.0)

    def _on_layers(self, _checked: bool) -> None:
        self.layersChanged.emit(self.overlay_action.isChecked(), self.band_action.isChecked())

    def _checkable(self, text: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setToolTip(tip)
        return action

    def _slider(self, lo: int, hi: int, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal, self)
        slider.setRange(lo, hi)
        slider.setFixedWidth(90)
        slider.setToolTip(tip)
        slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the canvas ([, ], space)
        return slider

    def _add_labelled(self, title: str, slider: QSlider, value_label: QLabel, widest: str,
                      row: QToolBar | None = None) -> None:
        # As wide as its longest value in this language ("500 пикс."), so the toolbar never cuts it.
        value_label.setMinimumWidth(value_label.fontMetrics().horizontalAdvance(widest) + 8)
        row = row or self
        row.addWidget(QLabel(title, row))
        row.addWidget(slider)
        row.addWidget(value_label)
