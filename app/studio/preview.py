"""A fast, faithful preview: the photo and its result composed at screen size.

Photo and mask are downscaled *before* composing, so a preview costs a fraction of an export. To
keep the preview faithful on a marketplace canvas, the scale is chosen so that the product lands
on the (scaled) canvas exactly as it will in the export: same fill, and the same "kept at source
size" decision when the photo is too small to fill the canvas. A hand placement
(``app.studio.placement``) is relative to the canvas, so it lands the same way on the scaled one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, NamedTuple

import numpy as np
from PIL import Image

from app import imaging
from app.compose.compose import CanvasSpec, Composed, compose
from app.compose.fit import auto_placement as auto_placement_on
from app.compose.geometry import MaskGeometry, geometry_of
from app.compose.placement import Placement
from app.project import Project
from app.studio.choices import background_for, canvas_for, card_of
from app.studio.items import product_of
from app.studio.placement import placement_for

DEFAULT_MAX_SIDE = 1024
_SURROUND = (128, 128, 128)  # around the photo in a framed "before": the preview's own surround
# Headroom so that rounding in the downscaled mask never turns "fills the canvas" into "too small".
_FIT_HEADROOM = 1.05


_Stamp = tuple[str, int, int, int]  # photo path, its mtime and size, the mask's mtime (0: none)


class Preview(NamedTuple):
    original: np.ndarray  # RGB uint8 at preview size
    result: np.ndarray | None  # RGB (or RGBA for a transparent background); None: no mask yet
    notes: list[str]
    # The original framed like the result (same size, the photo where the product landed on the
    # canvas, grey around it), so a before/after split lines up; None: no result yet.
    before: np.ndarray | None = None
    # Where the product sits on the canvas (automatic or by hand); None: no canvas or no result.
    placement: Placement | None = None
    object_box: tuple[int, int, int, int] | None = None  # the product's box in ``result``
    photo_size: tuple[int, int] = (0, 0)  # the photo's own width and height
    export_size: tuple[int, int] = (0, 0)  # the exported image's: the canvas's, or the photo's


class _Lru:
    """A tiny thread-safe LRU: the GUI renders previews on pool threads."""

    def __init__(self, capacity: int) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


# Re-rendering the same photo with another background only recomposes: the decoded, downscaled
# sources are kept. Full-size sources are few (a 12 MP photo and mask take ~48 MB).
_geometry = _Lru(256)
_full = _Lru(2)
_scaled = _Lru(6)


def render_preview(project: Project, rel: str, *, max_side: int = DEFAULT_MAX_SIDE) -> Preview:
    """The photo and its result at about ``max_side`` pixels, with the photo's own choices."""
    key = _stamp(project, rel)
    canvas = canvas_for(project, product_of(project, rel).key)
    size, geometry = _sources_info(project, rel, key)
    hand = placement_for(project, rel) if canvas is not None else None
    scale = _scale(size, geometry, canvas, max_side, hand)
    scaled = _scaled.get((key, scale))
    if scaled is None:
        photo, mask = _load_full(project, rel, key)
        target = max(1, round(max(size) * scale))
        small_mask = imaging.thumbnail(mask, target) if mask is not None else None
        scaled = (imaging.thumbnail(photo.rgb, target), small_mask, list(photo.notes))
        _scaled.put((key, scale), scaled)
    rgb, mask, notes = scaled
    export_size = size if canvas is None else (canvas.width, canvas.height)
    if mask is None:
        return Preview(rgb, None, list(notes), photo_size=size, export_size=export_size)
    preview_canvas = None
    if canvas is not None:
        k = _canvas_scale(canvas, max_side)
        preview_canvas = CanvasSpec(max(1, round(canvas.width * k)), max(1, round(canvas.height * k)),
                                    canvas.fill, canvas.allow_upscale)
    card = card_of(project, product_of(project, rel).key)
    hint = card.provenance.get("shape") if card is not None else None  # as the export does
    composed = compose(rgb, mask, background_for(project, rel), preview_canvas, layout_hint=hint,
                       placement=hand)
    before = rgb if preview_canvas is None else _framed(rgb, composed)
    return Preview(rgb, composed.image, [*notes, *composed.notes], before, composed.placement,
                   composed.object_box, size, export_size)


