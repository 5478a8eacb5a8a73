"""Process (masks) and Export as tasks on the window's one worker: start them, show their progress,
per-item results and the end of each run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.studio import (
    EDITED,
    REVIEW,
    ExportResult,
    ProcessResult,
    all_photos,
    export_products,
    photo_status,
    process_photos,
)
from ui import dialogs, settings

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_EXPORTABLE = ("done", REVIEW, EDITED)  # photos with a mask


class PhotoTasks(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        runner = window.runner
        runner.progress.connect(self._on_progress)
        runner.item_done.connect(self._on_item_done)
        runner.item_failed.connect(self._on_item_failed)
        runner.notice.connect(lambda message, item: window.log.add(message, item))
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)

    def process(self, rels: list[str] | None) -> bool:
        w = self.window
        project = w.project
        if project is None or w.runner.busy:
            return False
        chosen = list(rels) if rels else all_photos(project)
        model, device = settings.seg_model(), settings.device()  # the settings as they are now
        w.progress.start(self.tr("Processing"), self.tr("photos"))
        w.runner.start("process", lambda events, cancel: process_photos(
            project, chosen, seg_model=model, device=device, events=events, cancel=cancel))
        w.update_actions()
        return True

    def export_to(self, output: Path | str, *, overwrite: bool = False) -> bool:
        """Export every product that has at least one processed photo into ``output``."""
        w = self.window
        project = w.project
        if project is None or w.runner.busy:
            return False
        keys = [p.key for p in project.products
                if any(photo_status(project, rel) in _EXPORTABLE for rel in p.photos)]
        if not keys:
            w.log.add(self.tr("Nothing to export yet: process the photos first."), error=True)
            return False
        w.card.flush()
        w.progress.start(self.tr("Exporting"), self.tr("products"))
        w.runner.start("export", lambda events, cancel: export_products(
            project, keys, Path(output), overwrite=overwrite, events=events, cancel=cancel))
        w.update_actions()
        return True

    def choose_export(self) -> None:
        chosen = dialogs.choose_export(self.window)
        if chosen is not None:
            self.export_to(chosen[0], overwrite=chosen[1])

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        progress = self.window.progress
        if stage == "download":  # bytes of a first-use model download
            progress.switch(self.tr("Downloading the model"), "MB")
            progress.update_count(done >> 20, total >> 20)
        elif stage == "photos":
            progress.switch(self.tr("Processing"), self.tr("photos"))
            progress.update_count(done, total)
        elif stage == "export":
            progress.update_count(done, total)

    def _on_item_done(self, item: str, stage: str) -> None:
        w = self.window
        if stage == "segment":
            w.gallery.photos.refresh(item)
            if item == w.preview.rel:
                w.preview.show_photo(w.project, item)
                if w.project is not None and w.project.photo(item).mask_source != "edited":
                    w.sync_mask_tab(stale=True)  # a new mask; the user's edits are never re-made

    def _on_item_failed(self, item: str, _stage: str, message: str) -> None:
        self.window.log.add(message, item, error=True)
        self.window.gallery.photos.refresh(item)

    def _on_finished(self, name: str, result: object) -> None:
        w = self.window
        w.task_ended()
        if w.closing:
            return
        if isinstance(result, ProcessResult):
            text = self.tr("Processed {0} photo(s), {1} failed.").format(len(result.done), len(result.failed))
            if result.cancelled:
                text = self.tr("Stopped. ") + text
            w.statusBar().showMessage(text, 10000)
            w.preview.show_photo(w.project, w.preview.rel)
        elif isinstance(result, ExportResult):
            self._offer_export_folder(result)

    def _offer_export_folder(self, result: ExportResult) -> None:
        w = self.window
        text = self.tr("Exported {0} product(s); {1} photo(s) failed (see the log).").format(
            len(result.bundles), result.failed)
        if result.existing:
            text += " " + self.tr("{0} bundle(s) were already there and kept.").format(len(result.existing))
        if result.cancelled:
            text = self.tr("Stopped. ") + text
        w.statusBar().showMessage(text, 10000)
        if result.report_path is not None:
            w.export_box = dialogs.export_finished(w, text, result.report_path.parent)

    def _on_failed(self, name: str, message: str) -> None:
        w = self.window
        w.task_ended()
        if w.closing:
            return
        what = {"export": self.tr("export"), "text": self.tr("card text")}.get(name, self.tr("processing"))
        w.log.add(message, what, error=True)
        w.statusBar().showMessage(message, 10000)
