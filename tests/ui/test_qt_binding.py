"""The installed Qt binding keeps Python's reference counts: PySide6 6.12.0 on Python 3.11 drops a
reference to None on every Qt call that returns nothing, so painting a big gallery for a while ends
the studio with "Fatal Python error: none_dealloc". pyproject.toml excludes that release."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QColor, QImage, QPainter


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_qt_calls_returning_nothing_keep_nones_reference_count(qapp) -> None:
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(300):  # a screen of gallery tiles (more would crash the bad build outright)
            painter.save()
            painter.fillRect(0, 0, 1, 1, QColor(1, 2, 3))
            painter.restore()
        lost = before - sys.getrefcount(None)
    finally:
        painter.end()
    assert lost < 300, f"{lost} references to None lost in 900 Qt calls: this PySide6 build will crash"
