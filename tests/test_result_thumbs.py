"""Result thumbnails: a processed photo's gallery tile is its result as the preview composes it, and
any change of what that picture depends on gives a new one (never a stale tile from the cache)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from app import imaging
from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.studio import (
    cached_result_thumbnail,
    render_preview,
    set_marketplace,
    set_photo_background,
)
from app.studio import thumbs as thumbs_module
from app.studio.thumbs import THUMB_SIDE, result_thumbnail_path
from tests.ui.shoot import LOOSE, PRODUCT, draw_product, fake_mask, make_shoot

RED = BackgroundSpec(kind="solid", color="#ff0000")
BLUE = BackgroundSpec(kind="solid", color="#0000ff")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(make_shoot(tmp_path))
    for rel in (LOOSE, f"{PRODUCT}/1.png"):
        rgb = imaging.load_photo(project.photo_path(rel)).rgb
        project.save_mask(rel, fake_mask(rgb), source="model", model="fake@0")
    return project


def corner(image: np.ndarray) -> tuple[int, int, int]:
    return tuple(int(v) for v in image[2, 2])  # type: ignore[return-value]


def near(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= tolerance


def test_a_photo_without_a_mask_has_no_result_thumbnail(project: Project) -> None:
    assert cached_result_thumbnail(project, f"{PRODUCT}/2.jpg") is None
    assert project.state.photos.get(f"{PRODUCT}/2.jpg") is None  # asking made no state entry


def test_the_result_thumbnail_is_the_preview_result_at_tile_size(project: Project) -> None:
    set_photo_background(project, [LOOSE], RED)
    thumb = cached_result_thumbnail(project, LOOSE)
    assert thumb is not None and thumb.dtype == np.uint8 and thumb.shape[2] == 3
    assert max(thumb.shape[:2]) == THUMB_SIDE
    assert near(corner(thumb), (255, 0, 0))  # the chosen background, not the photo's white sweep
    centre = tuple(int(v) for v in thumb[thumb.shape[0] // 2, thumb.shape[1] // 2])
    assert near(centre, (30, 150, 60), 20)  # the product is cut out and kept
    side = thumbs_module._RESULT_OVERSAMPLE * THUMB_SIDE
    expected = imaging.thumbnail(render_preview(project, LOOSE, max_side=side).result, THUMB_SIDE)
    assert thumb.shape == expected.shape
    assert np.abs(thumb.astype(int) - expected.astype(int)).mean() < 4  # JPEG in the cache, nothing more


def test_a_second_ask_comes_from_the_disk_cache(project: Project, monkeypatch) -> None:
    first = cached_result_thumbnail(project, LOOSE)
    assert first is not None and Path(result_thumbnail_path(project, LOOSE) or "").is_file()

    def no_render(*_a: object, **_k: object) -> None:
        raise AssertionError("rendered again although nothing changed")

    monkeypatch.setattr(thumbs_module, "render_preview", no_render)
    project.save()
    again = cached_result_thumbnail(Project(project.root), LOOSE)  # a reopened folder too
    assert again is not None and again.shape == first.shape
    assert np.abs(again.astype(int) - first.astype(int)).mean() < 4  # the cached JPEG of the same picture


def test_every_choice_the_picture_depends_on_gives_a_new_thumbnail(project: Project) -> None:
    seen = {result_thumbnail_path(project, LOOSE)}

    def changed() -> str:
        path = result_thumbnail_path(project, LOOSE)
        assert path is not None and path not in seen
        seen.add(path)
        return path

    set_photo_background(project, [LOOSE], RED)
    changed()
    assert near(corner(cached_result_thumbnail(project, LOOSE)), (255, 0, 0))
    set_photo_background(project, [LOOSE], BLUE)
    changed()
    assert near(corner(cached_result_thumbnail(project, LOOSE)), (0, 0, 255))  # no stale red tile

    set_marketplace(project, [LOOSE], "ym")  # a square 1600² canvas: the tile becomes square
    changed()
    square = cached_result_thumbnail(project, LOOSE)
    assert square is not None and square.shape[:2] == (THUMB_SIDE, THUMB_SIDE)
    set_marketplace(project, [LOOSE], "wb")  # 3:4
    changed()
    tall = cached_result_thumbnail(project, LOOSE)
    assert tall is not None and tall.shape[0] == THUMB_SIDE and tall.shape[1] == THUMB_SIDE * 3 // 4

    project.photo(LOOSE).placement = {"fill": 0.5, "x": 0.3, "y": 0.6}  # placed by hand
    changed()
    project.photo(LOOSE).placement = {"fill": 0.5, "x": 0.7, "y": 0.6}
    changed()

    mask = project.load_mask(LOOSE)
    assert mask is not None
    mask_file = project.mask_path(LOOSE)
    project.save_mask(LOOSE, mask, source="edited")  # the same pixels, saved again by the brush
    os.utime(mask_file, ns=(mask_file.stat().st_atime_ns, mask_file.stat().st_mtime_ns + 10**9))
    changed()

    draw_product(project.photo_path(LOOSE), (200, 200, 20), (220, 150))  # the photographer replaced it
    changed()


def test_a_transparent_result_is_drawn_on_checks(project: Project) -> None:
    set_photo_background(project, [LOOSE], BackgroundSpec(kind="transparent"))
    thumb = cached_result_thumbnail(project, LOOSE)
    assert thumb is not None
    border = np.concatenate([thumb[:4].reshape(-1, 3), thumb[-4:].reshape(-1, 3)])
    greys = {tuple(int(v) for v in px) for px in border[::7]}
    assert any(near(g, (255, 255, 255), 6) for g in greys) and any(near(g, (204, 204, 204), 6) for g in greys)


def test_a_mask_in_the_state_but_gone_from_disk_gives_no_result(project: Project) -> None:
    project.mask_path(LOOSE).unlink()
    assert cached_result_thumbnail(project, LOOSE) is None  # the gallery then shows the original


def test_pruning_deletes_the_tiles_no_photo_shows_and_keeps_the_current_ones(project: Project) -> None:
    from app.studio import cached_thumbnail
    from app.studio.thumbs import prune_thumbnails, thumbnail_path

    cached_thumbnail(project, LOOSE)
    cached_result_thumbnail(project, LOOSE)
    before = result_thumbnail_path(project, LOOSE)
    set_photo_background(project, [LOOSE], RED)  # the old tile is no longer the photo's
    cached_result_thumbnail(project, LOOSE)
    gone = f"{PRODUCT}/1.png"
    cached_result_thumbnail(project, gone)
    leaving = result_thumbnail_path(project, gone)
    os.remove(project.photo_path(gone))  # the photo leaves the folder: its tiles go too

    assert prune_thumbnails(project) == 2
    assert Path(thumbnail_path(project, LOOSE)).is_file()
    assert Path(result_thumbnail_path(project, LOOSE)).is_file()
    assert not Path(before).exists() and not Path(leaving).exists()
    assert prune_thumbnails(project) == 0  # nothing left to delete
