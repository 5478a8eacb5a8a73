"""Welcome, step 1: check this computer, list the models with sizes and licences, download them.

Two worker threads, never the UI thread: the hardware check (it imports torch) and the downloads
(``app.firstrun.downloads``). Progress arrives as typed events through a queued signal; speed and
time left come from a sliding window (``app.firstrun.rate``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from app.errors import VitrinaError
from app.events import Event, EventSink, ItemDone, ItemFailed, Progress
from app.firstrun import downloads, hardware
from app.firstrun.downloads import DownloadResult
from app.firstrun.plan import (
    SEGMENTATION,
    WRITER,
    ModelItem,
    classify_folder,
    download_bytes,
    folder_item,
    plan,
)
from app.firstrun.rate import RateMeter
from app.models import catalogue, trust
from app.models.trust import Offer
from ui.layout_pieces import scrolling_down
from ui.welcome import units
from ui.welcome.hardware_box import HardwareBox
from ui.welcome.model_row import ModelRow, role_title
from ui.welcome.pin_dialog import PinDialog
from ui.worker import TaskRunner

Checked = tuple[hardware.Hardware, hardware.Recommendation, list[ModelItem]]


def check_computer() -> Checked:
    """On a worker thread: the hardware, the models that suit it, and what is already on disk."""
    found = hardware.probe()
    rec = hardware.recommend(found)
    return found, rec, plan(hardware.apply(app_settings.load(), rec))


def check_models(roles: tuple[str, ...], seg_model: str) -> list[ModelItem]:
    """Only ``roles``, for the models chosen now (no hardware check: nothing is re-picked)."""
    chosen = replace(app_settings.load(), seg_model=seg_model) if seg_model else app_settings.load()
    return [item for item in plan(chosen) if item.role in roles]


def cache_folder() -> str:
    from app.segment.download import cache_dir  # huggingface_hub loads here, not at start-up

    return str(cache_dir())


class _Bridge(QObject):
    event = Signal(object)  # an app.events value; bytes overflow a C++ int, so no int arguments


class ModelsPage(QWidget):
    settings_changed = Signal()
    busy_changed = Signal(bool)  # a download started or ended
    status_changed = Signal(str)  # one line for the dialog's footer

    def __init__(self, parent: QWidget | None = None, *, roles: tuple[str, ...] = (),
                 seg_model: str = "") -> None:
        """``roles``: only these models, as chosen now (the setup before a Process; ``seg_model``
        is the one it will use); by default all three, picked for this computer (the welcome)."""
        super().__init__(parent)
        intro = QLabel(self.tr("Vitrina cuts products out of photos and describes them with models that run "
                               "on this computer. They are downloaded once from the Hugging Face hub, at "
                               "fixed versions, and keep their own licences."))
        intro.setWordWrap(True)
        self.hardware = HardwareBox()
        self.models_box = QGroupBox(self.tr("Models"))
        self.grid = QGridLayout(self.models_box)
        self.grid.setColumnStretch(1, 1)
        self.rows: dict[str, ModelRow] = {}
        self.total = QLabel(self.tr("Checking what is already downloaded…"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.setOpenExternalLinks(True)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setEnabled(False)
        self.download_button.clicked.connect(self._download_clicked)
        self.folder_button = QPushButton(self.tr("Use a folder with model files…"))
        self.folder_button.setToolTip(self.tr("Model files copied from another computer (config.json, "
                                              "model.safetensors…) instead of a download"))
        self.folder_button.clicked.connect(self.choose_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.total, 1)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.download_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.hardware)
        layout.addWidget(self.models_box)
        layout.addLayout(buttons)
        # A failed download can say several long things at once (one per model, in Russian longer
        # still): they scroll in the room left, never cut off at the dialog's bottom edge.
        self.message_area = scrolling_down(self.message)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message_area, 1)
        if roles:
            intro.hide()
            self.hardware.hide()

        self.checker = TaskRunner(self)
        self.checker.finished.connect(self._on_checked)
        self.checker.failed.connect(lambda _name, error: self._show_message(error, error=True))
        self.pin_dialog: PinDialog | None = None
        self.offers = TaskRunner(self)  # the hub's commit for models pinned on first use
        self.offers.finished.connect(self._on_offers)
        self.offers.failed.connect(self._on_offers_failed)
        self.downloader = TaskRunner(self)
        self.downloader.finished.connect(self._on_downloaded)
        self.downloader.failed.connect(self._on_download_crashed)
        self._bridge = _Bridge(self)
        self._bridge.event.connect(self._on_event)
        self._meter, self._metered = RateMeter(), ""
        if roles:
            self.checker.start("model-check", lambda _events, _cancel: check_models(roles, seg_model))
        else:
            self.checker.start("hardware-check", lambda _events, _cancel: check_computer())

    @property
    def downloading(self) -> bool:
        return self.downloader.busy

    # -- the hardware check ---------------------------------------------------------------------
    def _on_checked(self, _name: str, checked: Checked | list[ModelItem]) -> None:
        if isinstance(checked, list):
            self._show_rows(checked)
            return
        found, rec, items = checked
        saved = app_settings.load(env=False)
        picked = hardware.apply(saved, rec)
        if picked != saved:  # the defaults for this computer, unless the user chose otherwise
            app_settings.save(picked)
            self.settings_changed.emit()
        self.hardware.show_result(found, rec, app_settings.load())
        self._show_rows(items)

    def _show_rows(self, items: list[ModelItem]) -> None:
        self.models_box.setTitle(self.tr("Models (kept in {0})").format(cache_folder()))
        for item in items:
            if item.role in self.rows:
                self.rows[item.role].set_item(item)
            else:
                self.rows[item.role] = ModelRow(item, self.grid, len(self.rows), self.models_box)
                self.rows[item.role].check.toggled.connect(self._show_total)
        self._show_total()

    def _show_total(self) -> None:
        wanted = {role for role, row in self.rows.items() if row.wanted}
        size = download_bytes([row.item for row in self.rows.values()], wanted)
        if size:
            self.total.setText(self.tr("To download: {0}").format(units.size(size)))
        elif any(row.item.needs_download for row in self.rows.values()):
            self.total.setText(self.tr("Nothing ticked to download."))
        else:
            self.total.setText(self.tr("Everything needed is on this computer."))
        self.download_button.setEnabled(self.downloading or bool(size))

    # -- downloads ------------------------------------------------------------------------------
    def _download_clicked(self) -> None:
        if self.downloading:
            self.cancel()
        else:
            self.start_download()

    def start_download(self) -> bool:
        items = [row.item for row in self.rows.values() if row.wanted]
        if not items or self.downloading or self.offers.busy:
            return False
        candidates = [catalogue.find(i.name, i.role) for i in items if not i.folder]
        unpinned = [c for c in candidates if not c.revision]
        if unpinned:  # first ask the hub which commit it offers, then the user (PinDialog)
            self._show_message(self.tr("Asking the hub which commit it offers…"))
            self.download_button.setEnabled(False)
            self.offers.start("pin-offers", lambda _e, _c: [trust.offer(c) for c in unpinned])
            return True
        for item in items:
            self.rows[item.role].set_status(self.tr("Waiting"))
        self._show_message("")
        sink: EventSink = self._bridge.event.emit
        self.downloader.start("download", lambda _e, cancel: self._download(items, sink, cancel))
        self.download_button.setText(self.tr("Cancel"))
        self.download_button.setEnabled(True)
        self.folder_button.setEnabled(False)
        self.busy_changed.emit(True)
        return True

    def _on_offers(self, _name: str, offers: list[Offer]) -> None:
        self._show_total()
        self._ask_next(list(offers))

    def _ask_next(self, offers: list[Offer]) -> None:
        """One PinDialog at a time, opened window-modal (not exec: the event loop keeps running)."""
        if not offers:
            self.start_download()  # every model has its commit now
            return
        offer = offers.pop(0)
        dialog = PinDialog(offer, self)
        self.pin_dialog = dialog  # reachable while it is open (tests answer it)
        dialog.finished.connect(lambda result: self._on_answer(dialog, offers, result))
        dialog.open()

    def _on_answer(self, dialog: PinDialog, rest: list[Offer], result: int) -> None:
        self.pin_dialog = None
        dialog.deleteLater()
        if result != PinDialog.DialogCode.Accepted:
            self._show_message(self.tr("{0} was not accepted, so it is not downloaded.").format(
                escape(dialog.offer.candidate.name)), error=True)
            return
        trust.accept(dialog.offer)
        self._ask_next(rest)

    def _on_offers_failed(self, _name: str, error: str) -> None:
        self._show_total()
        self._show_message(escape(error), error=True)

    @staticmethod
    def _download(items: list[ModelItem], sink: EventSink, cancel: threading.Event) -> DownloadResult:
        return downloads.download_models(items, sink, cancel)

    def cancel(self) -> None:
        if self.downloading:
            self.downloader.cancel()
            downloads.abort_transfers()
            self.download_button.setEnabled(False)
            self.status_changed.emit(self.tr("Stopping the download…"))

    def _on_event(self, event: Event) -> None:
        row = self.rows.get(getattr(event, "item", ""))
        if row is None:
            return
        if isinstance(event, Progress):
            if self._metered != event.item:
                self._meter, self._metered = RateMeter(), event.item
            self._meter.add(time.monotonic(), event.done)
            total = event.total or row.item.size_bytes
            row.show_progress(event.done, total, self._meter.speed(), self._meter.seconds_left(total))
            self.status_changed.emit(f"{role_title(event.item)} {row.item.name}: {row.status.text()}")
        elif isinstance(event, ItemDone):
            row.finished()
        elif isinstance(event, ItemFailed):
            row.set_status(self.tr("Not downloaded"), error=True)

    def _on_downloaded(self, _name: str, result: DownloadResult) -> None:
        self._download_ended()
        if WRITER in result.done:  # the local writer works only once it knows its model
            app_settings.update(writer_model=self.rows[WRITER].item.name)
            self.settings_changed.emit()
        if result.cancelled:
            for row in self.rows.values():
                if row.wanted:
                    row.set_status(self.tr("Stopped"))
            self._show_message(self.tr("Download stopped. What was downloaded is kept: press “Download” to "
                                       "continue where it stopped."))
        elif result.failed:
            failures = [self._failure(role, why) for role, why in result.failed.items()]
            self._show_message("<br><br>".join(failures), error=True)
        else:
            self._show_message(self.tr("Done: the models are on this computer."))

    def _failure(self, role: str, why: str) -> str:
        item = self.rows[role].item
        text = self.tr("<b>Could not download {0} ({1}).</b> Is this computer online? The parts already "
                       "downloaded are kept in {2}: press “Download” when the connection is back and it "
                       "continues from there. Without internet, download the files of "
                       "<a href=\"{3}\">{1}</a> on another computer and choose “Use a folder with model "
                       "files…”.").format(escape(item.name), escape(item.repo), escape(cache_folder()),
                                         f"https://huggingface.co/{escape(item.repo)}")
        return text + "<br><small>" + escape(why) + "</small>"

    def _on_download_crashed(self, _name: str, error: str) -> None:
        self._download_ended()
        self._show_message(error, error=True)

    def _download_ended(self) -> None:
        self.download_button.setText(self.tr("Download"))
        self.folder_button.setEnabled(True)
        self._show_total()
        self.status_changed.emit("")
        self.busy_changed.emit(False)

    # -- a folder instead of a download ---------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with model files"))
        if folder:
            self.use_folder(Path(folder))

    def use_folder(self, folder: Path) -> bool:
        try:
            role = classify_folder(folder)
        except VitrinaError as exc:
            text = self.tr("This folder cannot be used: {0}").format(escape(str(exc)))
            self._show_message(text, error=True)
            return False
        path = str(folder.expanduser().resolve())
        if role == SEGMENTATION:
            saved = app_settings.load(env=False)
            app_settings.save(saved.chosen(seg_model=path).with_seg_folder(path))
        else:
            app_settings.choose(vlm_model=path)
        if role in self.rows:
            self.rows[role].set_item(folder_item(role, path))
        self._show_total()
        self._show_message(self.tr("Using the {0} in {1}.").format(role_title(role).lower(), escape(path)))
        self.settings_changed.emit()
        return True

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828" if error else "")

    def shutdown(self) -> None:
        """Stop the downloads (kept for resume) and wait for both threads: the dialog is closing."""
        self.cancel()
        self.checker.wait()
        self.offers.wait()
        self.downloader.wait()