def auto_placement(project: Project, rel: str) -> Placement | None:
    """Where the automatic placement puts the photo's product on its canvas, at export resolution.

    None without a canvas or a mask with an object: the place a drag by hand starts from.
    """
    canvas = canvas_for(project, product_of(project, rel).key)
    if canvas is None:
        return None
    geometry = _sources_info(project, rel, _stamp(project, rel))[1]
    return auto_placement_on(geometry, canvas) if geometry is not None else None


def _sources_info(project: Project, rel: str, key: _Stamp) -> tuple[tuple[int, int], MaskGeometry | None]:
    """The photo's size and its mask's object geometry (None: no mask yet), cached by stamp."""
    info = _geometry.get(key)
    if info is None:
        photo, mask = _load_full(project, rel, key)
        info = (photo.size, geometry_of(mask) if mask is not None else None)
        _geometry.put(key, info)
    return info


def _framed(rgb: np.ndarray, composed: Composed) -> np.ndarray:
    """The photo moved and scaled as compose placed its product on the canvas."""
    height, width = composed.image.shape[:2]
    frame = Image.new("RGB", (width, height), _SURROUND)
    if composed.empty:
        return np.asarray(frame)
    s = composed.scale
    dx, dy = composed.offset
    size = (max(1, round(rgb.shape[1] * s)), max(1, round(rgb.shape[0] * s)))
    frame.paste(Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR), (round(dx), round(dy)))
    return np.asarray(frame)


def _stamp(project: Project, rel: str) -> _Stamp:
    """What the sources depend on: the photo file and the saved mask (0 when there is none)."""
    st = project.photo_path(rel).stat()
    mask_stamp = 0
    if project.photo(rel).mask_source:
        try:
            mask_stamp = project.mask_path(rel).stat().st_mtime_ns
        except OSError:
            mask_stamp = 0
    return (str(project.photo_path(rel)), st.st_mtime_ns, st.st_size, mask_stamp)


def _load_full(project: Project, rel: str, key: _Stamp) -> tuple[imaging.Photo, np.ndarray | None]:
    cached = _full.get(key)
    if cached is None:
        photo = imaging.load_photo(project.photo_path(rel))
        mask = project.load_mask(rel) if key[3] else None
        if mask is not None and mask.shape != photo.rgb.shape[:2]:
            mask = None  # made for another version of the file: not this photo's mask
        cached = (photo, mask)
        _full.put(key, cached)
    return cached


def _canvas_scale(canvas: CanvasSpec, max_side: int) -> float:
    return min(1.0, max_side / max(canvas.width, canvas.height))


def _scale(size: tuple[int, int], geometry: MaskGeometry | None, canvas: CanvasSpec | None,
           max_side: int, hand: Placement | None = None) -> float:
    """How much to shrink the photo before composing (1.0 = full size)."""
    fast = min(1.0, max_side / max(size))
    if canvas is None or geometry is None or geometry.empty:
        return fast
    k = _canvas_scale(canvas, max_side)
    x0, y0, x1, y1 = geometry.bbox
    if hand is not None:  # the user's fill sets the export's scale, with no width limit
        fit = hand.fill * canvas.height / (y1 - y0)
    else:
        fit = min(canvas.fill * canvas.height / (y1 - y0), canvas.fill * canvas.width / (x1 - x0))
    if fit > 1.0:
        # The export places the product at its source size (or upscales it by ``fit``): shrinking
        # the photo exactly as much as the canvas keeps that decision, and its note, identical.
        return k
    return min(1.0, max(fast, fit * k * _FIT_HEADROOM))
