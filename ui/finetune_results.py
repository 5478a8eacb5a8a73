"""The fine-tuning dialog's table: one row per held-out photo, base against new, worst change first
(the report's order). Its texts are numbers and the user's file names; the dialog sets the
headers, so every translated string stays in the dialog's context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from app import formats

WORSE = QColor("#c62828")


def signed_points(change: float) -> str:
    """An IoU change of +0.83 as "+83" percentage points (the unit is added by the caller)."""
    points = round(change * 100)
    sign = "+" if points > 0 else "\u2212" if points < 0 else ""
    return sign + formats.integer(abs(points))


class ResultsTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, 6)

    def show_photos(self, photos: list[dict[str, Any]], *, prefix: str, points: str) -> None:
        """``photos``: the report's rows; ``prefix`` is cut off their names (the open folder's);
        ``points``: the translated "{0} pts" for the changes."""
        self.setRowCount(len(photos))
        for row, photo in enumerate(photos):
            name = photo["photo"].removeprefix(prefix)
            before, after = photo["base"], photo["tuned"]
            cells = [name, formats.percent(before["iou"]), formats.percent(after["iou"]),
                     points.format(signed_points(photo["change"]["iou"])),
                     formats.percent(before["boundary_f"]), formats.percent(after["boundary_f"])]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setToolTip(photo["photo"])
                if column == 3 and photo["change"]["iou"] < 0:
                    item.setForeground(QBrush(WORSE))
                self.setItem(row, column, item)
        # Up to eight rows in view at first, more when the dialog is made taller; no blank rows.
        edge = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth() + 2
        row_height = self.verticalHeader().defaultSectionSize()
        self.setMinimumHeight(edge + row_height * min(len(photos), 8))
        self.setMaximumHeight(edge + row_height * max(len(photos), 1))
