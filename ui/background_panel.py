"""Background and canvas choices for the selected photos, applied (and saved) the moment they are made."""

from __future__ import annotations

from dataclasses import replace
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

from app.compose.background_names import background_name
from app.compose.backgrounds import SHADOW_FIELDS, BackgroundSpec, presets, resolve
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
)
from app.studio.clipboard import BACKGROUND, Settings, paste, set_shadow
from app.studio.presets import UserPreset, apply_preset
from ui.images import over_checker, to_qimage
from ui.shadow_controls import ShadowControls
from ui.user_presets import UserPresets

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


_PLAIN_SHADOW = {name: getattr(BackgroundSpec(), name) for name in SHADOW_FIELDS}


def look(spec: BackgroundSpec) -> BackgroundSpec:
    """The background without its shadow: Mint with a longer shadow is still Mint."""
    return replace(spec, **_PLAIN_SHADOW)


def shown_colour(spec: BackgroundSpec | None) -> str:
    """The colour a background shows most of, for the colour dialog to start from."""
    if spec is None:
        return "#ffffff"
    try:
        spec = resolve(spec)
    except (KeyError, ValueError):
        return "#ffffff"
    if spec.kind == "solid":
        return spec.color
    if spec.kind == "gradient":
        return spec.top
    if spec.kind in ("plane", "flat", "auto"):
        return spec.wall
    return "#ffffff"


def two_lines(name: str) -> str:
    """``name`` broken at its middle-most space or hyphen (kept on the first line), for a narrow button."""
    breaks = [i for i, ch in enumerate(name) if ch in " -"]
    if not breaks:
        return name
    at = min(breaks, key=lambda i: abs(len(name) - 2 * i))
    return name[:at + 1].rstrip() + "\n" + name[at + 1:].lstrip()


