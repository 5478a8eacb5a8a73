"""The photo gallery: a virtualised list of every photo with its thumbnail and status badge.

A processed photo's tile shows its result (cut-out on its background and canvas); ``\\`` flips the
grid to originals and back. Only visible rows ask for thumbnails; they are made on a small thread
pool (cached on disk by ``app.studio.thumbs``) and arrive as signals, so scrolling thousands of
photos never blocks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from app.project import Project
from app.studio import (
    all_photos,
    has_result,
    photo_status,
    product_of,
)
from app.studio.thumbs import THUMB_SIDE
from ui import settings
from ui.gallery_roles import FLAG_FILTER, ActivityRole, FlagRole, RelRole, ReviewRole, StatusRole
from ui.gallery_tiles import ACTIVITY_COLOURS, BADGE_COLOURS, QUEUED, RUNNING, TileDelegate, grid_size
from ui.images import blank_thumbnail
from ui.status_filter import StatusFilter
from ui.thumb_jobs import ORIGINAL, PRUNE_DELAY_MS, PRUNE_PRIORITY, RESULT, PruneJob, ThumbJob, ThumbSignals

__all__ = ["ACTIVITY_COLOURS", "BADGE_COLOURS", "QUEUED", "RUNNING", "ActivityRole", "FlagRole", "Gallery",
           "FLAG_FILTER", "PhotoModel", "RelRole", "ReviewRole", "StatusFilter", "StatusRole"]

SHOW_ORIGINALS_KEY = "gallery/show_originals"
_CACHED_THUMBS = 2000  # ~100 KB each as pixmaps: bounded memory for huge folders

Index = QModelIndex | QPersistentModelIndex


class PhotoModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.show_originals = False  # every tile shows the photo as shot, not its result
        self._rels: list[str] = []
        self._rows: dict[str, int] = {}
        self._thumbs: OrderedDict[tuple[str, str], QPixmap] = OrderedDict()  # (rel, kind) -> pixmap
        self._asked: set[tuple[str, str]] = set()
        # Shown until their replacement arrives: a changed choice never flashes a blank tile.
        self._stale: set[tuple[str, str]] = set()
        self._epochs: dict[str, int] = {}  # bumped when a photo's result changes: older renders are dropped
        self._activity: dict[str, str] = {}  # rel -> QUEUED / RUNNING; lives only as long as the run
        self._generation = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._signals = ThumbSignals()
        self._signals.ready.connect(self._on_thumb)
        self._waiting = blank_thumbnail(THUMB_SIDE)
        self._broken = blank_thumbnail(THUMB_SIDE, self.tr("unreadable"))

    def set_project(self, project: Project | None) -> None:
        self.beginResetModel()
        self._generation += 1  # thumbnails still in flight for the old folder are dropped
        if project is not None and project is not self.project:  # a folder opened (not rescanned)
            QTimer.singleShot(PRUNE_DELAY_MS, self, lambda: self._prune(project))
        self.project = project
        self._rels = all_photos(project) if project is not None else []
        self._rows = {rel: i for i, rel in enumerate(self._rels)}
        self._thumbs.clear()
        self._asked.clear()
        self._stale.clear()
        self._epochs.clear()
        self._activity.clear()
        self.endResetModel()

    def _prune(self, project: Project) -> None:
        if project is self.project:  # still open
            self.pool.start(PruneJob(project), PRUNE_PRIORITY)

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
        state = self.project.state.photos.get(rel)  # only looking: no state entry is made
        if role == FlagRole:
            return state.flag if state is not None else ""
        if role == ReviewRole:
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

    def refresh_result(self, rels: Iterable[str] | None = None) -> None:
        """These photos' results changed (None: any photo's may have): their tiles are drawn again.

        Only marks them: a tile asks for its new picture when it is painted, so a choice applied to
        5,000 photos renders the few on screen, and the rest as they scroll into view.
        """
        chosen = self._rels if rels is None else [rel for rel in rels if rel in self._rows]
        for rel in chosen:
            self._epochs[rel] = self._epochs.get(rel, 0) + 1
            key = (rel, RESULT)
            self._asked.discard(key)
            if key in self._thumbs:
                self._stale.add(key)
        self._repaint(chosen, [Qt.ItemDataRole.DecorationRole])

    def photo_changed(self, rels: Iterable[str]) -> None:
        """These files were saved again: their originals' tiles are made again too, not only results."""
        chosen = [rel for rel in rels if rel in self._rows]
        for rel in chosen:
            key = (rel, ORIGINAL)
            self._asked.discard(key)
            if key in self._thumbs:
                self._stale.add(key)
        self.refresh_result(chosen)

    def set_show_originals(self, on: bool) -> None:
        if on != self.show_originals:
            self.show_originals = on
            self._repaint(self._rels, [Qt.ItemDataRole.DecorationRole])

    def shows_result(self, rel: str) -> bool:
        """The photo's tile shows its result (it has a mask and the grid is not on originals)."""
        return self._kind(rel) == RESULT

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

    def _repaint(self, rels: Iterable[str], roles: list[int] | None = None) -> None:
        # Only the rows that changed: a big folder's other tiles are neither repainted nor re-filtered.
        roles = roles or [ActivityRole, Qt.ItemDataRole.ToolTipRole]
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
        flags = {"approved": self.tr("approved"), "rejected": self.tr("rejected")}
        flag = f"\n{flags[state.flag]}" if state.flag in flags else ""
        notes = "".join(f"\n• {note}" for note in state.notes)
        return f"{rel}\n{activity}{status}{flag}{notes}"

    def _kind(self, rel: str) -> str:
        if self.show_originals or self.project is None:
            return ORIGINAL
        return RESULT if has_result(self.project, rel) else ORIGINAL

    def _thumbnail(self, rel: str) -> QPixmap:
        key = (rel, self._kind(rel))
        pixmap = self._thumbs.get(key)
        if pixmap is not None:
            self._thumbs.move_to_end(key)
            if key not in self._stale:
                return pixmap
        if key not in self._asked and self.project is not None:
            self._asked.add(key)
            ticket = (self._generation, self._epochs.get(rel, 0))
            self.pool.start(ThumbJob(self.project, rel, key[1], ticket, self._signals))
        if pixmap is None and key[1] == RESULT:
            # Until the result arrives, the original (if at hand) rather than a blank square.
            pixmap = self._thumbs.get((rel, ORIGINAL))
        return pixmap if pixmap is not None else self._waiting

    def has_thumbnail(self, rel: str) -> bool:
        """The tile's picture, as the grid is now set, has arrived (not a stand-in or an old one)."""
        key = (rel, self._kind(rel))
        return key in self._thumbs and key not in self._stale

    def _on_thumb(self, generation: int, epoch: int, rel: str, kind: str, image: QImage | None) -> None:
        if generation != self._generation or rel not in self._rows:
            return
        key = (rel, kind)
        row = self._rows[rel]
        if kind == RESULT and epoch != self._epochs.get(rel, 0):
            # Rendered from choices that have changed since: ask again the next time it is painted.
            self._asked.discard(key)
            self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.DecorationRole])
            return
        self._thumbs[key] = QPixmap.fromImage(image) if image is not None else self._broken
        self._thumbs.move_to_end(key)
        self._stale.discard(key)
        while len(self._thumbs) > _CACHED_THUMBS:
            dropped, _ = self._thumbs.popitem(last=False)
            self._asked.discard(dropped)  # asked again if it scrolls back into view
            self._stale.discard(dropped)
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


