"""Where the product is in its mask, even when the mask carries crumbs and stray blobs."""

from __future__ import annotations

import numpy as np
import pytest

from app.compose.geometry import MaskGeometry, geometry_of


def bottle_mask(width: int = 300, height: int = 400, *, base: int = 340, soft: bool = False) -> np.ndarray:
    """A bottle standing with its lowest row at ``base``: round-shouldered body and a neck."""
    yy, xx = np.mgrid[:height, :width].astype(np.float32)
    cx, body_w = width / 2, width * 0.3
    top_body = base - height * 0.55
    shoulder = (np.abs(xx - cx) / (body_w / 2)) ** 2 + ((yy - top_body - body_w / 2) / (body_w / 2)) ** 2
    body = (np.abs(xx - cx) <= body_w / 2) & (yy <= base) & ((yy >= top_body + body_w / 2) | (shoulder <= 1))
    neck = (np.abs(xx - cx) <= body_w / 6) & (yy >= base - height * 0.75) & (yy <= base)
    inside = body | neck
    if not soft:
        return np.where(inside, 255, 0).astype(np.uint8)
    # A 3-px soft rim, as a matting model gives, centred on the hard edge.
    dist = np.zeros_like(xx)
    for shift in range(1, 3):
        for axis in (0, 1):
            for sign in (-1, 1):
                dist += np.roll(inside, sign * shift, axis=axis)
    alpha = np.where(inside, 255, np.clip(dist / 8 * 255, 0, 254)).astype(np.uint8)
    alpha[~inside & (dist >= 8)] = 200
    return alpha


def box_mask(
    width: int = 300, height: int = 300, box: tuple[int, int, int, int] = (80, 60, 220, 250)
) -> np.ndarray:
    mask = np.zeros((height, width), np.uint8)
    x0, y0, x1, y1 = box
    mask[y0:y1, x0:x1] = 255
    return mask


def test_bottle_bbox_and_base_are_exact() -> None:
    mask = bottle_mask()
    g = geometry_of(mask)
    ys, xs = np.nonzero(mask)
    assert g.bbox == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert g.base_y == 340 and g.floor_y == 341
    assert not g.empty and not g.touches_bottom and not g.touches_frame
    assert g.area_fraction == pytest.approx(np.count_nonzero(mask) / mask.size, rel=1e-3)


def test_stray_pixels_below_the_object_do_not_lower_its_base() -> None:
    mask = box_mask()
    mask[262, 100:300:17] = 255  # a dotted line of crumbs 12 px under the box
    mask[251, 150] = 255  # and one touching it diagonally
    mask[299, 5] = 255  # and one on the bottom edge of the frame
    g = geometry_of(mask)
    assert g.base_y == 249
    assert g.bbox == (80, 60, 220, 250)
    assert not g.touches_bottom and not g.touches_frame


def test_a_second_small_blob_is_not_the_object() -> None:
    mask = box_mask()
    mask[270:285, 240:260] = 255  # a false blob, lower than the box and beside it
    g = geometry_of(mask)
    assert g.base_y == 249
    assert g.bbox == (80, 60, 220, 250)


def test_a_pair_of_parts_counts_as_one_product() -> None:
    mask = np.zeros((200, 300), np.uint8)
    mask[50:180, 30:130] = 255  # left shoe
    mask[60:178, 170:270] = 255  # right shoe, a little smaller
    g = geometry_of(mask)
    assert g.bbox == (30, 50, 270, 180)
    assert g.base_y == 179  # the larger part stands on the floor


def test_the_largest_object_wins_whatever_its_shape() -> None:
    # A zig-zag "cable" whose strokes only join through its bends, beside a compact blob that is
    # bigger than any single stroke but smaller than all of them: the cable must be the object.
    mask = np.zeros((300, 400), np.uint8)
    for i, x in enumerate(range(20, 200, 30)):
        mask[20:280, x : x + 8] = 255
        y = 272 if i % 2 == 0 else 20
        mask[y : y + 8, x : x + 38] = 255
    mask[200:260, 260:340] = 255  # 4800 px blob; each stroke is ~2100 px
    g = geometry_of(mask)
    assert g.base_y == 279  # the blob's base (259) would mean the cable fell apart
    assert g.bbox == (20, 20, 340, 280)  # the blob is big enough to be kept as a part


def test_big_mask_with_merged_crumbs_keeps_base_and_bbox() -> None:
    # Large enough to be labelled on a downscaled copy, where crumbs share blocks with the object.
    rng = np.random.default_rng(3)
    mask = bottle_mask(1600, 1200, base=1000, soft=True)
    reference = geometry_of(mask)
    crumbs = mask.copy()
    ys, xs = rng.integers(1003, 1010, 40), rng.integers(700, 900, 40)
    crumbs[ys, xs] = 255  # single pixels just under the bottle
    crumbs[rng.integers(0, 1200, 300), rng.integers(0, 1600, 300)] = 255  # salt everywhere
    g = geometry_of(crumbs)
    assert abs(g.base_y - 1000) <= 1 and reference.base_y == 1000
    assert all(abs(a - b) <= 1 for a, b in zip(g.bbox, reference.bbox, strict=True))


def test_labelling_matches_a_reference_implementation() -> None:
    measure = pytest.importorskip("skimage.measure")
    from app.compose.geometry import _label

    rng = np.random.default_rng(0)
    for _ in range(100):
        h, w = rng.integers(1, 40, 2)
        occupied = rng.random((h, w)) < rng.random()
        labels, count = _label(occupied)
        reference = measure.label(occupied, connectivity=2)
        assert count == reference.max()
        assert np.array_equal(labels > 0, occupied)
        assert len(set(zip(labels[occupied].tolist(), reference[occupied].tolist(), strict=True))) == count


def test_edges_of_the_frame_are_reported() -> None:
    cut = box_mask(box=(80, 60, 220, 300))
    g = geometry_of(cut)
    assert g.touches_bottom and g.touches_frame and g.base_y == 299
    side = geometry_of(box_mask(box=(0, 60, 220, 250)))
    assert side.touches_frame and not side.touches_bottom


def test_empty_and_speck_masks_have_no_object() -> None:
    assert geometry_of(np.zeros((100, 120), np.uint8)).empty
    faint = np.full((100, 120), 100, np.uint8)  # everything below the threshold
    assert geometry_of(faint).empty
    speck = np.zeros((100, 120), np.uint8)
    speck[50, 50] = 255
    g = geometry_of(speck)
    assert g.empty and g.area_fraction == 0.0 and (g.width, g.height) == (120, 100)


def test_threshold_decides_what_belongs_to_the_object() -> None:
    mask = box_mask()
    mask[250:256, 80:220] = 100  # a faint shadow under the box
    assert geometry_of(mask).base_y == 249
    assert geometry_of(mask, threshold=50).base_y == 255


def test_placed_geometry_follows_scale_and_shift() -> None:
    g = geometry_of(box_mask())
    moved = g.placed(0.5, 10, 20, 400, 200)
    assert moved.bbox == (50, 50, 120, 145)
    assert moved.floor_y == 145
    assert not moved.touches_bottom
    assert moved.placed(1.0, 0, 60, 400, 200).touches_bottom
    assert MaskGeometry.nothing(10, 10).placed(2.0, 0, 0, 20, 20).empty


def test_rejects_colour_masks() -> None:
    with pytest.raises(ValueError):
        geometry_of(np.zeros((10, 10, 3), np.uint8))
