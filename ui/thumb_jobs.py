"""Work for the gallery's thread pool: one tile's thumbnail, and pruning the tile cache."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, Signal
from PySide6.QtGui import QImage

from app.project import Project
from app.studio import cached_result_thumbnail, cached_thumbnail
from app.studio.thumbs import THUMB_SIDE, prune_thumbnails
from ui.images import to_qimage

log = logging.getLogger(__name__)
ORIGINAL, RESULT = "original", "result"  # what a tile shows
PRUNE_PRIORITY = -1  # after every tile already asked for: the first page paints first
PRUNE_DELAY_MS = 5000  # and not while the folder opens: a prune of 5,000 photos is 0.6 CPU-s of Python
_BREATHER_S = 0.01  # every 100 photos: the UI thread gets the interpreter while it scrolls


class ThumbSignals(QObject):
    ready = Signal(int, int, str, str, object)  # generation, epoch, rel, kind, QImage (None: unreadable)


class ThumbJob(QRunnable):
    def __init__(self, project: Project, rel: str, kind: str, ticket: tuple[int, int],
                 signals: ThumbSignals) -> None:
        super().__init__()
        self.project, self.rel, self.kind, self.ticket, self.signals = project, rel, kind, ticket, signals

    def run(self) -> None:
        image: QImage | None
        project, rel = self.project, self.rel
        try:
            array = cached_result_thumbnail(project, rel, THUMB_SIDE) if self.kind == RESULT else None
            # No result after all (its mask does not fit the photo): the original, never a blank tile.
            image = to_qimage(array if array is not None else cached_thumbnail(project, rel, THUMB_SIDE))
        except Exception:  # an unreadable photo gets a broken-image tile; its error shows on Process
            image = None
        self.signals.ready.emit(*self.ticket, self.rel, self.kind, image)


class PruneJob(QRunnable):
    """Deletes the cached tiles no photo shows any more (app.studio.thumbs.prune_thumbnails)."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def run(self) -> None:
        try:
            deleted = prune_thumbnails(self.project, breather=_BREATHER_S)
        except Exception:  # only a cache: a failed prune must never reach the user's work
            log.exception("pruning the thumbnail cache of %s failed", self.project.root)
            return
        if deleted:
            log.info("deleted %d unused thumbnails of %s", deleted, self.project.root)
