"""The first-run dialog: models picked for this computer, downloads with progress that can be
cancelled and resumed, a clear offline message, a folder instead of a download, and Skip."""

from __future__ import annotations

from pathlib import Path

import huggingface_hub
import pytest
from PySide6.QtWidgets import QFileDialog

from app import settings as app_settings
from app.cardtext import credentials
from app.firstrun import hardware
from app.firstrun.hardware import GIB, Hardware
from app.firstrun.plan import DESCRIBER, SEGMENTATION, WRITER, needs_welcome
from app.segment.download import cache_dir
from tests.fake_hub import FakeHub, write_segmentation_folder
from tests.ui.shoot import make_shoot
from ui.main_window import MainWindow
from ui.welcome import WelcomeDialog

LITE, FULL = "ZhengPeng7/BiRefNet_lite", "ZhengPeng7/BiRefNet"
SMALL_VLM, LARGE_VLM = "Qwen/Qwen3-VL-2B-Instruct", "Qwen/Qwen3-VL-4B-Instruct"


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    fake = FakeHub(tmp_path / "hub", chunk=50_000, delay=0.03)  # ~0.6 s a model: speed shows
    for repo in (LITE, FULL):
        fake.add_segmentation(repo, 1_000_000)
    for repo in (SMALL_VLM, LARGE_VLM):
        fake.add_describer(repo, 1_000_000)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake)
    return fake


@pytest.fixture(autouse=True)
def _no_real_keyring(keyring_store: dict) -> None:
    """The GigaChat page reads the keyring; never the developer's."""


def computer(monkeypatch: pytest.MonkeyPatch, found: Hardware) -> None:
    monkeypatch.setattr(hardware, "probe", lambda: found)


def open_welcome(qtbot, window: MainWindow) -> WelcomeDialog:  # noqa: ANN001
    dialog = window.show_welcome()
    qtbot.waitUntil(lambda: len(dialog.models.rows) == 3, timeout=10_000)  # the check has finished
    return dialog


def run_download(qtbot, dialog: WelcomeDialog) -> None:  # noqa: ANN001
    dialog.models.download_button.click()
    assert dialog.models.downloading
    qtbot.waitUntil(lambda: not dialog.models.downloading, timeout=20_000)


def test_on_a_cpu_the_light_models_are_picked_listed_and_downloaded_with_progress(
        qtbot, window: MainWindow, hub: FakeHub, monkeypatch) -> None:
    computer(monkeypatch, Hardware(cpu_cores=2))
    dialog = open_welcome(qtbot, window)
    box = dialog.models.hardware
    assert "processor" in box.summary.text()
    assert "9\u00a0s" in box.speed.text() and "24\u00a0s" in box.speed.text()
    saved = app_settings.load()
    assert (saved.seg_model, saved.vlm_model) == ("birefnet-lite", "qwen3-vl-2b")
    assert window.model_picker.currentData() == "birefnet-lite"  # the window follows at once

    rows = dialog.models.rows
    for role, words in ((SEGMENTATION, ("birefnet-lite", "178\u00a0MB", "MIT")),
                        (DESCRIBER, ("qwen3-vl-2b", "4.3\u00a0GB", "Apache-2.0")),
                        (WRITER, ("qwen3-vl-2b", "4.3\u00a0GB", "Apache-2.0"))):
        assert all(w in rows[role].detail.text() for w in words), rows[role].detail.text()
    assert rows[SEGMENTATION].check.isChecked() and rows[DESCRIBER].check.isChecked()
    assert not rows[WRITER].check.isChecked()  # the describer's own files: nothing to tick
    assert rows[WRITER].status.text() == "Same files as the describer"
    assert "4.5\u00a0GB" in dialog.models.total.text()
    assert str(cache_dir()) in dialog.models.models_box.title()

    lines: list[str] = []
    dialog.models.status_changed.connect(lines.append)
    run_download(qtbot, dialog)
    assert rows[SEGMENTATION].status.text() == rows[DESCRIBER].status.text() == "Downloaded"
    assert rows[SEGMENTATION].progress.value() == rows[SEGMENTATION].progress.maximum()
    assert any("%" in line and "/s" in line and "left" in line for line in lines), lines
    assert not any(LARGE_VLM in f for f in hub.written)  # the unticked writer was not fetched
    assert "Done" in dialog.models.message.text()
    assert not dialog.models.download_button.isEnabled()  # nothing left to download

    dialog.next_button.click()
    dialog.text.use_none.setChecked(True)
    dialog.next_button.click()  # Finish
    assert not dialog.isVisible()
    assert app_settings.load().welcome == "done" and not needs_welcome(app_settings.load())


