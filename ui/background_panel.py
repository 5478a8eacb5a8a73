"""Background and canvas choices for the selected photos, applied (and saved) the moment they are made."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.compose.backgrounds import BackgroundSpec, presets
from app.compose.compose import compose
from app.marketplace import marketplaces
from app.project import Project
from app.studio import (
    ORIGINAL_SIZE,
    all_photos,
    background_for,
    marketplace_of,
    photos_with_own_background,
    product_of,
    set_all_backgrounds,
    set_marketplace,
    set_photo_background,
)
from ui.images import over_checker, to_qimage

SWATCH = 56
_COLUMNS = 4
IMAGE_PATTERNS = "*.jpg *.jpeg *.png *.webp *.tif *.tiff *.bmp"


@cache
def _swatch_scene() -> tuple[np.ndarray, np.ndarray]:
    """A grey "product" standing on the background, so a plane's horizon reads in the swatch."""
    yy, xx = np.mgrid[0:SWATCH, 0:SWATCH]
    mask = (((xx - SWATCH / 2) / (SWATCH * 0.2)) ** 2 + ((yy - SWATCH * 0.5) / (SWATCH * 0.3)) ** 2) <= 1
    rgb = np.full((SWATCH, SWATCH, 3), 110, np.uint8)
    return rgb, np.where(mask, 255, 0).astype(np.uint8)


def swatch_icon(spec: BackgroundSpec) -> QIcon:
    rgb, mask = _swatch_scene()
    return QIcon(over_checker(to_qimage(compose(rgb, mask, spec).image)))


