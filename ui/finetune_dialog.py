"""Process → "Improve the model from my corrections…": the cut-out model trained further on the masks
the user corrected with the brush (app.studio.finetune), on the window's one worker.

Before a run the dialog counts the usable corrections on a pool thread (ui/finetune_survey.py:
each corrected photo is hashed, seconds for a large folder; torch is imported there to tell
whether training runs on the GPU), and finds an earlier run of this folder that was stopped before
its end (Start then continues it). During the run: steps, loss, the held-out photos' IoU and the
time left, and the core's notices. After it: the held-out photos, base against new, worst change first.

Nothing here imports torch on the GUI thread; the core's fine-tuning modules are imported in the
pool job and at Start, so opening the window costs nothing for users who never train.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import formats
from app.events import TrainingStep
from app.segment import VARIANTS
from ui import settings as ui_settings
from ui.finetune_results import ResultsTable, signed_points
from ui.finetune_survey import Survey, SurveyJob, SurveySignals
from ui.model_picker import model_missing

if TYPE_CHECKING:
    from ui.window_parts import FinetuneHost

log = logging.getLogger(__name__)

TASK = "finetune"
DEFAULT_EPOCHS = 10


def _fit(items: QListWidget, most: int) -> None:
    """A list as tall as its first ``most`` rows: one reason or notice takes one line, not a box."""
    shown = [items.sizeHintForRow(row) for row in range(min(items.count(), most))]
    items.setFixedHeight(sum(shown) + 2 * items.frameWidth() + 4)


class FinetuneDialog(QDialog):
    surveyed = Signal()  # the corrections are counted and shown
    ended = Signal(object)  # a run of this dialog ended: its Result, or None when it failed

    def __init__(self, host: FinetuneHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert host.project is not None, "the action is disabled without a folder"
        self.host = host
        self.root = host.project.root
        self.base = ui_settings.seg_model()
        self.learning_rate: float | None = None  # None: the trainer's own rule (tests set a high one)
        self.found: Survey | None = None
        self.out_dir: Path | None = None
        self.result: Any = None  # app.finetune.trainer.Result of the last run
        self.running = False
        self.stopping = False
        self.last_step: TrainingStep | None = None  # the run's latest progress
        self.setWindowTitle(self.tr("Improve the model from my corrections — {0}").format(self.root.name))
        self.resize(760, 1)  # as tall as the contents: it grows when the results come
        self._build()
        w = self.host
        w.runner.progress.connect(self._on_progress)
        w.runner.training.connect(self._on_training)
        w.runner.notice.connect(self._on_notice)
        w.runner.finished.connect(self._on_finished)
        w.runner.failed.connect(self._on_failed)
        try:
            w.project.save(force=False, min_interval=0.0)  # the last brush strokes' state, for the count
        except Exception as err:  # the count then misses them; the log says why
            w.log.add(str(err), error=True)
        self._signals = SurveySignals()
        self._signals.done.connect(self._on_surveyed)
        job = SurveyJob(self._signals, self.root, self.base, ui_settings.device())
        QThreadPool.globalInstance().start(job)

    # -- the widgets -----------------------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel(self.tr(
            "Vitrina trains the cut-out model further on the masks you corrected with the brush, on this "
            "computer. The photos of a few products are held out to compare the new model with the "
            "current one; the current model itself is never changed."))
        intro.setWordWrap(True)
        self.count_label = QLabel(self.tr("Looking for the masks you corrected…"))
        self.count_label.setWordWrap(True)
        self.left_out_button = QToolButton()
        self.left_out_button.setCheckable(True)
        self.left_out_button.setArrowType(Qt.ArrowType.RightArrow)
        self.left_out_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.left_out_button.setAutoRaise(True)
        self.left_out_button.toggled.connect(self._show_left_out)
        self.left_out_button.hide()
        self.left_out = QListWidget()
        self.left_out.hide()
        base_name = self.base if self.base in VARIANTS else Path(self.base).name
        self.base_label = QLabel(base_name)
        self.base_label.setToolTip(self.base)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 200)
        self.epochs.setValue(DEFAULT_EPOCHS)
        self.epochs.setToolTip(self.tr("Passes over the training photos. Training stops early when the "
                                       "held-out photos stop getting better, and keeps the best epoch."))
        self.epochs.valueChanged.connect(self._show_estimate)
        self.estimate = QLabel("…")
        self.estimate.setToolTip(self.tr("A rough figure for this computer; once training runs, the time "
                                         "left is measured"))
        self.out_field = QLineEdit()
        self.out_field.setReadOnly(True)
        self.out_field.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # selectable, but Tab passes it by
        self.out_field.setToolTip(self.tr("The new model is written here as a model folder of its own"))
        form = QFormLayout()
        form.addRow(self.tr("Corrected photos:"), self.count_label)
        form.addRow(self.left_out_button)
        form.addRow(self.left_out)
        form.addRow(self.tr("Current model:"), self.base_label)
        epochs_row = QHBoxLayout()
        epochs_row.addWidget(self.epochs)
        epochs_row.addStretch(1)
        form.addRow(self.tr("Epochs:"), epochs_row)
        form.addRow(self.tr("Estimated time:"), self.estimate)
        form.addRow(self.tr("New model folder:"), self.out_field)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.hide()

        self.run_box = QGroupBox(self.tr("Training"))
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.notices = QListWidget()
        self.notices.setWordWrap(True)
        self.notices.hide()
        run_layout = QVBoxLayout(self.run_box)
        for widget in (self.bar, self.status, self.notices):
            run_layout.addWidget(widget)
        self.run_box.hide()

        self.result_box = QGroupBox(self.tr("Result on the held-out photos"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { background: #fdecea; color: #8e1b1b; border: 1px solid #c62828;"
                                   " border-radius: 3px; padding: 6px; }")
        self.warning.hide()
        self.overall = QLabel()
        self.overall.setWordWrap(True)
        self.table = ResultsTable()
        self.table.setHorizontalHeaderLabels([
            self.tr("Photo"), self.tr("IoU before"), self.tr("IoU after"), self.tr("Change"),
            self.tr("Boundary F before"), self.tr("Boundary F after")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("IoU: how much of the product the mask covers without spilling "
                                      "over (100 % is a perfect mask). Boundary F: how closely its edge "
                                      "follows the product's, within 3 pixels. Worst change first."))
        result_layout = QVBoxLayout(self.result_box)
        for widget in (self.summary, self.warning, self.overall):
            result_layout.addWidget(widget)
        result_layout.addWidget(self.table, 1)  # the table takes the room, up to its last row
        result_layout.addStretch(0)
        self.result_box.hide()

        self.start_button = QPushButton(self.tr("Start training"))
        self.start_button.setEnabled(False)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Stop"))
        self.cancel_button.setToolTip(self.tr("Stop after the current step; the best epoch so far is kept, "
                                              "and the training can be continued"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button = QPushButton(self.tr("Use the new model"))
        self.use_button.setToolTip(self.tr("Make the new model the cut-out model for the next runs"))
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.use_model)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setToolTip(self.tr("Close this window. A training in progress is stopped: the best "
                                             "epoch so far is kept, and it can be continued next time."))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        for button in (self.start_button, self.cancel_button, self.use_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.reason)
        layout.addWidget(self.run_box)
        layout.addWidget(self.result_box, 1)
        layout.addStretch(0)
        layout.addWidget(buttons)

    def _show_left_out(self, shown: bool) -> None:
        self.left_out.setVisible(shown)
        self.left_out_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self._grow()

    def _grow(self) -> None:
        """Tall enough for what is shown now (within the screen); never shrinks under the user."""
        layout = self.layout()
        layout.activate()
        # Word-wrapped labels: their height at this width, not at the width their size hint guesses.
        want = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        screen = self.screen().availableGeometry().height() if self.screen() is not None else want
        if want > self.height():
            self.resize(self.width(), min(want, screen - 60))

    # -- before a run ----------------------------------------------------------------------------
    def _on_surveyed(self, found: Survey) -> None:
        self.found = found
        if found.error:
            self.count_label.setText(self.tr("The corrections cannot be read: {0}").format(found.error))
            self._refresh()
            self.surveyed.emit()
            return
        corrections = found.corrections
        count, products = corrections.count, corrections.found.products
        self.count_label.setText(self.tr("%n usable", "", count) + ", "
                                 + self.tr("of %n product(s)", "", products))
        bad = corrections.found.bad
        self.left_out.clear()
        for item in bad:
            self.left_out.addItem(f"{item.label}: {item.reason}")
        self.left_out_button.setText(self.tr("%n corrected photo(s) left out, and why", "", len(bad)))
        self.left_out_button.setVisible(bool(bad))
        _fit(self.left_out, 5)
        if self.out_dir is None:
            self.out_dir = found.unfinished or self._new_output()
        self._show_output()
        self._show_estimate()
        self._refresh()
        self.surveyed.emit()

    def _new_output(self) -> Path:
        from app.studio.finetune import default_output

        return default_output(self.root, self.base)

    def _show_output(self) -> None:
        self.out_field.setText(str(self.out_dir or ""))
        self.out_field.setCursorPosition(0)

    def _show_estimate(self) -> None:
        found = self.found
        if found is None or found.corrections is None:
            return
        from app.studio.finetune import estimate_seconds

        seconds = estimate_seconds(max(found.corrections.count, 1), self.settings(), on_gpu=found.on_gpu,
                                   base=self.base, cores=os.cpu_count() or 1)
        where = self.tr("about {0} on the GPU") if found.on_gpu else self.tr("about {0} on the CPU")
        self.estimate.setText(where.format(formats.duration(seconds)))

    def why_not(self) -> str:
        """Why Start cannot run now, in words ("" when it can)."""
        found = self.found
        if found is None:
            return ""  # still counting: Start waits, nothing to explain yet
        if found.error:
            return self.tr("Nothing can be trained until the folder's corrections can be read.")
        corrections = found.corrections
        if corrections.count < found.minimum:
            return self.tr("Training needs at least {0} corrected photos; this folder has {1}. Correct the "
                           "masks of more photos with the brush in the Mask tab, then open this window "
                           "again.").format(found.minimum, corrections.count)
        if not corrections.enough:
            return self.tr("All the corrected photos are of one product. Correct photos of at least two "
                           "products: the new model is checked on products it did not learn from.")
        if model_missing(self.base):
            return self.tr("The current model {0} is not on this computer yet: process a photo with it "
                           "first (it is downloaded then), or choose another model in the toolbar.").format(
                self.base)
        return ""

    def settings(self) -> Any:
        """The run's settings: the epochs chosen here, the device from Settings."""
        from app.finetune.trainer import Settings

        return Settings(epochs=self.epochs.value(), device=ui_settings.device(), lr=self.learning_rate)

    def _refresh(self) -> None:
        why = "" if self.running else self.why_not()
        if why:
            self._say(why)
        found = self.found
        ready = found is not None and not found.error and not why
        resumable = self.out_dir is not None and (
            (self.result is not None and self.result.cancelled)
            or (found is not None and self.out_dir == found.unfinished))
        self.start_button.setText(self.tr("Continue training") if resumable else self.tr("Start training"))
        self.start_button.setEnabled(ready and not self.running)
        self.epochs.setEnabled(not self.running)
        self.cancel_button.setEnabled(self.running and not self.stopping)
        self.use_button.setEnabled(not self.running and self._new_model() is not None)
        if found is not None and found.unfinished is not None and self.result is None and not self.running \
                and self.out_dir == found.unfinished and not why:
            self._say(self.tr("An earlier training on this folder was stopped before the end: “Continue "
                              "training” carries on from where it stopped."), warn=False)

    def _say(self, text: str, *, warn: bool = True) -> None:
        self.reason.setText(text)
        self.reason.setStyleSheet("color: #b35900" if warn else "")
        self.reason.setVisible(bool(text))

    # -- the run ---------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start (or continue) the training on the window's worker; False when it cannot now."""
        w = self.host
        if self.running or self.found is None or self.why_not():
            return False
        if w.runner.busy:
            self._say(self.tr("Another task is running. Wait for it to end (or cancel it), then start."))
            return False
        from app.studio import finetune as studio_finetune

        assert self.out_dir is not None
        w.models.kept.release_all()  # the studio's loaded models give their memory to the training
        task = studio_finetune.finetune_task(self.found.corrections.found, self.base, self.out_dir,
                                             self.settings())
        self.running, self.stopping = True, False
        self.last_step = None
        self._say("")
        self.notices.clear()
        self.notices.hide()
        self.run_box.show()
        self.bar.show()
        self.bar.setRange(0, 0)
        self.status.setText(self.tr("Loading the model…"))
        w.runner.start(TASK, task)
        w.update_actions()
        self._refresh()
        return True

    def cancel(self) -> None:
        if not self.running:
            return
        self.stopping = True
        self.host.runner.cancel()
        self.status.setText(self.tr("Stopping after the current step…"))
        self._refresh()

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        if not self.running or stage != "prepare" or self.stopping:
            return
        if done < total:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)
            self.status.setText(self.tr("Preparing the photos: {0} of {1}").format(done, total))
        else:  # then the current model is measured on the held-out photos, before the first step
            self.bar.setRange(0, 0)
            self.status.setText(self.tr("Measuring the current model on the held-out photos…"))

    def _on_training(self, step: TrainingStep) -> None:
        if not self.running:
            return
        self.last_step = step
        self.bar.setRange(0, max(step.steps, 1))
        self.bar.setValue(step.step)
        if not self.stopping:
            self.status.setText(self.training_line(step))

    def training_line(self, step: TrainingStep) -> str:
        """``Epoch 2 of 10 · loss 0.123 · validation IoU 87% · 3:05 left``"""
        parts = [self.tr("Epoch {0} of {1}").format(step.epoch, step.epochs),
                 self.tr("loss {0}").format(formats.decimal(step.loss, 3))]
        if step.val_iou is not None:
            parts.append(self.tr("validation IoU {0}").format(formats.percent(step.val_iou)))
        if step.seconds_left is not None:
            parts.append(self.tr("{0} left").format(formats.duration(step.seconds_left)))
        return " · ".join(parts)

    def _on_notice(self, message: str, _item: str) -> None:
        if self.running:
            self.notices.addItem(message)
            _fit(self.notices, 3)
            self.notices.show()
            self.notices.scrollToBottom()
            self._grow()

    def _on_failed(self, name: str, message: str) -> None:
        if name != TASK or not self.running:
            return
        self.running = self.stopping = False
        self.bar.hide()
        self.status.setText(self.tr("Training failed."))
        self._refresh()
        self._say(self.tr("Training failed: {0}").format(message))
        self.ended.emit(None)

    def _on_finished(self, name: str, result: Any) -> None:
        if name != TASK or not self.running:
            return
        self.running = self.stopping = False
        self.result = result
        self.bar.hide()  # the status line and the results say how it ended
        out = result.out_dir
        if out is not None:
            # Listed among the cut-out models whether or not it is chosen now.
            ui_settings.add_model_folder(str(out))
            self.host.model_picker.refill()
            self.host.log.add(self.tr("The improved cut-out model is in {0}").format(out))
        if result.cancelled and self.last_step is not None:
            self.status.setText(self.tr("Stopped at epoch {0} of {1}.").format(
                self.last_step.epoch, self.last_step.epochs))
        elif result.cancelled:
            self.status.setText(self.tr("Stopped."))
        else:
            self.status.setText(self.tr("Done."))
        self._show_report(result)
        if not result.cancelled and out is not None:
            self.out_dir = self._new_output()  # Start again trains a new model; this one stays
            self._show_output()
        self._refresh()
        self.ended.emit(result)

    def _new_model(self) -> Path | None:
        result = self.result
        return result.out_dir if result is not None and result.out_dir is not None else None

    # -- after a run -----------------------------------------------------------------------------
    def _show_report(self, result: Any) -> None:
        made = result.report
        if made is None:  # stopped before the first epoch ended: nothing published
            self.result_box.show()
            self.summary.setText(self.tr("Stopped before the first epoch ended, so no model was written yet. "
                                         "“Continue training” carries on from the last step."))
            for widget in (self.warning, self.overall, self.table):
                widget.hide()
            self._grow()
            return
        for widget in (self.overall, self.table):
            widget.show()
        best = made["best_epoch"]
        said = {
            "finished": self.tr("Training finished. The new model is epoch {0}, the best on the held-out "
                                "photos."),
            "early": self.tr("Training stopped early: the held-out photos stopped getting better. The new "
                             "model is epoch {0}, the best on them."),
            "cancelled": self.tr("Stopped before the end. The best epoch so far ({0}) is saved as the new "
                                 "model; “Continue training” carries on."),
        }[made["stopped"]]
        self.summary.setText(said.format(best))
        photos = made["photos"]
        worse = [row for row in photos if row["change"]["iou"] < 0]
        if made["got_worse"]:
            self.warning.setText(self.tr(
                "⚠ Warning: the new model cuts out the held-out photos worse than the current one. Keep "
                "the current model, or correct more photos and train again."))
            self.warning.show()
        elif worse:
            self.warning.setText(self.tr(
                "⚠ %n held-out photo(s) are cut out worse than before: see the first rows.", "", len(worse)))
            self.warning.show()
        else:
            self.warning.hide()
        overall = made["overall"]
        points = self.tr("{0}\u00a0pts")
        self.overall.setText(self.tr(
            "Overall on %n held-out photo(s): IoU {0} → {1} ({2}), boundary F {3} → {4} ({5}).", "",
            len(photos)).format(
            formats.percent(overall["base"]["iou"]), formats.percent(overall["tuned"]["iou"]),
            points.format(signed_points(overall["change"]["iou"])),
            formats.percent(overall["base"]["boundary_f"]), formats.percent(overall["tuned"]["boundary_f"]),
            points.format(signed_points(overall["change"]["boundary_f"]))))
        self.table.show_photos(photos, prefix=f"{self.root.name}/", points=points)
        self.result_box.show()
        self._grow()

    def use_model(self) -> None:
        """Make the new model the one the next Process uses (and list it among the models)."""
        out = self._new_model()
        if out is None:
            return
        self.host.model_picker.set_model(str(out))
        self._say(self.tr("The new model is now the cut-out model for the next runs."), warn=False)
        self.use_button.setEnabled(False)

    # -- closing ---------------------------------------------------------------------------------
    def reject(self) -> None:
        """Close (the button, Esc, the title bar): a training in progress stops at its next step."""
        if self.running:
            self.cancel()
        super().reject()
