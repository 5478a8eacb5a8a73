"""The photo gallery: a virtualised list of every photo with its thumbnail and status badge.

Only visible rows ask for thumbnails; they are made on a small thread pool (cached on disk by
``app.studio.thumbs``) and arrive as signals, so scrolling thousands of photos never blocks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.project import Project
from app.studio import all_photos, cached_thumbnail, photo_status, product_of
from app.studio.thumbs import THUMB_SIDE
from ui.images import blank_thumbnail, to_qimage

StatusRole = Qt.ItemDataRole.UserRole + 1
RelRole = Qt.ItemDataRole.UserRole + 2
ReviewRole = Qt.ItemDataRole.UserRole + 3
ActivityRole = Qt.ItemDataRole.UserRole + 4  # QUEUED / RUNNING while a run is on, "" otherwise
QUEUED, RUNNING = "queued", "running"
_CACHED_THUMBS = 2000  # ~100 KB each as pixmaps: bounded memory for huge folders
BADGE_COLOURS = {"pending": QColor(160, 160, 160), "done": QColor(46, 160, 67),
                 "review": QColor(235, 150, 20), "edited": QColor(40, 110, 220), "error": QColor(215, 45, 45)}
# Rings around the status dot: a run's progress must not be mistaken for a photo's status.
ACTIVITY_COLOURS = {QUEUED: QColor(110, 110, 110), RUNNING: QColor(0, 150, 255)}

Index = QModelIndex | QPersistentModelIndex


class _ThumbSignals(QObject):
    ready = Signal(int, str, object)  # generation, rel, QImage (None: unreadable)


class _ThumbJob(QRunnable):
    def __init__(self, project: Project, rel: str, generation: int, signals: _ThumbSignals) -> None:
        super().__init__()
        self.project, self.rel, self.generation, self.signals = project, rel, generation, signals

    def run(self) -> None:
        try:
            image: QImage | None = to_qimage(cached_thumbnail(self.project, self.rel, THUMB_SIDE))
        except Exception:  # an unreadable photo gets a broken-image tile; its error shows on Process
            image = None
        self.signals.ready.emit(self.generation, self.rel, image)


class PhotoModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self._rels: list[str] = []
        self._rows: dict[str, int] = {}
        self._thumbs: OrderedDict[str, QPixmap] = OrderedDict()
        self._asked: set[str] = set()
        self._activity: dict[str, str] = {}  # rel -> QUEUED / RUNNING; lives only as long as the run
        self._generation = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._signals = _ThumbSignals()
        self._signals.ready.connect(self._on_thumb)
        self._waiting = blank_thumbnail(THUMB_SIDE)
        self._broken = blank_thumbnail(THUMB_SIDE, self.tr("unreadable"))

    def set_project(self, project: Project | None) -> None:
        self.beginResetModel()
        self._generation += 1  # thumbnails still in flight for the old folder are dropped
        self.project = project
        self._rels = all_photos(project) if project is not None else []
        self._rows = {rel: i for i, rel in enumerate(self._rels)}
        self._thumbs.clear()
        self._asked.clear()
        self._activity.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rels)

    def rel(self, row: int) -> str:
        return self._rels[row]

    def row_of(self, rel: str) -> int:
        return self._rows[rel]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.project is None:
            return None
        rel = self._rels[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(rel)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(rel)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(rel)
        if role == StatusRole:
            return photo_status(self.project, rel)
        if role == RelRole:
            return rel
        if role == ActivityRole:
            return self._activity.get(rel, "")
        if role == ReviewRole:
            state = self.project.state.photos.get(rel)
            return state.review if state is not None else 0.0
        return None

    def refresh(self, rel: str | None = None) -> None:
        """Statuses changed (one photo, or all of them)."""
        if not self._rels:
            return
        if rel is None:
            self.dataChanged.emit(self.index(0), self.index(len(self._rels) - 1))
        elif rel in self._rows:
            self.dataChanged.emit(self.index(self._rows[rel]), self.index(self._rows[rel]))

    def mark_queued(self, rels: Iterable[str]) -> None:
        """These photos wait for the model in the run that starts now."""
        queued = [rel for rel in rels if rel in self._rows]
        self._activity.update(dict.fromkeys(queued, QUEUED))
        self._repaint(queued)

    def mark_running(self, rel: str) -> None:
        if rel in self._rows:
            self._activity[rel] = RUNNING
            self._repaint([rel])

    def clear_activity(self, rel: str | None = None) -> None:
        """The photo is finished (or, with None, the run is over for all of them)."""
        cleared = list(self._activity) if rel is None else [rel] if rel in self._activity else []
        for done in cleared:
            del self._activity[done]
        self._repaint(cleared)

    def _repaint(self, rels: Iterable[str]) -> None:
        # Only the rows that changed: a big folder's other tiles are neither repainted nor re-filtered.
        roles = [ActivityRole, Qt.ItemDataRole.ToolTipRole]
        for first, last in _runs(sorted(self._rows[rel] for rel in rels)):
            self.dataChanged.emit(self.index(first), self.index(last), roles)

    def _label(self, rel: str) -> str:
        assert self.project is not None
        product = product_of(self.project, rel)
        name = PurePosixPath(rel).name
        return name if len(product.photos) == 1 else f"{product.name} / {name}"

    def _tooltip(self, rel: str) -> str:
        assert self.project is not None
        state = self.project.photo(rel)
        status = {"pending": self.tr("not processed yet"), "done": self.tr("mask ready"),
                  "review": self.tr("mask ready — needs a look"), "edited": self.tr("mask edited by hand"),
                  "error": self.tr("error: {0}").format(state.error)}[photo_status(self.project, rel)]
        activity = {QUEUED: self.tr("queued for processing") + "\n",
                    RUNNING: self.tr("processing…") + "\n"}.get(self._activity.get(rel, ""), "")
        notes = "".join(f"\n• {note}" for note in state.notes)
        return f"{rel}\n{activity}{status}{notes}"

    def _thumbnail(self, rel: str) -> QPixmap:
        pixmap = self._thumbs.get(rel)
        if pixmap is not None:
            self._thumbs.move_to_end(rel)
            return pixmap
        if rel not in self._asked and self.project is not None:
            self._asked.add(rel)
            self.pool.start(_ThumbJob(self.project, rel, self._generation, self._signals))
        return self._waiting

    def has_thumbnail(self, rel: str) -> bool:
        """The photo's thumbnail has arrived (not the blank stand-in)."""
        return rel in self._thumbs

    def _on_thumb(self, generation: int, rel: str, image: QImage | None) -> None:
        if generation != self._generation or rel not in self._rows:
            return
        self._thumbs[rel] = QPixmap.fromImage(image) if image is not None else self._broken
        while len(self._thumbs) > _CACHED_THUMBS:
            dropped, _ = self._thumbs.popitem(last=False)
            self._asked.discard(dropped)  # asked again if it scrolls back into view
        row = self._rows[rel]
        self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.DecorationRole])

    def shutdown(self) -> None:
        self._generation += 1
        self.pool.clear()
        self.pool.waitForDone()


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted rows as (first, last) of each stretch of consecutive rows."""
    for _, run in groupby(enumerate(rows), key=lambda pair: pair[1] - pair[0]):
        stretch = [row for _, row in run]
        yield stretch[0], stretch[-1]


class _BadgeDelegate(QStyledItemDelegate):
    """The default tile, plus a coloured dot in the corner: pending/done/edited/error; during a run a
    grey ring around it (queued) or a blue three-quarter arc (the model is on this photo)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        colour = BADGE_COLOURS.get(index.data(StatusRole), BADGE_COLOURS["pending"])
        rect: QRect = option.rect  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(255, 255, 255))
        painter.setBrush(colour)
        painter.drawEllipse(rect.right() - 20, rect.top() + 6, 13, 13)
        _draw_activity(painter, QRectF(rect.right() - 24, rect.top() + 2, 21, 21), index.data(ActivityRole))
        painter.restore()


