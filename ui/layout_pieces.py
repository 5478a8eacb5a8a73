"""Small layout pieces that several windows share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QWidget


def with_button(field: QWidget, button: QWidget) -> QWidget:
    """A field, taking the width there is, with its button at the end: one row of a form."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(field, 1)
    line.addWidget(button)
    return row


def scrolling_down(content: QWidget) -> QScrollArea:
    """``content`` as wide as the area and scrolled up and down only, without a frame of its own:
    for a column taller than the room it gets."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
