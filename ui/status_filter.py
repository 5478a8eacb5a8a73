"""The gallery's filter: one status, one flag, or everything."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from ui.gallery_roles import FLAG_FILTER, FlagRole, ReviewRole, StatusRole

Index = QModelIndex | QPersistentModelIndex


class StatusFilter(QSortFilterProxyModel):
    """Shows only photos of one status ("" shows all) or, with "flag:approved" / "flag:rejected" /
    "flag:", of one flag; re-filters as statuses change."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = ""
        self.setFilterRole(StatusRole)
        self.setDynamicSortFilter(True)

    def set_status(self, status: str) -> None:
        # A flag filter re-filters when a flag changes, a status filter when a status does.
        role = FlagRole if status.startswith(FLAG_FILTER) else StatusRole
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.9; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.status = status
            self.setFilterRole(role)
            self.endFilterChange()
        else:
            self.status = status
            self.setFilterRole(role)
            self.invalidateFilter()
        # "Needs review" lists the photos most in need of a look first; other views keep folder order.
        if status == "review":
            self.setSortRole(ReviewRole)
            self.sort(0, Qt.SortOrder.DescendingOrder)
        else:
            self.sort(-1)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        if not self.status:
            return True
        index = self.sourceModel().index(row, 0, parent)
        if self.status.startswith(FLAG_FILTER):
            return index.data(FlagRole) == self.status[len(FLAG_FILTER):]
        return index.data(StatusRole) == self.status