def test_a_cancelled_download_resumes_where_it_stopped(qtbot, window: MainWindow, hub: FakeHub,
                                                       monkeypatch) -> None:
    computer(monkeypatch, Hardware(cpu_cores=2))
    dialog = open_welcome(qtbot, window)
    row = dialog.models.rows[SEGMENTATION]
    dialog.models.download_button.click()
    qtbot.waitUntil(lambda: row.progress.value() > 0, timeout=10_000)
    assert dialog.models.download_button.text() == "Cancel"
    dialog.models.download_button.click()
    qtbot.waitUntil(lambda: not dialog.models.downloading, timeout=10_000)
    assert row.status.text() == "Stopped" and "kept" in dialog.models.message.text()
    assert dialog.models.download_button.text() == "Download"
    assert not any(f.endswith("model.safetensors") for f in hub.written)

    run_download(qtbot, dialog)
    assert row.status.text() == "Downloaded"
    assert hub.written.count(f"{LITE}/model.safetensors") == 1  # continued, not fetched again
    dialog.skip_button.click()


def test_offline_the_message_names_the_model_and_the_cache_and_a_folder_can_be_used(
        qtbot, window: MainWindow, hub: FakeHub, monkeypatch, tmp_path) -> None:
    computer(monkeypatch, Hardware(cpu_cores=2))
    hub.offline = True
    dialog = open_welcome(qtbot, window)
    run_download(qtbot, dialog)
    message = dialog.models.message.text()
    assert "Could not download birefnet-lite" in message and "qwen3-vl-2b" in message
    assert str(cache_dir()) in message and "Use a folder with model files" in message
    assert dialog.models.rows[SEGMENTATION].status.text() == "Not downloaded"
    # every word of every failure can be read: the text is never squeezed below its height, and
    # what does not fit in the dialog scrolls into view
    label, area = dialog.models.message, dialog.models.message_area
    dialog.models._show_message("<br><br>".join([message] * 4), error=True)
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5_000)
    assert dialog.minimumSizeHint().height() <= 700  # still fits a 1366×768 screen, with the taskbar
    assert area.isVisible() and label.parent() is area.viewport() and area.verticalScrollBar().maximum() > 0
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    assert label.visibleRegion().boundingRect().bottom() >= label.height() - 2

    empty, model = tmp_path / "empty", write_segmentation_folder(tmp_path / "BiRefNet_lite")
    empty.mkdir()
    chosen = [str(empty), str(model)]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: chosen.pop(0))
    dialog.models.folder_button.click()
    assert "cannot be used" in dialog.models.message.text() and "config.json" in dialog.models.message.text()
    assert app_settings.load().seg_model == "birefnet-lite"
    dialog.models.folder_button.click()
    saved = app_settings.load()
    assert saved.seg_model == str(model) and "seg_model" in saved.user_set
    assert dialog.models.rows[SEGMENTATION].status.text() == "On disk (your folder)"
    assert window.model_picker.currentData() == str(model)
    assert not needs_welcome(app_settings.Settings(seg_model=saved.seg_model, seg_folders=saved.seg_folders))
    dialog.skip_button.click()


