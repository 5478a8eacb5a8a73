"""Gallery filter and keyboard, before/after split, 100 %, shortcuts, tooltips, About."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from app.compose.compose import CanvasSpec
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, make_shoot
from tests.ui.test_main_window import RED, near, run_task, show
from ui.images import qimage_pixel
from ui.main_window import MainWindow

BLANK = "blank.png"  # nothing to cut out: the model's mask is empty, so the photo needs review


@pytest.fixture
def processed(qtbot, window: MainWindow, tmp_path, tiny_seg_model) -> MainWindow:
    shoot = make_shoot(tmp_path)
    Image.new("RGB", (120, 90), (255, 255, 255)).save(shoot / BLANK)
    assert window.open_folder(shoot)
    window.set_seg_model(str(tiny_seg_model))
    run_task(qtbot, window, lambda: window.process(None))
    return window


def test_the_gallery_filters_by_status_and_walks_with_the_keyboard(qtbot, processed: MainWindow) -> None:
    window = processed
    pane, gallery = window.gallery_pane, window.gallery
    qtbot.waitUntil(lambda: pane.filter.itemText(pane.filter.findData("done")).endswith("(3)"), timeout=5_000)
    pane.set_status("error")
    assert gallery.shown_rels() == [BROKEN]
    pane.set_status("review")
    assert gallery.shown_rels() == [BLANK]
    assert "needs" in gallery.photos.index(gallery.photos.row_of(BLANK)).data(Qt.ItemDataRole.ToolTipRole)
    pane.set_status("done")
    assert sorted(gallery.shown_rels()) == sorted([f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg", LOOSE])
    assert pane.filter.currentText().endswith("(3)") and pane.shown_count.text() == "3 shown"

    # Keyboard: arrows move within what is shown; Page Down / Up go to the next / previous photo.
    shown = gallery.shown_rels()
    show(qtbot, window, [shown[0]])
    window.activateWindow()
    gallery.setFocus()
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        QTest.keyClick(gallery, Qt.Key.Key_Right)
    assert window.preview.rel == shown[1]
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        QTest.keyClick(gallery, Qt.Key.Key_PageDown)
    assert window.preview.rel == shown[2] and gallery.selected_rels() == [shown[2]]
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.acts.prev_photo.trigger()
    assert window.preview.rel == shown[1]

    pane.set_status("")
    assert len(gallery.shown_rels()) == 5 and gallery.selected_rels() == [shown[1]]


def test_before_after_split_follows_the_dragged_divider(qtbot, processed: MainWindow) -> None:
    window = processed
    show(qtbot, window, [LOOSE])
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.backgrounds.choose(RED)
    window.acts.split.trigger()
    view = window.preview.result
    assert view.splitting() and not window.preview.original.isVisible()
    assert window.preview.split_button.isChecked()
    window.preview.fit()

    def colour_at(fraction: float) -> tuple[int, int, int]:
        """What the view shows near the image's top edge (background, clear of the product)."""
        frame = view.viewport().grab().toImage()
        rect = view.sceneRect()
        at = view.mapFromScene(rect.left() + fraction * rect.width(), rect.top() + 0.08 * rect.height())
        return qimage_pixel(frame, at.x(), at.y())

    assert near(colour_at(0.2), (255, 255, 255))  # before: the white sweep of the photo
    assert near(colour_at(0.8), (255, 0, 0))  # after: the red background

    # Drag the divider from the middle to a quarter of the way: the original shrinks to the left.
    rect = view.sceneRect()
    at = view.mapFromScene(rect.left() + rect.width() / 2, rect.center().y())
    to = view.mapFromScene(rect.left() + rect.width() / 4, rect.center().y())
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseMove(viewport, QPoint(at.x() - 20, at.y()))
    QTest.mouseMove(viewport, to)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to)
    assert view.split_fraction() == pytest.approx(0.25, abs=0.03)
    assert near(colour_at(0.4), (255, 0, 0))

    window.acts.split.trigger()
    assert not view.splitting() and window.preview.original.isVisibleTo(window)


def test_100_percent_shows_exported_pixels_one_to_one(qtbot, processed: MainWindow) -> None:
    window = processed
    show(qtbot, window, [LOOSE])
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.backgrounds.choose_marketplace("wb")  # a big canvas, previewed smaller
    height = CanvasSpec.for_marketplace("wb").height
    assert window.preview.result.image().height() < height
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.acts.actual_size.trigger()
    assert window.preview.result.image().height() == height  # rendered at the export's size
    assert window.preview.result.pixel_scale() == pytest.approx(1.0)
    window.acts.fit.trigger()
    assert window.preview.result.zoom() == 1.0


def test_frequent_actions_have_shortcuts_named_in_their_tooltips(window: MainWindow) -> None:
    acts = window.acts
    expected = {acts.open: "Ctrl+O", acts.process_selected: "Ctrl+R", acts.process_all: "Ctrl+Shift+R",
                acts.export: "Ctrl+E", acts.settings: "Ctrl+,", acts.fit: "Ctrl+0",
                acts.actual_size: "Ctrl+1", acts.next_photo: "PgDown", acts.prev_photo: "PgUp",
                acts.write_text_selected: "Ctrl+T", acts.split: "Ctrl+B"}
    for action, keys in expected.items():
        assert action.shortcut() == QKeySequence(keys), action.text()
        assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in action.toolTip()
    assert window.card.copy.toolTip() and window.preview.split_button.toolTip()
    assert window.gallery_pane.filter.toolTip() and window.model_picker.toolTip()


def test_about_lists_every_model_with_its_licence(window: MainWindow) -> None:
    from app.describe.registry import DESCRIBERS
    from app.segment import VARIANTS

    window.acts.about.trigger()
    text = window.dialog.text.toPlainText()
    for name, variant in VARIANTS.items():
        assert name in text and variant.licence in text
    for name, spec in DESCRIBERS.items():
        assert name in text and spec.licence in text
    assert "non-commercial" in text and "GigaChat" in text
    window.dialog.close()


def test_needs_review_lists_the_worst_masks_first(qtbot, processed: MainWindow) -> None:
    window = processed
    project = window.project
    folder_order = window.gallery.shown_rels()
    for rel, score in ((LOOSE, 3.0), (f"{PRODUCT}/1.png", 8.0)):
        state = project.photo(rel)
        state.review, state.notes = score, [*state.notes, "needs review: test"]
    window.gallery_pane.set_status("review")
    assert window.gallery.shown_rels() == [BLANK, f"{PRODUCT}/1.png", LOOSE]  # blank: no object = 10
    window.gallery_pane.set_status("")
    assert window.gallery.shown_rels() == folder_order  # other views keep the folder's order
