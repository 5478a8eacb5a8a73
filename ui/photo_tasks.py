"""Process (masks) as a task on the window's one worker: set the model up first when it is missing,
start it, show its progress, which photos wait and which the model works on, per-item results and
the end of each run (of every task: this handler runs first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.studio import ProcessResult, all_photos, process_photos
from app.studio.kept_models import segmenter_factory
from ui import settings
from ui.model_picker import model_missing
from ui.welcome.model_setup import ModelSetupDialog

if TYPE_CHECKING:
    from ui.window_parts import PhotoTasksHost


class PhotoTasks(QObject):
    def __init__(self, host: PhotoTasksHost) -> None:
        super().__init__()  # kept by the window; no QObject parent needed
        self.host = host
        runner = host.runner
        runner.progress.connect(self._on_progress)
        runner.item_started.connect(self._on_item_started)
        runner.item_done.connect(self._on_item_done)
        runner.item_failed.connect(self._on_item_failed)
        runner.notice.connect(lambda message, item: host.log.add(message, item))
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        self.setup: ModelSetupDialog | None = None  # open while the model for a run is set up

    def process(self, rels: list[str] | None) -> bool:
        """Start the run now (True); False when it cannot, or waits for the model's setup."""
        w = self.host
        project = w.project
        if project is None or w.runner.busy or self.setup is not None:
            return False
        chosen = list(rels) if rels else all_photos(project)
        model, device = settings.seg_model(), settings.device()  # the settings as they are now
        if model_missing(model):
            self._set_up(model, chosen)
            return False
        w.progress.start(self.tr("Processing"), self.tr("photos"))
        w.gallery.photos.mark_queued(chosen)
        factory = segmenter_factory(w.models.kept)  # the model stays loaded for the next run
        w.runner.start("process", lambda events, cancel: process_photos(
            project, chosen, seg_model=model, device=device, events=events, cancel=cancel,
            segmenter_factory=factory))
        w.update_actions()
        return True

    def _set_up(self, model: str, chosen: list[str]) -> None:
        """Download the model (or choose its folder) first; the run starts once it is there."""
        w = self.host
        dialog = ModelSetupDialog(model, w.window())
        dialog.settings_changed.connect(w.model_picker.refill)
        project = w.project
        dialog.ready.connect(lambda: self._after_setup(project, chosen))
        dialog.finished.connect(self._setup_closed)
        self.setup = dialog
        w.dialog = dialog  # closed with the window
        w.statusBar().showMessage(self.tr("The cut-out model is needed first: nothing was processed yet."),
                                  8000)
        dialog.open()

    def _setup_closed(self, _result: int) -> None:
        self.setup = None
        self.host.model_picker.refill()

    def _after_setup(self, project: object, chosen: list[str]) -> None:
        self.setup = None
        if project is self.host.project:  # the same folder is still open
            self.process(chosen)

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        progress = self.host.progress
        if stage == "download":  # bytes of a first-use model download
            progress.switch(self.tr("Downloading the model"), "MB")
            progress.update_count(done >> 20, total >> 20)
        elif stage == "photos":
            progress.switch(self.tr("Processing"), self.tr("photos"))
            progress.update_count(done, total)

    def _on_item_started(self, item: str, stage: str) -> None:
        if stage == "segment":
            self.host.gallery.photos.mark_running(item)

    def _on_item_done(self, item: str, stage: str) -> None:
        w = self.host
        if stage == "segment":
            w.gallery.photos.clear_activity(item)
            w.gallery.photos.refresh(item)
            if item == w.preview.rel:
                w.preview.show_photo(w.project, item)
                if w.project is not None and w.project.photo(item).mask_source != "edited":
                    w.sync_mask_tab(stale=True)  # a new mask; the user's edits are never re-made

    def _on_item_failed(self, item: str, _stage: str, message: str) -> None:
        self.host.log.add(message, item, error=True)
        self.host.gallery.photos.clear_activity(item)
        self.host.gallery.photos.refresh(item)

    def _on_finished(self, name: str, result: object) -> None:
        w = self.host
        w.gallery.photos.clear_activity()  # photos a cancelled run never reached wait no more
        w.task_ended()
        if w.closing:
            return
        if isinstance(result, ProcessResult):
            text = self.tr("Processed {0} photo(s), {1} failed.").format(len(result.done), len(result.failed))
            if result.cancelled:
                text = self.tr("Stopped. ") + text
            w.statusBar().showMessage(text, 10000)
            w.preview.show_photo(w.project, w.preview.rel)

    def _on_failed(self, name: str, message: str) -> None:
        w = self.host
        w.gallery.photos.clear_activity()
        w.task_ended()
        if w.closing:
            return
        what = {"export": self.tr("export"), "text": self.tr("card text"),
                "finetune": self.tr("model training"), "publish": self.tr("publishing")}.get(
            name, self.tr("processing"))
        w.log.add(message, what, error=True)
        w.statusBar().showMessage(message, 10000)