class BackgroundPanel(QWidget):
    changed = Signal()  # a choice was applied and saved: the preview should be rendered again
    applied = Signal(str)  # a bulk choice was made: what it did, for the status bar (it can be undone)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.rels: list[str] = []
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.swatches: dict[str, tuple[QToolButton, BackgroundSpec]] = {}
        self._names: dict[str, str] = {}  # swatch key -> its label without the mnemonic
        grid = QGridLayout()
        # Shipped presets get translated names; one added to backgrounds.json shows its own name.
        known = {"white": self.tr("White"), "pure-white": self.tr("Pure white"),
                 "light-grey": self.tr("Light grey"), "warm-grey": self.tr("Warm grey"),
                 "cream": self.tr("Cream"), "pale-blue": self.tr("Pale blue"), "mint": self.tr("Mint"),
                 "soft-pink": self.tr("Soft pink")}
        named = [("plane", self.tr("Plane"), BackgroundSpec()),
                 *((name, known.get(name, name.replace("-", " ").capitalize()),
                    BackgroundSpec(kind="preset", name=name)) for name in presets()),
                 ("transparent", self.tr("Transparent"), BackgroundSpec(kind="transparent"))]
        for i, (key, label, spec) in enumerate(named):
            button = self._swatch(label, swatch_icon(spec))
            button.clicked.connect(lambda _=False, s=spec: self.choose(s))
            self.swatches[key] = (button, spec)
            self._names[key] = label
            grid.addWidget(button, i // _COLUMNS, i % _COLUMNS)
        self.colour_button = self._swatch(self.tr("Colour…"), QIcon())
        self.colour_button.clicked.connect(self._pick_colour)
        self.image_button = self._swatch(self.tr("Image…"), QIcon())
        self.image_button.clicked.connect(self._pick_image)
        grid.addWidget(self.colour_button, len(named) // _COLUMNS, len(named) % _COLUMNS)
        grid.addWidget(self.image_button, (len(named) + 1) // _COLUMNS, (len(named) + 1) % _COLUMNS)

        self.marketplace = QComboBox()
        self.marketplace.addItem(self.tr("Photo's own size"), ORIGINAL_SIZE)
        for key, m in marketplaces.marketplaces().items():
            self.marketplace.addItem(f"{m.name} — {m.canvas_width}×{m.canvas_height}", key)
        self.marketplace.activated.connect(lambda i: self.choose_marketplace(self.marketplace.itemData(i)))
        self.apply_all = QPushButton(self.tr("Apply background to all photos"))
        self.apply_all.setToolTip(self.tr("Use this background for every photo in the folder (asks before "
                                          "replacing a photo's own choice; each product keeps its canvas)"))
        self.apply_all.clicked.connect(self.apply_to_all)
        self.scope = QLabel()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b35900")

        form = QFormLayout()
        form.addRow(self.tr("Canvas:"), self.marketplace)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.apply_all)
        layout.addStretch(1)
        self.set_context(None, [])

    def _swatch(self, label: str, icon: QIcon) -> QToolButton:
        button = QToolButton()
        button.setCheckable(True)
        button.setText(label)
        button.setIcon(icon)
        button.setIconSize(QSize(SWATCH, SWATCH))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setMinimumWidth(SWATCH + 16)
        self.group.addButton(button)
        return button

    # -- what the choice applies to -------------------------------------------------------------
    def set_context(self, project: Project | None, rels: list[str]) -> None:
        self.project, self.rels = project, list(rels)
        for button in self.group.buttons():
            button.setEnabled(bool(self.rels))
        self.marketplace.setEnabled(bool(self.rels))
        self.apply_all.setEnabled(bool(self.rels))
        self.scope.setText(self.tr("Select photos in the gallery to choose their background.") if not rels
                           else self.tr("Applies to %n selected photo(s).", "", len(rels)))
        self._show_current()

    def products(self) -> list[str]:
        assert self.project is not None
        return list(dict.fromkeys(product_of(self.project, rel).key for rel in self.rels))

    def current(self) -> BackgroundSpec | None:
        """The first selected photo's background (what the panel shows as chosen)."""
        return background_for(self.project, self.rels[0]) if self.project and self.rels else None

    def _show_current(self) -> None:
        spec = self.current()
        self.group.setExclusive(False)  # lets every button be unchecked for a moment
        for button in self.group.buttons():
            button.setChecked(False)
        self.group.setExclusive(True)
        self.warning.setText("")
        if spec is None or self.project is None:
            return
        match = next((b for b, s in self.swatches.values() if s == spec), None)
        if match is not None:
            match.setChecked(True)
        elif spec.kind == "solid":
            self.colour_button.setChecked(True)
            self.colour_button.setIcon(swatch_icon(spec))
        elif spec.kind == "image":
            self.image_button.setChecked(True)
            self.image_button.setToolTip(spec.path)
        market = marketplace_of(self.project, product_of(self.project, self.rels[0]).key)
        self.marketplace.setCurrentIndex(max(0, self.marketplace.findData(market or ORIGINAL_SIZE)))
        if spec.kind == "transparent" and market and not marketplaces.get(market).transparency:
            self.warning.setText(self.tr("{0} does not accept transparent images; choose a background.")
                                 .format(marketplaces.get(market).name))

    # -- choices --------------------------------------------------------------------------------
    def name_of(self, spec: BackgroundSpec) -> str:
        """What the user calls a background, for the undo history and the status bar."""
        key = next((k for k, (_b, s) in self.swatches.items() if s == spec), None)
        if key is not None:
            return self._names[key]
        if spec.kind == "solid":
            return self.tr("Colour {0}").format(spec.color)
        if spec.kind == "image":
            return self.tr("Image {0}").format(Path(spec.path).name)
        return self.tr("Background")

    def choose(self, spec: BackgroundSpec) -> None:
        if self.project is None or not self.rels:
            return
        label = self.tr("{0} for %n photo(s)", "", len(self.rels)).format(self.name_of(spec))
        set_photo_background(self.project, self.rels, spec, label=label)
        self._show_current()
        self.changed.emit()

    def choose_marketplace(self, key: str) -> None:
        if self.project is None or not self.rels:
            return
        products = self.products()
        name = self.marketplace.itemText(max(0, self.marketplace.findData(key or ORIGINAL_SIZE)))
        label = self.tr("Canvas {0} for %n product(s)", "", len(products)).format(name)
        set_marketplace(self.project, products, key, label=label)
        self._show_current()
        self.changed.emit()

    def apply_to_all(self) -> None:
        """The shown background for every photo; only the background (each product keeps its canvas)."""
        spec = self.current()
        if self.project is None or spec is None:
            return
        own = photos_with_own_background(self.project, spec)
        keep_own = False
        if own:
            answer = self.ask_replace_own(len(own), self.name_of(spec))
            if answer is None:
                return
            keep_own = answer
        count = len(all_photos(self.project)) - (len(own) if keep_own else 0)
        label = self.tr("{0} applied to %n photo(s)", "", count).format(self.name_of(spec))
        set_all_backgrounds(self.project, spec, keep_own=keep_own, label=label)
        self._show_current()
        self.changed.emit()
        self.applied.emit(label)

    def ask_replace_own(self, count: int, name: str) -> bool | None:
        """Replace the photos' own backgrounds (False), keep them (True), or Cancel (None)?"""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Apply to all photos"),
                          self.tr("Replace the background of %n photo(s) that have their own choice?", "",
                                  count), buttons.Yes | buttons.No | buttons.Cancel, self)
        box.setInformativeText(self.tr("Replace: every photo gets {0}. Keep their own: only the other photos "
                                       "get it. Either way, Edit → Undo takes it back.").format(name))
        box.button(buttons.Yes).setText(self.tr("Replace"))
        box.button(buttons.No).setText(self.tr("Keep their own"))
        box.setDefaultButton(buttons.No)  # Enter must not overwrite anyone's choice
        box.setEscapeButton(buttons.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is None or clicked is box.button(buttons.Cancel):
            return None
        return clicked is box.button(buttons.No)

    def _pick_colour(self) -> None:
        current = self.current()
        start = QColor(current.color if current is not None and current.kind == "solid" else "#ffffff")
        colour = QColorDialog.getColor(start, self, self.tr("Background colour"))
        if colour.isValid():
            self.choose(BackgroundSpec(kind="solid", color=colour.name()))
        else:
            self._show_current()  # cancelled: the button must not look chosen

    def _pick_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Background image"), str(Path.home()),
                                              self.tr("Images ({0})").format(IMAGE_PATTERNS))
        if path:
            self.choose(BackgroundSpec(kind="image", path=path))
        else:
            self._show_current()
