"""Edit → Settings: choices are saved, the key goes to the keyring only, and the worker uses them."""

from __future__ import annotations

from app import settings as app_settings
from app.cardtext import credentials
from app.studio import background_for, marketplace_of, text_options
from app.studio import process as process_module
from tests.ui.shoot import LOOSE, fake_mask, make_shoot
from tests.ui.test_main_window import run_task
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


def _choose(combo, value: str) -> None:  # noqa: ANN001
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)


def test_settings_are_saved_and_used(qtbot, window: MainWindow, tmp_path, keyring_store, gigachat,
                                     monkeypatch) -> None:
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    assert "No key yet" in dialog.key_state.text()
    assert not dialog.gigachat_box.isEnabled()  # no GigaChat fields while the provider is another
    _choose(dialog.provider, "gigachat")

    # A wrong key: the test says why, on the dialog, without freezing it.
    dialog.key.setText("bm90LXRoZS1rZXk=")
    with qtbot.waitSignal(dialog.tester.finished, timeout=30_000):
        dialog.test_button.click()
    assert dialog.test_button.isEnabled() and dialog.test_result.text() != ""
    assert "Connected" not in dialog.test_result.text()

    # The right key: the models the account offers fill the model list.
    dialog.key.setText(f"Basic {gigachat.key}")
    with qtbot.waitSignal(dialog.tester.finished, timeout=30_000):
        dialog.test_button.click()
    assert "GigaChat-2-Max" in dialog.test_result.text()
    assert sorted(dialog.gigachat_model.itemText(i) for i in range(dialog.gigachat_model.count())) == sorted(
        gigachat.models)
    _choose(dialog.gigachat_model, "GigaChat-2-Max")

    # RMBG-2.0 is offered with its licence, and warns before anyone sells with it.
    _choose(dialog.seg_model, "rmbg-2.0")
    assert dialog.seg_warning.isVisibleTo(dialog) and "commercial" in dialog.seg_warning.text()
    assert "CC BY-NC" in dialog.seg_model.currentText() and "MB" in dialog.seg_model.currentText()
    _choose(dialog.seg_model, "birefnet-lite")
    assert not dialog.seg_warning.isVisibleTo(dialog)
    _choose(dialog.device, "cpu")
    _choose(dialog.scope, "GIGACHAT_API_PERS")
    _choose(dialog.vlm_model, "qwen3-vl-4b")
    _choose(dialog.marketplace, "ozon")
    _choose(dialog.background, "pure-white")
    _choose(dialog.precision, "4bit")
    _choose(dialog.describer, "gigachat")
    dialog.keep_minutes.setValue(0)
    dialog.concurrency.setValue(3)
    dialog.accept()
    assert not dialog.isVisible()

    saved = app_settings.load()
    assert (saved.device, saved.seg_model, saved.text_provider, saved.gigachat_model, saved.vlm_model) == (
        "cpu", "birefnet-lite", "gigachat", "GigaChat-2-Max", "qwen3-vl-4b")
    assert keyring_store[(credentials.SERVICE, credentials.USERNAME)] == gigachat.key
    assert gigachat.key not in app_settings.settings_path().read_text("utf-8")
    assert window.model_picker.currentData() == "birefnet-lite"
    options = text_options(saved)
    assert options.gigachat_model == "GigaChat-2-Max"
    assert options.writer_settings == {"scope": "GIGACHAT_API_PERS", "max_concurrency": 3}
    assert (options.quantize, options.describer, options.describer_settings["max_concurrency"]) == (
        "4bit", "gigachat", 3)
    assert saved.keep_models_minutes == 0 and window.models.kept.idle_s == 0  # released after each task

    # The defaults apply to products with no choice of their own, and the next run uses the models.
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    assert marketplace_of(window.project, LOOSE) == "ozon"
    assert background_for(window.project, LOOSE).name == "pure-white"
    used: list[tuple[str, str]] = []

    class Recorder:
        model_id, revision, device = "rec", "0", "cpu"

        def segment(self, images):  # noqa: ANN001, ANN202
            return [fake_mask(im) for im in images]

        def close(self) -> None:
            pass

    def factory(model: str, device: str, *_: object) -> Recorder:
        used.append((model, device))
        return Recorder()

    monkeypatch.setattr(process_module, "load_default_segmenter", factory)
    monkeypatch.setattr(process_module, "model_key", lambda model: f"{model}@pinned")
    run_task(qtbot, window, lambda: window.process([LOOSE]))
    assert used == [("birefnet-lite", "cpu")]

    # Reopening the dialog shows the stored key's state, never the key itself.
    again = window.open_settings()
    assert "A key is stored" in again.key_state.text() and again.key.text() == ""
    again.reject()


