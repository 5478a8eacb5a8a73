"""File → Watch this folder: photos copied into the open folder (tethered shooting) join the gallery
and are processed with the current model, each once, once they have stopped growing.

The stability rule is the core's (``app.pipeline.watch.FolderWatch``, the same as ``vitrina
watch``): a file counts once its size and modification time have not changed for ``settle``
seconds and it can be opened, so a half-copied photo is never read, not even for a thumbnail.
A timer on the GUI thread polls it (a walk and a stat per photo, nothing is opened until a file
has settled). New whole photos join the open project through ``Project.rescan``: the same project
object, so its lock, the undo history and the selection stay. They are processed through
``PhotoTasks`` on the window's one worker; while another task runs, they wait for it to end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.pipeline.watch import FolderWatch
from app.project import Project
from app.studio import all_photos

if TYPE_CHECKING:
    from ui.window_parts import WatchHost

POLL_MS = 1000  # how often the folder is looked at
SETTLE_S = 2.0  # a photo counts once unchanged this long (the CLI's default)


class WatchRun(QObject):
    watching_changed = Signal(bool)

    def __init__(self, host: WatchHost) -> None:
        super().__init__()  # kept by the window; no QObject parent needed
        self.host = host
        self.settle = SETTLE_S
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._project: Project | None = None
        self._watch: FolderWatch | None = None
        self._ready: set[str] = set()  # whole new photos not added yet (a task was running)
        self._unprocessed: list[str] = []  # added, not yet handed to a run
        self._last_arrival = ""

    @property
    def watching(self) -> bool:
        return self._watch is not None

    def set_watching(self, on: bool) -> None:
        self.start() if on else self.stop()

    def start(self) -> bool:
        project = self.host.project
        if project is None:
            self.watching_changed.emit(False)
            return False
        if self._watch is not None and self._project is project:
            return True
        self.stop()
        watch = FolderWatch(project.root, settle=self.settle, skip=(project.state_dir,))
        watch.poll()
        # The photos the folder was opened with are the project's own, processed or not by the user.
        watch.mark_done(set(all_photos(project)))
        self._project, self._watch = project, watch
        self.timer.start()
        self.host.statusBar().showMessage(
            self.tr("Watching {0}: new photos are added and processed once fully copied.").format(
                project.root), 8000)
        self.watching_changed.emit(True)
        return True

    def stop(self) -> None:
        was = self._watch is not None
        self.timer.stop()
        self._project = self._watch = None
        self._ready.clear()
        self._unprocessed.clear()
        if was:
            self.host.statusBar().showMessage(self.tr("Stopped watching the folder."), 5000)
        self.watching_changed.emit(False)

    # -- each tick --------------------------------------------------------------------------------
    def poll(self) -> None:
        w = self.host
        if self._watch is None:
            return
        if w.project is not self._project or w.closing:
            self.stop()  # another folder was opened, or the window is closing
            return
        ready, _arriving = self._watch.poll()
        self._ready |= ready
        if w.runner.busy or w.tasks.setup is not None:
            return  # queued: added and processed after the running task (or the model setup)
        if self._ready:
            self._add(self._ready)
            self._ready = set()
        if self._unprocessed:
            rels, self._unprocessed = self._unprocessed, []
            if not w.tasks.process(rels) and w.tasks.setup is None:
                self._unprocessed = rels  # could not start now: the next tick tries again

    def _add(self, ready: set[str]) -> None:
        w, project, watch = self.host, self._project, self._watch
        assert project is not None and watch is not None
        known = set(all_photos(project))
        new, moved = project.rescan(admit=ready)
        watch.mark_done(ready)  # also what the scan leaves out: asked about once, not every tick
        # A photo saved again over itself (retouched, re-exported from the raw converter): its
        # mask and result were made from the old pixels, so it is processed again.
        changed = sorted(rel for rel in ready if rel in known)
        for line in moved:
            w.log.add(line)
        for rel in changed:
            w.log.add(self.tr("Changed on disk: processed again"), rel)
        if changed:
            w.gallery.photos.photo_changed(changed)
            self._unprocessed += [rel for rel in changed if rel not in self._unprocessed]
        if not new:
            return
        current = w.preview.rel
        selected = w.gallery.selected_rels()
        follow = not selected or selected == [self._last_arrival]  # the user is watching the shoot
        w.gallery.photos.set_project(project)  # rows in scan order; statuses and history are kept
        here = set(all_photos(project))
        keep = [rel for rel in selected if rel in here]
        if follow or not keep:
            w.gallery.select([new[-1]])
        else:
            order = [current, *keep] if current in keep else keep
            w.gallery.select(list(dict.fromkeys(order)))
        self._last_arrival = new[-1]
        for rel in new:
            w.log.add(self.tr("New photo in the watched folder"), rel)
        w.statusBar().showMessage(self.tr("%n new photo(s) added from {0}", "", len(new)).format(
            Path(project.root).name), 8000)
        self._unprocessed += new
        w.update_actions()
