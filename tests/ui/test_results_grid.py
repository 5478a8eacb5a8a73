"""The grid of results: processed photos show their result, ``\\`` flips to the originals, a changed
choice redraws the tile, flags are drawn and filtered, every tile shows its name, the current photo is
plainly selected, and a filter never leaves the preview on a photo the grid hides."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtTest import QTest

from app import imaging
from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.studio import all_photos
from app.studio.thumbs import thumbnail_path
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, draw_product, fake_mask, make_shoot
from ui import gallery as gallery_module
from ui import thumb_jobs
from ui.gallery import FlagRole, Gallery
from ui.main_window import MainWindow

RED = BackgroundSpec(kind="solid", color="#ff0000")
BLUE = BackgroundSpec(kind="solid", color="#0000ff")
MUG_1, MUG_2 = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
SIDE = 160  # THUMB_SIDE


def add_masks(window: MainWindow, rels: list[str]) -> None:
    """What a run leaves behind: a model mask per photo (saved through the project, as a run does)."""
    project = window.project
    assert project is not None
    for rel in rels:
        rgb = imaging.load_photo(project.photo_path(rel)).rgb
        project.save_mask(rel, fake_mask(rgb), source="model", model="fake@0")
        window.gallery.photos.refresh(rel)
    window.task_ended()


def open_processed(qtbot, window: MainWindow, folder: Path, rels: list[str] | None = None) -> None:  # noqa: ANN001
    assert window.open_folder(folder)
    assert window.project is not None
    add_masks(window, rels if rels is not None else [r for r in all_photos(window.project) if r != BROKEN])
    qtbot.waitUntil(lambda: window.preview.rel != "", timeout=5_000)


def view_rect(gallery: Gallery, rel: str) -> QRect:
    index = gallery.shown.mapFromSource(gallery.photos.index(gallery.photos.row_of(rel)))
    gallery.scrollTo(index)
    return gallery.visualRect(index)


def tile(qtbot, window: MainWindow, rel: str) -> QImage:  # noqa: ANN001
    """The photo's tile as the gallery paints it, once its picture has arrived."""
    gallery = window.gallery
    view_rect(gallery, rel)
    qtbot.waitUntil(lambda: gallery.photos.has_thumbnail(rel), timeout=10_000)
    QTest.qWait(20)  # the repaint after the arrival
    return gallery.viewport().grab().toImage().copy(view_rect(gallery, rel))


def colour_at(image: QImage, fx: float, fy: float) -> tuple[int, int, int]:
    """The colour in the picture square at a fraction of its size (the square starts below the frame)."""
    c = image.pixelColor(5 + round(SIDE * fx), 5 + round(SIDE * fy))
    return c.red(), c.green(), c.blue()


def near(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 16) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= tolerance


def count(image: QImage, area: QRect, colour: QColor, tolerance: int = 40) -> int:
    rgb = (colour.red(), colour.green(), colour.blue())
    return sum(1 for x in range(area.left(), area.right() + 1) for y in range(area.top(), area.bottom() + 1)
               if near(_rgb(image, x, y), rgb, tolerance))


def _rgb(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = image.pixelColor(x, y)
    return c.red(), c.green(), c.blue()


def test_processed_photos_show_their_result_and_backslash_the_originals(qtbot, window, tmp_path) -> None:
    open_processed(qtbot, window, make_shoot(tmp_path), [LOOSE])
    window.gallery.select([LOOSE])
    window.backgrounds.choose(RED)
    assert near(colour_at(tile(qtbot, window, LOOSE), 0.5, 0.15), (255, 0, 0))  # the result, on red
    assert near(colour_at(tile(qtbot, window, MUG_1), 0.1, 0.5), (255, 255, 255))  # no mask: the photo

    window.activateWindow()
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, Qt.Key.Key_Backslash)
    assert window.acts.show_originals.isChecked() and window.gallery.show_originals
    assert near(colour_at(tile(qtbot, window, LOOSE), 0.1, 0.5), (255, 255, 255))  # as shot
    assert Gallery().show_originals  # the next session starts the same way

    window.acts.show_originals.trigger()  # the View menu's item does the same
    assert not window.gallery.show_originals and not Gallery().show_originals
    assert near(colour_at(tile(qtbot, window, LOOSE), 0.5, 0.15), (255, 0, 0))