def test_env_overrides_win_but_are_not_saved(monkeypatch) -> None:
    app_settings.update(device="cuda")
    monkeypatch.setenv("VITRINA_DEVICE", "cpu")
    assert app_settings.load().device == "cpu"
    assert app_settings.load(env=False).device == "cuda"
    app_settings.update(text_provider="local")
    assert app_settings.load(env=False).device == "cuda"  # the override was not written back


def test_a_bad_or_newer_settings_file_still_opens() -> None:
    path = app_settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json", "utf-8")
    assert app_settings.load() == app_settings.Settings()
    path.write_text('{"schema_version": 99, "device": "cpu", "future": 1, "seg_folders": ["/m"]}', "utf-8")
    loaded = app_settings.load()
    assert loaded.device == "cpu" and loaded.seg_folders == ("/m",)


def test_a_model_folder_is_checked_when_chosen(qtbot, window: MainWindow, tmp_path, tiny_seg_model,
                                               monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    chosen = [str(tmp_path)]  # an empty folder first, then a real model folder
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: chosen.pop(0))
    dialog = window.open_settings()
    seg_button = dialog.seg_model.parentWidget().findChild(type(dialog.test_button))
    seg_button.click()
    assert "config.json" in dialog.seg_warning.text() and dialog.seg_model.currentData() == "birefnet"
    chosen.append(str(tiny_seg_model))
    seg_button.click()
    assert dialog.seg_model.currentData() == str(tiny_seg_model)
    dialog.accept()
    saved = app_settings.load()
    assert saved.seg_model == str(tiny_seg_model) and saved.seg_folders == (str(tiny_seg_model),)


def test_older_settings_files_are_migrated_step_by_step() -> None:
    # Version 0 (no schema_version) and 1 files: a model other than version 1's default was the
    # user's pick, so the hardware check must not replace it.
    assert app_settings.migrate({"device": "cpu"}) == {
        "device": "cpu", "user_set": [], "schema_version": app_settings.SCHEMA_VERSION}
    version_1 = {"schema_version": 1, "seg_model": "birefnet-lite", "vlm_model": "qwen3-vl-2b"}
    migrated = app_settings.migrate(version_1)
    assert migrated["user_set"] == ["seg_model"] and migrated["schema_version"] == app_settings.SCHEMA_VERSION
    assert set(app_settings.MIGRATIONS) == set(range(app_settings.SCHEMA_VERSION))  # no gap in the chain

    path = app_settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"schema_version": 1, "seg_model": "/models/BiRefNet", '
                    '"seg_folders": ["/models/BiRefNet"], "text_provider": "gigachat"}', "utf-8")
    loaded = app_settings.load()
    assert loaded.seg_model == "/models/BiRefNet" and loaded.user_set == ("seg_model",)
    assert (loaded.text_provider, loaded.language, loaded.welcome) == ("gigachat", "auto", "")
    app_settings.update(language="ru")  # saving writes the current version
    assert '"schema_version": 2' in path.read_text("utf-8").replace("\n", " ").replace("  ", " ")


def test_a_model_chosen_in_settings_is_marked_as_the_users(qtbot, window: MainWindow) -> None:
    dialog = window.open_settings()
    _choose(dialog.vlm_model, "qwen3-vl-4b")
    _choose(dialog.language, "ru")
    dialog.accept()
    saved = app_settings.load()
    assert saved.user_set == ("vlm_model",) and saved.language == "ru"
    window.set_seg_model("birefnet-lite")  # the toolbar's model picker
    assert app_settings.load().user_set == ("vlm_model", "seg_model")
