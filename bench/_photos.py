"""Generated inputs shared by the benches that need product photos in memory."""

from __future__ import annotations

import numpy as np


def product_photo(seed: int, side: int) -> np.ndarray:
    """A coloured box on a light backdrop; every product looks a little different."""
    rng = np.random.default_rng(seed)
    photo = np.full((side, side, 3), 240, np.uint8)
    lo, hi = side // 4 + int(rng.integers(-side // 10, side // 10)), 3 * side // 4
    photo[lo:hi, lo:hi] = rng.integers(0, 256, 3, dtype=np.uint8)
    return photo
