"""Placing the product by hand in the preview: drag it, scale it, type how much of the canvas it
fills, go back to Auto — each gesture one undo step, and the preview shows where the export puts it.
Plus the zoom readout beside Fit / 100 %."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from app.compose.backgrounds import BackgroundSpec
from app.compose.placement import Placement
from app.project import Project
from app.studio import history_of, placement_for, set_marketplace, set_photo_background, set_placement
from tests.ui.shoot import LOOSE, PRODUCT, fake_mask, make_shoot
from tests.ui.test_main_window import show
from tests.ui.test_mask_editor import _drag, _send_mouse
from ui.image_view import ImageView
from ui.main_window import MainWindow

WHITE = BackgroundSpec(kind="solid", color="#ffffff")
ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
RENDER_MS = 10_000
PRESS, MOVE, RELEASE = QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


@pytest.fixture
def shoot(tmp_path: Path) -> Path:
    """Processed photos on a white background, on Wildberries' 1200×1600 canvas (no model needed)."""
    folder = make_shoot(tmp_path)
    project = Project(folder)
    for rel in (ONE, TWO, LOOSE):
        rgb = np.asarray(Image.open(folder / rel).convert("RGB"))
        project.save_mask(rel, fake_mask(rgb), source="model")
    set_photo_background(project, [ONE, TWO, LOOSE], WHITE)
    set_marketplace(project, [PRODUCT, LOOSE], "wb")
    return folder