def test_a_backslash_typed_in_the_card_text_stays_text(qtbot, window, tmp_path) -> None:
    open_processed(qtbot, window, make_shoot(tmp_path), [LOOSE])
    window.activateWindow()
    window.side.setCurrentWidget(window.card)
    window.card.title.setFocus()
    QTest.keyClick(window.card.title, Qt.Key.Key_Backslash)
    assert window.card.title.text().endswith("\\") and not window.gallery.show_originals


def top_is(qtbot, window: MainWindow, colour: tuple[int, int, int], fy: float = 0.15) -> bool:  # noqa: ANN001
    """The ball's tile shows ``colour`` above the product (where the background is)."""
    return near(colour_at(tile(qtbot, window, LOOSE), 0.5, fy), colour)


def test_a_changed_choice_or_mask_redraws_the_tile(qtbot, window, tmp_path) -> None:
    open_processed(qtbot, window, make_shoot(tmp_path), [LOOSE])
    window.gallery.select([LOOSE])
    window.backgrounds.choose(RED)
    assert near(colour_at(tile(qtbot, window, LOOSE), 0.5, 0.15), (255, 0, 0))
    window.backgrounds.choose(BLUE)
    qtbot.waitUntil(lambda: top_is(qtbot, window, (0, 0, 255)), timeout=10_000)
    window.undo()  # Edit → Undo is a change of choice too
    qtbot.waitUntil(lambda: top_is(qtbot, window, (255, 0, 0)), timeout=10_000)

    project = window.project
    assert project is not None
    everything = np.full((150, 200), 255, np.uint8)  # brushed so the whole photo is the product
    project.save_mask(LOOSE, everything, source="edited")
    window.mask_tab.maskSaved.emit(LOOSE)  # as the Mask tab says when a stroke is saved
    qtbot.waitUntil(lambda: near(colour_at(tile(qtbot, window, LOOSE), 0.1, 0.5), (255, 255, 255)),
                    timeout=10_000)  # the white sweep is part of the product now, not red background

    window.backgrounds.choose_marketplace("ym")  # a square canvas: the red now fills the whole square
    qtbot.waitUntil(lambda: top_is(qtbot, window, (255, 0, 0), 0.03), timeout=10_000)


def test_apply_to_all_renders_only_the_tiles_on_screen(qtbot, window, tmp_path, monkeypatch) -> None:
    open_processed(qtbot, window, make_shoot(tmp_path, extra=60))
    gallery = window.gallery
    qtbot.waitUntil(lambda: gallery.photos.has_thumbnail(gallery.current_rel()), timeout=10_000)
    asked: list[str] = []
    real = thumb_jobs.cached_result_thumbnail

    def counting(project: Project, rel: str, side: int) -> np.ndarray | None:
        asked.append(rel)
        return real(project, rel, side)

    monkeypatch.setattr(thumb_jobs, "cached_result_thumbnail", counting)
    window.backgrounds.choose(RED)
    window.backgrounds.apply_all.click()
    qtbot.waitUntil(lambda: gallery.photos.has_thumbnail(gallery.current_rel()), timeout=10_000)
    QTest.qWait(200)
    gallery.photos.pool.waitForDone(10_000)
    on_screen = sum(1 for row in range(gallery.shown.rowCount())
                    if gallery.visualRect(gallery.shown.index(row, 0)).intersects(gallery.viewport().rect()))
    assert 0 < len(set(asked)) <= on_screen + 4 < 63  # not all 63 photos