def _draw_activity(painter: QPainter, ring: QRectF, activity: str) -> None:
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if activity == RUNNING:
        painter.setPen(QPen(ACTIVITY_COLOURS[RUNNING], 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(ring, 90 * 16, 270 * 16)  # Qt angles are in 1/16 degree
    elif activity == QUEUED:
        painter.setPen(QPen(ACTIVITY_COLOURS[QUEUED], 2))
        painter.drawEllipse(ring)


class StatusFilter(QSortFilterProxyModel):
    """Shows only photos of one status ("" shows all); re-filters as statuses change."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = ""
        self.setFilterRole(StatusRole)
        self.setDynamicSortFilter(True)

    def set_status(self, status: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.9; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.status = status
            self.endFilterChange()
        else:
            self.status = status
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
        return self.sourceModel().index(row, 0, parent).data(StatusRole) == self.status


class Gallery(QListView):
    selection_changed = Signal(list)  # the selected photos' rels, in gallery order
    current_changed = Signal(str)  # the photo to preview ("" when none)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos = PhotoModel(self)
        self.shown = StatusFilter(self)
        self.shown.setSourceModel(self.photos)
        self.setModel(self.shown)
        self.setItemDelegate(_BadgeDelegate(self))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)  # lays out big folders in slices
        self.setBatchSize(200)
        self.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.setGridSize(QSize(THUMB_SIDE + 24, THUMB_SIDE + 44))
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setMinimumWidth(THUMB_SIDE + 48)
        self.selectionModel().selectionChanged.connect(self._on_selection)
        self.selectionModel().currentChanged.connect(self._on_current)

    def set_project(self, project: Project | None) -> None:
        self.photos.set_project(project)
        self.selection_changed.emit([])
        self.current_changed.emit("")

    def set_status_filter(self, status: str) -> None:
        """Show only photos with this status ("" for all); the selection keeps what stays visible."""
        self.shown.set_status(status)
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current)
        self._on_selection()

    def shown_rels(self) -> list[str]:
        """The photos the filter lets through, in gallery order."""
        return [self.shown.index(row, 0).data(RelRole) for row in range(self.shown.rowCount())]

    def selected_rels(self) -> list[str]:
        chosen = self.selectionModel().selectedIndexes()
        rows = sorted(self.shown.mapToSource(index).row() for index in chosen)
        return [self.photos.rel(row) for row in rows]

    def _view_index(self, rel: str) -> QModelIndex:
        return self.shown.mapFromSource(self.photos.index(self.photos.row_of(rel)))

    def select(self, rels: list[str]) -> None:
        """Select these photos and make the first one current (what a click does); hidden ones are
        skipped."""
        model = self.selectionModel()
        selection = QItemSelection()
        shown = [index for index in (self._view_index(rel) for rel in rels) if index.isValid()]
        for index in shown:
            selection.select(index, index)
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if shown:
            model.setCurrentIndex(shown[0], QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(shown[0])

    def step(self, delta: int) -> None:
        """Select the next (or previous) photo shown, as Page Down / Page Up do."""
        rows = self.shown.rowCount()
        if not rows:
            return
        current = self.currentIndex()
        row = min(max(current.row() + delta, 0), rows - 1) if current.isValid() else 0
        self.select([self.shown.index(row, 0).data(RelRole)])

    def _on_selection(self, *_: object) -> None:
        self.selection_changed.emit(self.selected_rels())

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(current.data(RelRole) if current.isValid() else "")
