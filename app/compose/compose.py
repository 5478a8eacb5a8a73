"""Put the cut-out product on its background: placed on a canvas (``app.compose.fit``) and
alpha-composited (``app.compose.blend``).

Compositing is I = αF + (1−α)B in float32 with one rounding at the end, so soft mask edges give
exactly the linear mix (no dark or light fringe). Only the soft edge pixels need that arithmetic:
opaque pixels are copied and fully transparent ones take the background, which keeps a 12 MP photo
well under a second on one core.

F at soft edges is the estimated product colour (``app.compose.decontaminate``), not the photo's pixel,
which still holds part of the old backdrop. Shadow and reflection (``app.compose.shadow``) are a float
layer over a small rectangle of the background, rounded once like the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from PIL import Image

from app.compose.backgrounds import BackgroundSpec, render, resolve
from app.compose.blend import (
    DITHER,
    NO_DITHER,
    blend,
    paste_rgba,
    quantize_layer,
    quantized,
    rgba,
    rgba_block,
)
from app.compose.decontaminate import estimate_foreground
from app.compose.edges import refine_alpha
from app.compose.fit import CanvasSpec, Fit, crop_box, hand_place, place, relative
from app.compose.geometry import MaskGeometry, geometry_of
from app.compose.layout import choose_layout
from app.compose.placement import Placement
from app.compose.shadow import floor_effects
from app.i18n import _

__all__ = ["CanvasSpec", "Composed", "compose"]  # CanvasSpec lives in fit.py; callers import it here

# How far beyond the bbox soft edge pixels are looked for (and decontaminated).
_EDGE_REACH = 0.1
_EDGE_REACH_MIN_PX = 16


@dataclass
class Composed:
    """The result image (RGB, or RGBA for a transparent background) and what happened on the way."""

    image: np.ndarray
    horizon_y: int | None
    scale: float
    notes: list[str]
    object_box: tuple[int, int, int, int] | None  # where the object landed in ``image``
    source_rgb: np.ndarray = field(repr=False)
    source_alpha: np.ndarray = field(repr=False)  # the mask as composited (after feather/holes)
    layout: str = ""  # the background kind used ("plane", "flat", …; "auto" resolved)
    decontaminated: bool = False
    offset: tuple[float, float] = (0.0, 0.0)  # image x = source x × scale + offset[0] (y likewise)
    # Where the product sits on the canvas, automatic or by hand (None: no canvas, or no object).
    placement: Placement | None = None
    _clean: _Patch | None = field(default=None, repr=False)

    @property
    def empty(self) -> bool:
        """No object was found in the mask: the image is background only (or fully transparent)."""
        return self.object_box is None

    @cached_property
    def cutout(self) -> np.ndarray:
        """RGBA at source resolution, edges decontaminated like the image, colour zeroed where
        alpha is 0 (the old backdrop's noise there is invisible and made the PNG 2-3x slower)."""
        image = rgba(self.source_rgb, self.source_alpha)
        clean = self._clean
        if clean is None and self.decontaminated:
            clean = _decontaminated(self.source_rgb, self.source_alpha, geometry_of(self.source_alpha))
        if clean is not None:
            clean.paste(image)
        return image


@dataclass(frozen=True)
class _Patch:
    """Decontaminated colour over ``box`` of the source; everything outside it is the photo's own."""

    box: tuple[int, int, int, int]
    rgb: np.ndarray
    soft: tuple[np.ndarray, np.ndarray]  # (rows, cols) in the box: the only pixels that differ

    def paste(self, image: np.ndarray) -> None:
        """Into an image of the source's size: only the soft pixels, the rest is the photo's own."""
        x0, y0 = self.box[:2]
        rows, cols = self.soft
        image[rows + y0, cols + x0, :3] = self.rgb[rows, cols]


def compose(
    rgb: np.ndarray,
    alpha: np.ndarray,
    background: BackgroundSpec,
    canvas: CanvasSpec | None = None,
    *,
    dither: bool = False,
    decontaminate: bool = True,
    feather: float = 0.0,
    fill_holes: float = 0.0,
    layout_hint: str | None = None,
    placement: Placement | None = None,
) -> Composed:
    """Composite the masked product onto ``background``, at the photo's size or placed on ``canvas``.

    ``dither`` helps only lossless (PNG/WebP-lossless) output of gradient backgrounds.
    ``decontaminate``: estimate the product's colour at soft edges (no halo of the old backdrop).
    ``feather``: blur the mask's edge by this share of the object's longer side (0 = off).
    ``fill_holes``: close holes in the mask up to this share of the object's area (0 = off).
    ``layout_hint``: text about how the object is shown, for an ``auto`` background.
    ``placement``: the user's own size and place on ``canvas`` instead of the automatic one.
    """
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must be uint8 H×W×3, got {rgb.dtype} {rgb.shape}")
    if alpha.dtype != np.uint8 or alpha.shape != rgb.shape[:2]:
        raise ValueError(f"alpha must be uint8 {rgb.shape[:2]}, got {alpha.dtype} {alpha.shape}")
    spec = resolve(background)
    geometry = geometry_of(alpha)
    if spec.kind == "auto":
        spec = replace(spec, kind=choose_layout(geometry, layout_hint))
    notes = [_("no object found in the mask")] if geometry.empty else []
    transparent = spec.kind == "transparent"
    alpha = refine_alpha(alpha, geometry, feather=feather, fill_holes=fill_holes)
    clean = None
    shift, where = (0.0, 0.0), None

    if canvas is None:
        size = (rgb.shape[1], rgb.shape[0])
        placed, scale, offset = geometry, 1.0, (0, 0)
        fg, fg_alpha, premultiplied = rgb, alpha, False
        # Only around the object: no 12 MP copy; soft crumbs far from it keep the photo's colour.
        clean = _decontaminated(rgb, alpha, geometry) if decontaminate else None
    else:
        size = (canvas.width, canvas.height)
        at = place(geometry, canvas) if placement is None else hand_place(geometry, canvas, placement)
        notes += at.notes
        scale, shift = at.scale, (at.dx, at.dy)
        where = relative(geometry, canvas, at)
        placed = geometry.placed(scale, at.dx, at.dy, *size)
        # Decontaminated once, at source resolution (before resampling mixes edge pixels with
        # their neighbours); the cut-out reuses the same patch.
        clean = _decontaminated(rgb, alpha, geometry) if decontaminate else None
        fg, fg_alpha, offset, premultiplied = _scaled_crop(
            rgb, alpha, at, premultiply=not transparent, clean=clean
        )

    bg = render(spec, size, placed)
    if bg.note:
        notes.append(bg.note)
    if bg.pixels is None:
        image = rgba(fg, fg_alpha) if canvas is None else paste_rgba(fg, fg_alpha, offset, size)
        if clean is not None and canvas is None:
            clean.paste(image)
    else:
        thresholds = DITHER if dither else NO_DITHER
        image = quantized(bg.pixels, thresholds)
        floor = floor_effects(spec.kind, spec, bg.pixels, fg, fg_alpha, offset, premultiplied, placed,
                              bg.horizon_y)
        if floor is not None:
            quantize_layer(image, floor, thresholds)
        blend(image, bg.pixels, fg, fg_alpha, offset, premultiplied, thresholds, floor,
               clean if canvas is None else None)
    return Composed(
        image=image,
        horizon_y=bg.horizon_y,
        scale=scale,
        notes=notes,
        object_box=None if placed.empty else placed.bbox,
        source_rgb=rgb,
        source_alpha=alpha,
        layout=spec.kind,
        decontaminated=decontaminate,
        offset=shift,
        placement=where,
        _clean=clean,
    )


def _decontaminated(rgb: np.ndarray, alpha: np.ndarray, geometry: MaskGeometry) -> _Patch | None:
    if geometry.empty:
        return None
    box = _edge_box(alpha, geometry)
    x0, y0, x1, y1 = box
    soft = np.nonzero((alpha[y0:y1, x0:x1] - np.uint8(1)) < 254)  # 0 < α < 255, via uint8 wrap-around
    return _Patch(box, estimate_foreground(rgb, alpha, box), soft)


def _edge_box(alpha: np.ndarray, geometry: MaskGeometry) -> tuple[int, int, int, int]:
    """The crop box, grown to every soft pixel near the object: a soft rim wider than the crop
    margin (a blurred mask, a mask upsampled 4x) is decontaminated too. Crumbs farther away keep
    the photo's colour, so a speck in a corner does not make this a full-frame pass."""
    cx0, cy0, cx1, cy1 = crop_box(geometry)
    x0, y0, x1, y1 = geometry.bbox
    reach = max(_EDGE_REACH_MIN_PX, round(_EDGE_REACH * max(x1 - x0, y1 - y0)))
    ox0, oy0 = max(0, x0 - reach), max(0, y0 - reach)
    ox1, oy1 = min(geometry.width, x1 + reach), min(geometry.height, y1 + reach)
    soft = (alpha[oy0:oy1, ox0:ox1] - np.uint8(1)) < 254
    rows, cols = np.flatnonzero(soft.any(axis=1)), np.flatnonzero(soft.any(axis=0))
    if rows.size == 0:
        return cx0, cy0, cx1, cy1
    return (min(cx0, ox0 + int(cols[0])), min(cy0, oy0 + int(rows[0])),
            max(cx1, ox0 + int(cols[-1]) + 1), max(cy1, oy0 + int(rows[-1]) + 1))


def _scaled_crop(
    rgb: np.ndarray, alpha: np.ndarray, placement: Fit, *, premultiply: bool, clean: _Patch | None
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], bool]:
    """The crop resampled to canvas scale: (colour, alpha, top-left on canvas, premultiplied?).

    ``clean`` is the decontaminated colour over the same box (``_crop_box``), or None."""
    x0, y0, x1, y1 = placement.box
    if x1 <= x0 or y1 <= y0:
        return rgb[:0, :0], alpha[:0, :0], (0, 0), False
    if clean is not None:
        px0, py0 = clean.box[:2]
        colour = clean.rgb[y0 - py0 : y1 - py0, x0 - px0 : x1 - px0]  # the patch covers the crop box
    else:
        colour = rgb[y0:y1, x0:x1]
    scale = placement.scale
    offset = (round(x0 * scale + placement.dx), round(y0 * scale + placement.dy))
    if scale == 1.0:
        return colour, alpha[y0:y1, x0:x1], offset, False
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    im = Image.fromarray(rgba_block(colour, alpha[y0:y1, x0:x1]))
    # Resample premultiplied so the colour of transparent pixels cannot bleed into the edge.
    # For compositing keep it premultiplied (no lossy 8-bit division back); for a transparent
    # result Pillow un-premultiplies RGBA itself.
    im = im.convert("RGBa") if premultiply else im
    out = np.asarray(im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
    return out, out[..., 3], offset, premultiply


