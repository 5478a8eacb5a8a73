"""P approves, X rejects, U clears — the selected photos, or in the Survey (N) the photo under the mouse.

A flag is one undo step and reaches the disk within a second. Key presses in a row share one save
(after a short pause, and at the latest a second after the first unsaved flag), written on a thread
of its own: at 5,000 photos the write takes ~0.1 s, which the UI thread would feel as a stalled key.
Closing or switching folders saves what is pending and waits for it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.errors import VitrinaError
from app.project import Project
from app.studio import APPROVED, REJECTED, UNFLAGGED, set_flag
from ui import settings
from ui.survey import MAX_PHOTOS

if TYPE_CHECKING:
    from ui.window_parts import FlaggingHost

SAVE_PAUSE_MS = 300  # a pause this long in the flagging saves at once
SAVE_LATEST_MS = 1000  # and flags are never longer than this unsaved, however fast the keys come
_FEW = 200  # more photos than this are repainted as one change of the whole gallery
ADVANCE_KEY = "review/advance_after_flag"


class Flagging(QObject):
    save_failed = Signal(str)  # from the writer thread; shown in the log on the UI thread

    def __init__(self, host: FlaggingHost) -> None:
        super().__init__()  # kept by the window; no QObject parent needed
        self.host = host
        self._unsaved: Project | None = None
        self._writer: ThreadPoolExecutor | None = None  # made at the first save, let go at close
        self._writing: Future[None] | None = None
        self._pause = QTimer(self, singleShot=True, interval=SAVE_PAUSE_MS, timeout=self.save_soon)
        self._latest = QTimer(self, singleShot=True, interval=SAVE_LATEST_MS, timeout=self.save_soon)
        self.save_failed.connect(lambda why: host.log.add(why, error=True))
        host.history.restored.connect(self._on_restored)
        host.survey.leave.connect(self.leave_survey)
        host.gallery.photos.modelReset.connect(lambda: host.survey.show_photos(None, []))  # new folder
        host.backgrounds.changed.connect(self._refresh_survey)

    def approve(self) -> int:
        return self.apply(APPROVED)

    def reject(self) -> int:
        return self.apply(REJECTED)

    def clear(self) -> int:
        return self.apply(UNFLAGGED)

    def targets(self) -> list[str]:
        w = self.host
        if w.editors.currentWidget() is w.survey and w.survey.has_attention():
            return w.survey.target_rels()
        return w.gallery.selected_rels()

    def apply(self, flag: str, rels: list[str] | None = None) -> int:
        """Flag ``rels`` (None: what the keys act on now); how many photos changed."""
        w = self.host
        project = w.project
        rels = self.targets() if rels is None else rels
        if project is None or not rels:
            w.statusBar().showMessage(self.tr("Select the photos to flag first."), 5000)
            return 0
        label = self._label(flag, len(rels))
        if self._unsaved is not None and self._unsaved is not project:
            self.flush()
        changed = set_flag(project, rels, flag, label=label, save=False)
        if changed:
            self._unsaved = project
            self._pause.start()  # restarted by each key press…
            if not self._latest.isActive():
                self._latest.start()  # …but this one is not: the flags are on disk within a second
        self._repaint(rels)
        w.history.refresh()
        w.statusBar().showMessage(label, 5000)
        if self.advance_after_flag() and len(rels) == 1 and w.editors.currentWidget() is not w.survey:
            w.gallery.step(1)
        return changed

    def save_soon(self) -> None:
        """Write pending flags on the writer thread (the timers)."""
        project = self._take()
        if project is not None:
            if self._writer is None:  # first save, or the window was closed and shown again
                self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flag-save")
            self._writing = self._writer.submit(self._save, project)

    def flush(self) -> None:
        """Write pending flags now and wait for every write (closing, another folder)."""
        project = self._take()
        if self._writing is not None:
            self._writing.result()
            self._writing = None
        if project is not None:
            self._save(project)

    def shutdown(self) -> None:
        """The window closes: write what is pending, then let the writer thread go."""
        self.flush()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def _take(self) -> Project | None:
        self._pause.stop()
        self._latest.stop()
        project, self._unsaved = self._unsaved, None
        return project

    def _save(self, project: Project) -> None:
        try:
            project.save(force=False, min_interval=0.0)  # nothing to write if something else saved
        except VitrinaError as exc:
            self.save_failed.emit(str(exc))

    def open_survey(self) -> bool:
        """N: the selected photos' results side by side, in the editors' Survey tab."""
        w = self.host
        rels = w.gallery.selected_rels()
        if w.project is None or len(rels) < 2:
            w.statusBar().showMessage(self.tr("Select 2 to 4 photos to compare them side by side."), 5000)
            return False
        if len(rels) > MAX_PHOTOS:
            w.statusBar().showMessage(self.tr("Showing the first {0} of %n selected photos.", "", len(rels))
                                      .format(MAX_PHOTOS), 5000)
        w.survey.show_photos(w.project, rels)
        w.editors.setCurrentWidget(w.survey)
        w.survey.setFocus()
        return True

    def leave_survey(self) -> None:
        w = self.host
        w.editors.setCurrentWidget(w.preview)
        w.gallery.setFocus()  # where P / X / U and Page Down go on with the selection

    @staticmethod
    def advance_after_flag() -> bool:
        return settings.settings().value(ADVANCE_KEY, False, type=bool)

    @staticmethod
    def set_advance_after_flag(on: bool) -> None:
        settings.settings().setValue(ADVANCE_KEY, on)

    def _label(self, flag: str, count: int) -> str:
        if flag == APPROVED:
            return self.tr("Approved %n photo(s)", "", count)
        if flag == REJECTED:
            return self.tr("Rejected %n photo(s)", "", count)
        return self.tr("Flag cleared on %n photo(s)", "", count)

    def _repaint(self, rels: list[str]) -> None:
        photos = self.host.gallery.photos
        if len(rels) > _FEW:
            photos.refresh()
        else:
            for rel in rels:
                photos.refresh(rel)
        self.host.survey.refresh_flags()

    def _on_restored(self) -> None:
        # Undo may have taken flags (or backgrounds) back: every tile and the survey show them as they are.
        self.host.gallery.photos.refresh()
        self.host.survey.refresh_flags()
        self._refresh_survey()

    def _refresh_survey(self) -> None:
        w = self.host
        if w.editors.currentWidget() is w.survey and w.survey.rels():
            w.survey.refresh()
