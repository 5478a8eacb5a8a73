"""Optional mask clean-ups before compositing: small-hole filling and edge feathering.

Both are off by default: a matting model's edge is usually better than a blur, and a "hole" may
be a real gap (a mug's handle, a bag's strap). Sizes are fractions of the object, not pixels, so
the screen preview (composed from a downscaled photo) looks like the export.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from app.compose.geometry import MaskGeometry, label_components

Box = tuple[int, int, int, int]
# Hole pixels are grown by this many pixels when filled, so the soft rim around a filled hole does
# not remain as a faint ring.
_HOLE_GROW = 2


def refine_alpha(
    alpha: np.ndarray, geometry: MaskGeometry, *, feather: float = 0.0, fill_holes: float = 0.0
) -> np.ndarray:
    """``alpha`` with holes up to ``fill_holes`` × the object's area closed, then feathered by a
    blur of ``feather`` × the object's longer side; the input itself is returned when both are 0.
    """
    if geometry.empty or (feather <= 0 and fill_holes <= 0):
        return alpha
    x0, y0, x1, y1 = geometry.bbox
    radius = feather * max(x1 - x0, y1 - y0)
    pad = int(3 * radius) + _HOLE_GROW + 1
    box = (max(0, x0 - pad), max(0, y0 - pad), min(alpha.shape[1], x1 + pad), min(alpha.shape[0], y1 + pad))
    out = np.array(alpha)
    bx0, by0, bx1, by1 = box
    crop = out[by0:by1, bx0:bx1]
    if fill_holes > 0:
        area = geometry.area_fraction * geometry.width * geometry.height
        crop[...] = fill_small_holes(crop, fill_holes * area)
    if radius >= 0.3:
        crop[...] = feather_edges(crop, radius)
    return out


def fill_small_holes(alpha: np.ndarray, max_area: float) -> np.ndarray:
    """Background regions enclosed by the object (not reaching the array's border) of at most
    ``max_area`` pixels become opaque."""
    background = alpha < 128
    labels, count = label_components(background)
    if count == 0:
        return alpha
    areas = np.bincount(labels.ravel(), minlength=count + 1)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    small = areas <= max_area
    small[0] = False
    small[border] = False
    if not small.any():
        return alpha
    holes = small[labels]
    for _ in range(_HOLE_GROW):  # 8-neighbour dilation, one pixel per step
        grown = holes.copy()
        grown[1:] |= holes[:-1]
        grown[:-1] |= holes[1:]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        holes = grown
    out = np.array(alpha)
    out[holes & (alpha > 0) | small[labels]] = 255
    return out


def feather_edges(alpha: np.ndarray, radius: float) -> np.ndarray:
    """A Gaussian blur of the mask: a softer edge of about ``radius`` pixels."""
    return np.asarray(Image.fromarray(np.ascontiguousarray(alpha)).filter(ImageFilter.GaussianBlur(radius)))
