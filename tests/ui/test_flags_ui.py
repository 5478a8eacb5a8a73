"""Reviewing many results fast: P / X / U flag from the keyboard, Export can take only the approved
products, Survey (N) compares a few results side by side, and Y shows the result before the last change."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.compose.backgrounds import BackgroundSpec
from app.errors import StateError
from app.project import Project
from app.studio import APPROVED, REJECTED, UNFLAGGED, export_target, flag_of
from app.studio.items import REVIEW_PREFIX
from tests.ui.shoot import LOOSE, PRODUCT
from tests.ui.test_main_window import RED, near, result_pixel, run_task, show
from ui.export_dialog import ExportDialog
from ui.gallery import StatusRole
from ui.images import qimage_pixel
from ui.main_window import MainWindow

ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
WHITE = BackgroundSpec(kind="solid", color="#ffffff")


def _key(window: MainWindow, widget, key: Qt.Key) -> None:  # noqa: ANN001
    window.activateWindow()
    widget.setFocus()
    QTest.keyClick(widget, key)


def _on_disk(shoot: Path, rel: str) -> str:
    return flag_of(Project(shoot), rel)


def _status(window: MainWindow, rel: str) -> str:
    photos = window.gallery.photos
    return photos.index(photos.row_of(rel)).data(StatusRole)


def test_p_x_u_flag_the_selected_photos_undoably_and_reach_the_disk(qtbot, window, processed) -> None:
    project = window.project
    project.photo(ONE).notes = [REVIEW_PREFIX + "the object touches the frame"]
    window.gallery.photos.refresh(ONE)
    assert _status(window, ONE) == "review"

    show(qtbot, window, [ONE, TWO])
    _key(window, window.gallery, Qt.Key.Key_P)
    assert [flag_of(project, rel) for rel in (ONE, TWO)] == [APPROVED, APPROVED]
    assert _status(window, ONE) == "done"  # approving settles "needs review"
    assert window.acts.undo.text() == "&Undo: Approved 2 photo(s)"
    assert window.gallery.selected_rels() == [ONE, TWO]  # no advance unless asked for
    qtbot.waitUntil(lambda: _on_disk(processed, TWO) == APPROVED, timeout=1500)

    _key(window, window.gallery, Qt.Key.Key_X)
    assert flag_of(project, ONE) == REJECTED
    _key(window, window.gallery, Qt.Key.Key_U)
    assert flag_of(project, ONE) == UNFLAGGED and _status(window, ONE) == "review"
    window.acts.undo.trigger()  # takes back the clear…
    window.acts.undo.trigger()  # …and the reject
    assert flag_of(project, ONE) == APPROVED and _status(window, ONE) == "done"

    # Typing in the card text is typing, not flagging.
    show(qtbot, window, [LOOSE])
    _key(window, window.card.title, Qt.Key.Key_X)
    assert window.card.title.text().endswith("x") and flag_of(project, LOOSE) == UNFLAGGED

    # "Advance after flag": one photo flagged, the next one is selected.
    window.acts.advance_after_flag.trigger()
    assert window.gallery.selected_rels() == [LOOSE]
    rels = window.gallery.shown_rels()
    _key(window, window.preview, Qt.Key.Key_X)  # the preview takes the keys too
    assert flag_of(project, LOOSE) == REJECTED
    assert window.gallery.selected_rels() == [rels[rels.index(LOOSE) + 1]]
    window.acts.advance_after_flag.trigger()

    window.close()  # whatever is still unsaved is written at close
    assert _on_disk(processed, LOOSE) == REJECTED


def test_flags_are_written_off_the_ui_thread_and_a_failed_write_is_kept_and_said(
        qtbot, window, processed, monkeypatch) -> None:
    project = window.project
    real_save, savers = project.save, []

    def watched_save(**kwargs):  # noqa: ANN003
        savers.append(threading.current_thread())
        if len(savers) == 1:
            raise StateError("Cannot save project state: the disk is full")
        real_save(**kwargs)

    monkeypatch.setattr(project, "save", watched_save)
    show(qtbot, window, [ONE])
    _key(window, window.gallery, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: any("the disk is full" in line for line in window.log.lines()), timeout=3000)
    assert savers[0] is not threading.main_thread()  # a 5,000-photo write would stall the keys
    assert _on_disk(processed, ONE) != APPROVED
    _key(window, window.gallery, Qt.Key.Key_X)  # the next save writes the photos the failed one had
    _key(window, window.gallery, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: _on_disk(processed, ONE) == APPROVED, timeout=3000)


def _exported(folder: Path) -> dict[str, str]:
    with (folder / "report.csv").open(encoding="utf-8-sig") as fh:
        return {row["file"]: row["status"] for row in csv.DictReader(fh)}


def test_export_of_approved_products_writes_only_those(qtbot, window, processed, tmp_path) -> None:
    window.flags.apply(APPROVED, [LOOSE])
    window.flags.apply(APPROVED, [ONE])  # its product's other photo is not looked at yet
    out = tmp_path / "cards"
    result = run_task(qtbot, window, lambda: window.export_to(out, scope="approved"))
    assert sorted(result.bundles) == [LOOSE]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["ball"]
    assert "Left out: 1 product(s) not approved yet." in window.statusBar().currentMessage()
    window.export_box.close()

    # Chosen once in Export to…, the scope is what one-click Export uses from then on.
    window.flags.apply(REJECTED, [TWO])  # now its product is reviewed: one approved, one rejected
    assert window.choose_export()
    dialog = window.dialog
    assert isinstance(dialog, ExportDialog)
    dialog.folder.setText(str(tmp_path / "approved"))
    dialog.scope.setCurrentIndex(dialog.scope.findData("approved"))
    assert dialog.scope.currentText() == "Approved products only (2)"
    dialog.scope.setCurrentIndex(dialog.scope.findData("selected"))
    window.gallery.select([])
    assert dialog.export_button.isEnabled()  # the counts are those of when the dialog opened
    dialog.scope.setCurrentIndex(dialog.scope.findData("approved"))
    with qtbot.waitSignal(window.runner.finished, timeout=60_000):
        dialog.export_button.click()
    assert export_target(window.project).scope == "approved"
    # The one-click Export says what it will write before the user clicks it.
    tip = window.acts.export.toolTip()
    assert "approved" in tip and str(tmp_path / "approved") in tip
    assert _exported(tmp_path / "approved")[TWO] == "skipped"  # rejected: left out of the bundle
    window.export_box.close()

    window.flags.apply(UNFLAGGED, [LOOSE])
    result = run_task(qtbot, window, window.export)
    assert sorted(result.bundles) == [PRODUCT]
    window.export_box.close()


def test_export_of_nothing_approved_says_why(qtbot, window, processed, tmp_path) -> None:
    assert not window.export_to(tmp_path / "cards", scope="approved")
    assert any("no product is approved yet" in line for line in window.log.lines())
    assert not (tmp_path / "cards").exists()


def test_survey_shows_the_selected_results_together_and_flags_the_pointed_one(qtbot, window,
                                                                               processed) -> None:
    show(qtbot, window, [ONE, TWO, LOOSE])
    with qtbot.waitSignal(window.survey.rendered, timeout=10_000):
        _key(window, window.gallery, Qt.Key.Key_N)
    survey = window.survey
    assert window.editors.currentWidget() is survey
    shown = [cell for cell in survey.cells if cell.isVisible()]
    assert [cell.rel for cell in shown] == window.gallery.selected_rels()  # in gallery order
    assert sorted(cell.rel for cell in shown) == sorted([ONE, TWO, LOOSE])
    assert all(cell.view.has_image() for cell in shown)

    shown[0].view.actual_size()
    zooms = {round(cell.view.zoom(), 3) for cell in shown}
    assert len(zooms) == 1 and zooms != {1.0}  # one zoom moved them all

    QTest.mouseClick(shown[1].view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    _key(window, survey, Qt.Key.Key_X)
    assert [flag_of(window.project, cell.rel) for cell in shown] == [UNFLAGGED, REJECTED, UNFLAGGED]
    assert "Rejected" in shown[1].title.text() and "Rejected" not in shown[0].title.text()

    _key(window, survey, Qt.Key.Key_Escape)
    assert window.editors.currentWidget() is window.preview


def test_survey_needs_two_photos(qtbot, window, processed) -> None:
    window.gallery.select([LOOSE])
    assert not window.flags.open_survey()
    assert window.editors.currentWidget() is window.preview
    assert "Select 2 to 4 photos" in window.statusBar().currentMessage()


def test_previous_result_stays_at_hand_after_a_background_change(qtbot, window, processed) -> None:
    show(qtbot, window, [ONE])
    show(qtbot, window, [LOOSE])
    assert not window.preview.previous_button.isEnabled()  # another photo than the last one shown
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.backgrounds.choose(RED)
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.backgrounds.choose(WHITE)
    assert near(result_pixel(window), (255, 255, 255))
    preview = window.preview
    assert preview.previous_button.isEnabled()

    _key(window, window.gallery, Qt.Key.Key_Y)
    assert preview.previous_button.isChecked()
    assert near(result_pixel(window), (255, 0, 0))  # the red one, from before the change
    _key(window, window.gallery, Qt.Key.Key_Y)
    assert near(result_pixel(window), (255, 255, 255))

    with qtbot.waitSignal(preview.rendered, timeout=10_000):
        window.preview.show_photo(window.project, LOOSE)  # shown again, unchanged: still the same pair
    assert preview.previous_button.isEnabled()
    show(qtbot, window, [ONE])  # another photo: nothing to compare with
    assert not preview.previous_button.isEnabled()
    assert qimage_pixel(preview.result.image(), 2, 2) != (255, 0, 0)


def test_in_the_mask_tab_p_approves_and_x_stays_the_brush_key(qtbot, window, processed) -> None:
    show(qtbot, window, [ONE])
    window.editors.setCurrentWidget(window.mask_tab)
    editor = window.mask_tab.editor
    _key(window, editor, Qt.Key.Key_P)
    assert flag_of(window.project, ONE) == APPROVED
    mode = editor.brush().mode
    _key(window, editor, Qt.Key.Key_X)
    assert flag_of(window.project, ONE) == APPROVED  # X switched restore / erase, it did not reject
    assert editor.brush().mode != mode
