"""Process → Improve the model from my corrections…: the dialog counts the folder's corrections,
refuses to start without enough of them, trains the real (tiny, trainable) model on the window's
worker, stops and continues, shows the held-out photos worst change first, and puts the new model
in use."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app import formats
from app import settings as app_settings
from app.errors import VitrinaError
from tests.tiny_trainable_birefnet import make_corrected_project, make_trainable_birefnet
from ui import settings
from ui.finetune_dialog import FinetuneDialog
from ui.main_window import MainWindow

RUN_MS = 60_000
FAST_LR = 0.01  # the tiny model learns in a few epochs at this rate (tests/test_finetune.py)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trainable_birefnet(tmp_path_factory.mktemp("models") / "base")


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory, base: Path) -> Path:
    """24 corrected photos of 12 products (built once; each test works on a copy)."""
    return make_corrected_project(tmp_path_factory.mktemp("made") / "shoot", base)


@pytest.fixture
def shoot(tmp_path: Path, corrected: Path, base: Path) -> Path:
    """A copy of the corrected folder, with the base model in use and the CPU as the device."""
    copy = tmp_path / "shoot"
    shutil.copytree(corrected, copy)
    settings.set_seg_model(str(base))
    app_settings.choose(device="cpu")
    return copy


def open_dialog(qtbot, window: MainWindow, folder: Path) -> FinetuneDialog:  # noqa: ANN001
    assert window.open_folder(folder)
    assert window.acts.finetune.isEnabled()
    window.acts.finetune.trigger()
    dialog = window.dialog
    assert isinstance(dialog, FinetuneDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.found is not None, timeout=RUN_MS)
    return dialog


def run(qtbot, dialog: FinetuneDialog):  # noqa: ANN001, ANN201
    with qtbot.waitSignal(dialog.ended, timeout=RUN_MS) as ended:
        assert dialog.start_button.isEnabled()
        dialog.start_button.click()
        assert dialog.running and not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    return ended.args[0]


def stop_at(window: MainWindow, dialog: FinetuneDialog, epoch: int):  # noqa: ANN201
    """Click Stop as soon as training reaches ``epoch`` (the user watching the progress line)."""
    def on_step(step) -> None:  # noqa: ANN001
        if step.epoch >= epoch and dialog.cancel_button.isEnabled():
            dialog.cancel_button.click()
    window.runner.training.connect(on_step)
    return on_step


def table(dialog: FinetuneDialog) -> list[list[str]]:
    return [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
            for r in range(dialog.table.rowCount())]


def test_too_few_corrections_keep_start_disabled_and_say_why(qtbot, window: MainWindow, tmp_path: Path,
                                                             base: Path) -> None:
    few = make_corrected_project(tmp_path / "few", base, products=3, shots=2)
    settings.set_seg_model(str(base))
    dialog = open_dialog(qtbot, window, few)
    assert "6 usable" in dialog.count_label.text() and "of 3 product(s)" in dialog.count_label.text()
    assert not dialog.start_button.isEnabled()
    assert dialog.reason.isVisible()
    assert "at least 8 corrected photos" in dialog.reason.text() and "has 6" in dialog.reason.text()
    assert not dialog.start()  # nothing runs, whatever calls it
    assert not window.runner.busy
    dialog.close()


def test_a_run_stopped_and_continued_compares_the_models_and_the_new_one_goes_into_use(
        qtbot, window: MainWindow, shoot: Path) -> None:
    changed = shoot / "product-00" / "shot-1.png"  # edited after its mask was corrected: left out
    Image.fromarray(np.full((64, 64, 3), 30, dtype=np.uint8)).save(changed)
    dialog = open_dialog(qtbot, window, shoot)
    assert "23 usable" in dialog.count_label.text() and "of 12 product(s)" in dialog.count_label.text()
    assert dialog.left_out_button.isVisible()
    assert "1 corrected photo(s) left out" in dialog.left_out_button.text()
    dialog.left_out_button.click()
    assert dialog.left_out.isVisible() and dialog.left_out.count() == 1
    assert "product-00/shot-1.png" in dialog.left_out.item(0).text()
    assert "changed after its mask was corrected" in dialog.left_out.item(0).text()
    assert dialog.base_label.text() == "base"
    assert "on the CPU" in dialog.estimate.text()
    out = Path(dialog.out_field.text())
    assert out.parent.name == "finetuned" and not out.exists()

    dialog.epochs.setValue(6)  # the tiny model learns by the 4th or 5th epoch, whatever the split
    dialog.learning_rate = FAST_LR
    stopper = stop_at(window, dialog, epoch=2)  # after the first epoch's check: its model is published
    stopped = run(qtbot, dialog)
    assert stopped.cancelled and stopped.out_dir == out and (out / "model.safetensors").is_file()
    assert dialog.result_box.isVisible() and "“Continue training” carries on" in dialog.summary.text()
    assert dialog.table.rowCount() == len(stopped.report["photos"]) > 0
    # Listed among the models at once, though not chosen.
    assert str(out) in settings.model_folders()
    assert window.model_picker.findData(str(out)) >= 0 and settings.seg_model() != str(out)
    assert dialog.start_button.text() == "Continue training" and Path(dialog.out_field.text()) == out
    assert dialog.use_button.isEnabled()

    window.runner.training.disconnect(stopper)
    done = run(qtbot, dialog)
    assert done.resumed and not done.cancelled and done.out_dir == out
    said = [dialog.notices.item(i).text() for i in range(dialog.notices.count())]
    assert any("Resuming the earlier run from epoch 2" in line for line in said), said
    made = done.report
    rows = table(dialog)
    assert len(rows) == len(made["photos"]) == made["data"]["val_photos"]
    assert [row[0] for row in rows] == [p["photo"].removeprefix("shoot/") for p in made["photos"]]
    changes = [p["change"]["iou"] for p in made["photos"]]
    assert changes == sorted(changes)  # worst change first
    first = made["photos"][0]
    assert rows[0][1:3] == [formats.percent(first["base"]["iou"]), formats.percent(first["tuned"]["iou"])]
    assert rows[0][4:6] == [formats.percent(first["base"]["boundary_f"]),
                            formats.percent(first["tuned"]["boundary_f"])]
    assert formats.percent(made["overall"]["tuned"]["iou"]) in dialog.overall.text()
    assert made["overall"]["tuned"]["iou"] > made["overall"]["base"]["iou"]  # it learned
    assert not dialog.warning.isVisible() or "worse" in dialog.warning.text()
    assert "Training finished" in dialog.summary.text() or "stopped early" in dialog.summary.text()

    dialog.use_button.click()
    assert settings.seg_model() == str(out)
    assert window.model_picker.currentData() == str(out)
    assert not dialog.use_button.isEnabled()
    # Another Start trains a new model: the one in use is not overwritten.
    assert Path(dialog.out_field.text()) != out and dialog.start_button.text() == "Start training"
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_closing_during_training_stops_it_and_the_next_dialog_continues_it(
        qtbot, window: MainWindow, shoot: Path) -> None:
    dialog = open_dialog(qtbot, window, shoot)
    dialog.learning_rate = FAST_LR
    out = Path(dialog.out_field.text())
    assert "stopped" in dialog.close_button.toolTip()
    with qtbot.waitSignal(window.runner.finished, timeout=RUN_MS) as finished:
        with qtbot.waitSignal(window.runner.training, timeout=RUN_MS):
            dialog.start_button.click()
        dialog.close()
        assert not dialog.isVisible()
    assert finished.args[1].cancelled
    assert not window.runner.busy and window.acts.finetune.isEnabled()

    again = open_dialog(qtbot, window, shoot)
    assert again is not dialog
    assert Path(again.out_field.text()) == out
    assert again.start_button.text() == "Continue training" and again.start_button.isEnabled()
    assert "carries on from where it stopped" in again.reason.text()
    again.close()


def test_a_failed_run_shows_why_and_start_works_again(qtbot, window: MainWindow, shoot: Path,
                                                     monkeypatch) -> None:
    from app.studio import finetune as studio_finetune

    def failing(*_args):  # noqa: ANN002, ANN202
        def task(_events, _cancel):  # noqa: ANN001, ANN202
            raise VitrinaError("Out of memory while training at 64 px, batch 2.")
        return task

    monkeypatch.setattr(studio_finetune, "finetune_task", failing)
    dialog = open_dialog(qtbot, window, shoot)
    assert run(qtbot, dialog) is None
    assert dialog.reason.isVisible()
    assert "Training failed: Out of memory while training" in dialog.reason.text()
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert not dialog.result_box.isVisible()
    dialog.close()


def test_the_dialog_speaks_russian_and_fits_before_and_after_a_run(qtbot, russian: None, shoot: Path) -> None:
    from tests.ui.test_russian_screens import SCREEN, check

    window = MainWindow()  # made after the translator is installed, as the app does
    window.resize(*SCREEN)
    window.show()
    try:
        dialog = open_dialog(qtbot, window, shoot)
        qtbot.wait(100)
        problems = check(dialog, "fine-tune dialog", shoot)
        dialog.epochs.setValue(1)
        dialog.learning_rate = FAST_LR
        done = run(qtbot, dialog)
        assert done.out_dir is not None
        qtbot.wait(100)
        problems += check(dialog, "fine-tune dialog after the run", shoot)
        dialog.close()
    finally:
        window.close()
        window.deleteLater()
    # The base model's folder name is the user's data, as the photo folder's names are.
    problems = [line for line in problems if "QLabel: 'base' (base)" not in line]
    assert not problems, "\n".join(problems)
