"""MaskEditor driven like a user: drags, keys and the wheel on an offscreen widget."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent, qAlpha
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.maskedit import uncertain_band
from ui.brush import MaskEditor
from ui.brush.images import colour_table
from ui.brush.toolbar import radius_to_slider, slider_to_radius
from ui.brush.viewport import Viewport

W, H = 120, 90


def _send_mouse(
    widget: QWidget,
    kind: QEvent.Type,
    pos: tuple[float, float],
    button: Qt.MouseButton,
    buttons: Qt.MouseButton,
) -> None:
    local = QPointF(*pos)
    event = QMouseEvent(
        kind, local, widget.mapToGlobal(local), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def _drag(
    widget: QWidget, points: list[tuple[float, float]], button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> None:
    _send_mouse(widget, QEvent.Type.MouseButtonPress, points[0], button, button)
    for p in points[1:]:
        _send_mouse(widget, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, button)
    _send_mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], button, Qt.MouseButton.NoButton)


def _wheel(widget: QWidget, pos: tuple[float, float], notches: int) -> None:
    local = QPointF(*pos)
    event = QWheelEvent(
        local,
        widget.mapToGlobal(local),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


@pytest.fixture
def editor(qtbot: QtBot) -> MaskEditor:
    widget = MaskEditor()
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    rgb = np.full((H, W, 3), 128, np.uint8)
    model = np.zeros((H, W), np.uint8)
    model[20:70, 30:90] = 255
    widget.set_image(rgb, np.zeros((H, W), np.uint8), model_alpha=model)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.canvas.setFocus()
    widget.canvas.set_view(2.0, 10.0, 20.0)  # image pixel (x, y) spans widget [10 + 2x, 12 + 2x)
    widget.set_brush("restore", 4.0, 1.0)
    return widget


def _widget_pos(ix: float, iy: float) -> tuple[float, float]:
    return 10.0 + 2.0 * ix, 20.0 + 2.0 * iy


def test_drag_paints_under_the_path_and_reports_the_mask(editor: MaskEditor, qtbot: QtBot) -> None:
    path = [_widget_pos(20.5, 30.5), _widget_pos(50.5, 30.5), _widget_pos(80.5, 30.5)]
    with qtbot.waitSignal(editor.maskChanged, timeout=1000) as blocker:
        _drag(editor.canvas, path)
    mask = editor.mask()
    assert (mask[30, 20:81] == 255).all()  # the path
    assert (mask[27:34, 20:81] == 255).all()  # within the radius of 4
    # Nothing at or beyond the radius: an off-by-one-pixel mapping would fail here.
    assert not mask[:27].any() and not mask[34:].any()
    assert not mask[:, :17].any() and not mask[:, 84:].any()
    assert mask[30, 17] == 255 and mask[30, 83] == 255
    np.testing.assert_array_equal(blocker.args[0], mask)
    assert editor.undo_action.isEnabled()


def test_ctrl_z_restores_and_ctrl_shift_z_reapplies(editor: MaskEditor, qtbot: QtBot) -> None:
    _drag(editor.canvas, [_widget_pos(40, 40), _widget_pos(60, 40)])
    painted = editor.mask()
    assert painted.any()
    with qtbot.waitSignal(editor.maskChanged, timeout=1000):
        QTest.keyClick(editor.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not editor.mask().any()
    QTest.keyClick(
        editor.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    np.testing.assert_array_equal(editor.mask(), painted)
    QTest.keyClick(editor.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(editor.mask(), painted)


def test_bracket_keys_resize_and_x_toggles_the_brush(editor: MaskEditor) -> None:
    start = editor.brush().radius
    QTest.keyClick(editor.canvas, Qt.Key.Key_BracketRight)
    bigger = editor.brush().radius
    QTest.keyClick(editor.canvas, Qt.Key.Key_BracketLeft)
    QTest.keyClick(editor.canvas, Qt.Key.Key_BracketLeft)
    assert bigger > start > editor.brush().radius
    assert editor.toolbar.size_slider.value() == radius_to_slider(editor.brush().radius)
    QTest.keyClick(editor.canvas, Qt.Key.Key_X)
    assert editor.brush().mode == "erase" and editor.toolbar.erase_action.isChecked()


def test_points_map_to_the_right_pixels_after_wheel_zoom_and_pan(editor: MaskEditor) -> None:
    canvas = editor.canvas
    anchor = _widget_pos(60.0, 45.0)
    _wheel(canvas, anchor, 2)  # zoom in around a point: that point stays on the same pixel
    assert canvas.viewport.zoom == pytest.approx(2.0 * 1.25**2)
    assert canvas.image_point(QPointF(*anchor)) == pytest.approx((60.0, 45.0))
    _drag(canvas, [(300.0, 300.0), (250.0, 260.0)], Qt.MouseButton.MiddleButton)  # pan by (-50, -40)
    zoom = canvas.viewport.zoom
    ix, iy = canvas.image_point(QPointF(200.0, 150.0))
    assert (ix, iy) == pytest.approx(((200 + 50 - anchor[0]) / zoom + 60, (150 + 40 - anchor[1]) / zoom + 45))

    editor.set_brush("restore", 1.5, 1.0)
    _drag(canvas, [(200.0, 150.0)])
    changed = np.argwhere(editor.mask() > 0)
    assert changed.size
    assert np.abs(changed[:, 1] + 0.5 - ix).max() < 1.5 and np.abs(changed[:, 0] + 0.5 - iy).max() < 1.5


def test_space_drag_pans_instead_of_painting(editor: MaskEditor) -> None:
    QTest.keyPress(editor.canvas, Qt.Key.Key_Space)
    _drag(editor.canvas, [(100.0, 100.0), (130.0, 110.0)])
    QTest.keyRelease(editor.canvas, Qt.Key.Key_Space)
    assert not editor.mask().any()
    assert (editor.canvas.viewport.ox, editor.canvas.viewport.oy) == (40.0, 30.0)


def test_reset_to_model_mask_is_undoable(editor: MaskEditor) -> None:
    editor.reset_action.trigger()
    assert editor.mask()[40, 50] == 255 and editor.mask()[10, 10] == 0
    editor.undo_action.trigger()
    assert not editor.mask().any()


def test_toolbar_controls_set_the_brush(editor: MaskEditor) -> None:
    editor.toolbar.size_slider.setValue(radius_to_slider(50.0))
    editor.toolbar.hardness_slider.setValue(25)
    editor.toolbar.erase_action.trigger()
    assert editor.brush().radius == slider_to_radius(radius_to_slider(50.0))
    assert editor.brush().hardness == 0.25 and editor.brush().mode == "erase"
    editor.toolbar.band_action.trigger()
    assert editor.canvas.overlay is not None
    assert editor.canvas.overlay.image.colorTable() == colour_table(show_mask=True, show_band=True)


def test_band_colours_exactly_the_uncertain_pixels() -> None:
    table = colour_table(show_mask=False, show_band=True)
    marked = np.array([qAlpha(c) > 0 for c in table])
    np.testing.assert_array_equal(marked, uncertain_band(np.arange(256, dtype=np.uint8)))


def test_viewport_zoom_keeps_the_point_under_the_cursor() -> None:
    view = Viewport(0.5, 7.0, -3.0)
    before = view.to_image(100.0, 80.0)
    view.zoom_at(3.0, 100.0, 80.0)
    assert view.to_image(100.0, 80.0) == pytest.approx(before)
    assert view.to_widget(*view.to_image(12.0, 34.0)) == pytest.approx((12.0, 34.0))
