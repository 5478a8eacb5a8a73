"""Sliders for the shadow and the reflection of the selected photos' backgrounds.

A slider shows only when a selected background draws that field (``shadow_fields``). With photos
whose values differ, it sits at the first photo's value and reads "mixed"; only a slider the user
moves is applied, so the others keep each photo's own value. Dragging applies after a short pause
(not once per pixel), and a whole drag is one undo step: its applications share one ``group``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from app.compose.backgrounds import SHADOW_FIELDS, BackgroundSpec
from app.studio.clipboard import shadow_fields

STEPS = 100  # slider positions per unit of the field
DEBOUNCE_MS = 120  # a pause this long while dragging renders the preview; a release renders at once
_SIGNED = {"shadow_direction"}  # −1 (left) … 1 (right); the others run 0 … 1
_groups = count(1)


class ShadowControls(QWidget):
    edited = Signal(dict, str)  # {field: value} the user moved, and the undo group of this drag

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        names = {"shadow_opacity": self.tr("Shadow strength"), "shadow_softness": self.tr("Softness"),
                 "shadow_length": self.tr("Length"), "shadow_direction": self.tr("Direction"),
                 "reflection": self.tr("Reflection")}
        tips = {"shadow_opacity": self.tr("How dark the shadow under the product is (0 = no shadow)"),
                "shadow_softness": self.tr("How blurred the shadow's edge is"),
                "shadow_length": self.tr("How far the shadow reaches toward the viewer"),
                "shadow_direction": self.tr("Which way the shadow leans"),
                "reflection": self.tr("A mirror image on a glossy floor (0 = off)")}
        self.sliders: dict[str, QSlider] = {}
        self.readouts: dict[str, QLabel] = {}
        self._rows: dict[str, list[QWidget]] = {}
        self._mixed: set[str] = set()
        self._touched: set[str] = set()
        self._loading = False
        self._group = ""
        self._new_group()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)

        # tr() outside the f-string: lupdate does not read calls inside one, so it stayed English.
        title = self.tr("Shadow and reflection")
        self.title = QLabel(f"<b>{title}</b>")
        grid = QGridLayout()
        for row, name in enumerate(SHADOW_FIELDS):
            label = QLabel(names[name])
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(-STEPS if name in _SIGNED else 0, STEPS)
            slider.setToolTip(tips[name])
            slider.valueChanged.connect(lambda _v, n=name: self._on_moved(n))
            slider.sliderPressed.connect(self._new_group)
            slider.sliderReleased.connect(self._on_released)
            readout = QLabel()
            readout.setMinimumWidth(56)
            readout.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            widgets: list[QWidget] = [label, readout]
            if name in _SIGNED:
                holder = QWidget()
                line = QHBoxLayout(holder)
                line.setContentsMargins(0, 0, 0, 0)
                left, right = QLabel(self.tr("left")), QLabel(self.tr("right"))
                line.addWidget(left)
                line.addWidget(slider, 1)
                line.addWidget(right)
                grid.addWidget(holder, row, 1)
                widgets.append(holder)
            else:
                grid.addWidget(slider, row, 1)
                widgets.append(slider)
            grid.addWidget(label, row, 0)
            grid.addWidget(readout, row, 2)
            self.sliders[name], self.readouts[name], self._rows[name] = slider, readout, widgets
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        self.show_values([])

    # -- what the sliders show ------------------------------------------------------------------
    def show_values(self, specs: Sequence[BackgroundSpec]) -> None:
        """The selected photos' backgrounds, first one first. Anything still pending is applied first."""
        self.flush()
        self._new_group()
        self._loading = True
        self._mixed.clear()
        shown = False
        used = [(spec, shadow_fields(spec)) for spec in specs]
        for name in SHADOW_FIELDS:
            values = [getattr(spec, name) for spec, names in used if name in names]
            for widget in self._rows[name]:
                widget.setVisible(bool(values))
            if not values:
                continue
            shown = True
            self.sliders[name].setValue(round(values[0] * STEPS))
            if len(set(values)) > 1:
                self._mixed.add(name)
            self._show_readout(name)
        self._loading = False
        self.title.setVisible(shown)
        self.setVisible(shown)

    def value(self, name: str) -> float:
        return self.sliders[name].value() / STEPS

    def is_mixed(self, name: str) -> bool:
        return name in self._mixed

    def _show_readout(self, name: str) -> None:
        if name in self._mixed:
            self.readouts[name].setText(self.tr("mixed"))
            return
        value = self.sliders[name].value()
        if name in _SIGNED:
            text = (self.tr("left {0} %").format(-value) if value < 0 else
                    self.tr("right {0} %").format(value) if value > 0 else self.tr("straight"))
        else:
            text = self.tr("{0} %").format(value)
        self.readouts[name].setText(text)

    # -- what the user does ---------------------------------------------------------------------
    def _on_moved(self, name: str) -> None:
        if self._loading:
            return
        self._mixed.discard(name)  # every selected photo gets this value now
        self._touched.add(name)
        self._show_readout(name)
        if self.sliders[name].isSliderDown():
            self._timer.start()  # while dragging: apply when the hand pauses
        else:
            self.flush()  # a click on the track, a key, the wheel: one step, applied now

    def _on_released(self) -> None:
        self.flush()
        self._new_group()

    def _new_group(self) -> None:
        # Keys and clicks between two drags share a group too, so holding an arrow key is one step.
        self._group = f"shadow-{next(_groups)}"

    def flush(self) -> None:
        """Apply what was moved and not yet applied (before the selection changes, for one)."""
        self._timer.stop()
        if not self._touched:
            return
        values = {name: self.value(name) for name in self._touched}
        self._touched.clear()
        self.edited.emit(values, f"{self._group}:{','.join(sorted(values))}")
