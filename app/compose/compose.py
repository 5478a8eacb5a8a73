"""Put the cut-out product on its background: placement on a canvas and alpha compositing.

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

from app import formats
from app.compose.backgrounds import BackgroundSpec, is_row_constant, render, resolve, row_colours
from app.compose.decontaminate import estimate_foreground
from app.compose.edges import refine_alpha
from app.compose.geometry import MaskGeometry, geometry_of
from app.compose.layout import choose_layout
from app.compose.placement import Placement
from app.compose.shadow import Layer, floor_effects
from app.i18n import _
from app.marketplace import marketplaces

# Soft rim kept around the object's bbox when cropping: the bbox is taken at alpha ≥ 128, the
# fading edge lies just outside it.
_CROP_MARGIN = 0.02
_CROP_MARGIN_MIN_PX = 4
# How far beyond the bbox soft edge pixels are looked for (and decontaminated).
_EDGE_REACH = 0.1
_EDGE_REACH_MIN_PX = 16
# A hand scale this close to 1 is the source size (the fill's float rounding), not an upscale.
_SAME_SCALE = 1e-6
# Soft pixels are blended in batches to bound the float temporaries on a fully soft mask.
_BATCH = 1 << 20


def _bayer(n: int = 8) -> np.ndarray:
    m = np.zeros((1, 1), np.int32)
    while m.shape[0] < n:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return ((m + 0.5) / m.size).astype(np.float32)


# Opt-in ordered dither (thresholds in (0, 1), so floor(v + t) rounds with ±0.5 LSB of
# deterministic noise whose 8×8 block mean is exact; integer colours are untouched). Measured on a
# #f8f8f8→#e3e3e3 gradient, 1200×1600: the worst 8-row mean error drops from 0.45 to 0.03 LSB in
# lossless output, but after JPEG q90–95 it is 0.64–0.70 LSB against 0.45–0.46 rounded — JPEG
# re-quantises the pattern. JPEG is the usual export, so plain rounding (t = 0.5) is the default.
_DITHER = _bayer()
_NO_DITHER = np.full((8, 8), 0.5, np.float32)


@dataclass(frozen=True)
class CanvasSpec:
    """A fixed output canvas: the product's height is ``fill`` of the canvas height (width permitting)."""

    width: int
    height: int
    fill: float = 0.85
    allow_upscale: bool = False

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1 or not 0.0 < self.fill <= 1.0:
            raise ValueError(f"bad canvas {self.width}×{self.height} fill {self.fill}")

    @classmethod
    def for_marketplace(cls, key: str, *, allow_upscale: bool = False) -> CanvasSpec:
        m = marketplaces.get(key)
        return cls(m.canvas_width, m.canvas_height, m.fill, allow_upscale)


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
        image = _rgba(self.source_rgb, self.source_alpha)
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


