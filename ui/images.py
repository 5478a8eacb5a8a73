"""numpy images to Qt images, and the checkerboard drawn behind transparency."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPixmap

_FORMATS = {1: QImage.Format.Format_Grayscale8, 3: QImage.Format.Format_RGB888,
            4: QImage.Format.Format_RGBA8888}


def to_qimage(array: np.ndarray) -> QImage:
    """A QImage that owns a copy of the pixels (H×W gray, H×W×3 RGB or H×W×4 RGBA, uint8)."""
    a = np.ascontiguousarray(array, dtype=np.uint8)
    channels = 1 if a.ndim == 2 else a.shape[2]
    image = QImage(a.data, a.shape[1], a.shape[0], a.strides[0], _FORMATS[channels])
    return image.copy()  # the QImage above only borrows ``a``'s buffer


def qimage_pixel(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    colour = QColor(image.pixel(x, y))
    return colour.red(), colour.green(), colour.blue()


def checker_brush(cell: int = 8) -> QBrush:
    """Light grey checks: the usual sign for "transparent here"."""
    tile = QPixmap(cell * 2, cell * 2)
    tile.fill(QColor(255, 255, 255))
    painter = QPainter(tile)
    painter.fillRect(0, 0, cell, cell, QColor(204, 204, 204))
    painter.fillRect(cell, cell, cell, cell, QColor(204, 204, 204))
    painter.end()
    return QBrush(tile)


def over_checker(image: QImage) -> QPixmap:
    """An image with alpha flattened onto checks (for small swatches and icons)."""
    pixmap = QPixmap(image.size())
    painter = QPainter(pixmap)
    painter.fillRect(pixmap.rect(), checker_brush(max(2, image.width() // 8)))
    painter.drawImage(0, 0, image)
    painter.end()
    return pixmap


def blank_thumbnail(size: int, text: str = "") -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(236, 236, 236))
    if text:
        painter = QPainter(pixmap)
        painter.setPen(QColor(150, 150, 150))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
    return pixmap
