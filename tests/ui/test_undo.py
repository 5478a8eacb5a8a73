"""Nothing lost: Apply to all asks before it overwrites a photo's own choice, and every choice —
background, canvas, card text — comes back with Edit → Undo or Ctrl+Z (the Mask tab keeps Ctrl+Z
for its brush)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.studio import all_photos, background_for, card_of, marketplace_of
from tests.ui.answer import answer_next_question
from tests.ui.shoot import LOOSE, PRODUCT, make_shoot
from tests.ui.test_main_window import RED, run_task, show
from tests.ui.test_mask_editor import _drag
from ui.main_window import MainWindow

MINT = BackgroundSpec(kind="preset", name="mint")
ONE = f"{PRODUCT}/1.png"


def choices(project: Project) -> dict[str, object]:
    """Every choice the user can make, as stored (not just how it looks)."""
    photos = {rel: project.state.photos[rel].background if rel in project.state.photos else None
              for rel in all_photos(project)}
    products = {p.key: (project.state.products[p.key].background, project.state.products[p.key].marketplace)
                if p.key in project.state.products else (None, "") for p in project.products}
    return {"photos": photos, "products": products}


def test_apply_to_all_asks_first_and_undo_brings_every_own_choice_back(qtbot, window: MainWindow,
                                                                        tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    project = window.project
    show(qtbot, window, [LOOSE])
    window.backgrounds.choose(RED)  # this photo's own background…
    window.backgrounds.choose_marketplace("wb")  # …and its product's Wildberries canvas
    show(qtbot, window, [ONE])
    window.backgrounds.choose(MINT)
    before = choices(project)

    seen = answer_next_question(QMessageBox.StandardButton.Yes)  # "Replace"
    window.backgrounds.apply_all.click()
    assert seen == ["Replace the background of 1 photo(s) that have their own choice?"]
    assert {background_for(project, rel) for rel in all_photos(project)} == {MINT}
    assert marketplace_of(project, LOOSE) == "wb"  # Apply to all is about the background only
    told = window.statusBar().currentMessage()
    assert "Mint applied to 4 photo(s)" in told and "Ctrl+Z" in told
    assert window.history.undo_button.isVisible()
    assert window.acts.undo.text() == "&Undo: Mint applied to 4 photo(s)"

    window.acts.undo.trigger()  # Edit → Undo
    assert choices(project) == before
    assert choices(Project(shoot)) == before  # saved at once
    assert background_for(project, LOOSE) == RED and marketplace_of(project, LOOSE) == "wb"
    assert "Undone: Mint applied to 4 photo(s)" in window.statusBar().currentMessage()
    assert not window.history.undo_button.isVisible()

    window.acts.redo.trigger()
    assert {background_for(project, rel) for rel in all_photos(project)} == {MINT}
    assert {background_for(Project(shoot), rel) for rel in all_photos(project)} == {MINT}


def test_keep_their_own_applies_to_the_others_and_cancel_to_none(qtbot, window: MainWindow, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    project = window.project
    show(qtbot, window, [LOOSE])
    window.backgrounds.choose(RED)
    show(qtbot, window, [ONE])
    window.backgrounds.choose(MINT)
    before = choices(project)

    answer_next_question(QMessageBox.StandardButton.Cancel)
    window.backgrounds.apply_all.click()
    assert choices(project) == before

    answer_next_question(QMessageBox.StandardButton.No)  # "Keep their own"
    window.backgrounds.apply_all.click()
    assert background_for(project, LOOSE) == RED
    assert {background_for(project, rel) for rel in all_photos(project) if rel != LOOSE} == {MINT}
    assert "Mint applied to 3 photo(s)" in window.statusBar().currentMessage()
    window.history.undo_button.click()  # the status bar's Undo
    assert choices(project) == before


def test_ctrl_z_in_the_gallery_undoes_a_choice_but_not_in_the_mask_tab(qtbot, window: MainWindow,
                                                                        tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    project = window.project
    show(qtbot, window, [LOOSE])
    plain = background_for(project, LOOSE)
    window.backgrounds.choose(RED)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert background_for(project, LOOSE) == plain
    assert window.backgrounds.current() == plain  # the panel shows what is chosen now
    QTest.keyClick(window.gallery, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert background_for(project, LOOSE) == RED

    window.editors.setCurrentWidget(window.mask_tab)  # there Ctrl+Z belongs to the brush
    assert window.acts.undo.shortcut().isEmpty() and window.acts.undo.isEnabled()
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert background_for(project, LOOSE) == RED
    window.editors.setCurrentWidget(window.preview)
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert background_for(project, LOOSE) == plain


def test_a_card_text_edit_is_undone_even_before_it_was_saved(qtbot, window: MainWindow, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    project = window.project
    show(qtbot, window, [LOOSE])
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        window.card.title.setText("Мяч")
    assert window.acts.undo.text() == "&Undo: Card text of ball"
    window.card.title.setText("Мяч зелёный")  # typed, not yet saved: Undo must not lose it silently
    window.acts.undo.trigger()
    assert card_of(project, LOOSE) is None and not project.product(LOOSE).card_edited
    assert window.card.title.text() == ""
    window.acts.redo.trigger()
    assert card_of(Project(shoot), LOOSE).title == "Мяч зелёный"
    assert window.card.title.text() == "Мяч зелёный"


def test_the_canvas_choice_is_undone_too(qtbot, window: MainWindow, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    show(qtbot, window, [LOOSE])
    window.backgrounds.choose_marketplace("ozon")
    assert window.acts.undo.text().startswith("&Undo: Canvas Ozon")
    window.acts.undo.trigger()
    assert window.project.product(LOOSE).marketplace == ""
    assert window.backgrounds.marketplace.currentData() != "ozon"


def test_in_the_mask_tab_ctrl_z_takes_back_the_brush_stroke_not_a_choice(qtbot, window: MainWindow, tmp_path,
                                                                         tiny_seg_model) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    window.set_seg_model(str(tiny_seg_model))
    show(qtbot, window, [LOOSE])
    run_task(qtbot, window, lambda: window.process([LOOSE]))
    window.backgrounds.choose(RED)  # a choice Ctrl+Z could take back elsewhere
    project = window.project
    model = project.load_mask(LOOSE)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.editors.setCurrentWidget(window.mask_tab)
    editor = window.mask_tab.editor
    editor.canvas.set_view(2.0, 10.0, 20.0)
    editor.set_brush("restore", 4.0, 1.0)
    with qtbot.waitSignal(window.mask_tab.maskSaved, timeout=5_000):
        _drag(editor.canvas, [(10.0 + 2 * x, 20.0 + 2 * 10.5) for x in (20.5, 100.5, 180.5)])
    assert not np.array_equal(project.load_mask(LOOSE), model)
    assert editor.canvas.hasFocus()  # showing the tab gave the brush the keyboard
    with qtbot.waitSignal(window.mask_tab.maskSaved, timeout=5_000):
        QTest.keyClick(editor.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(project.load_mask(LOOSE), model)
    assert background_for(project, LOOSE) == RED
