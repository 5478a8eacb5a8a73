"""Downscaling for thumbnails and previews."""

from __future__ import annotations

import numpy as np
from PIL import Image

from app.imaging.load import Photo


def thumbnail(image: Photo | np.ndarray, max_side: int) -> np.ndarray:
    """A copy no larger than ``max_side`` on its longer side (never enlarged), alpha kept.

    A Photo with alpha gives H×W×4; arrays keep their layout (H×W, H×W×3 or H×W×4 uint8).
    """
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    a = _as_array(image)
    h, w = a.shape[:2]
    scale = max_side / max(w, h)
    if scale >= 1.0:
        return a.copy()
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # Lanczos for sharpness; reducing_gap first box-reduces huge photos (same look, far faster).
    # PIL premultiplies RGBA while resampling, so transparent pixels leave no dark fringe.
    out = Image.fromarray(a).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.array(out)


def _as_array(image: Photo | np.ndarray) -> np.ndarray:
    if isinstance(image, Photo):
        if image.alpha is None:
            return np.ascontiguousarray(image.rgb)
        return np.dstack([image.rgb, image.alpha])
    a = np.asarray(image)
    if a.dtype != np.uint8 or not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (3, 4))):
        raise ValueError(f"expected a uint8 H×W, H×W×3 or H×W×4 array, got {a.dtype} {a.shape}")
    if 0 in a.shape[:2]:
        raise ValueError(f"cannot resize an empty image of shape {a.shape}")
    return np.ascontiguousarray(a)