def product_box(view: ImageView) -> tuple[int, int, int, int]:
    """Where the product is in the result on screen, from its pixels (not white)."""
    image = view.image().convertToFormat(view.image().Format.Format_RGB888)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = pixels[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    ys, xs = np.nonzero(np.abs(pixels.astype(np.int16) - 255).max(axis=2) > 60)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def on_screen(view: ImageView, x: float, y: float) -> tuple[float, float]:
    point = view.mapFromScene(QPointF(x, y))
    return float(point.x()), float(point.y())


def wheel(view: ImageView, at: tuple[float, float], notches: int,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    local = QPointF(*at)
    event = QWheelEvent(local, view.viewport().mapToGlobal(local), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def open_on(qtbot, window: MainWindow, shoot: Path, rels: list[str]) -> Project:  # noqa: ANN001
    assert window.open_folder(shoot)
    show(qtbot, window, rels)
    return window.project


def test_dragging_the_product_moves_it_as_one_undo_step(qtbot, window: MainWindow, shoot: Path) -> None:
    project = open_on(qtbot, window, shoot, [LOOSE])
    view, bar = window.preview.result, window.preview.placement
    assert placement_for(project, LOOSE) is None
    before = product_box(view)
    width = view.image().width()
    steps = history_of(project).steps

    bar.place_button.click()  # "Place by hand": a drag now moves the product instead of panning
    assert view.placing()
    start = on_screen(view, (before[0] + before[2]) / 2, (before[1] + before[3]) / 2)
    end = (start[0] + 80, start[1] - 40)
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        _drag(view.viewport(), [start, (start[0] + 30, start[1] - 10), end])

    moved = 80 / view.pixel_scale()  # image pixels
    placed = placement_for(Project(shoot), LOOSE)  # saved at once
    assert placed is not None and placed.x == pytest.approx(0.5 + moved / width, abs=0.005)
    assert placed.y == pytest.approx(0.5 - 40 / view.pixel_scale() / view.image().height(), abs=0.005)
    after = product_box(view)
    assert after[0] - before[0] == pytest.approx(moved, abs=2)  # the preview shows it where it was dropped
    assert after[3] - after[1] == before[3] - before[1]  # moved, not resized
    assert history_of(project).steps == steps + 1  # the whole drag is one step
    assert window.acts.undo.text().endswith("Product moved")

    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        window.acts.undo.trigger()
    assert placement_for(project, LOOSE) is None
    assert product_box(view) == before


def test_a_drag_shows_the_move_before_anything_is_stored(qtbot, window: MainWindow, shoot: Path) -> None:
    project = open_on(qtbot, window, shoot, [LOOSE])
    view, bar = window.preview.result, window.preview.placement
    bar.place_button.click()
    steps = history_of(project).steps
    box = product_box(view)
    start = on_screen(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    _send_mouse(view.viewport(), PRESS, start, LEFT, LEFT)
    _send_mouse(view.viewport(), MOVE, (start[0] + 50, start[1]), NONE, LEFT)
    ghost = view._ghost  # the product's pixels, following the mouse at once
    assert ghost.isVisible() and ghost.pos().x() == pytest.approx(box[0] + 50 / view.pixel_scale(), abs=1.5)
    assert placement_for(project, LOOSE) is None  # nothing stored until the release
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape,
                                           Qt.KeyboardModifier.NoModifier))  # Esc calls the drag off
    assert not ghost.isVisible()
    _send_mouse(view.viewport(), RELEASE, (start[0] + 50, start[1]), LEFT, NONE)
    assert placement_for(project, LOOSE) is None and history_of(project).steps == steps


def test_the_wheel_scales_the_product_in_the_mode_and_with_ctrl(qtbot, window: MainWindow,
                                                                 shoot: Path) -> None:
    project = open_on(qtbot, window, shoot, [LOOSE])
    view, bar = window.preview.result, window.preview.placement
    zoom = view.zoom()
    shown = bar._shown
    assert shown is not None
    middle = (view.viewport().width() / 2, view.viewport().height() / 2)
    steps = history_of(project).steps
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        wheel(view, middle, 1, Qt.KeyboardModifier.ControlModifier)  # Ctrl+wheel: the product, not the view
    assert view.zoom() == zoom
    assert placement_for(project, LOOSE).fill == pytest.approx(shown.fill * 1.1, rel=0.01)

    bar.place_button.click()
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        wheel(view, middle, 2)  # in the mode the plain wheel scales it
    assert placement_for(project, LOOSE).fill == pytest.approx(shown.fill * 1.1**3, rel=0.01)
    assert history_of(project).steps == steps + 1  # one wheel gesture, one undo step
    wheel(view, middle, 1, Qt.KeyboardModifier.ControlModifier)  # and Ctrl+wheel zooms meanwhile
    assert view.zoom() == pytest.approx(zoom * 1.25)


def test_fills_percent_sizes_the_product_and_auto_gives_it_back(qtbot, window: MainWindow,
                                                                 shoot: Path) -> None:
    project = open_on(qtbot, window, shoot, [LOOSE])
    view, bar = window.preview.result, window.preview.placement
    assert bar.fill_spin.value() == 6  # the small ball is kept at its source size: 90 of 1600 px
    assert not bar.auto_button.isEnabled()  # nothing placed by hand yet
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        bar.fill_spin.setValue(60)  # stored after a short pause, as one step
    assert placement_for(Project(shoot), LOOSE) == Placement(0.6)
    x0, y0, x1, y1 = product_box(view)
    assert (y1 - y0) / view.image().height() == pytest.approx(0.6, abs=0.01)
    assert any("may look soft" in line for line in window.preview.notes.text().splitlines())
    assert bar.fill_slider.value() == 60 and bar.auto_button.isEnabled()
    assert window.acts.undo.text().endswith("Fills 60 %")

    steps = history_of(project).steps
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        bar.auto_button.click()
    assert placement_for(project, LOOSE) is None and history_of(project).steps == steps + 1
    assert bar.fill_spin.value() == 6 and not bar.auto_button.isEnabled()
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        window.acts.undo.trigger()
    assert placement_for(project, LOOSE) == Placement(0.6)


def test_a_fill_typed_with_several_selected_applies_to_all_of_them(qtbot, window: MainWindow,
                                                                   shoot: Path) -> None:
    project = open_on(qtbot, window, shoot, [LOOSE])
    set_placement(project, [TWO], Placement(0.3, 0.25, 0.4))  # placed by hand before
    show(qtbot, window, [ONE, TWO])
    bar = window.preview.placement
    assert "several photos" in bar.fill_spin.toolTip()
    steps = history_of(project).steps
    with qtbot.waitSignal(window.preview.rendered, timeout=RENDER_MS):
        bar.fill_spin.setValue(45)
        bar.fill_spin.editingFinished.emit()  # Enter: no need to wait for the pause
    assert placement_for(project, ONE) == Placement(0.45)
    assert placement_for(project, TWO) == Placement(0.45, 0.25, 0.4)  # keeps its own place
    assert placement_for(project, LOOSE) is None  # not selected
    assert history_of(project).steps == steps + 1
    assert "Ctrl+Z" in window.statusBar().currentMessage()


def test_without_a_canvas_the_bar_is_off_and_says_why(qtbot, window: MainWindow, shoot: Path) -> None:
    set_marketplace(Project(shoot), [LOOSE], "none")
    open_on(qtbot, window, shoot, [LOOSE])
    bar = window.preview.placement
    for widget in (bar.place_button, bar.fill_spin, bar.fill_slider, bar.auto_button):
        assert not widget.isEnabled()
        assert "choose a marketplace canvas" in widget.toolTip()
    assert not window.preview.result.can_place()
    show(qtbot, window, [ONE])  # a photo on a canvas: on again
    assert bar.fill_spin.isEnabled() and bar.place_button.isEnabled()


def test_the_zoom_readout_follows_fit_100_and_the_wheel(qtbot, window: MainWindow, shoot: Path) -> None:
    open_on(qtbot, window, shoot, [LOOSE])
    view, pane = window.preview.result, window.preview
    viewport = view.viewport()
    fit = min(viewport.width() / 1200, viewport.height() / 1600)  # the export is the 1200×1600 canvas
    assert pane.zoom_label.text() == f"{round(fit * 100)} %"
    with qtbot.waitSignal(pane.rendered, timeout=RENDER_MS):
        pane.actual_button.click()  # renders at the export's size, then shows it pixel for pixel
    assert pane.zoom_label.text() == "100 %"
    wheel(view, (viewport.width() / 2, viewport.height() / 2), 1)
    assert pane.zoom_label.text() == "125 %"
    pane.fit_button.click()
    assert pane.zoom_label.text() == f"{round(fit * 100)} %"

