"""The studio window: assembles the panels, owns the actions, and hands long work to the TaskRunner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from app import settings as app_settings
from app.errors import VitrinaError
from app.project import Project
from app.project.lock import ProjectLock, ProjectLockedError
from app.studio import (
    Defaults,
    all_photos,
    background_named,
    product_of,
    set_defaults,
)
from ui import dialogs, settings
from ui.about import AboutDialog
from ui.background_panel import BackgroundPanel
from ui.card_panel import CardPanel
from ui.card_text_run import CardTextRun
from ui.choice_history import ChoiceHistory
from ui.doctor_dialog import DoctorDialog
from ui.export_run import ExportRun
from ui.finetune_dialog import FinetuneDialog
from ui.flagging import Flagging
from ui.gallery_pane import GalleryPane
from ui.log_panel import LogPanel
from ui.mask_tab import MaskTab
from ui.model_keeping import ModelKeeping
from ui.model_picker import ModelPicker
from ui.model_updates import ModelUpdatesDialog
from ui.paste_dialog import SettingsClipboard
from ui.photo_tasks import PhotoTasks
from ui.preview import PreviewPane
from ui.progress import ProgressStatus
from ui.publish_run import PublishRun
from ui.settings_dialog import SettingsDialog
from ui.survey import SurveyView
from ui.watch_run import WatchRun
from ui.welcome import WelcomeDialog
from ui.window_actions import WindowActions
from ui.window_geometry import place_first_time
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
        self._lock: ProjectLock | None = None  # one writer per folder: a batch run or another window
        self.runner = TaskRunner(self)
        self.export_box: QDialog | None = None  # the "exported — open the folder?" offer (ui/export_done.py)
        self.publish_box: QDialog | None = None  # Publish to Wildberries' results (ui/publish_done.py)
        # Shown with open(), kept for tests and closed with the window.
        self.dialog: QDialog | None = None  # settings, about, welcome, export, model setup
        self._close_when_idle = False  # the user chose to close during a task: close when it stops
        self.apply_settings()

        self.gallery_pane = GalleryPane()
        self.gallery = self.gallery_pane.gallery
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
        for widget, stretch in ((self.gallery_pane, 0), (self.editors, 1), (side, 0)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([420, 800, 380])
        self.setCentralWidget(splitter)
        self.log = LogPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log)
        self.resizeDocks([self.log], [110], Qt.Orientation.Vertical)  # room for the pictures first
        self.progress = ProgressStatus()
        self.statusBar().addPermanentWidget(self.progress)
        self.models = ModelKeeping()  # models stay loaded between tasks; the status bar shows them
        self.card.wb.kept = self.models.kept  # Suggest and Fill there reuse a loaded local writer
        self.statusBar().addPermanentWidget(self.models.label)
        self.history = ChoiceHistory(self.statusBar(), before=self.card.flush,
                                     report=lambda why: self.log.add(why, error=True), parent=self)
        self.model_picker = ModelPicker()
        self.mask_tab = MaskTab()
        self.add_editor_tab(self.mask_tab, self.tr("Mask"))
        self.survey = SurveyView()  # 2–4 results side by side (N); P / X flag there too
        self.add_editor_tab(self.survey, self.tr("Survey"))
        self._mask_stale = True  # the tab loads the full photo only while it is shown
        self.tasks = PhotoTasks(self)  # first: its end-of-task handling runs before the others'
        self.text_run = CardTextRun(self)
        self.exports = ExportRun(self)
        self.publishing = PublishRun(self)  # File → Publish to Wildberries…
        self.watch = WatchRun(self)  # File → Watch this folder (tethered shooting)
        self.flags = Flagging(self)
        self.clipboard = SettingsClipboard(  # Edit → Copy settings / Paste settings…
            self, project=lambda: self.project, current=lambda: self.preview.rel,
            selected=self.gallery.selected_rels)
        self.acts = WindowActions(self)
        self._connect()
        self.history.refresh()
        geometry = settings.settings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._first_placement = geometry is None  # ui/window_geometry.py, when first shown
        self.update_actions()

    # -- actions --------------------------------------------------------------------------------
    def _connect(self) -> None:
        self.gallery.selection_changed.connect(self._on_selection)
        self.gallery.current_changed.connect(self._on_current)
        self.backgrounds.changed.connect(self._on_choice)
        self.backgrounds.applied.connect(self.history.tell)
        placement = self.preview.placement  # it renders the preview again itself
        placement.selected = self.gallery.selected_rels  # "Fills N %" and Auto work on the selection
        placement.changed.connect(lambda _label: self.gallery.photos.refresh_result(None))
        placement.changed.connect(lambda _label: self.history.refresh())
        placement.applied.connect(self.history.tell)
        placement.failed.connect(lambda why: self.log.add(why, error=True))
        self.clipboard.copied.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.clipboard.copied.connect(self.update_actions)
        self.clipboard.pasted.connect(self._on_restored)  # the panel and the preview show the paste
        self.clipboard.pasted.connect(self.history.tell)
        self.card.saved.connect(lambda _key: self.history.refresh())
        self.history.changed.connect(self.acts.show_history)
        self.history.restored.connect(self._on_restored)
        self.progress.cancel_requested.connect(self.runner.cancel)
        self.editors.currentChanged.connect(self._on_editor_tab)
        self.mask_tab.maskSaved.connect(self._on_mask_saved)
        self.mask_tab.saveFailed.connect(lambda rel, why: self.log.add(why, rel, error=True))

    def update_actions(self) -> None:
        idle = not self.runner.busy
        self.acts.update(idle=idle, has_project=self.project is not None,
                         has_photos=self.project is not None and self.project.scan.photo_count > 0,
                         has_selection=bool(self.gallery.selected_rels()),
                         export_folder=self.exports.folder(),
                         export_scope=self.exports.scope())
        self.model_picker.setEnabled(idle)

    def selected_products(self) -> list[str]:
        project = self.project
        if project is None:
            return []
        return list(dict.fromkeys(product_of(project, rel).key for rel in self.gallery.selected_rels()))

    def apply_settings(self) -> None:
        """Defaults for products without a choice come from the settings (new and reopened folders)."""
        chosen = app_settings.load()
        set_defaults(Defaults(background=background_named(chosen.background), marketplace=chosen.marketplace))

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(app_settings.load(env=False), self)
        dialog.accepted.connect(self._on_settings_saved)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _on_settings_saved(self) -> None:
        self.apply_settings()
        self.models.settings_saved()
        self.model_picker.refill()
        self.backgrounds.set_context(self.project, self.gallery.selected_rels())
        self._on_choice()  # a new default background or canvas shows at once

    def show_welcome(self) -> WelcomeDialog:
        """The first-run dialog: models for this computer, then the GigaChat key."""
        dialog = WelcomeDialog(self)
        dialog.settings_changed.connect(self._on_settings_saved)
        dialog.open()
        self.dialog = dialog
        return dialog

    def show_doctor(self) -> DoctorDialog:
        """Help → Check this computer…: the same report as ``vitrina doctor``."""
        self.dialog = DoctorDialog(self)
        self.dialog.open()
        return self.dialog

    def show_finetune(self) -> FinetuneDialog | None:
        """Process → Improve the model from my corrections…: fine-tune the cut-out model here."""
        if self.project is None:
            return None
        dialog = FinetuneDialog(self, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def show_model_updates(self) -> ModelUpdatesDialog:
        """Help → Check for model updates…"""
        self.dialog = ModelUpdatesDialog(self)
        self.dialog.open()
        return self.dialog

    def show_about(self) -> AboutDialog:
        self.dialog = AboutDialog(self)
        self.dialog.open()
        return self.dialog

    def set_seg_model(self, value: str) -> None:
        """The segmentation model for the next runs: a registry name or a model folder."""
        self.model_picker.set_model(value)

    def add_editor_tab(self, widget: QWidget, title: str) -> int:
        """Where the mask brush (ui/brush MaskEditor) plugs in, beside the preview."""
        return self.editors.addTab(widget, title)

    # -- folders --------------------------------------------------------------------------------
    def open_folder(self, folder: Path | str) -> bool:
        if self.project is not None and Path(folder).resolve() == self.project.root:
            # Already open here: this window holds its lock, so "in use" would name this very window;
            # reloading would only lose the undo history. Just show it.
            self.raise_()
            self.activateWindow()
            self.statusBar().showMessage(self.tr("{0} is already open.").format(self.project.root), 5000)
            return True
        if self.runner.busy:
            self.statusBar().showMessage(self.tr("Wait for the current task to finish (or cancel it)."), 5000)
            return False
        try:
            project = Project(Path(folder))
            lock = ProjectLock(project.state_dir, folder=project.root, purpose="studio")
            lock.acquire()
        except ProjectLockedError as exc:
            # Another window or a `vitrina batch` run is writing here: two writers would overwrite
            # each other's masks and text, so the folder is not opened (the message names the holder).
            # The folder open until now stays open, its lock still held: nothing of it is lost.
            self.log.add(str(exc), str(folder), error=True)
            QMessageBox.warning(self, self.tr("Folder in use"), str(exc))
            return False
        except VitrinaError as exc:
            self.log.add(str(exc), str(folder), error=True)
            return False
        self.card.set_product(None, "")  # saves a pending text edit of the previous folder
        self.watch.stop()  # the watch belongs to the folder being closed
        self.flags.flush()  # and its flags, while its lock is still held
        # The new folder's lock is taken first: had that failed, the old folder would still be ours.
        self._release_lock()
        self._lock = lock
        self.project = project
        self.history.set_project(project)
        self.gallery.set_project(project)
        for message in project.messages:
            self.log.add(message, error=True)
        for rel, why in project.scan.skipped:
            self.log.add(why, rel)
        settings.add_recent_folder(str(project.root))
        self.setWindowTitle(f"{project.root.name} — Vitrina")
        count = project.scan.photo_count
        if count:
            self.statusBar().showMessage(self.tr("%n photo(s) in {0}", "", count).format(project.root), 8000)
        else:  # Process would report "0 photos processed": say what is wrong before anyone clicks
            empty = self.tr("No photos in {0}. Copy photos there (JPEG, PNG, WebP, HEIC…) or open "
                            "another folder.").format(project.root)
            self.statusBar().showMessage(empty)
            self.log.add(empty)
        if count:
            self.gallery.select([all_photos(project)[0]])
        self.update_actions()
        return True

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of product photos"))
        if folder:
            self.open_folder(folder)

    def fill_recent(self) -> None:
        dialogs.fill_recent_menu(self.acts.recent_menu, self.open_folder)

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
        self.update_actions()

    def _on_current(self, rel: str) -> None:
        self.preview.show_photo(self.project, rel)
        self.sync_mask_tab(stale=True)
        key = product_of(self.project, rel).key if self.project is not None and rel else ""
        if key != self.card.key or self.project is not self.card.project:
            self.card.set_product(self.project, key)

    def sync_mask_tab(self, *, stale: bool = False) -> None:
        """Show the current photo in the Mask tab now if it is on screen, else when it next is."""
        self._mask_stale = self._mask_stale or stale
        if self._mask_stale and self.editors.currentWidget() is self.mask_tab:
            self._mask_stale = False
            self.mask_tab.show_photo(self.project, self.preview.rel)

    def _on_mask_saved(self, rel: str) -> None:
        self.gallery.photos.refresh(rel)
        self.gallery.photos.refresh_result([rel])
        if rel == self.preview.rel:
            self.preview.show_photo(self.project, rel)

    def _on_choice(self) -> None:
        self.preview.show_photo(self.project, self.preview.rel)
        self.gallery.photos.refresh_result(None)  # marks only: tiles on screen are re-asked, not all
        self.card.set_product(self.project, self.card.key)  # the marketplace sets the text limits
        self.history.refresh()

    def _on_restored(self) -> None:
        self.backgrounds.set_context(self.project, self.gallery.selected_rels())
        self._on_choice()

    def undo(self) -> None:
        """Take back the last choice (background, canvas, card text) anywhere in the project."""
        self.history.undo()

    def redo(self) -> None:
        self.history.redo()

    def _on_editor_tab(self, _index: int) -> None:
        on_mask = self.editors.currentWidget() is self.mask_tab
        self.acts.keys_for_choices(not on_mask)  # Ctrl+Z there undoes brush strokes
        self.history.refresh()  # the menu shows whether Ctrl+Z is its key right now
        self.sync_mask_tab()
        if on_mask:
            self.mask_tab.editor.setFocus()

    # -- long tasks (ui/photo_tasks.py, ui/card_text_run.py) ------------------------------------
    def process_selected(self) -> None:
        self.tasks.process(self.gallery.selected_rels())

    def process(self, rels: list[str] | None) -> bool:
        """Make masks for ``rels`` (None: every photo) on the worker thread."""
        return self.tasks.process(rels)

    def export_to(self, output: Path | str, *, overwrite: bool = False, fix: bool = False,
                  scope: str = "all") -> bool:
        return self.exports.export_to(output, overwrite=overwrite, fix=fix, scope=scope)

    def export(self) -> bool:
        """One click: the folder (and options) this photo folder exported to last; asks the first time."""
        return self.exports.export()

    def choose_export(self) -> bool:
        return self.exports.choose()

    def choose_publish(self) -> bool:
        return self.publishing.choose()

    def showEvent(self, event: QShowEvent) -> None:
        if self._first_placement:
            self._first_placement = False
            if not self.testAttribute(Qt.WidgetAttribute.WA_Resized):  # no size was asked for
                place_first_time(self)
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.card.flush()
        if self.runner.busy:
            # Asked once; "yes" stops the task at its next safe point and closes when it has
            # stopped (everything finished by then is saved). The window stays responsive meanwhile.
            if self._close_when_idle or dialogs.confirm_stop(self, self.runner.task_name):
                self._close_when_idle = True
                self.runner.cancel()
                self.progress.stopping()
                self.statusBar().showMessage(self.tr("Stopping the task, then closing…"))
            event.ignore()
            return
        for box in (self.dialog, self.export_box, self.publish_box):
            if box is not None:
                box.close()  # dialogs are windows of their own: they would outlive this one
        self.watch.stop()
        self.gallery.photos.shutdown()
        self.flags.shutdown()
        self._release_lock()
        self.preview.shutdown()
        self.survey.shutdown()
        self.models.shutdown()
        settings.settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)

    @property
    def closing(self) -> bool:
        """The user chose to close during a task: the window closes as soon as it has stopped."""
        return self._close_when_idle

    def task_ended(self) -> None:
        self.progress.finish()
        self.update_actions()
        self.gallery.photos.refresh()
        self.gallery.photos.refresh_result(None)  # re-processed masks, written card shapes
        if self._close_when_idle:
            QTimer.singleShot(0, self.close)  # after the other handlers of this task's end
