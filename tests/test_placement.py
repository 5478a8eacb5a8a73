"""Placement by hand on a marketplace canvas: the size and place the user chose is exactly what the
export gets and what the preview shows, with notes for what it costs, and it is one undo step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from app.compose.backgrounds import BackgroundSpec
from app.compose.compose import CanvasSpec, compose
from app.compose.placement import Placement
from app.project import Project
from app.studio import (
    auto_placement,
    export_products,
    history_of,
    placement_for,
    render_preview,
    set_fill,
    set_marketplace,
    set_photo_background,
    set_placement,
)
from tests.ui.shoot import fake_mask

WHITE = BackgroundSpec(kind="solid", color="#ffffff")
CANVAS = CanvasSpec(900, 1200, 0.85)
TALL, SMALL = "vase.png", "ring.png"


def _photo(width: int, height: int, box: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    rgb = np.full((height, width, 3), 255, np.uint8)
    alpha = np.zeros((height, width), np.uint8)
    x0, y0, x1, y1 = box
    rgb[y0:y1, x0:x1] = (40, 40, 200)
    alpha[y0:y1, x0:x1] = 255
    return rgb, alpha


def _box(image: np.ndarray) -> tuple[int, int, int, int]:
    """The product's box as the pixels show it: at least half the product's contrast with the white
    background (the mask's bbox is taken at half opacity too; an upscaled edge fades over pixels)."""
    ys, xs = np.nonzero(np.abs(image[..., :3].astype(np.int16) - 255).max(axis=2) > 107)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


# -- the core: compose with a placement --------------------------------------------------------------

def test_a_hand_placement_sets_the_height_share_and_the_centre_exactly() -> None:
    rgb, alpha = _photo(400, 600, (100, 100, 300, 500))  # 200×400 object
    out = compose(rgb, alpha, WHITE, CANVAS, placement=Placement(0.5, 0.3, 0.6))
    x0, y0, x1, y1 = _box(out.image)
    assert abs((y1 - y0) - 600) <= 1  # 50 % of 1200
    assert abs((x1 - x0) - 300) <= 1  # the shape is kept: 200×400 scaled by 1.5
    assert abs((x0 + x1) / 2 - 0.3 * 900) <= 1 and abs((y0 + y1) / 2 - 0.6 * 1200) <= 1
    assert out.object_box is not None and max(abs(a - b) for a, b in zip(out.object_box, (x0, y0, x1, y1),
                                                                          strict=True)) <= 1
    assert out.placement == Placement(0.5, 0.3, 0.6)


def test_hand_placement_may_upscale_a_small_source_and_says_it_may_look_soft() -> None:
    rgb, alpha = _photo(200, 150, (80, 40, 120, 100))  # 60 px tall: auto keeps it at 5 % of the height
    auto = compose(rgb, alpha, WHITE, CANVAS)
    assert any("source size" in note for note in auto.notes)
    assert _box(auto.image)[3] - _box(auto.image)[1] == 60

    hand = compose(rgb, alpha, WHITE, CANVAS, placement=Placement(0.6, 0.5, 0.5))
    x0, y0, x1, y1 = _box(hand.image)
    assert abs((y1 - y0) - 720) <= 1
    assert any("upscaled 12.0×" in note and "soft" in note for note in hand.notes)
    assert not any("source size" in note for note in hand.notes)


def test_a_downscaling_hand_placement_has_no_upscale_note() -> None:
    rgb, alpha = _photo(1000, 2000, (300, 200, 700, 1800))
    out = compose(rgb, alpha, WHITE, CANVAS, placement=Placement(0.4, 0.5, 0.5))
    assert not any("upscaled" in note or "cut" in note for note in out.notes)


def test_a_product_dragged_past_the_edge_is_clipped_and_a_note_says_so() -> None:
    rgb, alpha = _photo(400, 600, (100, 100, 300, 500))
    out = compose(rgb, alpha, WHITE, CANVAS, placement=Placement(0.5, 0.0, 0.5))
    assert out.image.shape == (1200, 900, 3)
    x0, y0, x1, y1 = _box(out.image)
    assert x0 == 0 and abs(x1 - 150) <= 1  # half of the 300 px wide product is left
    assert any("partly off the canvas" in note for note in out.notes)
    for kind in ("plane", "flat", "transparent"):  # every background copes with a clipped product
        compose(rgb, alpha, BackgroundSpec(kind=kind), CANVAS, placement=Placement(1.0, 1.0, 0.0))


def test_a_fill_that_makes_the_product_wider_than_the_canvas_is_kept_and_named() -> None:
    rgb, alpha = _photo(800, 400, (0, 100, 800, 300))  # 4:1 — lying flat
    out = compose(rgb, alpha, WHITE, CANVAS, placement=Placement(0.5, 0.5, 0.5))
    x0, y0, x1, y1 = _box(out.image)
    assert abs((y1 - y0) - 600) <= 1 and (x0, x1) == (0, 900)  # height as asked, sides cut
    assert any("wider than the canvas" in note for note in out.notes)


def test_a_fill_without_a_centre_keeps_the_automatic_place() -> None:
    rgb, alpha = _photo(400, 600, (100, 100, 300, 600))  # cut by the photo's bottom edge
    out = compose(rgb, alpha, WHITE, CANVAS, placement=Placement(0.3))
    x0, y0, x1, y1 = _box(out.image)
    assert y1 == 1200 and abs((y1 - y0) - 360) <= 1  # still on the bottom edge, at the size asked
    assert abs((x0 + x1) / 2 - 450) <= 1


def test_starting_from_the_automatic_placement_changes_nothing() -> None:
    rgb, alpha = _photo(1000, 1400, (250, 300, 650, 1300))
    auto = compose(rgb, alpha, WHITE, CANVAS)
    assert auto.placement is not None
    again = compose(rgb, alpha, WHITE, CANVAS, placement=auto.placement)
    assert max(abs(a - b) for a, b in zip(_box(auto.image), _box(again.image), strict=True)) <= 1


def test_placements_are_validated_clamped_and_bad_stored_ones_mean_automatic() -> None:
    with pytest.raises(ValueError):
        Placement(0.0, 0.5, 0.5)
    with pytest.raises(ValueError):
        Placement(0.5, 0.5, None)
    assert Placement.clamped(7.0, -3.0, 2.0) == Placement(1.0, 0.0, 1.0)
    assert Placement.clamped(float("nan"), 0.5, 0.5).fill == 1.0
    assert Placement.from_json({"fill": 0.4, "x": 0.2, "y": 0.9}) == Placement(0.4, 0.2, 0.9)
    assert Placement.from_json({"fill": 0.4}) == Placement(0.4)
    for bad in (None, "x", [], {}, {"fill": "a lot"}, {"fill": float("nan")}, {"fill": 0.5, "x": "left",
                                                                                 "y": 0.5}):
        assert Placement.from_json(bad) is None
    assert Placement.from_json(Placement(0.3, 0.1, 0.2).to_json()) == Placement(0.3, 0.1, 0.2)


# -- the studio: stored, undone, previewed and exported alike -----------------------------------------

@pytest.fixture
def shoot(tmp_path: Path) -> Project:
    folder = tmp_path / "shoot"
    folder.mkdir()
    im = Image.new("RGB", (600, 800), (255, 255, 255))
    ImageDraw.Draw(im).rectangle((200, 150, 399, 649), fill=(40, 40, 200))  # 200×500
    im.save(folder / TALL)
    im = Image.new("RGB", (200, 150), (255, 255, 255))
    ImageDraw.Draw(im).ellipse((70, 40, 130, 100), fill=(200, 40, 40))  # a small source
    im.save(folder / SMALL)
    project = Project(folder)
    for rel in (TALL, SMALL):
        project.save_mask(rel, fake_mask(np.asarray(Image.open(folder / rel).convert("RGB"))), source="model")
        set_photo_background(project, [rel], WHITE)
    set_marketplace(project, [TALL, SMALL], "wb")  # 1200×1600
    return project


@pytest.mark.parametrize("placement", [None, Placement(0.25, 0.3, 0.6), Placement(0.9, 0.5, 0.5),
                                       Placement(0.5, 0.03, 0.4)],
                         ids=["auto", "smaller", "upscaled", "off-canvas"])
def test_the_export_is_what_the_preview_shows(shoot: Project, tmp_path: Path, placement) -> None:
    set_placement(shoot, [TALL], placement)
    preview = render_preview(shoot, TALL, max_side=400)
    assert preview.result.shape == (400, 300, 3) and preview.export_size == (1200, 1600)
    export_products(shoot, [TALL], tmp_path / "out", overwrite=True)
    exported = np.asarray(Image.open(tmp_path / "out" / "vase" / "01.jpg").convert("RGB"))
    assert exported.shape == (1600, 1200, 3)
    scaled = [v * 300 / 1200 for v in _box(exported)]
    assert max(abs(a - b) for a, b in zip(scaled, _box(preview.result), strict=True)) <= 2
    if placement is not None:
        x0, y0, x1, y1 = _box(exported)
        assert abs((y1 - y0) - placement.fill * 1600) <= 2
        assert abs((y0 + y1) / 2 - placement.y * 1600) <= 2
        assert preview.placement == placement


def test_a_small_source_can_fill_the_canvas_as_the_user_asks(shoot: Project, tmp_path: Path) -> None:
    auto = render_preview(shoot, SMALL, max_side=400)
    assert auto.placement is not None and auto.placement.fill < 0.05  # kept at its 60 px
    set_placement(shoot, [SMALL], Placement(0.6, 0.5, 0.55))
    preview = render_preview(shoot, SMALL)  # the studio's preview size: a 768×1024 canvas
    assert any("upscaled" in note and "soft" in note for note in preview.notes)  # as the export says
    x0, y0, x1, y1 = _box(preview.result)
    # Composed from a source shrunk like the canvas, then upscaled 16×: its edge lands within 1 %.
    assert abs((y1 - y0) / 1024 - 0.6) <= 0.01
    export_products(shoot, [SMALL], tmp_path / "out")
    exported = np.asarray(Image.open(tmp_path / "out" / "ring" / "01.jpg").convert("RGB"))
    x0, y0, x1, y1 = _box(exported)
    assert abs((y1 - y0) - 960) <= 2


def test_auto_placement_is_where_the_export_puts_it(shoot: Project) -> None:
    auto = auto_placement(shoot, TALL)
    assert auto is not None and auto.fill == pytest.approx(500 / 1600)  # kept at its source size
    assert (auto.x, auto.y) == (pytest.approx(0.5), pytest.approx(0.5))
    set_marketplace(shoot, [TALL], "none")
    assert auto_placement(shoot, TALL) is None  # no canvas: nothing to place on


def test_a_placement_is_saved_at_once_and_one_undo_step_takes_it_back(shoot: Project) -> None:
    history = history_of(shoot)
    steps = history.steps
    set_placement(shoot, [TALL], Placement(0.4, 0.2, 0.7), label="Moved")
    assert placement_for(Project(shoot.root), TALL) == Placement(0.4, 0.2, 0.7)
    assert history.steps == steps + 1 and history.undo_label == "Moved"
    history.undo(shoot)
    assert placement_for(shoot, TALL) is None and placement_for(Project(shoot.root), TALL) is None
    history.redo(shoot)
    assert placement_for(Project(shoot.root), TALL) == Placement(0.4, 0.2, 0.7)


def test_one_fill_for_several_photos_keeps_each_ones_place_and_is_one_step(shoot: Project) -> None:
    set_placement(shoot, [TALL], Placement(0.4, 0.2, 0.7))
    steps = history_of(shoot).steps
    assert set_fill(shoot, [TALL, SMALL], 0.5, label="Fills 50 %") == 2
    assert placement_for(shoot, TALL) == Placement(0.5, 0.2, 0.7)
    assert placement_for(shoot, SMALL) == Placement(0.5)
    assert history_of(shoot).steps == steps + 1
    history_of(shoot).undo(shoot)
    assert placement_for(shoot, TALL) == Placement(0.4, 0.2, 0.7) and placement_for(shoot, SMALL) is None


def test_a_broken_stored_placement_falls_back_to_automatic(shoot: Project, tmp_path: Path) -> None:
    shoot.photo(TALL).placement = {"fill": "huge"}  # type: ignore[dict-item]  # a hand-edited state.json
    assert placement_for(shoot, TALL) is None
    shown, auto = render_preview(shoot, TALL, max_side=200).placement, auto_placement(shoot, TALL)
    assert shown is not None and auto is not None and shown.fill == pytest.approx(auto.fill, abs=0.01)
    result = export_products(shoot, [TALL], tmp_path / "out")
    assert [r.status for r in result.rows if r.file == TALL] == ["done"]
