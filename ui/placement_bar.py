"""The bar under the preview for placing the product by hand on its marketplace canvas.

"Place by hand" turns the result view into a move tool (drag moves the product, the wheel scales
it); "Fills N %" (spin box or slider) sets its height share of the canvas; "Auto" gives the
placement back to the automatic one. Each gesture is one undo step, saved at once
(``app.studio.placement``); the preview renders again and shows where the export will put it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSlider, QSpinBox, QToolButton, QWidget

from app.compose.placement import MAX_FILL, MIN_FILL, Placement
from app.errors import VitrinaError
from app.project import Project
from app.studio import canvas_for, placement_for, product_of, set_fill, set_placement
from ui.image_view import ImageView

FILL_DELAY_MS = 400  # typing "65" is one change, not a "6 %" render first
_PERCENT_MIN, _PERCENT_MAX = round(MIN_FILL * 100), round(MAX_FILL * 100)


class PlacementBar(QWidget):
    changed = Signal(str)  # a placement was stored (the undo step's label): render the preview again
    applied = Signal(str)  # it was stored for several photos: what it did, for the status bar
    failed = Signal(str)  # it could not be saved: why

    def __init__(self, view: ImageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.project: Project | None = None
        self.rel = ""
        self.selected: Callable[[], list[str]] = list  # the window hands in the gallery's selection
        self._shown: Placement | None = None  # where the product is in the result on screen now
        self._updating = False  # the spin box shows a rendered fill: not the user typing one
        self.place_button = QToolButton()
        self.place_button.setText(self.tr("Place by hand"))
        self.place_button.setCheckable(True)
        self.place_button.toggled.connect(self.view.set_placing)
        self.fill_spin = QSpinBox()
        self.fill_spin.setRange(_PERCENT_MIN, _PERCENT_MAX)
        self.fill_spin.setPrefix(self.tr("Fills "))
        self.fill_spin.setSuffix(" %")
        self.fill_slider = QSlider(Qt.Orientation.Horizontal)
        self.fill_slider.setRange(_PERCENT_MIN, _PERCENT_MAX)
        self.auto_button = QPushButton(self.tr("Auto"))
        self.auto_button.clicked.connect(self.use_auto)
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.setInterval(FILL_DELAY_MS)
        self._fill_timer.timeout.connect(self.commit_fill)
        self.fill_slider.valueChanged.connect(self.fill_spin.setValue)
        self.fill_spin.valueChanged.connect(self._on_fill_typed)
        self.fill_spin.editingFinished.connect(self._commit_pending)
        self.fill_slider.sliderReleased.connect(self._commit_pending)
        view.product_moved.connect(self.move_by)
        view.product_scaled.connect(self.scale_by)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.place_button)
        layout.addWidget(self.fill_spin)
        layout.addWidget(self.fill_slider, 1)
        layout.addWidget(self.auto_button)
        self._enable(None)

    # -- what the pane tells it -------------------------------------------------------------------
    def set_photo(self, project: Project | None, rel: str) -> None:
        """The photo the preview shows (again): the bar works on it when it has a canvas."""
        if (project, rel) != (self.project, self.rel):
            self._commit_pending()  # a fill typed for the previous photo is not lost
            self._shown = None
            self.view.set_product_box(None)
        self.project, self.rel = project, rel
        self._enable(self._why_not())

    def set_rendered(self, placement: Placement | None, box: tuple[int, int, int, int] | None) -> None:
        """The preview of this photo is rendered: where its product landed on the canvas."""
        self._shown = placement
        self.view.set_product_box(box if placement is not None else None)
        if placement is not None and not self._fill_timer.isActive():
            self._show_fill(placement.fill)
        self._enable(self._why_not())

    # -- gestures --------------------------------------------------------------------------------
    def move_by(self, dx: float, dy: float) -> None:
        """A drag on the result: the product's centre moves by these shares of the canvas."""
        base = self._shown
        if base is None or base.x is None or base.y is None:
            return
        self._store([self.rel], Placement.clamped(base.fill, base.x + dx, base.y + dy),
                    self.tr("Product moved"))

    def scale_by(self, factor: float) -> None:
        """A wheel turn on the result: the product's size × ``factor``, about its centre."""
        base = self._shown
        if base is None or base.x is None or base.y is None:
            return
        # The turns of one wheel gesture merge into one undo step.
        self._store([self.rel], Placement.clamped(base.fill * factor, base.x, base.y),
                    self.tr("Product resized"), group=f"placement-wheel:{self.rel}")

    def use_auto(self) -> None:
        """Back to the automatic placement, for the selected photos (or the one shown)."""
        rels = self._targets()
        self._fill_timer.stop()
        self._store(rels, None, self.tr("Automatic placement") if len(rels) == 1
                    else self.tr("Automatic placement for %n photo(s)", "", len(rels)))

    def commit_fill(self) -> None:
        """The fill typed or slid: stored for the selected photos, each keeping its own place."""
        self._fill_timer.stop()
        if self.project is None or self._why_not():
            return
        rels = self._targets()
        value = self.fill_spin.value()
        label = (self.tr("Fills {0} %").format(value) if len(rels) == 1
                 else self.tr("Fills {0} % on %n photo(s)", "", len(rels)).format(value))
        try:
            count = set_fill(self.project, rels, value / 100, label=label, group=f"placement-fill:{self.rel}")
        except VitrinaError as exc:
            self.failed.emit(str(exc))
            return
        if count:
            if self._shown is not None:
                self._shown = Placement.clamped(value / 100, self._shown.x, self._shown.y)
            self._announce(label, len(rels))

    # -- inside ----------------------------------------------------------------------------------
    def _store(self, rels: list[str], placement: Placement | None, label: str, *, group: str = "") -> None:
        if self.project is None or not rels:
            return
        try:
            count = set_placement(self.project, rels, placement, label=label, group=group)
        except VitrinaError as exc:  # kept in memory, but the save failed: say so
            self.failed.emit(str(exc))
            return
        if placement is not None:
            self._shown = placement  # a second gesture before the new render goes on from here
            self._show_fill(placement.fill)
        if count:
            self._announce(label, len(rels))

    def _announce(self, label: str, count: int) -> None:
        self.auto_button.setEnabled(self._has_hand())
        self.changed.emit(label)
        if count > 1:
            self.applied.emit(label)

    def _on_fill_typed(self, value: int) -> None:
        self.fill_slider.blockSignals(True)
        self.fill_slider.setValue(value)
        self.fill_slider.blockSignals(False)
        if not self._updating:
            self._fill_timer.start()

    def _show_fill(self, fill: float) -> None:
        self._updating = True
        self.fill_spin.setValue(round(fill * 100))
        self._updating = False

    def _commit_pending(self) -> None:
        if self._fill_timer.isActive():
            self.commit_fill()

    def _targets(self) -> list[str]:
        """The selected photos that have a canvas, when the shown one is among them; else the shown one."""
        project, chosen = self.project, self.selected()
        if project is None or self.rel not in chosen or len(chosen) < 2:
            return [self.rel] if self.rel else []
        return [rel for rel in chosen if canvas_for(project, product_of(project, rel).key) is not None]

    def _has_hand(self) -> bool:
        return self.project is not None and any(placement_for(self.project, rel) is not None
                                                for rel in self._targets())

    def _why_not(self) -> str:
        """Why the bar cannot place this photo's product ("" when it can)."""
        if self.project is None or not self.rel:
            return self.tr("Choose a photo to place its product on the canvas")
        if canvas_for(self.project, product_of(self.project, self.rel).key) is None:
            return self.tr("The photo keeps its own size: choose a marketplace canvas to place the "
                           "product on it")
        return ""

    def _enable(self, why: str | None) -> None:
        can = why == ""
        for widget in (self.place_button, self.fill_spin, self.fill_slider, self.auto_button):
            widget.setEnabled(can)
        if not can and self.place_button.isChecked():
            self.place_button.setChecked(False)  # back to panning: there is nothing to move
        self.place_button.setEnabled(can and self._shown is not None)
        self.auto_button.setEnabled(can and self._has_hand())
        if not can:
            for widget in (self.place_button, self.fill_spin, self.fill_slider, self.auto_button):
                widget.setToolTip(why or "")
            return
        several = self.tr("With several photos selected, it applies to all of them.")
        self.place_button.setToolTip(self.tr(
            "Move and scale the product on the canvas: drag it to move it, turn the wheel to scale it "
            "(Ctrl+wheel zooms meanwhile). Off: drag pans and the wheel zooms, Ctrl+wheel scales the "
            "product. One undo step per drag."))
        fill_tip = self.tr("The product's height as a share of the canvas height (hand placement; the "
                           "export may then upscale it beyond its source pixels).") + " " + several
        self.fill_spin.setToolTip(fill_tip)
        self.fill_slider.setToolTip(fill_tip)
        self.auto_button.setToolTip(self.tr("Forget the hand placement: the product is sized and centred "
                                            "automatically again.") + " " + several)
