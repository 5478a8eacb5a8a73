"""Process with a model that is not on this computer: the model setup opens first (download with
progress, or a folder), the run starts once the model is there, and Cancel changes no photo."""

from __future__ import annotations

from pathlib import Path

import huggingface_hub
import numpy as np
import pytest

import app.segment
from tests.fake_hub import FakeHub
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, fake_mask, make_shoot
from tests.ui.test_main_window import TASK_TIMEOUT_MS, badges
from ui.main_window import MainWindow
from ui.model_picker import model_missing
from ui.welcome.model_setup import ModelSetupDialog

LITE = "ZhengPeng7/BiRefNet_lite"
EVERY = {f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg", LOOSE, BROKEN}

pytestmark = pytest.mark.model_check  # the real check: no stand-in model for these


class _FakeSegmenter:
    def segment(self, images: list[np.ndarray]) -> list[np.ndarray]:
        return [fake_mask(image) for image in images]

    def close(self) -> None:
        pass


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """An empty hub cache that can download birefnet-lite; the downloaded model "runs" as a stand-in."""
    fake = FakeHub(tmp_path / "hub", chunk=50_000, delay=0.01)
    fake.add_segmentation(LITE, 300_000)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake)
    # Below the studio's loader, so Process goes the real way (cache check, then load) up to the weights.
    monkeypatch.setattr(app.segment, "load_segmenter", lambda *_a, **_k: _FakeSegmenter(), raising=False)
    return fake


def _ask_to_process(qtbot, window: MainWindow, tmp_path: Path) -> ModelSetupDialog:  # noqa: ANN001
    assert window.open_folder(make_shoot(tmp_path))
    window.set_seg_model("birefnet-lite")
    assert model_missing("birefnet-lite")
    assert not window.process(None)  # not started ...
    dialog = window.tasks.setup
    assert isinstance(dialog, ModelSetupDialog) and dialog.isVisible()  # ... the setup asks first
    qtbot.waitUntil(lambda: len(dialog.models.rows) == 1, timeout=10_000)
    assert "birefnet-lite" in dialog.models.rows["segmentation"].detail.text()
    assert not window.runner.busy
    return dialog


def test_a_missing_model_opens_the_setup_and_cancel_leaves_every_photo_as_it_was(
        qtbot, window: MainWindow, tmp_path, hub: FakeHub) -> None:
    dialog = _ask_to_process(qtbot, window, tmp_path)
    assert set(badges(window).values()) == {"pending"}  # no red dot, nothing queued
    assert not window.process(None)  # a second click does not open a second setup
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    assert not dialog.isVisible() and window.tasks.setup is None
    assert not window.runner.busy
    assert badges(window) == dict.fromkeys(EVERY, "pending")
    assert not any("model" in line for line in window.log.lines())
    assert hub.written == []


def test_after_the_download_the_run_starts_by_itself(qtbot, window: MainWindow, tmp_path,
                                                     hub: FakeHub) -> None:
    dialog = _ask_to_process(qtbot, window, tmp_path)
    with qtbot.waitSignal(window.runner.finished, timeout=TASK_TIMEOUT_MS):
        dialog.models.download_button.click()
    assert f"{LITE}/model.safetensors" in hub.written
    assert not dialog.isVisible() and not model_missing("birefnet-lite")
    assert badges(window) == {**dict.fromkeys(EVERY - {BROKEN}, "done"), BROKEN: "error"}


def test_a_folder_with_the_model_files_is_set_up_too(qtbot, window: MainWindow, tmp_path, hub: FakeHub,
                                                     tiny_seg_model) -> None:
    dialog = _ask_to_process(qtbot, window, tmp_path)
    with qtbot.waitSignal(window.runner.finished, timeout=TASK_TIMEOUT_MS):
        assert dialog.models.use_folder(tiny_seg_model)
    assert window.model_picker.currentData() == str(tiny_seg_model)  # the picker shows what is used
    assert badges(window)[LOOSE] == "done"


HR = "ZhengPeng7/BiRefNet_HR"


def _answer_pin(qtbot, page, accept: bool, *, non_commercial: bool = False) -> list[str]:  # noqa: ANN001
    """Wait for the PinDialog the page opens, answer it; returns what it showed."""
    qtbot.waitUntil(lambda: page.pin_dialog is not None, timeout=10_000)
    dialog = page.pin_dialog
    shown = [dialog.text.text(), "accept-enabled" if dialog.accept_button.isEnabled() else "accept-disabled"]
    if non_commercial:
        dialog.non_commercial.setChecked(True)
    dialog.accept() if accept else dialog.reject()
    return shown


def test_a_model_without_a_built_in_commit_asks_once_then_downloads_that_commit(
        qtbot, window: MainWindow, tmp_path, hub: FakeHub, monkeypatch) -> None:
    from app.models import pins

    hub.add_segmentation(HR, 200_000)
    hub.licences[HR] = "mit"
    monkeypatch.setattr(huggingface_hub, "model_info", hub.model_info)
    assert window.open_folder(make_shoot(tmp_path))
    window.set_seg_model("birefnet-hr")
    assert not window.process(None)
    dialog = window.tasks.setup
    qtbot.waitUntil(lambda: len(dialog.models.rows) == 1, timeout=10_000)

    dialog.models.download_button.click()
    shown = _answer_pin(qtbot, dialog.models, accept=False)
    qtbot.waitUntil(lambda: "not accepted" in dialog.models.message.text(), timeout=10_000)
    assert pins.load() == {} and hub.written == [] and "accept-enabled" in shown

    dialog.models.download_button.click()
    with qtbot.waitSignal(window.runner.finished, timeout=TASK_TIMEOUT_MS):
        shown = _answer_pin(qtbot, dialog.models, accept=True)
    sha = pins.revision_for(HR)
    assert sha and sha in shown[0] and HR in shown[0] and "mit" in shown[0]
    assert (hub.folder(HR, sha) / "model.safetensors").is_file()  # fetched at the accepted commit
    assert badges(window) == {**dict.fromkeys(EVERY - {BROKEN}, "done"), BROKEN: "error"}


def test_a_non_commercial_licence_needs_its_own_tick(qtbot, hub: FakeHub, monkeypatch) -> None:
    from app.models import catalogue, trust
    from ui.welcome.pin_dialog import PinDialog

    hub.add_segmentation("briaai/RMBG-2.0")
    monkeypatch.setattr(huggingface_hub, "model_info", hub.model_info)
    dialog = PinDialog(trust.offer(catalogue.find("rmbg-2.0")))
    qtbot.addWidget(dialog)
    assert not dialog.accept_button.isEnabled()
    dialog.non_commercial.setChecked(True)
    assert dialog.accept_button.isEnabled()


def test_check_for_model_updates_offers_the_new_commit(qtbot, window: MainWindow, hub: FakeHub,
                                                       monkeypatch) -> None:
    from app.models import pins

    hub.add_segmentation(HR)
    monkeypatch.setattr(huggingface_hub, "model_info", hub.model_info)
    pins.record(HR, "a" * 40, "mit")
    hub.heads[HR] = "b" * 40
    dialog = window.show_model_updates()
    qtbot.waitUntil(lambda: dialog.pin_dialog is not None, timeout=10_000)
    assert "b" * 40 in dialog.pin_dialog.text.text() and "a" * 40 in dialog.pin_dialog.text.text()
    dialog.pin_dialog.accept()
    qtbot.waitUntil(lambda: "now at" in dialog.text.text(), timeout=10_000)
    assert pins.revision_for(HR) == "b" * 40
    dialog.close()
