"""Defects found walking through the studio: each test is what the user saw go wrong."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.errors
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QToolBar, QToolButton

from app import imaging
from app.project import Project
from tests.ui.shoot import LOOSE, PRODUCT, fake_mask, make_shoot
from tests.ui.test_main_window import badges, run_task, show
from tests.ui.test_mask_editor import _drag
from ui.main_window import MainWindow
from ui.window_geometry import first_geometry


def _with_masks(tmp_path: Path, rels: list[str]) -> Path:
    """A shoot whose photos already have model masks (as after a Process), without running a model."""
    shoot = make_shoot(tmp_path)
    project = Project(shoot)
    for rel in rels:
        rgb = imaging.load_photo(shoot / rel).rgb
        project.save_mask(rel, fake_mask(rgb), source="model", model="tiny@pinned")
    project.save()
    return shoot


def _open_mask_tab(qtbot, window: MainWindow, shoot: Path) -> None:  # noqa: ANN001
    assert window.open_folder(shoot)
    show(qtbot, window, [LOOSE])
    window.editors.setCurrentWidget(window.mask_tab)
    assert window.mask_tab.editor.has_image()


def test_at_1600_px_every_mask_tool_is_on_screen_not_behind_the_overflow_arrow(
        qtbot, window: MainWindow, tmp_path) -> None:
    window.resize(1600, 1000)
    _open_mask_tab(qtbot, window, _with_masks(tmp_path, [LOOSE]))
    editor = window.mask_tab.editor
    bars = editor.findChildren(QToolBar)
    qtbot.waitUntil(lambda: all(bar.isVisible() for bar in bars), timeout=5_000)
    QTest.qWait(50)  # the toolbars lay out their items
    texts = [a.text() for bar in bars for a in bar.actions() if a.text()]
    for name in ("Restore", "Erase", "Overlay", "Unsure edge", "Undo", "Redo", "Reset", "Fit"):
        assert name in texts
    for bar in bars:
        arrow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert arrow is None or not arrow.isVisible(), f"{bar.objectName()} overflows"
        for action in bar.actions():
            assert bar.widgetForAction(action).isVisible(), f"{action.text()!r} is hidden in the » menu"


def test_brush_size_keys_work_whenever_the_mask_tab_is_shown(qtbot, window: MainWindow, tmp_path) -> None:
    _open_mask_tab(qtbot, window, _with_masks(tmp_path, [LOOSE]))
    editor = window.mask_tab.editor
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.gallery.setFocus()  # the user clicked a thumbnail: the canvas does not have the focus
    radius = editor.brush().radius
    QTest.keyClick(window.gallery, Qt.Key.Key_BracketRight)
    assert editor.brush().radius > radius
    QTest.keyClick(window.gallery, Qt.Key.Key_BracketLeft)
    QTest.keyClick(window.gallery, Qt.Key.Key_BracketLeft)
    assert editor.brush().radius < radius

    # Typing in a text field is typing: "]" goes into the card title, not to the brush.
    window.side.setCurrentWidget(window.card)
    window.card.title.setFocus()
    radius = editor.brush().radius
    QTest.keyClick(window.card.title, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.NoModifier, 0)
    assert window.card.title.text().endswith("]") and editor.brush().radius == radius

    # With another tab shown the keys are not the brush's.
    window.editors.setCurrentWidget(window.preview)
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, Qt.Key.Key_BracketRight)
    assert editor.brush().radius == radius


def test_the_first_window_uses_most_of_the_screen() -> None:
    # 90 % of the available area, centred: 1440×900 on a 1600×1000 screen.
    assert first_geometry(QRect(0, 0, 1600, 1000)) == QRect(80, 50, 1440, 900)
    assert first_geometry(QRect(1920, 0, 1920, 1040)) == QRect(2016, 52, 1728, 936)
    assert first_geometry(QRect(0, 0, 1024, 700)) is None  # a small screen: maximised


def test_with_no_saved_geometry_the_window_opens_for_its_screen(qtbot) -> None:  # noqa: ANN001
    win = MainWindow()  # no resize(): the size is the window's own choice
    try:
        win.show()
        qtbot.waitExposed(win)
        available = win.screen().availableGeometry()
        expected = first_geometry(available)
        if expected is None:
            assert win.isMaximized()
        else:
            assert win.size() == expected.size()
        assert win.width() >= 0.85 * available.width()
    finally:
        win.close()
        win.deleteLater()


def test_undoing_every_brush_stroke_gives_the_photo_its_model_status_back(
        qtbot, window: MainWindow, tmp_path) -> None:
    shoot = _with_masks(tmp_path, [LOOSE])
    _open_mask_tab(qtbot, window, shoot)
    assert badges(window)[LOOSE] == "done"
    tab = window.mask_tab
    canvas = tab.editor.canvas
    canvas.set_view(2.0, 10.0, 20.0)
    tab.editor.set_brush("restore", 4.0, 1.0)
    with qtbot.waitSignal(tab.maskSaved, timeout=5_000):
        _drag(canvas, [(50.0, 40.0), (210.0, 40.0), (370.0, 40.0)])
    assert badges(window)[LOOSE] == "edited"

    with qtbot.waitSignal(tab.maskSaved, timeout=5_000):
        tab.editor.undo_action.trigger()
    assert badges(window)[LOOSE] == "done"
    again = Project(shoot)  # saved so: a reopened folder agrees
    assert again.photo(LOOSE).mask_source == "model"
    assert (again.load_mask(LOOSE) == tab.editor.mask()).all()

    with qtbot.waitSignal(tab.maskSaved, timeout=5_000):
        tab.editor.redo_action.trigger()  # the edit again: edited again, the model's mask kept aside
    assert badges(window)[LOOSE] == "edited"
    with qtbot.waitSignal(tab.maskSaved, timeout=5_000):
        tab.editor.reset_action.trigger()
    assert badges(window)[LOOSE] == "done"


def test_open_folder_without_a_file_manager_says_so_and_shows_the_path(
        qtbot, window: MainWindow, tmp_path, monkeypatch) -> None:
    shoot = _with_masks(tmp_path, [LOOSE, f"{PRODUCT}/1.png"])
    assert window.open_folder(shoot)
    out = tmp_path / "cards"
    run_task(qtbot, window, lambda: window.exports.export_to(out))
    box = window.export_box
    assert box is not None and box.isVisible()
    opened: list[str] = []

    def no_file_manager(url) -> bool:  # noqa: ANN001
        opened.append(url.toLocalFile())
        return False

    monkeypatch.setattr("ui.export_done.QDesktopServices.openUrl", no_file_manager)
    open_button = next(b for b in box.findChildren(QPushButton) if "Open" in b.text())
    open_button.click()
    assert opened == [str(out)]
    assert box.isVisible()  # not closed as if something had opened
    said = " ".join(label.text() for label in box.findChildren(QLabel) if label.isVisible())
    assert "No file manager" in said
    path = [field.text() for field in box.findChildren(QLineEdit) if field.isVisible()]
    assert path == [str(out)]
    copy = next(b for b in box.findChildren(QPushButton) if "Copy" in b.text())
    copy.click()
    assert QGuiApplication.clipboard().text() == str(out)
    box.close()


@pytest.fixture
def no_keyring(monkeypatch) -> None:
    """A computer without a keyring service (a server, a bare Linux session)."""
    def none(*_args: object) -> None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    for name in ("get_password", "set_password", "delete_password"):
        monkeypatch.setattr(keyring, name, none)


def test_a_key_from_the_environment_is_named_so_and_forget_says_what_it_can(
        qtbot, window: MainWindow, monkeypatch, no_keyring) -> None:
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "ZW52OmtleQ==")
    dialog = window.open_settings()
    assert "GIGACHAT_CREDENTIALS environment variable" in dialog.key.placeholderText()
    assert "keyring" not in dialog.key.placeholderText()
    assert "GIGACHAT_CREDENTIALS" in dialog.key_state.text()

    dialog.provider.setCurrentIndex(dialog.provider.findData("gigachat"))
    forget = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Forget key")
    assert forget.isEnabled()
    forget.click()
    said = dialog.key_state.text()
    assert "NoKeyringError" not in said and "(" not in said
    assert "no password store" in said and "GIGACHAT_CREDENTIALS" in said
    assert "NoKeyringError" in dialog.key_details.detail()
    dialog.reject()


def test_saving_a_key_without_a_keyring_is_a_clear_sentence(qtbot, window: MainWindow, monkeypatch,
                                                             no_keyring) -> None:
    monkeypatch.delenv("GIGACHAT_CREDENTIALS", raising=False)
    dialog = window.open_settings()
    assert "No key yet" in dialog.key_state.text()
    dialog.provider.setCurrentIndex(dialog.provider.findData("gigachat"))
    dialog.key.setText("c3RvcmVkOmtleQ==")
    dialog.accept()
    assert dialog.isVisible()  # kept open: the typed key is not lost
    said = dialog.key_state.text()
    assert "no password store" in said
    assert "NoKeyringError" not in said and "GIGACHAT_CREDENTIALS" not in said  # a desktop user's words
    assert dialog.key_details.isVisibleTo(dialog)  # the technical side is one click away
    dialog.key_details.click()
    assert "NoKeyringError" in dialog.key_details.box().text()
    assert "GIGACHAT_CREDENTIALS" in dialog.key_details.box().text()
    dialog.key_details.box().close()
    dialog.key.clear()
    dialog.reject()


def test_an_empty_folder_says_so_and_offers_nothing_to_process(qtbot, window, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a photo", encoding="utf-8")
    assert window.open_folder(empty)
    assert "No photos in" in window.statusBar().currentMessage()
    assert any("No photos in" in line for line in window.log.lines())
    acts = window.acts
    for action in (acts.process_all, acts.write_text_all, acts.export, acts.export_as):
        assert not action.isEnabled(), action.text()
    assert window.acts.watch.isEnabled()  # tethered shooting starts from an empty folder