def test_flags_are_drawn_and_filtered(qtbot, window, tmp_path) -> None:
    open_processed(qtbot, window, make_shoot(tmp_path))
    project, gallery, pane = window.project, window.gallery, window.gallery_pane
    assert project is not None
    before = tile(qtbot, window, MUG_2)
    project.photo(LOOSE).flag = "approved"
    project.photo(MUG_2).flag = "rejected"
    gallery.photos.refresh()
    assert gallery.photos.index(gallery.photos.row_of(LOOSE)).data(FlagRole) == "approved"
    corner = QRect(5, 5, 26, 26)
    green, red = QColor(30, 150, 60), QColor(210, 35, 35)
    approved = tile(qtbot, window, LOOSE)
    rejected = tile(qtbot, window, MUG_2)
    assert count(approved, corner, green) > 40 and count(rejected, corner, red) > 40
    plain = tile(qtbot, window, MUG_1)
    assert count(plain, corner, green) + count(plain, corner, red) == 0
    # A rejected photo is dimmed: its product is paler than before.
    assert sum(colour_at(rejected, 0.5, 0.5)) > sum(colour_at(before, 0.5, 0.5)) + 60

    qtbot.waitUntil(lambda: pane.filter.itemText(pane.filter.findData("flag:approved")) == "Approved (1)",
                    timeout=5_000)
    assert pane.filter.itemText(pane.filter.findData("flag:rejected")) == "Rejected (1)"
    assert pane.filter.itemText(pane.filter.findData("flag:")) == "Unflagged (2)"
    pane.set_status("flag:approved")
    assert gallery.shown_rels() == [LOOSE]
    pane.set_status("flag:")
    assert sorted(gallery.shown_rels()) == sorted([MUG_1, BROKEN])
    pane.set_status("flag:rejected")
    assert gallery.shown_rels() == [MUG_2] and pane.shown_count.text() == "1 shown"


def test_every_tile_has_room_for_its_picture_and_its_name(qtbot, window, tmp_path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    draw_product(folder / "a wide first photo.png", (200, 40, 40), (300, 120))  # Qt measured this one
    long = "b-a-very-long-file-name-from-the-camera-with-no-spaces-at-all-0001.png"
    draw_product(folder / long, (40, 40, 200), (120, 300))
    draw_product(folder / "c a long name with spaces that would wrap onto several lines.png", (40, 200, 40),
                 (120, 300))
    draw_product(folder / "d.png", (40, 40, 40), (120, 300))
    assert window.open_folder(folder)
    gallery = window.gallery
    rels = all_photos(window.project)
    for rel in rels:
        tile(qtbot, window, rel)
    gallery.doItemsLayout()  # as a resize of the window or the splitter does
    QTest.qWait(50)
    rects = [view_rect(gallery, rel) for rel in rels]
    assert len({(r.width(), r.height()) for r in rects}) == 1  # one size for every tile
    line = gallery.fontMetrics().height()
    assert rects[0].width() >= SIDE and rects[0].height() >= SIDE + line  # a whole thumbnail and a name
    image = gallery.viewport().grab().toImage()
    ink = QColor(gallery.palette().color(QPalette.ColorRole.Text))
    for rel, rect in zip(rels, rects, strict=True):
        if rel == gallery.current_rel():
            continue  # drawn in the highlight colours
        band = QRect(rect.left(), rect.bottom() - line, rect.width(), line)
        assert count(image, band, ink, 90) > 10, f"no name under {rel}"
        outside = QRect(rect.right() + 1, band.top(), 3, line)  # the name stays inside its tile
        assert count(image, outside, ink, 90) == 0
    full = gallery.photos.index(gallery.photos.row_of(long)).data(Qt.ItemDataRole.DisplayRole)
    shown = gallery.fontMetrics().elidedText(full, Qt.TextElideMode.ElideMiddle, rects[0].width() - 4)
    assert "…" in shown and gallery.textElideMode() == Qt.TextElideMode.ElideMiddle


def test_the_current_photo_is_drawn_selected_after_opening(qtbot, window, tmp_path) -> None:
    assert window.open_folder(make_shoot(tmp_path))
    gallery = window.gallery
    first, second = all_photos(window.project)[:2]
    assert gallery.current_rel() == first and gallery.selected_rels() == [first]
    window.backgrounds.setFocus()  # the gallery need not have the focus for the highlight to show
    tile(qtbot, window, first)
    image = gallery.viewport().grab().toImage()
    highlight = gallery.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)

    def frame(rel: str) -> int:
        rect = view_rect(gallery, rel)
        left_edge = QRect(rect.left() + 1, rect.top() + 20, 2, rect.height() - 40)
        return count(image, left_edge, highlight, 20)

    assert frame(first) > 0.9 * 2 * (view_rect(gallery, first).height() - 40)
    assert frame(second) == 0