@dataclass(frozen=True)
class _Placement:
    scale: float
    dx: float  # canvas x = source x × scale + dx
    dy: float
    box: tuple[int, int, int, int]  # source crop
    notes: tuple[str, ...]


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
        at = _place(geometry, canvas) if placement is None else _hand_place(geometry, canvas, placement)
        notes += at.notes
        scale, shift = at.scale, (at.dx, at.dy)
        where = _relative(geometry, canvas, at)
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
        image = _rgba(fg, fg_alpha) if canvas is None else _paste_rgba(fg, fg_alpha, offset, size)
        if clean is not None and canvas is None:
            clean.paste(image)
    else:
        thresholds = _DITHER if dither else _NO_DITHER
        image = _quantized(bg.pixels, thresholds)
        floor = floor_effects(spec.kind, spec, bg.pixels, fg, fg_alpha, offset, premultiplied, placed,
                              bg.horizon_y)
        if floor is not None:
            _quantize_layer(image, floor, thresholds)
        _blend(image, bg.pixels, fg, fg_alpha, offset, premultiplied, thresholds, floor,
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


def _crop_box(geometry: MaskGeometry) -> tuple[int, int, int, int]:
    """The object's bbox plus the soft rim around it (the bbox is taken at alpha ≥ 128)."""
    x0, y0, x1, y1 = geometry.bbox
    margin = max(_CROP_MARGIN_MIN_PX, round(_CROP_MARGIN * max(x1 - x0, y1 - y0)))
    return (
        max(0, x0 - margin),
        max(0, y0 - margin),
        min(geometry.width, x1 + margin),
        min(geometry.height, y1 + margin),
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
    cx0, cy0, cx1, cy1 = _crop_box(geometry)
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


def _place(geometry: MaskGeometry, canvas: CanvasSpec) -> _Placement:
    """Scale to the target fill (never beyond source pixels unless allowed), centre, keep it inside."""
    if geometry.empty:
        return _Placement(1.0, 0.0, 0.0, (0, 0, 0, 0), ())
    x0, y0, x1, y1 = geometry.bbox
    notes: list[str] = []
    fit = min(canvas.fill * canvas.height / (y1 - y0), canvas.fill * canvas.width / (x1 - x0))
    scale = fit
    if fit > 1.0 and canvas.allow_upscale:
        notes.append(_upscale_note(fit))
    elif fit > 1.0:
        scale = 1.0
        notes.append(
            _("product kept at its source size: filling {fill} of the canvas would need "
              "{factor}× upscaling, so it fills {share} of the height").format(
                fill=formats.percent(canvas.fill), factor=formats.decimal(fit, 1),
                share=formats.percent((y1 - y0) / canvas.height))
        )
    dx, dy = _auto_offset(geometry, canvas, scale, notes)
    return _Placement(scale, dx, dy, _crop_box(geometry), tuple(notes))


def _upscale_note(factor: float) -> str:
    return _("product upscaled {factor}× beyond its source pixels — may look soft").format(
        factor=formats.decimal(factor, 1))


def _auto_offset(geometry: MaskGeometry, canvas: CanvasSpec, scale: float,
                 notes: list[str]) -> tuple[float, float]:
    """Where the automatic placement puts the object at ``scale``: centred, a bottom cut on the bottom."""
    x0, y0, x1, y1 = geometry.bbox
    dx = (canvas.width - (x1 - x0) * scale) / 2 - x0 * scale
    if geometry.touches_bottom:
        # Cut by the photo's bottom edge: keep the cut on the canvas's edge, where it reads as
        # "continues out of frame" rather than a floating slice.
        dy = canvas.height - y1 * scale
        notes.append(_("object is cut by the photo's bottom edge; placed on the canvas's bottom edge"))
    else:
        dy = (canvas.height - (y1 - y0) * scale) / 2 - y0 * scale
        if geometry.touches_frame:
            notes.append(_("object is cut by the photo's edge; the cut will show on the canvas"))
    return dx, dy


def _hand_place(geometry: MaskGeometry, canvas: CanvasSpec, hand: Placement) -> _Placement:
    """The user's size and place: the bbox height is ``fill`` of the canvas, its centre at (x, y).

    Unlike the automatic placement this may upscale beyond the source pixels and may cut the
    object at the canvas edge, because the user asked for it; the notes say what that costs.
    """
    if geometry.empty:
        return _place(geometry, canvas)
    x0, y0, x1, y1 = geometry.bbox
    scale = hand.fill * canvas.height / (y1 - y0)
    notes: list[str] = []
    if scale > 1.0 + _SAME_SCALE:
        notes.append(_upscale_note(scale))
    if hand.x is not None and hand.y is not None:
        dx = hand.x * canvas.width - (x0 + x1) / 2 * scale
        dy = hand.y * canvas.height - (y0 + y1) / 2 * scale
        if geometry.touches_frame:
            notes.append(_("object is cut by the photo's edge; the cut will show on the canvas"))
    else:
        dx, dy = _auto_offset(geometry, canvas, scale, notes)
    left, top = round(x0 * scale + dx), round(y0 * scale + dy)
    right, bottom = round(x1 * scale + dx), round(y1 * scale + dy)
    if right - left > canvas.width:
        notes.append(_("filling {fill} of the height makes the product wider than the canvas: "
                       "its sides are cut").format(fill=formats.percent(hand.fill)))
    elif left < 0 or top < 0 or right > canvas.width or bottom > canvas.height:
        notes.append(_("product placed partly off the canvas: the part outside is cut"))
    return _Placement(scale, dx, dy, _crop_box(geometry), tuple(notes))


def _relative(geometry: MaskGeometry, canvas: CanvasSpec, placed: _Placement) -> Placement | None:
    """A placement in canvas shares: where the product landed, as a hand placement would say it."""
    if geometry.empty:
        return None
    x0, y0, x1, y1 = geometry.bbox
    s = placed.scale
    return Placement.clamped((y1 - y0) * s / canvas.height, ((x0 + x1) / 2 * s + placed.dx) / canvas.width,
                             ((y0 + y1) / 2 * s + placed.dy) / canvas.height)


def auto_placement(geometry: MaskGeometry, canvas: CanvasSpec) -> Placement | None:
    """Where ``compose`` puts the object on ``canvas`` by itself (None: no object in the mask)."""
    return _relative(geometry, canvas, _place(geometry, canvas))


def _scaled_crop(
    rgb: np.ndarray, alpha: np.ndarray, placement: _Placement, *, premultiply: bool, clean: _Patch | None
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
    im = Image.fromarray(_rgba_block(colour, alpha[y0:y1, x0:x1]))
    # Resample premultiplied so the colour of transparent pixels cannot bleed into the edge.
    # For compositing keep it premultiplied (no lossy 8-bit division back); for a transparent
    # result Pillow un-premultiplies RGBA itself.
    im = im.convert("RGBa") if premultiply else im
    out = np.asarray(im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
    return out, out[..., 3], offset, premultiply


def _clip(
    offset: tuple[int, int], shape: tuple[int, ...], size: tuple[int, int]
) -> tuple[slice, slice, slice, slice]:
    """Canvas and source slices of a shape-sized block at ``offset`` clipped to the canvas."""
    ox, oy = offset
    h, w = shape[:2]
    cx0, cy0 = max(0, ox), max(0, oy)
    cx1, cy1 = min(size[0], ox + w), min(size[1], oy + h)
    cx1, cy1 = max(cx0, cx1), max(cy0, cy1)
    return slice(cy0, cy1), slice(cx0, cx1), slice(cy0 - oy, cy1 - oy), slice(cx0 - ox, cx1 - ox)


def _paste_rgba(
    fg: np.ndarray, fg_alpha: np.ndarray, offset: tuple[int, int], size: tuple[int, int]
) -> np.ndarray:
    image = np.zeros((size[1], size[0], 4), np.uint8)
    cy, cx, sy, sx = _clip(offset, fg.shape, size)
    np.copyto(image[cy, cx, :3], fg[sy, sx, :3], where=fg_alpha[sy, sx, None] != 0)
    image[cy, cx, 3] = fg_alpha[sy, sx]
    return image


def _rgba_block(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """RGBA of the colour as it is (resampling premultiplies, so hidden colour cannot show)."""
    image = np.empty((*alpha.shape, 4), np.uint8)
    image[..., :3].view("V3")[..., 0] = np.ascontiguousarray(rgb[..., :3]).view("V3")[..., 0]
    image[..., 3] = alpha
    return image


def _rgba(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """RGBA with the colour zeroed where alpha is 0 (invisible, and noise there costs PNG time)."""
    # Copying RGB as 3-byte items is about twice as fast as np.dstack.
    image = np.zeros((*alpha.shape, 4), np.uint8)
    np.copyto(image[..., :3].view("V3")[..., 0], np.ascontiguousarray(rgb[..., :3]).view("V3")[..., 0],
              where=alpha != 0)
    image[..., 3] = alpha
    return image


def _quantized(pixels: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """uint8 background: floor(255·B + t), the only rounding a background pixel gets."""
    height, width = pixels.shape[:2]
    image = np.empty((height, width, 3), np.uint8)
    if is_row_constant(pixels):
        # Rows are one colour, so the dithered image repeats every 8 columns: build 8, tile them.
        rows = row_colours(pixels) * np.float32(255)
        tile = np.floor(rows[:, None, :] + thresholds[np.arange(height) % 8][:, :, None])
        tile = np.clip(tile, 0, 255).astype(np.uint8)
        whole = width // 8
        tiled = np.lib.stride_tricks.as_strided(
            image,
            shape=(height, whole, 8, 3),
            strides=(image.strides[0], 8 * image.strides[1], image.strides[1], image.strides[2]),
            writeable=True,
        )
        tiled[...] = tile[:, None]
        image[:, whole * 8 :] = tile[:, : width - whole * 8]
        return image
    across = thresholds[:, np.arange(width) % 8]  # 8×W
    for top in range(0, height, 256):
        stop = min(height, top + 256)
        chunk = pixels[top:stop] * np.float32(255) + across[np.arange(top, stop) % 8][:, :, None]
        image[top:stop] = np.clip(np.floor(chunk, out=chunk), 0, 255, out=chunk)
    return image


def _blend(
    image: np.ndarray,
    background: np.ndarray,
    fg: np.ndarray,
    fg_alpha: np.ndarray,
    offset: tuple[int, int],
    premultiplied: bool,
    thresholds: np.ndarray,
    floor: Layer | None = None,
    clean: _Patch | None = None,
) -> None:
    """Write the product (H×W×3, or ×4 with alpha last) over the quantised ``image``, in place.

    ``floor`` replaces ``background`` over its rectangle (the shadow under soft base pixels);
    ``clean`` replaces ``fg``'s colour over its box (``fg`` at offset (0, 0) only).
    """
    cy, cx, sy, sx = _clip(offset, fg.shape, (image.shape[1], image.shape[0]))
    colour, alpha = np.ascontiguousarray(fg[sy, sx]), np.ascontiguousarray(fg_alpha[sy, sx])
    if alpha.size == 0:
        return
    # Opaque pixels: a straight copy of F (P = F at α = 1), three bytes at a time.
    region = image[cy, cx]
    np.copyto(region.view("V3")[..., 0], colour[..., :3].view("V3")[..., 0], where=alpha == 255)

    # Soft pixels (0 < α < 255, found via uint8 wrap-around) by flat index: gathers and scatters
    # on flat arrays are several times faster than on (y, x) pairs.
    soft = np.flatnonzero((alpha - np.uint8(1)) < 254)
    width = alpha.shape[1]
    rows = row_colours(background) * np.float32(255) if is_row_constant(background) else None
    flat_colour = colour.reshape(-1, colour.shape[2])
    flat_image = image.reshape(-1).view("V3")
    for start in range(0, soft.size, _BATCH):
        idx = soft[start : start + _BATCH]
        y, x = np.divmod(idx, width)
        y += cy.start
        x += cx.start
        a = np.take(alpha.reshape(-1), idx).astype(np.float32)[:, None] * np.float32(1 / 255)
        f = np.take(flat_colour, idx, axis=0)[:, :3].astype(np.float32)
        if clean is not None:
            px0, py0, px1, py1 = clean.box
            inside = (y >= py0) & (y < py1) & (x >= px0) & (x < px1)
            f[inside] = clean.rgb[y[inside] - py0, x[inside] - px0]
        b = rows[y] if rows is not None else background[y, x] * np.float32(255)
        if floor is not None:
            fx0, fy0, fx1, fy1 = floor.box
            inside = (y >= fy0) & (y < fy1) & (x >= fx0) & (x < fx1)
            b[inside] = floor.values[y[inside] - fy0, x[inside] - fx0]
        mixed = (f if premultiplied else a * f) + (1 - a) * b
        mixed += thresholds[y % 8, x % 8][:, None]
        out = np.clip(np.floor(mixed, out=mixed), 0, 255, out=mixed).astype(np.uint8)
        np.put(flat_image, y * image.shape[1] + x, out.reshape(-1).view("V3"))


def _quantize_layer(image: np.ndarray, layer: Layer, thresholds: np.ndarray) -> None:
    """Write float pixels (0..255) of ``layer`` into ``image`` with the background's rounding."""
    x0, y0, x1, y1 = layer.box
    t = thresholds[np.arange(y0, y1) % 8][:, np.arange(x0, x1) % 8]
    values = layer.values + t[..., None]
    image[y0:y1, x0:x1] = np.clip(np.floor(values, out=values), 0, 255)