class BackgroundPanel(QWidget):
    changed = Signal()  # a choice was applied and saved: the preview should be rendered again
    applied = Signal(str)  # a bulk choice was made: what it did, for the status bar (it can be undone)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.rels: list[str] = []
        self.specs: list[BackgroundSpec] = []  # the selected photos' backgrounds, in their order
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.swatches: dict[str, tuple[QToolButton, BackgroundSpec]] = {}
        self._names: dict[str, str] = {}  # swatch key -> its label without the mnemonic
        grid = QGridLayout()
        # The core names the shipped presets (so Settings says the same); one added to backgrounds.json
        # shows its own name.
        named = [("plane", background_name("plane"), BackgroundSpec()),
                 *((name, background_name(name), BackgroundSpec(kind="preset", name=name))
                   for name in presets()),
                 ("transparent", background_name("transparent"), BackgroundSpec(kind="transparent"))]
        for i, (key, label, spec) in enumerate(named):
            button = self._swatch(label, swatch_icon(spec))
            button.clicked.connect(lambda _=False, s=spec: self.choose(s))
            self.swatches[key] = (button, spec)
            self._names[key] = label
            grid.addWidget(button, i // _COLUMNS, i % _COLUMNS)
        self.colour_button = self._swatch(self.tr("Colour…"), QIcon())
        self.colour_button.clicked.connect(self._pick_colour)
        self.image_button = self._swatch(self.tr("Image…"), QIcon())
        self._names["image"] = self.tr("Image…")
        self.image_button.clicked.connect(self._pick_image)
        grid.addWidget(self.colour_button, len(named) // _COLUMNS, len(named) % _COLUMNS)
        grid.addWidget(self.image_button, (len(named) + 1) // _COLUMNS, (len(named) + 1) % _COLUMNS)

        self.presets = UserPresets(self._swatch, swatch_icon)  # the user's own, in the same group
        self.presets.chosen.connect(self.apply_user_preset)
        self.presets.save_requested.connect(self.save_as_preset)
        self.presets.changed.connect(self._show_current)

        self.shadow = ShadowControls()
        self.shadow.edited.connect(self.apply_shadow)

        self.marketplace = QComboBox()
        self.marketplace.setPlaceholderText(self.tr("mixed"))  # shown while the products differ
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
        layout.addWidget(self.presets)
        layout.addWidget(self.shadow)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.apply_all)
        layout.addStretch(1)
        self.set_context(None, [])

    def _swatch(self, label: str, icon: QIcon) -> QToolButton:
        button = QToolButton()
        button.setCheckable(True)
        # Four swatches share the side panel's width: a two-word name ("Светло-серый", "Стена и пол")
        # goes on two lines rather than being cut, and the tooltip always has the whole name.
        button.setText(two_lines(label))
        button.setToolTip(label.replace("&", ""))
        button.setIcon(icon)
        button.setIconSize(QSize(SWATCH, SWATCH))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setMinimumWidth(SWATCH + 16)
        self.group.addButton(button)
        return button

    # -- what the choice applies to -------------------------------------------------------------
    def set_context(self, project: Project | None, rels: list[str]) -> None:
        self.shadow.flush()  # a slider moved a moment ago belongs to the photos selected until now
        self.project, self.rels = project, list(rels) if project is not None else []
        chosen = bool(self.rels)
        for widget in (*self.group.buttons(), self.marketplace, self.apply_all, self.shadow):
            widget.setEnabled(chosen)
        self.presets.set_usable(chosen)
        self.specs = [background_for(project, rel) for rel in self.rels] if project is not None else []
        self.scope.setText(self.tr("Select photos in the gallery to choose their background.") if not chosen
                           else self.tr("Applies to %n selected photo(s).", "", len(self.rels)))
        self.shadow.show_values(self.specs)
        self._show_current()

    def products(self) -> list[str]:
        assert self.project is not None
        return list(dict.fromkeys(product_of(self.project, rel).key for rel in self.rels))

    def current(self) -> BackgroundSpec | None:
        """The first selected photo's background (what the panel shows as chosen)."""
        return background_for(self.project, self.rels[0]) if self.project and self.rels else None

    def _markets(self) -> list[str]:
        """The selected products' canvases, each once, the first photo's first ("" = own size)."""
        assert self.project is not None
        return list(dict.fromkeys(marketplace_of(self.project, key) for key in self.products()))

    def _show_current(self) -> None:
        spec = self.current()
        self.group.setExclusive(False)  # lets every button be unchecked for a moment
        for button in self.group.buttons():
            button.setChecked(False)
        self.group.setExclusive(True)
        self.warning.setText("")
        if spec is None or self.project is None:
            return
        markets = self._markets()
        own = self.presets.matching(spec, markets[0])
        match = next((b for b, s in self.swatches.values() if look(s) == look(spec)), None)
        if own is not None:
            own.setChecked(True)
        elif match is not None:
            match.setChecked(True)
        elif spec.kind == "solid":
            self.colour_button.setChecked(True)
            self.colour_button.setIcon(swatch_icon(spec))
        elif spec.kind == "image":
            self.image_button.setChecked(True)
            self.image_button.setToolTip(f"{self._names['image']}\n{spec.path}")
        if len(markets) > 1:
            self.marketplace.setCurrentIndex(-1)  # "mixed": nothing changes until the user picks
        else:
            self.marketplace.setCurrentIndex(max(0, self.marketplace.findData(markets[0] or ORIGINAL_SIZE)))
        self._warn_transparent()

    def _warn_transparent(self) -> None:
        assert self.project is not None
        for rel, spec in zip(self.rels, self.specs, strict=True):
            market = marketplace_of(self.project, product_of(self.project, rel).key)
            if spec.kind == "transparent" and market and not marketplaces.get(market).transparency:
                self.warning.setText(self.tr("{0} does not accept transparent images; choose a background.")
                                     .format(marketplaces.get(market).name))
                return

    # -- choices --------------------------------------------------------------------------------
    def name_of(self, spec: BackgroundSpec) -> str:
        """What the user calls a background, for the undo history and the status bar."""
        key = next((k for k, (_b, s) in self.swatches.items() if look(s) == look(spec)), None)
        if key is not None:
            return self._names[key]
        if spec.kind == "solid":
            return self.tr("Colour {0}").format(spec.color)
        if spec.kind == "image":
            return self.tr("Image {0}").format(Path(spec.path).name)
        return self.tr("Background")

    def _refresh(self) -> None:
        """After a choice: show it, and let the window render the preview again."""
        if self.project is not None:
            self.specs = [background_for(self.project, rel) for rel in self.rels]
        self.shadow.show_values(self.specs)
        self._show_current()
        self.changed.emit()

    def choose(self, spec: BackgroundSpec) -> None:
        """This background for the selected photos; each keeps its own shadow."""
        if self.project is None or not self.rels:
            return
        label = self.tr("{0} for %n photo(s)", "", len(self.rels)).format(self.name_of(spec))
        paste(self.project, self.rels, Settings(spec, "", None, {}), {BACKGROUND}, label=label)
        self._refresh()

    def apply_shadow(self, values: dict[str, float], group: str) -> None:
        """A moved slider: that field of each selected photo's own background, nothing else of it."""
        if self.project is None or not self.rels:
            return
        label = self.tr("Shadow for %n photo(s)", "", len(self.rels))
        set_shadow(self.project, self.rels, values, label=label, group=group)
        self.specs = [background_for(self.project, rel) for rel in self.rels]
        self._show_current()  # the sliders stay where the hand left them
        self.changed.emit()

    def choose_marketplace(self, key: str) -> None:
        if self.project is None or not self.rels:
            return
        products = self.products()
        name = self.marketplace.itemText(max(0, self.marketplace.findData(key or ORIGINAL_SIZE)))
        label = self.tr("Canvas {0} for %n product(s)", "", len(products)).format(name)
        set_marketplace(self.project, products, key, label=label)
        self._refresh()

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
        self._refresh()
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

    # -- the user's presets -------------------------------------------------------------------
    def apply_user_preset(self, preset: UserPreset) -> None:
        if self.project is None or not self.rels:
            return
        label = self.tr("{0} for %n photo(s)", "", len(self.rels)).format(preset.name)
        apply_preset(self.project, self.rels, preset, label=label)
        self._refresh()

    def save_as_preset(self) -> UserPreset | None:
        """The first selected photo's background, shadow and canvas, under a name the user gives."""
        spec = self.current()
        if self.project is None or spec is None:
            return None
        name = self.presets.ask_name()
        if not name:
            return None
        preset = UserPreset(name, spec, self._markets()[0] or ORIGINAL_SIZE)
        return preset if self.presets.save(preset) else None

    # -- colour and image -----------------------------------------------------------------------
    def _pick_colour(self) -> None:
        start = QColor(shown_colour(self.current()))  # the colour on screen now, not white
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
