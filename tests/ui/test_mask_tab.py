"""The Mask tab in the studio window: brush a processed photo, the edit is saved and shown at once."""

from __future__ import annotations

import numpy as np

from app.project import Project
from tests.ui.shoot import LOOSE, make_shoot
from tests.ui.test_main_window import badges, run_task
from tests.ui.test_mask_editor import _drag
from ui.main_window import MainWindow


def _canvas_pos(ix: float, iy: float) -> tuple[float, float]:
    return 10.0 + 2.0 * ix, 20.0 + 2.0 * iy  # with set_view(2.0, 10.0, 20.0)


def test_brushing_in_the_mask_tab_saves_the_edit_and_reset_restores_the_model(
    qtbot, window: MainWindow, tmp_path, tiny_seg_model
) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    window.set_seg_model(str(tiny_seg_model))
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.gallery.select([LOOSE])
    run_task(qtbot, window, lambda: window.process([LOOSE]))
    project = window.project
    model = project.load_mask(LOOSE)
    assert model is not None and model.shape == (150, 200)
    assert model[5:15, 20:180].max() < 128  # white sweep: background under the stroke to come

    tab = window.mask_tab
    assert not tab.editor.has_image()  # browsing with the tab hidden loads nothing
    window.editors.setCurrentWidget(tab)
    assert tab.editor.has_image() and tab.rel == LOOSE
    np.testing.assert_array_equal(tab.editor.mask(), model)

    canvas = tab.editor.canvas
    canvas.set_view(2.0, 10.0, 20.0)
    tab.editor.set_brush("restore", 4.0, 1.0)
    with qtbot.waitSignal(tab.maskSaved, timeout=5_000), \
            qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        _drag(canvas, [_canvas_pos(20.5, 10.5), _canvas_pos(100.5, 10.5), _canvas_pos(180.5, 10.5)])

    on_disk = project.load_mask(LOOSE)
    assert (on_disk[10, 20:181] == 255).all() and (on_disk[7:14, 30:170] == 255).all()
    np.testing.assert_array_equal(on_disk[30:], model[30:])  # far from the stroke: untouched
    assert project.photo(LOOSE).mask_source == "edited"
    assert badges(window)[LOOSE] == "edited"
    again = Project(shoot)
    assert again.photo(LOOSE).mask_source == "edited"
    np.testing.assert_array_equal(again.load_mask(LOOSE), on_disk)
    np.testing.assert_array_equal(again.load_model_mask(LOOSE), model)

    with qtbot.waitSignal(tab.maskSaved, timeout=5_000):
        tab.editor.reset_action.trigger()
    np.testing.assert_array_equal(project.load_mask(LOOSE), model)
    np.testing.assert_array_equal(Project(shoot).load_mask(LOOSE), model)


def test_an_unprocessed_photo_asks_to_be_processed_first(qtbot, window: MainWindow, tmp_path) -> None:
    assert window.open_folder(make_shoot(tmp_path))
    window.editors.setCurrentWidget(window.mask_tab)
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.gallery.select([LOOSE])
    assert not window.mask_tab.editor.has_image()
    assert window.mask_tab.message.isVisible()
    assert window.mask_tab.message.text() == "Process this photo first"
