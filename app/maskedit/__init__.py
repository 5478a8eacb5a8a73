"""Touching up a cut-out mask with soft brushes, with diff-based undo. Qt-free."""

from app.maskedit.band import BAND_HI, BAND_LO, uncertain_band
from app.maskedit.box import Box
from app.maskedit.document import MaskDocument
from app.maskedit.history import DEFAULT_HISTORY_BYTES
from app.maskedit.stroke import MODES, Brush

__all__ = [
    "BAND_HI",
    "BAND_LO",
    "DEFAULT_HISTORY_BYTES",
    "MODES",
    "Box",
    "Brush",
    "MaskDocument",
    "uncertain_band",
]
