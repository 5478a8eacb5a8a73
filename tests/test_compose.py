"""The composed picture a seller gets: clean edges, the product standing on its floor, placed right."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from app.compose.backgrounds import BackgroundSpec, parse_background, render
from app.compose.compose import CanvasSpec, compose
from app.compose.geometry import geometry_of
from tests.test_geometry import bottle_mask, box_mask

RED = np.array([200, 60, 60], np.uint8)  # G == B, like white: any honest mix of the two keeps G == B
BLUE_BACKDROP = np.array([20, 40, 230], np.uint8)


def photo(mask: np.ndarray, inside: np.ndarray = RED, outside: np.ndarray = BLUE_BACKDROP) -> np.ndarray:
    """A uniform product shot on a blue backdrop; soft mask pixels carry the product colour."""
    return np.where((mask > 0)[..., None], inside, outside).astype(np.uint8)


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)  # loaded photos are read-only
    return a


@pytest.mark.parametrize("background", ["solid:#ffffff", "plane", "gradient:#fafafa:#c0c8d0", "cream"])
def test_soft_edges_are_the_exact_linear_mix(background: str) -> None:
    mask = readonly(bottle_mask(soft=True))
    rgb = readonly(np.broadcast_to(RED, (*mask.shape, 3)).copy())
    # No shadow here: this is about the blend itself (tests/test_shadow.py covers the floor).
    spec = replace(parse_background(background), shadow_opacity=0.0)
    result = compose(rgb, mask, spec)  # decontamination on: a uniform product stays exact
    bg = render(spec, (mask.shape[1], mask.shape[0]), geometry_of(mask)).pixels
    assert bg is not None
    a = mask[..., None] / 255.0
    expected = a * RED + (1 - a) * bg * 255.0
    soft = (mask > 0) & (mask < 255)
    assert soft.sum() > 500
    error = np.abs(result.image.astype(np.float64) - expected)
    assert error[soft].max() <= 0.5 + 1e-3  # one rounding of the exact mix: no fringe at all
    assert error.max() <= 0.5 + 1e-3
    assert np.array_equal(result.image[mask == 255], np.broadcast_to(RED, (int((mask == 255).sum()), 3)))


def test_scaled_product_carries_no_old_backdrop_into_its_edge() -> None:
    mask = bottle_mask(600, 800, base=700, soft=True)
    # About resampling alone: the photo's soft pixels are pure product colour here, which
    # decontamination (modelling them as a mix with the backdrop) would push away from blue.
    result = compose(photo(mask), mask, BackgroundSpec("solid"), CanvasSpec(300, 400, fill=0.8),
                     decontaminate=False)
    image = result.image.astype(int)
    assert result.scale < 1
    # White and the red product both have G == B; blue from the old backdrop would raise B.
    assert np.abs(image[..., 2] - image[..., 1]).max() <= 1


def test_plane_horizon_lands_at_the_base_despite_crumbs_and_blobs() -> None:
    mask = bottle_mask(300, 400, base=330, soft=True)
    mask[345, 40:260:9] = 255  # stray pixels below the bottle
    mask[360:372, 250:262] = 255  # a small false blob, lower still
    result = compose(photo(mask), mask, BackgroundSpec("plane", wall="#f0f0f0", floor="#b0b0b0"))
    assert abs(result.horizon_y - 331) <= 2
    column = result.image[:, 20].astype(int)  # beside the bottle
    band = 0.04 * 400 / 2
    assert np.all(column[: int(331 - band) - 1, 0] >= 0xF0)  # wall (lighter toward the top)
    assert np.all(np.abs(column[int(331 + band) + 1 :, 0] - 0xB0) <= 0xB0 * 0.06 + 1)  # floor


def test_transparent_keeps_the_mask_as_alpha() -> None:
    mask = bottle_mask(soft=True)
    rgb = photo(mask)
    result = compose(rgb, mask, parse_background("transparent"), decontaminate=False)
    assert result.image.shape == (*mask.shape, 4) and result.horizon_y is None
    assert np.array_equal(result.image[..., 3], mask)
    visible = mask > 0
    assert np.array_equal(result.image[visible, :3], rgb[visible])
    assert not result.image[~visible, :3].any()  # the old backdrop is not kept under alpha 0
    assert np.array_equal(result.cutout, result.image)


def test_cutout_is_the_source_with_its_mask() -> None:
    mask = bottle_mask()  # hard mask: decontamination has nothing to change
    rgb = photo(mask)
    result = compose(rgb, mask, BackgroundSpec("plane"), CanvasSpec(150, 200))
    assert result.cutout.shape == (*mask.shape, 4)
    visible = mask > 0
    assert np.array_equal(result.cutout[visible, :3], rgb[visible])
    assert np.array_equal(result.cutout[..., 3], mask)
    assert not result.cutout[~visible, :3].any()  # zero colour where invisible: a small, fast PNG


def object_extent(image: np.ndarray) -> tuple[int, int, int, int]:
    """bbox of the red product as it appears in the picture."""
    red = (image[..., 0].astype(int) - image[..., 2]) > 60
    ys, xs = np.nonzero(red)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_canvas_placement_fills_centres_and_stands_on_the_horizon() -> None:
    mask = bottle_mask(600, 800, base=700)
    canvas = CanvasSpec(300, 400, fill=0.85)
    result = compose(photo(mask), mask, BackgroundSpec("plane"), canvas)
    assert result.image.shape == (400, 300, 3)
    x0, y0, x1, y1 = object_extent(result.image)
    assert y1 - y0 == pytest.approx(0.85 * 400, abs=2)
    assert (x0 + x1) / 2 == pytest.approx(150, abs=1.5)
    assert (y0 + y1) / 2 == pytest.approx(200, abs=1.5)
    assert abs(result.horizon_y - y1) <= 1
    assert result.object_box is not None and all(
        abs(a - b) <= 1 for a, b in zip(result.object_box, (x0, y0, x1, y1), strict=True)
    )
    assert result.notes == []


def test_wide_product_is_limited_by_the_canvas_width() -> None:
    mask = box_mask(800, 400, box=(50, 150, 750, 300))
    result = compose(photo(mask), mask, BackgroundSpec("solid"), CanvasSpec(300, 400, fill=0.9))
    x0, _, x1, _ = object_extent(result.image)
    assert x1 - x0 == pytest.approx(0.9 * 300, abs=2)


def test_marketplace_canvas_uses_its_size_and_fill() -> None:
    canvas = CanvasSpec.for_marketplace("wb")
    assert (canvas.width, canvas.height, canvas.fill) == (1200, 1600, 0.85)


def test_small_product_is_not_upscaled_without_saying_so() -> None:
    mask = box_mask(200, 200, box=(70, 50, 130, 150))  # 60×100 px
    canvas = CanvasSpec(300, 400, fill=0.8)
    kept = compose(photo(mask), mask, BackgroundSpec("plane"), canvas)
    assert kept.scale == 1.0
    x0, y0, x1, y1 = object_extent(kept.image)
    assert (x1 - x0, y1 - y0) == (60, 100)
    assert any("source size" in note and "3.2×" in note for note in kept.notes)
    assert abs(kept.horizon_y - y1) <= 1

    allowed = CanvasSpec(300, 400, fill=0.8, allow_upscale=True)
    grown = compose(photo(mask), mask, BackgroundSpec("plane"), allowed)
    assert grown.scale == pytest.approx(3.2)
    assert object_extent(grown.image)[3] - object_extent(grown.image)[1] == pytest.approx(320, abs=2)
    assert any("upscaled 3.2×" in note and "soft" in note for note in grown.notes)


def test_object_touching_the_bottom_edge_falls_back_and_says_so() -> None:
    mask = box_mask(300, 400, box=(80, 100, 220, 400))
    result = compose(photo(mask), mask, BackgroundSpec("plane"))
    assert result.horizon_y == 320
    assert any("bottom edge" in note and "80%" in note for note in result.notes)

    placed = compose(photo(mask), mask, BackgroundSpec("plane"), CanvasSpec(150, 200))
    assert object_extent(placed.image)[3] == 200  # the cut stays on the canvas's edge
    assert any("cut" in note for note in placed.notes)


@pytest.mark.parametrize("canvas", [None, CanvasSpec(150, 200)])
@pytest.mark.parametrize("background", ["plane", "transparent"])
def test_empty_mask_gives_the_background_and_a_note(canvas: CanvasSpec | None, background: str) -> None:
    mask = np.zeros((120, 90), np.uint8)
    result = compose(photo(mask), mask, parse_background(background), canvas)
    assert "no object found in the mask" in result.notes
    assert result.object_box is None
    if background == "transparent":
        assert not result.image[..., 3].any()
    else:
        assert result.image.shape[2] == 3
        assert not (result.image[..., 0].astype(int) - result.image[..., 2] > 60).any()


def test_output_is_deterministic_and_dither_only_on_request() -> None:
    mask = bottle_mask()
    rgb = photo(mask)
    spec = parse_background("gradient:#f8f8f8:#e3e3e3")
    plain = compose(rgb, mask, spec).image
    assert np.array_equal(plain, compose(rgb, mask, spec).image)
    dithered = compose(rgb, mask, spec, dither=True).image
    assert np.array_equal(dithered, compose(rgb, mask, spec, dither=True).image)
    # Dither makes 8×8 block means follow the gradient closely instead of in 1-LSB steps.
    ideal = render(spec, (300, 400), geometry_of(mask)).pixels
    assert ideal is not None
    away = (slice(0, 48), slice(0, 48))  # a corner far from the bottle

    def block_error(image: np.ndarray) -> float:
        means = image[away][..., 0].reshape(6, 8, 6, 8).mean(axis=(1, 3))
        return float(np.abs(means - (ideal[away][..., 0] * 255).reshape(6, 8, 6, 8).mean(axis=(1, 3))).max())

    assert block_error(dithered) < 0.1 < block_error(plain)
    assert np.abs(dithered.astype(int) - plain).max() <= 1


def test_rejects_mismatched_inputs() -> None:
    mask = bottle_mask()
    with pytest.raises(ValueError):
        compose(photo(mask).astype(np.float32), mask, BackgroundSpec("plane"))
    with pytest.raises(ValueError):
        compose(photo(mask), mask[:-1], BackgroundSpec("plane"))
