"""The canvas's pictures: the photo at a few scales, and the mask as a recoloured view of itself.

The mask overlay is an 8-bit indexed QImage wrapping the editing document's own buffer, with a
colour table mapping each alpha value to a tint. A brush stroke writes the buffer and the overlay
shows it at the next paint: nothing is converted or copied per stroke, whatever the photo's size,
and the view only has to repaint the changed box. Switching the overlay or the uncertain band
just swaps the 256-entry table.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage, qRgba

from app.maskedit import BAND_HI, BAND_LO

# Levels are halved while the longer side stays at least this big: drawing never downscales a level
# by 2× or more, which Qt's bilinear filter would alias.
_PYRAMID_MIN_SIDE = 512
_TINT = (235, 40, 80)  # removed background: red, a colour product photos rarely have
_TINT_OPACITY = 0.55
_BAND = (255, 200, 0, 190)


def _wrap(array: np.ndarray, fmt: QImage.Format) -> QImage:
    """A QImage over ``array``'s memory (no copy): the caller keeps ``array`` alive."""
    return QImage(array.data, array.shape[1], array.shape[0], array.strides[0], fmt)


class PhotoPyramid:
    """The photo and its 2×-reduced copies, so a zoomed-out view is smooth and cheap to paint."""

    def __init__(self, rgb: np.ndarray) -> None:
        base = np.array(rgb, dtype=np.uint8, order="C", copy=True)
        self.width, self.height = base.shape[1], base.shape[0]
        self._arrays = [base]
        image = Image.fromarray(base)
        while max(image.size) >= 2 * _PYRAMID_MIN_SIDE:
            image = image.reduce(2)
            self._arrays.append(np.asarray(image))
        self._images = [_wrap(a, QImage.Format.Format_RGB888) for a in self._arrays]

    def level_for(self, zoom: float) -> tuple[QImage, float, float]:
        """The smallest level still at least ``zoom`` times the photo, with its x/y scales."""
        for image in reversed(self._images):
            sx, sy = image.width() / self.width, image.height() / self.height
            if min(sx, sy) >= zoom:
                return image, sx, sy
        return self._images[0], 1.0, 1.0


class MaskOverlay:
    def __init__(self, live_alpha: np.ndarray) -> None:
        self._alpha = live_alpha  # kept alive: the QImage below reads this memory
        self.image = _wrap(live_alpha, QImage.Format.Format_Indexed8)
        self.set_layers(show_mask=True, show_band=False)

    def set_layers(self, *, show_mask: bool, show_band: bool) -> None:
        self.visible = show_mask or show_band
        self.image.setColorTable(colour_table(show_mask, show_band))


def colour_table(show_mask: bool, show_band: bool) -> list[int]:
    """Colour for each alpha value: the tint grows as alpha falls; unsure values in band colour."""
    table = []
    for a in range(256):
        if show_band and BAND_LO <= a <= BAND_HI:
            table.append(qRgba(*_BAND))
        elif show_mask:
            table.append(qRgba(*_TINT, round((255 - a) * _TINT_OPACITY)))
        else:
            table.append(qRgba(0, 0, 0, 0))
    return table
