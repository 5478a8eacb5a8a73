"""Pixels the model was unsure about: neither clearly background nor clearly product."""

from __future__ import annotations

import numpy as np

# ≈ 10 % and 90 % opacity: a clean cut-out has only a thin rim between them.
BAND_LO = 26
BAND_HI = 230


def uncertain_band(alpha: np.ndarray, lo: int = BAND_LO, hi: int = BAND_HI) -> np.ndarray:
    """True where ``lo <= alpha <= hi``."""
    a = np.asarray(alpha)
    return (a >= lo) & (a <= hi)