@pytest.fixture
def edited(qtbot, window: MainWindow, tmp_path) -> MainWindow:  # noqa: ANN001
    """A processed shoot where one photo (not the first) has a hand-edited mask."""
    open_processed(qtbot, window, make_shoot(tmp_path))
    project = window.project
    assert project is not None
    project.save_mask(LOOSE, np.full((150, 200), 255, np.uint8), source="edited")
    window.gallery.photos.refresh()
    window.gallery.select([MUG_1])
    qtbot.waitUntil(lambda: window.preview.rel == MUG_1, timeout=5_000)
    return window


def test_a_filter_that_hides_the_current_photo_moves_to_the_first_shown(qtbot, edited: MainWindow) -> None:
    window, pane, gallery = edited, edited.gallery_pane, edited.gallery
    pane.set_status("edited")
    assert gallery.shown_rels() == [LOOSE]
    assert gallery.selected_rels() == [LOOSE] and gallery.current_rel() == LOOSE
    assert window.preview.rel == LOOSE  # not the hidden photo, not a blank preview
    assert window.backgrounds.apply_all.isEnabled()  # the panel acts on what is shown

    pane.set_status("done")  # LOOSE is hidden now
    assert gallery.current_rel() == gallery.shown_rels()[0] == window.preview.rel
    current = gallery.current_rel()
    pane.set_status("")  # everything shown: the photo stays where it was
    assert gallery.current_rel() == current == window.preview.rel and gallery.selected_rels() == [current]


def test_a_filter_that_shows_nothing_clears_the_preview(qtbot, edited: MainWindow) -> None:
    window, pane, gallery = edited, edited.gallery_pane, edited.gallery
    pane.set_status("error")  # no photo failed
    assert gallery.shown_rels() == [] and gallery.selected_rels() == []
    assert window.preview.rel == ""
    assert not window.backgrounds.apply_all.isEnabled()
    pane.set_status("")
    assert gallery.current_rel() == window.preview.rel != ""
    assert window.backgrounds.apply_all.isEnabled()



def test_opening_a_folder_deletes_the_tiles_nothing_shows_any_more(qtbot, window, tmp_path,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr(gallery_module, "PRUNE_DELAY_MS", 100)  # 5 s in use: after the first page
    shoot = make_shoot(tmp_path)
    thumbs = Project(shoot).state_dir / "thumbs"
    thumbs.mkdir(parents=True)
    dead = thumbs / "r-0123456789abcdef0123456789abcdef01234567.jpg"  # a tile of an old choice
    imaging.save_image(dead, np.zeros((8, 8, 3), np.uint8))
    assert window.open_folder(shoot)
    gallery = window.gallery
    qtbot.waitUntil(lambda: gallery.photos.has_thumbnail(gallery.current_rel()), timeout=10_000)
    qtbot.waitUntil(lambda: not dead.exists(), timeout=10_000)
    gallery.photos.pool.waitForDone(10_000)
    assert Path(thumbnail_path(window.project, gallery.current_rel())).is_file()  # what it shows is kept