def test_skip_is_remembered_and_the_app_stays_usable(qtbot, window: MainWindow, hub: FakeHub, monkeypatch,
                                                     tmp_path) -> None:
    computer(monkeypatch, Hardware(cpu_cores=2))
    assert needs_welcome(app_settings.load())
    dialog = window.show_welcome()
    dialog.skip_button.click()  # even before the check has finished
    assert not dialog.isVisible() and not dialog.models.checker.busy
    assert app_settings.load().welcome == "skipped" and not needs_welcome(app_settings.load())
    assert window.open_folder(make_shoot(tmp_path)) and window.project is not None
    assert window.acts.welcome.isEnabled()  # Help reopens it


def test_a_big_gpu_gets_the_larger_models_but_a_model_the_user_chose_is_kept(
        qtbot, window: MainWindow, hub: FakeHub, monkeypatch) -> None:
    app_settings.choose(seg_model="birefnet-lite")
    computer(monkeypatch, Hardware("NVIDIA GeForce RTX 4090", 24 * GIB, 16))
    dialog = open_welcome(qtbot, window)
    assert "NVIDIA GeForce RTX 4090" in dialog.models.hardware.summary.text()
    assert "24\u00a0GB" in dialog.models.hardware.summary.text()
    assert "chose yourself" in dialog.models.hardware.picked.text()
    saved = app_settings.load()
    assert (saved.seg_model, saved.vlm_model) == ("birefnet-lite", "qwen3-vl-4b")
    assert "qwen3-vl-4b" in dialog.models.rows[DESCRIBER].detail.text()
    assert dialog.models.rows[WRITER].status.text() == "Same files as the describer"
    dialog.close()


def test_the_gigachat_key_is_tested_and_kept_in_the_keyring(qtbot, window: MainWindow, hub: FakeHub,
                                                            monkeypatch, keyring_store, gigachat) -> None:
    computer(monkeypatch, Hardware(cpu_cores=2))
    dialog = open_welcome(qtbot, window)
    dialog.next_button.click()
    page = dialog.text
    assert page.use_gigachat.isChecked() and "developers.sber.ru" in page.how.text()
    dialog.next_button.click()  # Finish without a key: refused, with the way out
    assert dialog.isVisible() and "Skip" in page.result.text()

    page.key.setText(f"Basic {gigachat.key}")
    with qtbot.waitSignal(page.tester.finished, timeout=30_000):
        page.test_button.click()
    assert "Connected" in page.result.text() and "GigaChat-2-Max" in page.result.text()
    dialog.next_button.click()
    assert not dialog.isVisible()
    assert keyring_store[(credentials.SERVICE, credentials.USERNAME)] == gigachat.key
    saved = app_settings.load()
    assert (saved.text_provider, saved.welcome) == ("gigachat", "done")
    assert gigachat.key not in app_settings.settings_path().read_text("utf-8")


def test_skipping_gigachat_for_the_local_writer_sets_a_writer_that_can_run(
        qtbot, window: MainWindow, hub: FakeHub, monkeypatch, keyring_store) -> None:
    computer(monkeypatch, Hardware(cpu_cores=2))
    dialog = open_welcome(qtbot, window)
    dialog.next_button.click()
    dialog.text.use_local.setChecked(True)
    assert not dialog.text.key_fields.isEnabled()
    dialog.next_button.click()
    saved = app_settings.load()
    assert (saved.text_provider, saved.writer_model) == ("local", "qwen3-vl-2b") and not keyring_store


def test_byte_counts_past_four_gigabytes_reach_the_window_intact(qtbot, window: MainWindow) -> None:
    # The describer (4.3 GB) reports its download in bytes through the window's task runner.
    from app.events import Progress

    seen: list[tuple[int, int]] = []
    window.runner.progress.connect(lambda _stage, done, total, _item: seen.append((done, total)))
    with qtbot.waitSignal(window.runner.finished, timeout=5_000):
        window.runner.start("download", lambda events, _cancel: events(
            Progress("download", 4_500_000_000, 8_900_000_000, "qwen3-vl-4b")))
    assert seen == [(4_500_000_000, 8_900_000_000)]