class Gallery(QListView):
    selection_changed = Signal(list)  # the selected photos' rels, in gallery order
    current_changed = Signal(str)  # the photo to preview ("" when none)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._muted = False  # while a filter changes: one final selection, not each passing one
        self.photos = PhotoModel(self)
        self.photos.set_show_originals(settings.settings().value(SHOW_ORIGINALS_KEY, False, type=bool))
        self.shown = StatusFilter(self)
        self.shown.setSourceModel(self.photos)
        self.setModel(self.shown)
        self.setItemDelegate(TileDelegate(StatusRole, ActivityRole, FlagRole, self))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # the delegate's tiles are all one size
        self.setLayoutMode(QListView.LayoutMode.Batched)  # lays out big folders in slices
        self.setBatchSize(200)
        self.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.setWordWrap(False)  # one line of name, elided: every tile keeps room for it
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._fit_grid()
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setMinimumWidth(self.gridSize().width() + 24)
        self.selectionModel().selectionChanged.connect(self._on_selection)
        self.selectionModel().currentChanged.connect(self._on_current)

    def _fit_grid(self) -> None:
        self.setGridSize(grid_size(self.fontMetrics()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_grid()  # a bigger font needs taller tiles for the names
        super().changeEvent(event)

    def set_project(self, project: Project | None) -> None:
        self.photos.set_project(project)
        self.selection_changed.emit([])
        self.current_changed.emit("")

    @property
    def show_originals(self) -> bool:
        return self.photos.show_originals

    def set_show_originals(self, on: bool) -> None:
        """The grid shows the photos as shot (True) or their results (False); kept across sessions."""
        self.photos.set_show_originals(on)
        settings.settings().setValue(SHOW_ORIGINALS_KEY, on)

    def set_status_filter(self, status: str) -> None:
        """Show only photos with this status ("" for all) or flag ("flag:…"). The selection keeps what
        stays visible; when the current photo is hidden, the first photo left selected (else the
        first shown) becomes current, so the preview never shows a photo the grid does not."""
        before = self.current_rel()
        with self._quiet():
            self.shown.set_status(status)
            after = self._current_after_filter(before)
            model = self.selectionModel()
            if after:
                index = self._view_index(after)
                if not model.isSelected(index):
                    model.select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            else:
                model.clear()
        if after:
            self.scrollTo(self._view_index(after))
        self.selection_changed.emit(self.selected_rels())
        if after != before or not after:
            self.current_changed.emit(after)

    def _current_after_filter(self, before: str) -> str:
        if before and self._view_index(before).isValid():
            return before
        kept = self.selected_rels()
        if kept:
            return kept[0]
        return self.shown.index(0, 0).data(RelRole) if self.shown.rowCount() else ""

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    def current_rel(self) -> str:
        current = self.currentIndex()
        return current.data(RelRole) if current.isValid() else ""

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
            model.setCurrentIndex(shown[0], QItemSelectionModel.SelectionFlag.Select)
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
        if not self._muted:
            self.selection_changed.emit(self.selected_rels())

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._muted:
            self.current_changed.emit(current.data(RelRole) if current.isValid() else "")
