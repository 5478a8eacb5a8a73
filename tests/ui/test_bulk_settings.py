"""Settings for many photos at once: copy one photo's settings and paste them onto others, the user's
own presets, the shadow sliders, and the Background tab showing a mixed selection as mixed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QColorDialog, QDialogButtonBox, QMessageBox

from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.studio import background_for, history_of, marketplace_of, set_marketplace, set_photo_background
from app.studio import process as process_module
from app.studio.presets import UserPreset, load_presets, save_preset
from tests.ui.answer import answer_next_question
from tests.ui.shoot import LOOSE, PRODUCT, FakeSegmenter, make_shoot
from tests.ui.test_main_window import RED, run_task
from ui.main_window import MainWindow
from ui.paste_dialog import PasteDialog

ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
MINT = BackgroundSpec(kind="preset", name="mint")


@pytest.fixture
def shoot(window: MainWindow, tmp_path: Path) -> Path:
    folder = make_shoot(tmp_path)
    assert window.open_folder(folder)
    return folder


def show(qtbot, window: MainWindow, rels: Sequence[str]) -> None:  # noqa: ANN001
    """Select these photos and wait until the preview shows the first (rendered again even when it
    was already shown: the render of the folder's first photo may have landed before the test)."""
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.gallery.select(list(rels))
        window.preview.show_photo(window.project, rels[0])


def _paste_dialog(window: MainWindow) -> PasteDialog:
    window.acts.paste_settings.trigger()
    dialog = window.clipboard.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _tick(dialog: PasteDialog, *parts: str) -> None:
    for part, box in dialog.boxes.items():
        box.setChecked(part in parts)


def test_copy_one_photo_and_paste_background_and_shadow_onto_two(qtbot, window: MainWindow, shoot) -> None:
    project = window.project
    show(qtbot, window, [LOOSE])
    assert not window.acts.paste_settings.isEnabled()  # nothing copied yet
    window.backgrounds.swatches["mint"][0].click()
    window.backgrounds.shadow.sliders["shadow_length"].setValue(50)
    window.backgrounds.choose_marketplace("wb")
    source = background_for(project, LOOSE)
    assert source == replace(MINT, shadow_length=0.5)
    window.activateWindow()
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.clipboard.snapshot is not None and "Copied" in window.statusBar().currentMessage()

    show(qtbot, window, [ONE, TWO])
    before = {rel: background_for(project, rel) for rel in (ONE, TWO)}
    assert window.acts.paste_settings.isEnabled()
    dialog = _paste_dialog(window)
    _tick(dialog, "background", "shadow")
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    assert {background_for(Project(shoot), rel) for rel in (ONE, TWO)} == {source}  # saved at once
    assert marketplace_of(project, PRODUCT) == ""  # Canvas was not ticked
    assert window.acts.undo.text() == "&Undo: Pasted background, shadow to 2 photo(s)"
    assert window.backgrounds.shadow.value("shadow_length") == 0.5  # the panel shows the paste

    window.acts.undo.trigger()
    assert {rel: background_for(project, rel) for rel in (ONE, TWO)} == before
    assert {rel: background_for(Project(shoot), rel) for rel in (ONE, TWO)} == before

    again = _paste_dialog(window)  # the last choice of parts is remembered
    assert {p for p, box in again.boxes.items() if box.isChecked()} == {"background", "shadow"}
    again.reject()


def test_pasting_only_the_canvas_and_a_shadowless_copy_has_no_shadow_to_paste(qtbot, window, shoot) -> None:
    project = window.project
    show(qtbot, window, [LOOSE])
    window.backgrounds.choose(RED)
    window.backgrounds.choose_marketplace("ozon")
    window.acts.copy_settings.trigger()
    show(qtbot, window, [ONE])
    dialog = _paste_dialog(window)
    assert not dialog.boxes["shadow"].isEnabled()  # a solid colour draws no shadow
    _tick(dialog, "canvas")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert marketplace_of(project, PRODUCT) == "ozon"
    assert background_for(project, ONE) == BackgroundSpec()  # the background was not ticked
    dialog = _paste_dialog(window)
    _tick(dialog)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # nothing to paste
    dialog.reject()


def test_save_apply_and_delete_a_preset_of_ones_own(qtbot, window: MainWindow, shoot, monkeypatch) -> None:
    project = window.project
    panel = window.backgrounds
    show(qtbot, window, [LOOSE])
    panel.swatches["warm-grey"][0].click()
    panel.shadow.sliders["shadow_direction"].setValue(-70)
    panel.choose_marketplace("wb")
    look = background_for(project, LOOSE)
    monkeypatch.setattr(panel.presets, "ask_name", lambda: "Sunny")
    assert panel.save_as_preset() is not None
    assert [p.name for p in load_presets()] == ["Sunny"]
    assert panel.presets.title.isVisible() and panel.presets.buttons["Sunny"].isChecked()

    show(qtbot, window, [ONE])
    button = panel.presets.buttons["Sunny"]
    assert button.isEnabled() and "Your preset" in button.toolTip()
    button.click()
    assert background_for(project, ONE) == look and marketplace_of(project, PRODUCT) == "wb"
    assert window.acts.undo.text() == "&Undo: Sunny for 1 photo(s)"

    panel.choose(RED)
    seen = answer_next_question(QMessageBox.StandardButton.No)  # the same name: asked, and kept
    assert panel.save_as_preset() is None
    assert seen == ["You already have a preset “Sunny”. Replace it?"]
    assert load_presets()[0].background == look

    menu = panel.presets.delete_button.menu()
    assert [a.text() for a in menu.actions()] == ["Sunny"]  # only the user's own can be deleted
    answer_next_question(QMessageBox.StandardButton.Yes)
    menu.actions()[0].trigger()
    assert load_presets() == [] and "Sunny" not in panel.presets.buttons
    assert not panel.presets.delete_button.isEnabled()
    assert background_for(project, ONE) == RED  # deleting a preset changes no photo


def test_a_shadow_drag_renders_live_and_is_one_undo_step(qtbot, window: MainWindow, tmp_path,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: FakeSegmenter())
    assert window.open_folder(make_shoot(tmp_path))
    run_task(qtbot, window, lambda: window.process(None))
    project = window.project
    show(qtbot, window, [LOOSE])
    panel = window.backgrounds
    slider = panel.shadow.sliders["shadow_opacity"]
    assert panel.shadow.isVisible() and slider.isVisible()
    old_image = window.preview.result.image()
    steps = history_of(project).steps
    renders: list[str] = []
    window.preview.rendered.connect(renders.append)

    slider.setSliderDown(True)  # the user grabs the handle…
    for value in range(36, 100, 2):  # …and drags: 32 positions
        slider.setValue(value)
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        qtbot.wait(300)  # a pause mid-drag shows the new shadow already
    assert background_for(project, LOOSE).shadow_opacity == pytest.approx(0.98)
    slider.setValue(100)
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        slider.setSliderDown(False)

    assert len(renders) <= 3  # not one render per position
    assert background_for(project, LOOSE).shadow_opacity == 1.0
    assert window.preview.result.image() != old_image
    assert history_of(project).steps == steps + 1
    window.acts.undo.trigger()
    assert background_for(project, LOOSE) == BackgroundSpec()
    assert slider.value() == 35  # the slider shows the undone value


def test_a_mixed_canvas_shows_mixed_and_changes_nothing_until_the_user_picks(qtbot, window, shoot) -> None:
    project = window.project
    panel = window.backgrounds
    set_marketplace(project, [LOOSE], "wb")
    show(qtbot, window, [LOOSE, ONE])
    assert panel.marketplace.currentIndex() == -1 and panel.marketplace.placeholderText() == "mixed"
    assert marketplace_of(project, PRODUCT) == "" and marketplace_of(project, LOOSE) == "wb"
    panel.marketplace.activated.emit(panel.marketplace.findData("ozon"))  # the user picks one
    assert marketplace_of(project, PRODUCT) == marketplace_of(project, LOOSE) == "ozon"
    assert panel.marketplace.currentData() == "ozon"


def test_a_mixed_selection_shows_mixed_sliders_and_a_slider_changes_only_its_field(qtbot, window,
                                                                                  shoot) -> None:
    project = window.project
    panel = window.backgrounds
    set_photo_background(project, [LOOSE], replace(MINT, shadow_opacity=0.8))
    set_photo_background(project, [ONE], BackgroundSpec(shadow_softness=0.2))
    show(qtbot, window, [LOOSE, ONE])
    assert panel.shadow.readouts["shadow_opacity"].text() == "mixed"
    assert panel.shadow.readouts["shadow_softness"].text() == "mixed"
    assert panel.shadow.readouts["shadow_length"].text() == "6 %"  # both have the same length

    panel.shadow.sliders["shadow_opacity"].setValue(10)
    assert background_for(project, LOOSE) == replace(MINT, shadow_opacity=0.1)  # its softness kept
    assert background_for(project, ONE) == BackgroundSpec(shadow_softness=0.2, shadow_opacity=0.1)
    assert panel.shadow.readouts["shadow_opacity"].text() == "10 %"
    assert panel.shadow.readouts["shadow_softness"].text() == "mixed"


def test_shadow_sliders_show_only_for_backgrounds_that_draw_a_shadow(qtbot, window, shoot) -> None:
    panel = window.backgrounds
    show(qtbot, window, [LOOSE])
    panel.choose(RED)
    assert not panel.shadow.isVisible()
    panel.swatches["pure-white"][0].click()  # a preset of a solid colour: no shadow either
    assert not panel.shadow.isVisible()
    panel.choose(BackgroundSpec(kind="flat"))
    shown = {name for name, slider in panel.shadow.sliders.items() if slider.isVisible()}
    assert shown == {"shadow_opacity", "shadow_softness", "shadow_direction"}


def test_the_colour_dialog_opens_at_the_colour_shown(qtbot, window: MainWindow, shoot, monkeypatch) -> None:
    asked: list[str] = []

    def get_color(initial: QColor, *_args: object) -> QColor:
        asked.append(initial.name())
        return QColor()  # cancelled

    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(get_color))
    panel = window.backgrounds
    show(qtbot, window, [LOOSE])
    panel.swatches["mint"][0].click()
    panel.colour_button.click()
    panel.choose(RED)
    panel.colour_button.click()
    assert asked == ["#ebf6f0", "#ff0000"]
    assert background_for(window.project, LOOSE) == RED  # cancelling changed nothing


def test_the_panel_is_usable_whenever_photos_are_selected(qtbot, window: MainWindow, shoot) -> None:
    panel = window.backgrounds

    def usable() -> bool:
        controls = [*panel.group.buttons(), panel.marketplace, panel.apply_all, panel.presets.save_button]
        return panel.isEnabled() and all(widget.isEnabled() for widget in controls)

    show(qtbot, window, [LOOSE])
    assert usable()
    show(qtbot, window, [LOOSE, ONE, TWO])
    assert usable()
    panel.apply_all.click()
    window.acts.undo.trigger()
    assert usable()
    window.gallery.select([])
    assert not panel.apply_all.isEnabled() and not panel.marketplace.isEnabled()


def test_a_preset_whose_image_is_gone_still_shows(qtbot, window: MainWindow, shoot, tmp_path) -> None:
    save_preset(UserPreset("Gone", BackgroundSpec(kind="image", path=str(tmp_path / "moved.jpg"))))
    window.backgrounds.presets.reload()
    assert "Gone" in window.backgrounds.presets.buttons
