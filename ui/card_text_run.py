"""Card text from the GUI: "Write card text" (selected or all products) and the card panel's
"Regenerate", run as tasks on the window's one worker, with progress, cancel and live updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from app import settings as app_settings
from app.studio import TextResult, text_options, write_cards
from app.studio.kept_models import describer_factory, writer_factory
from ui.task_run import TaskRun

if TYPE_CHECKING:
    from ui.window_parts import CardTextHost

TASK = "text"


class CardTextRun(TaskRun):
    host: CardTextHost

    def __init__(self, host: CardTextHost) -> None:
        super().__init__(host)
        host.card.regenerate_requested.connect(self.regenerate)
        host.runner.item_done.connect(self._on_item_done)

    def write(self, keys: list[str] | None, *, regenerate: tuple[str, ...] = ()) -> bool:
        """Write cards for these products (None: all) on the worker; edited cards are kept unless
        their key is in ``regenerate``."""
        w = self.host
        project = w.project
        if project is None or w.runner.busy:
            return False
        chosen = list(keys) if keys else [p.key for p in project.products]
        w.card.flush()  # a pending edit is the user's text: it must be saved (and win) first
        options = text_options(app_settings.load())
        if not options.enabled:  # a setting, not a failure: said once, as a notice, nothing started
            said = self.tr("Card text is off: choose a text provider (GigaChat or local) in Settings.")
            w.statusBar().showMessage(said, 10000)
            w.log.add(said)
            return False
        w.progress.start(self.tr("Writing card text"), self.tr("cards"))
        kept = w.models.kept  # the describer and a local writer stay loaded for the next run
        describer, writer = describer_factory(kept), writer_factory(kept)
        w.runner.start(TASK, lambda events, cancel: write_cards(
            project, chosen, options, regenerate=regenerate, events=events, cancel=cancel,
            describer_factory=describer, writer_factory=writer))
        w.update_actions()
        return True

    def regenerate(self, key: str) -> bool:
        """Write this product's card again; asks first when that would replace the user's edits."""
        w = self.host
        if w.project is None or not key or w.runner.busy:
            return False
        w.card.flush()
        if w.project.product(key).card_edited:
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(
                w.window(), self.tr("Regenerate the card text"),
                self.tr("You edited this card. Replace your text with a newly written one?"),
                buttons.Yes | buttons.No, buttons.No)
            if answer != buttons.Yes:
                return False
        return self.write([key], regenerate=(key,))

    def _on_item_done(self, item: str, stage: str) -> None:
        w = self.host
        if stage == TASK and item == w.card.key:
            w.card.set_product(w.project, item)  # the new card appears as soon as it is written

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        if stage == TASK:
            self.host.progress.switch(self.tr("Writing card text"), self.tr("cards"))
            self.host.progress.update_count(done, total)
        elif stage == "download":  # bytes of the describer's first-use download
            self.host.progress.switch(self.tr("Downloading the describer"), "MB")
            self.host.progress.update_count(done >> 20, total >> 20)

    def _on_finished(self, name: str, result: object) -> None:
        if name != TASK or not isinstance(result, TextResult) or self.host.closing:
            return
        text = self.tr("Wrote {0} card(s), {1} failed, {2} kept as they were.").format(
            len(result.written), len(result.failed), len(result.kept))
        if result.cancelled:
            text = self.tr("Stopped. ") + text
        self.host.statusBar().showMessage(text, 10000)
        w = self.host
        if w.card.key:
            w.card.set_product(w.project, w.card.key)
