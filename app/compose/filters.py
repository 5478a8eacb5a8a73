"""Small separable filters on float arrays, in numpy only (no scipy in the compose path).

They run on small working grids (a shadow's region, a downscaled edge band), never on a whole
12 MP photo, so plain cumulative sums are fast enough and keep every result deterministic.
"""

from __future__ import annotations

import numpy as np


def box_sums(a: np.ndarray, radius: int, axis: int) -> np.ndarray:
    """Sum over a window of ``2·radius + 1`` along ``axis``; values beyond the ends count as zero."""
    a = np.moveaxis(np.asarray(a, dtype=np.float64), axis, 0)
    n = a.shape[0]
    cum = np.zeros((n + 1, *a.shape[1:]), np.float64)
    np.cumsum(a, axis=0, out=cum[1:])
    idx = np.arange(n)
    out = cum[np.minimum(idx + radius + 1, n)] - cum[np.maximum(idx - radius, 0)]
    return np.moveaxis(out, 0, axis)


def box_sums_2d(a: np.ndarray, radius: int) -> np.ndarray:
    """Sum over a (2r+1)×(2r+1) window on the first two axes (zero outside)."""
    return box_sums(box_sums(a, radius, 0), radius, 1)


def gaussian_blur(a: np.ndarray, sigma: float) -> np.ndarray:
    """Approximate Gaussian blur of a 2-D float array: three box passes per axis, zero outside.

    Mass-preserving (a blob keeps its sum while it stays inside the array), which is what a shadow
    wants: a wider blur spreads the same darkness more thinly.
    """
    if sigma <= 0.3:
        return np.asarray(a, dtype=np.float32)
    # Three boxes of width w have variance 3·(w² − 1)/12; pick w so that it equals σ².
    radius = max(1, round((np.sqrt(4 * sigma * sigma + 1) - 1) / 2))
    width = 2 * radius + 1
    out = np.asarray(a, dtype=np.float64)
    for axis in (0, 1):
        for _ in range(3):
            out = box_sums(out, radius, axis) / width
    return out.astype(np.float32)
