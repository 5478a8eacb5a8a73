"""Mask quality metrics: IoU of known shapes, and a boundary F-measure that sees outline errors."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.finetune.metrics import _dilate_disc, boundary_f, iou


def _square(top: int, left: int, side: int, shape: tuple[int, int] = (64, 64)) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    m[top : top + side, left : left + side] = 255
    return m


def _disc(shape: tuple[int, int], centre: tuple[int, int], radius: int) -> np.ndarray:
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    return np.where((yy - centre[0]) ** 2 + (xx - centre[1]) ** 2 <= radius**2, 255, 0).astype(np.uint8)


def test_iou_of_overlapping_squares() -> None:
    # 10×10 squares, 5 px apart horizontally: 50 px shared, 150 px covered.
    assert iou(_square(10, 10, 10), _square(10, 15, 10)) == pytest.approx(1 / 3)
    assert iou(_square(10, 10, 10), _square(10, 10, 10)) == 1.0
    assert iou(_square(0, 0, 10), _square(30, 30, 10)) == 0.0


def test_iou_edge_cases_and_threshold() -> None:
    empty = np.zeros((8, 8), np.uint8)
    assert iou(empty, empty) == 1.0
    assert iou(_square(0, 0, 4, (8, 8)), empty) == 0.0
    assert iou(np.full((8, 8), 127, np.uint8), np.full((8, 8), 128, np.uint8)) == 0.0
    assert iou(np.full((8, 8), 200, np.uint8), np.full((8, 8), 255, np.uint8), threshold=200) == 1.0
    with pytest.raises(ValueError):
        iou(empty, np.zeros((8, 9), np.uint8))


def test_boundary_f_is_one_for_identical_masks() -> None:
    m = _disc((128, 128), (60, 70), 40)
    assert boundary_f(m, m) == 1.0


def test_boundary_f_forgives_a_small_shift_but_not_a_large_one() -> None:
    m = _disc((256, 256), (128, 128), 80)
    assert boundary_f(m, np.roll(m, 1, axis=1), tolerance=3) > 0.9
    assert boundary_f(m, np.roll(m, 10, axis=1), tolerance=3) < 0.5
    # The tolerance is what forgives the small shift.
    assert boundary_f(m, np.roll(m, 2, axis=0), tolerance=0) < boundary_f(m, np.roll(m, 2, axis=0))


def test_boundary_f_with_an_empty_outline() -> None:
    m = _square(10, 10, 20)
    empty = np.zeros_like(m)
    assert boundary_f(m, empty) == 0.0
    assert boundary_f(empty, m) == 0.0
    assert boundary_f(empty, empty) == 1.0
    # A mask filling the photo has no outline: the image border is not a boundary.
    full = np.full_like(m, 255)
    assert boundary_f(full, full) == 1.0
    assert boundary_f(full, m) == 0.0


def test_the_image_border_is_not_boundary() -> None:
    # The left half of the photo: its only outline is the vertical edge in the middle.
    left = np.zeros((32, 32), np.uint8)
    left[:, :16] = 255
    shifted = np.zeros_like(left)
    shifted[:, :14] = 255
    assert boundary_f(left, shifted, tolerance=2) == 1.0
    assert boundary_f(left, shifted, tolerance=1) == 0.0


def test_the_tolerance_is_a_euclidean_disc() -> None:
    point = np.zeros((21, 21), bool)
    point[10, 10] = True
    for radius in (0, 1, 2, 3, 5):
        assert (_dilate_disc(point, radius) == (_disc((21, 21), (10, 10), radius) > 0)).all()


def test_boundary_f_is_fast_on_a_megapixel_mask() -> None:
    m = _disc((1024, 1024), (500, 520), 300)
    shifted = np.roll(m, 2, axis=0)
    boundary_f(m, shifted)  # warm-up: first-call allocation noise is not the metric's cost
    start = time.perf_counter()
    boundary_f(m, shifted)
    assert time.perf_counter() - start < 0.2


def test_boundary_f_refuses_mismatched_masks() -> None:
    with pytest.raises(ValueError):
        boundary_f(np.zeros((8, 8), np.uint8), np.zeros((9, 8), np.uint8))
    with pytest.raises(ValueError):
        boundary_f(np.zeros((8, 8), np.uint8), np.zeros((8, 8), np.uint8), tolerance=-1)
