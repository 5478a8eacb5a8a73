"""What each of the window's helpers may use of the window, as small protocols.

The helpers (ui/photo_tasks.py, card_text_run.py, export_run.py, publish_run.py and their task_run.py,
watch_run.py, flagging.py, window_actions.py) used to take the whole ``MainWindow`` and import it,
so any of them could reach any part of it and the import graph had cycles. Each now names the parts
it needs here, the window satisfies all of them, and tests/ui/test_window_parts.py checks both: a
helper touches only what its protocol lists, and the window has everything every protocol lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDialog, QMenuBar, QStatusBar, QStyle, QTabWidget, QToolBar, QWidget

    from app.project import Project
    from ui.background_panel import BackgroundPanel
    from ui.card_panel import CardPanel
    from ui.card_text_run import CardTextRun
    from ui.choice_history import ChoiceHistory
    from ui.flagging import Flagging
    from ui.gallery import Gallery
    from ui.gallery_pane import GalleryPane
    from ui.log_panel import LogPanel
    from ui.model_keeping import ModelKeeping
    from ui.model_picker import ModelPicker
    from ui.paste_dialog import SettingsClipboard
    from ui.photo_tasks import PhotoTasks
    from ui.preview import PreviewPane
    from ui.progress import ProgressStatus
    from ui.survey import SurveyView
    from ui.watch_run import WatchRun
    from ui.worker import TaskRunner


class TaskHost(Protocol):
    """A helper that runs long work on the window's one worker and reports on it."""

    project: Project | None
    runner: TaskRunner
    models: ModelKeeping
    progress: ProgressStatus
    log: LogPanel
    dialog: QDialog | None  # the open dialog, closed with the window

    @property
    def closing(self) -> bool: ...

    def window(self) -> QWidget: ...  # the parent of the dialogs a helper opens

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt's name)

    def update_actions(self) -> None: ...


class CardTextHost(TaskHost, Protocol):
    card: CardPanel


class ExportHost(TaskHost, Protocol):
    card: CardPanel
    export_box: QDialog | None

    def selected_products(self) -> list[str]: ...


class PublishHost(TaskHost, Protocol):
    """File → Publish to Wildberries… (ui/publish_run.py): the run, its results box, and Settings for
    the token."""

    card: CardPanel
    publish_box: QDialog | None

    def selected_products(self) -> list[str]: ...

    def open_settings(self) -> QDialog: ...


class PhotoTasksHost(TaskHost, Protocol):
    gallery: Gallery
    preview: PreviewPane
    model_picker: ModelPicker

    def sync_mask_tab(self, *, stale: bool = False) -> None: ...

    def task_ended(self) -> None: ...


class FinetuneHost(Protocol):
    """Process → Improve the model from my corrections… (ui/finetune_dialog.py): the run on the
    window's worker, the loaded models it frees, and the model list the new model joins."""

    project: Project | None
    runner: TaskRunner
    models: ModelKeeping
    model_picker: ModelPicker
    log: LogPanel

    def update_actions(self) -> None: ...


class WatchHost(TaskHost, Protocol):
    gallery: Gallery
    preview: PreviewPane
    tasks: PhotoTasks


class FlaggingHost(Protocol):
    project: Project | None
    log: LogPanel
    gallery: Gallery
    preview: PreviewPane
    survey: SurveyView
    editors: QTabWidget
    history: ChoiceHistory
    backgrounds: BackgroundPanel

    def statusBar(self) -> QStatusBar: ...  # noqa: N802


class ActionsHost(Protocol):
    """The main window as the menus and the toolbar see it: where actions go, and the commands."""

    runner: TaskRunner
    log: LogPanel
    gallery: Gallery
    gallery_pane: GalleryPane
    preview: PreviewPane
    editors: QTabWidget
    survey: SurveyView
    model_picker: ModelPicker
    clipboard: SettingsClipboard
    text_run: CardTextRun
    watch: WatchRun
    flags: Flagging

    def menuBar(self) -> QMenuBar: ...  # noqa: N802

    def addToolBar(self, title: str) -> QToolBar: ...  # noqa: N802

    def addAction(self, action: QAction) -> None: ...  # noqa: N802

    def removeAction(self, action: QAction) -> None: ...  # noqa: N802

    def style(self) -> QStyle: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def selected_products(self) -> list[str]: ...

    def choose_folder(self) -> None: ...

    def fill_recent(self) -> None: ...

    def export(self) -> bool: ...

    def choose_export(self) -> bool: ...

    def choose_publish(self) -> bool: ...

    def process_selected(self) -> None: ...

    def process(self, rels: list[str] | None) -> bool: ...

    def undo(self) -> None: ...

    def redo(self) -> None: ...

    def open_settings(self) -> object: ...

    def show_welcome(self) -> object: ...

    def show_about(self) -> object: ...

    def show_doctor(self) -> object: ...

    def show_finetune(self) -> object: ...

    def show_model_updates(self) -> object: ...

    def close(self) -> bool: ...
