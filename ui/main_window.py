"""The studio window: assembles the panels, owns the actions, and hands long work to the TaskRunner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QSplitter, QStyle, QTabWidget, QWidget

from app.errors import VitrinaError
from app.project import Project
from app.studio import (
    ExportResult,
    ProcessResult,
    all_photos,
    export_products,
    photo_status,
    process_photos,
    product_of,
)
from ui import dialogs, settings
from ui.background_panel import BackgroundPanel
from ui.card_panel import CardPanel
from ui.gallery import Gallery
from ui.log_panel import LogPanel
from ui.mask_tab import MaskTab
from ui.model_picker import ModelPicker
from ui.preview import PreviewPane
from ui.progress import ProgressStatus
from ui.worker import TaskRunner


def dropped_folder(mime: QMimeData) -> Path | None:
    """The folder a drag carries (the first local URL that is a directory)."""
    for url in mime.urls() if mime.hasUrls() else []:
        path = Path(url.toLocalFile()) if url.isLocalFile() else None
        if path is not None and path.is_dir():
            return path
    return None


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Vitrina")
        self.setAcceptDrops(True)
        self.project: Project | None = None
        self.runner = TaskRunner(self)
        self.export_box: QMessageBox | None = None  # the "exported — open the folder?" offer

        self.gallery = Gallery()
        self.preview = PreviewPane()
        # The preview area is a tab widget so the mask brush (ui/brush MaskEditor) can join it.
        self.editors = QTabWidget()
        self.editors.addTab(self.preview, self.tr("Preview"))
        self.backgrounds = BackgroundPanel()
        self.card = CardPanel()
        side = QTabWidget()
        side.addTab(self.backgrounds, self.tr("Background"))
        side.addTab(self.card, self.tr("Card text"))
        self.side = side
        splitter = QSplitter()
        for widget, stretch in ((self.gallery, 0), (self.editors, 1), (side, 0)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([420, 800, 380])
        self.setCentralWidget(splitter)
        self.log = LogPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log)
        self.resizeDocks([self.log], [110], Qt.Orientation.Vertical)  # room for the pictures first
        self.progress = ProgressStatus()
        self.statusBar().addPermanentWidget(self.progress)
        self.model_picker = ModelPicker()
        self.mask_tab = MaskTab()
        self.add_editor_tab(self.mask_tab, self.tr("Mask"))
        self._mask_stale = True  # the tab loads the full photo only while it is shown
        self._make_actions()
        self._connect()
        geometry = settings.settings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._update_actions()

    # -- actions --------------------------------------------------------------------------------
    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.open_action = self._action(self.tr("&Open folder…"), self._choose_folder, keys.Open)
        self.export_action = self._action(self.tr("&Export…"), self._choose_export, "Ctrl+E")
        self.process_selected_action = self._action(self.tr("Process &selected"), self.process_selected,
                                                    "Ctrl+R")
        self.process_all_action = self._action(self.tr("Process &all"), lambda: self.process(None),
                                               "Ctrl+Shift+R")
        self.cancel_action = self._action(self.tr("&Cancel"), self.runner.cancel)
        quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        run_menu = self.menuBar().addMenu(self.tr("&Process"))
        for action in (self.process_selected_action, self.process_all_action, self.cancel_action):
            run_menu.addAction(action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.log.toggleViewAction())
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        icons = QStyle.StandardPixmap
        for action, icon in ((self.open_action, icons.SP_DirOpenIcon),
                             (self.process_selected_action, icons.SP_MediaPlay),
                             (self.process_all_action, icons.SP_MediaSeekForward),
                             (self.export_action, icons.SP_DialogSaveButton)):
            action.setIcon(self.style().standardIcon(icon))
            toolbar.addAction(action)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addSeparator()
        toolbar.addWidget(self.model_picker)

    def _connect(self) -> None:
        self.gallery.selection_changed.connect(self._on_selection)
        self.gallery.current_changed.connect(self._on_current)
        self.backgrounds.changed.connect(self._on_choice)
        self.progress.cancel_requested.connect(self.runner.cancel)
        self.runner.progress.connect(self._on_progress)
        self.runner.item_done.connect(self._on_item_done)
        self.runner.item_failed.connect(self._on_item_failed)
        self.runner.notice.connect(lambda message, item: self.log.add(message, item))
        self.runner.finished.connect(self._on_task_finished)
        self.runner.failed.connect(self._on_task_failed)
        self.editors.currentChanged.connect(lambda _index: self._sync_mask_tab())
        self.mask_tab.maskSaved.connect(self._on_mask_saved)
        self.mask_tab.saveFailed.connect(lambda rel, why: self.log.add(why, rel, error=True))

    def _update_actions(self) -> None:
        idle, has_project = not self.runner.busy, self.project is not None
        self.open_action.setEnabled(idle)
        self.recent_menu.setEnabled(idle)
        self.process_all_action.setEnabled(idle and has_project)
        self.process_selected_action.setEnabled(idle and bool(self.gallery.selected_rels()))
        self.export_action.setEnabled(idle and has_project)
        self.cancel_action.setEnabled(not idle)
        self.model_picker.setEnabled(idle)

    def set_seg_model(self, value: str) -> None:
        """The segmentation model for the next runs: a registry name or a model folder."""
        self.model_picker.set_model(value)

    def add_editor_tab(self, widget: QWidget, title: str) -> int:
        """Where the mask brush (ui/brush MaskEditor) plugs in, beside the preview."""
        return self.editors.addTab(widget, title)

    # -- folders --------------------------------------------------------------------------------
    def open_folder(self, folder: Path | str) -> bool:
        if self.runner.busy:
            self.statusBar().showMessage(self.tr("Wait for the current task to finish (or cancel it)."), 5000)
            return False
        try:
            project = Project(Path(folder))
        except VitrinaError as exc:
            self.log.add(str(exc), str(folder), error=True)
            return False
        self.card.set_product(None, "")  # saves a pending text edit of the previous folder
        self.project = project
        self.gallery.set_project(project)
        for message in project.messages:
            self.log.add(message, error=True)
        for rel, why in project.scan.skipped:
            self.log.add(why, rel)
        settings.add_recent_folder(str(project.root))
        self.setWindowTitle(f"{project.root.name} — Vitrina")
        count = project.scan.photo_count
        self.statusBar().showMessage(self.tr("%n photo(s) in {0}", "", count).format(project.root), 8000)
        if count:
            self.gallery.select([all_photos(project)[0]])
        self._update_actions()
        return True

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of product photos"))
        if folder:
            self.open_folder(folder)

    def _fill_recent(self) -> None:
        dialogs.fill_recent_menu(self.recent_menu, self.open_folder)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_folder(event.mimeData()) is not None and not self.runner.busy:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        folder = dropped_folder(event.mimeData())
        if folder is not None and self.open_folder(folder):
            event.acceptProposedAction()

    # -- selection and choices ------------------------------------------------------------------
    def _on_selection(self, rels: list[str]) -> None:
        self.backgrounds.set_context(self.project, rels)
        self._update_actions()

    def _on_current(self, rel: str) -> None:
        self.preview.show_photo(self.project, rel)
        self._sync_mask_tab(stale=True)
        key = product_of(self.project, rel).key if self.project is not None and rel else ""
        if key != self.card.key or self.project is not self.card.project:
            self.card.set_product(self.project, key)

    def _sync_mask_tab(self, *, stale: bool = False) -> None:
        """Show the current photo in the Mask tab now if it is on screen, else when it next is."""
        self._mask_stale = self._mask_stale or stale
        if self._mask_stale and self.editors.currentWidget() is self.mask_tab:
            self._mask_stale = False
            self.mask_tab.show_photo(self.project, self.preview.rel)

    def _on_mask_saved(self, rel: str) -> None:
        self.gallery.photos.refresh(rel)
        if rel == self.preview.rel:
            self.preview.show_photo(self.project, rel)

    def _on_choice(self) -> None:
        self.preview.show_photo(self.project, self.preview.rel)
        self.card.set_product(self.project, self.card.key)  # the marketplace sets the text limits

    # -- long tasks -----------------------------------------------------------------------------
    def process_selected(self) -> None:
        self.process(self.gallery.selected_rels())

    def process(self, rels: list[str] | None) -> bool:
        """Make masks for ``rels`` (None: every photo) on the worker thread."""
        project = self.project
        if project is None or self.runner.busy:
            return False
        chosen = list(rels) if rels else all_photos(project)
        model, device = settings.seg_model(), settings.device()
        self.progress.start(self.tr("Processing"), self.tr("photos"))
        self.runner.start("process", lambda events, cancel: process_photos(
            project, chosen, seg_model=model, device=device, events=events, cancel=cancel))
        self._update_actions()
        return True

    def export_to(self, output: Path | str, *, overwrite: bool = False) -> bool:
        """Export every product that has at least one processed photo into ``output``."""
        project = self.project
        if project is None or self.runner.busy:
            return False
        keys = [p.key for p in project.products
                if any(photo_status(project, rel) in ("done", "edited") for rel in p.photos)]
        if not keys:
            self.log.add(self.tr("Nothing to export yet: process the photos first."), error=True)
            return False
        self.card.flush()
        self.progress.start(self.tr("Exporting"), self.tr("products"))
        self.runner.start("export", lambda events, cancel: export_products(
            project, keys, Path(output), overwrite=overwrite, events=events, cancel=cancel))
        self._update_actions()
        return True

    def _choose_export(self) -> None:
        chosen = dialogs.choose_export(self)
        if chosen is not None:
            self.export_to(chosen[0], overwrite=chosen[1])

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        if stage == "download":  # bytes of a first-use model download
            self.progress.switch(self.tr("Downloading the model"), "MB")
            self.progress.update_count(done >> 20, total >> 20)
        elif stage == "photos":
            self.progress.switch(self.tr("Processing"), self.tr("photos"))
            self.progress.update_count(done, total)
        elif stage == "export":
            self.progress.update_count(done, total)

    def _on_item_done(self, item: str, stage: str) -> None:
        if stage == "segment":
            self.gallery.photos.refresh(item)
            if item == self.preview.rel:
                self.preview.show_photo(self.project, item)
                if self.project is not None and self.project.photo(item).mask_source != "edited":
                    self._sync_mask_tab(stale=True)  # a new mask; the user's edits are never re-made

    def _on_item_failed(self, item: str, _stage: str, message: str) -> None:
        self.log.add(message, item, error=True)
        self.gallery.photos.refresh(item)

    def _on_task_finished(self, name: str, result: object) -> None:
        self.progress.finish()
        self._update_actions()
        self.gallery.photos.refresh()
        if isinstance(result, ProcessResult):
            text = self.tr("Processed {0} photo(s), {1} failed.").format(len(result.done), len(result.failed))
            if result.cancelled:
                text = self.tr("Stopped. ") + text
            self.statusBar().showMessage(text, 10000)
            self.preview.show_photo(self.project, self.preview.rel)
        elif isinstance(result, ExportResult):
            self._offer_export_folder(result)

    def _offer_export_folder(self, result: ExportResult) -> None:
        text = self.tr("Exported {0} product(s); {1} photo(s) failed (see the log).").format(
            len(result.bundles), result.failed)
        if result.existing:
            text += " " + self.tr("{0} bundle(s) were already there and kept.").format(len(result.existing))
        if result.cancelled:
            text = self.tr("Stopped. ") + text
        self.statusBar().showMessage(text, 10000)
        if result.report_path is None:
            return
        self.export_box = dialogs.export_finished(self, text, result.report_path.parent)

    def _on_task_failed(self, name: str, message: str) -> None:
        self.progress.finish()
        self._update_actions()
        self.log.add(message, self.tr("export") if name == "export" else self.tr("processing"), error=True)
        self.statusBar().showMessage(message, 10000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.card.flush()
        if self.runner.busy:
            self.runner.cancel()  # stops at the next batch; finished masks are already saved
            self.runner.wait()
        self.gallery.photos.shutdown()
        self.preview.shutdown()
        settings.settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
