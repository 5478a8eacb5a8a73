"""Shadows and reflections under the product, derived from its mask: deterministic, floor only.

Plane (product standing on a floor): a contact shadow from the mask's base band (its lowest
~10 %), mirrored and squashed onto the floor, blurred in proportion to the object's width; a thin,
dark, sharp core right at the contact line over a wider soft shade. It is cut at the horizon, so
the wall is never touched. An optional reflection mirrors the product on a glossy floor.
Flat (top-down backdrop): a soft drop shadow of the whole silhouette, slightly offset.

Everything is computed over a rectangle around the base only (a few % of the frame), the soft part
on a grid coarse enough for its blur, so a 12 MP frame costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image

from app.compose.filters import box_sums, gaussian_blur
from app.compose.geometry import MaskGeometry

# The base band: the lowest share of the object's height that makes the shadow's footprint.
BASE_BAND = 0.10
# The core: rows of the base that touch the floor (share of height) and how fast it fades.
_CORE_ROWS = 0.006
_CORE_FADE = 0.006
# The soft shade's peak relative to the core's, and the soft grid's cells per blur sigma.
_SOFT_WEIGHT = 0.7
_CELLS_PER_SIGMA = 4.0
# A reflection covers this share of the object's height below the horizon.
REFLECTION_LENGTH = 0.35
# Flat-lay drop shadow: offset (share of height) and its strength relative to the plane's.
_DROP_OFFSET = 0.015
_DROP_WEIGHT = 0.6


class FloorSpec(Protocol):
    """The shadow settings of a background spec (``app.compose.backgrounds.BackgroundSpec``)."""

    shadow_opacity: float
    shadow_softness: float
    shadow_length: float
    shadow_direction: float
    reflection: float


@dataclass(frozen=True)
class Layer:
    """Values over the rectangle at (x0, y0) of the frame."""

    x0: int
    y0: int
    values: np.ndarray

    @property
    def box(self) -> tuple[int, int, int, int]:
        h, w = self.values.shape[:2]
        return self.x0, self.y0, self.x0 + w, self.y0 + h


def contact_shadow(
    alpha: np.ndarray,
    offset: tuple[int, int],
    geometry: MaskGeometry,
    horizon_y: int,
    *,
    opacity: float,
    softness: float,
    length: float,
    direction: float,
) -> Layer | None:
    """Darkness (0..opacity; the floor is multiplied by 1 − darkness) below ``horizon_y``.

    ``alpha`` is the product's mask placed at ``offset`` in a frame described by ``geometry``
    (frame coordinates). ``softness``: blur sigma as a share of the object's width; ``length``:
    how far the footprint reaches toward the viewer, as a share of its height; ``direction``:
    −1…1, the shade leans left/right (light from the other side).
    """
    if opacity <= 0 or geometry.empty or horizon_y >= geometry.height:
        return None
    bx0, by0, bx1, by1 = geometry.bbox
    obj_w, obj_h = bx1 - bx0, by1 - by0
    sigma = max(0.5, softness * obj_w)
    reach = max(1.0, length * obj_h)
    lean = direction * reach
    pad = int(3 * sigma + abs(lean)) + 2
    x0, x1 = max(0, bx0 - pad), min(geometry.width, bx1 + pad)
    y1 = min(geometry.height, horizon_y + int(reach + 3 * sigma) + 2)
    band = _base_band(alpha, offset, geometry.base_y, max(2, round(BASE_BAND * obj_h)), x0, x1)
    if band is None or x1 <= x0:
        return None

    core_rows = max(1, round(_CORE_ROWS * obj_h))
    contact = band[:core_rows].max(axis=0)
    soft = _soft_shade(band, reach, sigma, lean, y1 - horizon_y)
    # Beside the contact the floor meets the wall at the horizon: a shade starting there at full
    # strength draws a hard line along it. So it fades in from the horizon, except where the
    # object touches the floor, where the shadow is darkest right at the contact.
    under = _smooth(contact, sigma / 2)
    ramp_rows = max(2.0, min(reach, sigma))
    t = np.clip((np.arange(soft.shape[0]) + 0.5) / ramp_rows, 0.0, 1.0)
    ramp = (t * t * (3 - 2 * t))[:, None]
    soft = soft * (under + (1 - under) * ramp).astype(np.float32)
    core = _core(contact, obj_w, obj_h, y1 - horizon_y)
    shade = 1.0 - (1.0 - core) * (1.0 - _SOFT_WEIGHT * soft)
    return Layer(x0, horizon_y, (opacity * shade).astype(np.float32))


def drop_shadow(
    alpha: np.ndarray,
    offset: tuple[int, int],
    geometry: MaskGeometry,
    *,
    opacity: float,
    softness: float,
    direction: float,
) -> Layer | None:
    """Darkness under a flat-lay: the silhouette blurred and nudged down (and sideways)."""
    if opacity <= 0 or geometry.empty:
        return None
    bx0, by0, bx1, by1 = geometry.bbox
    obj_w, obj_h = bx1 - bx0, by1 - by0
    sigma = max(0.5, softness * obj_w)
    dy = _DROP_OFFSET * obj_h
    dx = direction * dy
    pad = int(3 * sigma + abs(dx) + dy) + 2
    x0, y0 = max(0, bx0 - pad), max(0, by0 - pad)
    x1, y1 = min(geometry.width, bx1 + pad), min(geometry.height, by1 + pad)
    f = max(1, int(sigma / _CELLS_PER_SIGMA))
    frame = np.zeros((y1 - y0, x1 - x0), np.uint8)
    _paste(frame, alpha, (offset[0] - x0, offset[1] - y0))
    small = np.asarray(Image.fromarray(frame).reduce(f), np.float32) / 255.0
    blurred = gaussian_blur(small, sigma / f)
    peak = float(blurred.max())
    if peak <= 0:
        return None
    shifted = Image.fromarray(blurred / peak, "F").transform(
        small.shape[::-1], Image.Transform.AFFINE, (1, 0, -dx / f, 0, 1, -dy / f), Image.Resampling.BILINEAR
    )
    values = np.asarray(shifted.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR), np.float32)
    return Layer(x0, y0, np.clip(values, 0, 1) * np.float32(_DROP_WEIGHT * opacity))


def reflection(
    colour: np.ndarray,
    alpha: np.ndarray,
    offset: tuple[int, int],
    premultiplied: bool,
    geometry: MaskGeometry,
    horizon_y: int,
    opacity: float,
) -> tuple[Layer, Layer] | None:
    """The product mirrored below the horizon and fading out: (premultiplied colour 0..255, weight).

    The floor under it becomes floor·(1 − weight) + colour.
    """
    if opacity <= 0 or geometry.empty:
        return None
    ox, oy = offset
    h, w = alpha.shape
    obj_h = geometry.bbox[3] - geometry.bbox[1]
    rows = min(round(REFLECTION_LENGTH * obj_h), geometry.height - horizon_y)
    d = np.arange(max(rows, 0))
    source = geometry.base_y - d - oy  # the row mirrored onto horizon + d, in the crop
    keep = (source >= 0) & (source < h)
    d, source = d[keep], source[keep]
    x0, x1 = max(0, ox), min(geometry.width, ox + w)
    if d.size == 0 or x1 <= x0:
        return None
    fade = (opacity * (1.0 - d / max(rows, 1)) ** 2).astype(np.float32)[:, None]
    a = alpha[source][:, x0 - ox : x1 - ox].astype(np.float32) * np.float32(1 / 255)
    c = colour[source][:, x0 - ox : x1 - ox, :3].astype(np.float32)
    premult = c if premultiplied else c * a[..., None]
    top = horizon_y + int(d[0])
    return Layer(x0, top, premult * fade[..., None]), Layer(x0, top, a * fade)


def _base_band(
    alpha: np.ndarray, offset: tuple[int, int], base_y: int, rows: int, x0: int, x1: int
) -> np.ndarray | None:
    """Alpha (0..1) of the ``rows`` lowest object rows over frame columns x0..x1; row 0 = base."""
    ox, oy = offset
    band = np.zeros((rows, x1 - x0), np.float32)
    for k in range(rows):
        y = base_y - k - oy
        if not 0 <= y < alpha.shape[0]:
            continue
        c0, c1 = max(x0, ox), min(x1, ox + alpha.shape[1])
        if c1 > c0:
            band[k, c0 - x0 : c1 - x0] = alpha[y, c0 - ox : c1 - ox] * np.float32(1 / 255)
    return band if band.any() else None


def _soft_shade(band: np.ndarray, reach: float, sigma: float, lean: float, height: int) -> np.ndarray:
    """The footprint — the base band mirrored about the contact line and squashed to ``reach``
    rows each way — blurred by ``sigma``; returned for the rows below the contact, peak = 1."""
    f = max(1, int(sigma / _CELLS_PER_SIGMA))
    rows, width = band.shape
    gw = -(-width // f)
    cols = np.add.reduceat(band, np.arange(0, width, f), axis=1) / f  # column blocks of f
    margin = int(3 * sigma / f) + 1
    half = int(np.ceil(reach / f))
    depth = (np.arange(-half - margin, -(-height // f) + margin) + 0.5) * f  # px in front of contact
    k = np.abs(depth) * rows / reach
    inside = k < rows
    # Denser near the contact, so the blurred shade is darkest where the product touches.
    weight = np.where(inside, 1.0 - 0.5 * np.minimum(k / rows, 1.0), 0.0)
    footprint = cols[np.minimum(k.astype(np.intp), rows - 1)] * weight[:, None]
    if lean:
        shift = lean * np.clip(depth / reach, 0.0, None) / f  # cells; only in front of the contact
        grid_x = np.arange(gw)[None, :] - shift[:, None]
        lo = np.clip(np.floor(grid_x).astype(np.intp), 0, gw - 1)
        t = (grid_x - np.floor(grid_x)).astype(np.float32)
        hi = np.clip(lo + 1, 0, gw - 1)
        rows_idx = np.arange(footprint.shape[0])[:, None]
        footprint = footprint[rows_idx, lo] * (1 - t) + footprint[rows_idx, hi] * t
    blurred = gaussian_blur(footprint, sigma / f)
    start = half + margin  # the first grid row in front of the contact
    ahead = blurred[start:]
    peak = float(blurred.max())
    if peak <= 0:
        return np.zeros((height, width), np.float32)
    image = Image.fromarray((ahead / peak).astype(np.float32), "F")
    # Cell centres sit at (i + 0.5)·f: resize maps cell edges to pixel edges, which matches.
    full = image.resize((gw * f, ahead.shape[0] * f), Image.Resampling.BILINEAR)
    return np.asarray(full, np.float32)[:height, :width]


def _core(profile: np.ndarray, obj_w: int, obj_h: int, height: int) -> np.ndarray:
    """The dark, nearly sharp line right under the contact: the contact profile, slightly blurred
    sideways, fading over a few rows."""
    smooth = _smooth(profile, max(0.6, 0.004 * obj_w))
    fade_rows = max(1.0, _CORE_FADE * obj_h)
    rows = min(height, int(6 * fade_rows) + 1)
    fade = np.exp(-(np.arange(rows) + 0.5) / fade_rows)
    core = np.zeros((height, profile.size), np.float32)
    core[:rows] = (fade[:, None] * smooth[None, :]).astype(np.float32)
    return core


def _smooth(profile: np.ndarray, sigma: float) -> np.ndarray:
    """A 1-D profile blurred by about ``sigma`` (three box passes), values kept within 0..1."""
    radius = max(1, round(sigma))
    out = profile.astype(np.float64)
    for _ in range(3):
        out = box_sums(out, radius, 0) / (2 * radius + 1)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _paste(frame: np.ndarray, alpha: np.ndarray, offset: tuple[int, int]) -> None:
    ox, oy = offset
    h, w = alpha.shape
    fy0, fx0 = max(0, oy), max(0, ox)
    fy1, fx1 = min(frame.shape[0], oy + h), min(frame.shape[1], ox + w)
    if fy1 > fy0 and fx1 > fx0:
        frame[fy0:fy1, fx0:fx1] = alpha[fy0 - oy : fy1 - oy, fx0 - ox : fx1 - ox]


def floor_effects(
    kind: str,
    spec: FloorSpec,
    background: np.ndarray,
    colour: np.ndarray,
    alpha: np.ndarray,
    offset: tuple[int, int],
    premultiplied: bool,
    geometry: MaskGeometry,
    horizon_y: int | None,
) -> Layer | None:
    """Background pixels (float, 0..255) with the shadow and reflection, over their rectangle.

    ``background`` is the rendered frame (0..1); ``colour``/``alpha`` the product as placed at
    ``offset`` (colour premultiplied or not). None when there is nothing to draw: no shadow
    asked for, or a plane whose horizon is not under the object (its base is cut off).
    """
    dark = refl = None
    if kind == "plane" and horizon_y is not None and not geometry.empty and horizon_y == geometry.floor_y:
        dark = contact_shadow(
            alpha, offset, geometry, horizon_y, opacity=spec.shadow_opacity,
            softness=spec.shadow_softness, length=spec.shadow_length, direction=spec.shadow_direction,
        )
        refl = reflection(colour, alpha, offset, premultiplied, geometry, horizon_y, spec.reflection)
    elif kind == "flat":
        dark = drop_shadow(
            alpha, offset, geometry, opacity=spec.shadow_opacity, softness=spec.shadow_softness,
            direction=spec.shadow_direction,
        )
    boxes = [layer.box for layer in (dark, refl[0] if refl else None) if layer is not None]
    if not boxes:
        return None
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pixels = background[y0:y1, x0:x1] * np.float32(255)
    if dark is not None:
        dx0, dy0, dx1, dy1 = dark.box
        pixels[dy0 - y0 : dy1 - y0, dx0 - x0 : dx1 - x0] *= (1 - dark.values)[..., None]
    if refl is not None:
        premult, weight = refl
        rx0, ry0, rx1, ry1 = premult.box
        part = pixels[ry0 - y0 : ry1 - y0, rx0 - x0 : rx1 - x0]
        part *= (1 - weight.values)[..., None]
        part += premult.values
    return Layer(x0, y0, pixels)

