"""The gallery model's data roles, shared by the model, its filter and the tile delegate."""

from __future__ import annotations

from PySide6.QtCore import Qt

StatusRole = Qt.ItemDataRole.UserRole + 1
RelRole = Qt.ItemDataRole.UserRole + 2
ReviewRole = Qt.ItemDataRole.UserRole + 3
ActivityRole = Qt.ItemDataRole.UserRole + 4  # QUEUED / RUNNING while a run is on, "" otherwise
FlagRole = Qt.ItemDataRole.UserRole + 5  # "approved" | "rejected" | "" (the user's verdict, P / X / U)
FLAG_FILTER = "flag:"  # a filter value "flag:approved" shows the photos with that flag ("flag:": none)
