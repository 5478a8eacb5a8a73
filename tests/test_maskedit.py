"""Mask brush core: what a user touching up a cut-out relies on."""

from __future__ import annotations

import numpy as np
import pytest

from app.maskedit import Box, MaskDocument, uncertain_band


def _distance_to_segment(
    shape: tuple[int, int], a: tuple[float, float], b: tuple[float, float]
) -> np.ndarray:
    """Distance from every pixel centre to the segment a → b (image coordinates)."""
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float64) + 0.5
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    t = np.clip(((xs - ax) * dx + (ys - ay) * dy) / length2, 0.0, 1.0) if length2 else 0.0
    return np.hypot(xs - (ax + t * dx), ys - (ay + t * dy))


def _stroke(doc: MaskDocument, mode: str, points: list[tuple[float, float]], **brush: float) -> bool:
    doc.begin_stroke(mode, brush.get("radius", 6.0), brush.get("hardness", 0.5), brush.get("strength", 1.0))
    for x, y in points:
        doc.stroke_to(x, y)
    return doc.end_stroke()


def test_restore_stroke_changes_only_pixels_within_radius_of_the_path() -> None:
    doc = MaskDocument(np.zeros((60, 80), np.uint8))
    path = [(10.0, 12.0), (25.0, 20.0), (40.0, 30.0), (65.0, 41.5)]
    assert _stroke(doc, "restore", path, radius=7.0, hardness=0.3)

    dist = np.min(
        [_distance_to_segment((60, 80), a, b) for a, b in zip(path[:-1], path[1:], strict=True)], axis=0
    )
    alpha = doc.alpha
    assert not alpha[dist >= 7.0].any()  # nothing outside the brush
    assert (alpha[dist <= 7.0 * 0.3 - 0.5] == 255).all()  # the hard core is fully restored
    assert doc.changed_bbox is not None and doc.changed_bbox.contains(Box(5, 7, 70, 47))


def test_soft_brush_leaves_intermediate_alpha_at_its_rim() -> None:
    doc = MaskDocument(np.zeros((40, 40), np.uint8))
    _stroke(doc, "restore", [(20.0, 20.0)], radius=12.0, hardness=0.2)
    alpha = doc.alpha
    soft = alpha[(alpha > 0) & (alpha < 255)]
    assert soft.size > 50
    row = alpha[20, 20:]  # from the centre outwards: never increasing
    assert (np.diff(row.astype(int)) <= 0).all() and row[0] == 255 and row[-1] == 0


def test_restore_never_lowers_and_erase_never_raises_soft_alpha() -> None:
    start = np.tile(np.linspace(0, 255, 64).astype(np.uint8), (32, 1))
    for mode, keeps in (("restore", np.greater_equal), ("erase", np.less_equal)):
        doc = MaskDocument(start)
        _stroke(doc, mode, [(0.0, 16.0), (64.0, 16.0)], radius=10.0, hardness=0.0, strength=0.6)
        assert keeps(doc.alpha.astype(int), start.astype(int)).all()
        assert (doc.alpha != start).any()


def test_overlapping_dabs_do_not_build_up_past_strength() -> None:
    doc = MaskDocument(np.zeros((40, 40), np.uint8))
    _stroke(
        doc, "restore", [(20.0, 20.0), (21.0, 20.0), (20.0, 20.0), (20.5, 20.0)], radius=8.0, strength=0.5
    )
    assert doc.alpha.max() == 128  # 255 · 0.5, rounded once


def test_erase_then_undo_restores_exact_pixels_and_redo_reapplies() -> None:
    rng = np.random.default_rng(7)
    start = rng.integers(0, 256, (50, 70), dtype=np.uint8)
    doc = MaskDocument(start)
    assert _stroke(doc, "erase", [(5.0, 5.0), (60.0, 40.0)], radius=9.0)
    erased = doc.alpha.copy()
    assert doc.can_undo and not doc.can_redo

    assert doc.undo()
    np.testing.assert_array_equal(doc.alpha, start)
    assert doc.changed_bbox is not None and doc.can_redo
    assert doc.redo()
    np.testing.assert_array_equal(doc.alpha, erased)
    assert not doc.redo()


def test_a_new_stroke_clears_redo() -> None:
    doc = MaskDocument(np.zeros((30, 30), np.uint8))
    _stroke(doc, "restore", [(10.0, 10.0)])
    doc.undo()
    assert doc.can_redo
    _stroke(doc, "restore", [(20.0, 20.0)])
    assert not doc.can_redo


def test_each_stroke_is_one_undo_step() -> None:
    doc = MaskDocument(np.zeros((30, 30), np.uint8))
    _stroke(doc, "restore", [(5.0 + i, 5.0 + i) for i in range(20)], radius=3.0)
    _stroke(doc, "restore", [(25.0, 5.0)], radius=3.0)
    assert doc.undo() and doc.alpha[5, 25] == 0 and doc.alpha[10, 10] == 255
    assert doc.undo() and not doc.alpha.any()
    assert not doc.undo() and doc.changed_bbox is None


def test_history_cap_drops_the_oldest_steps() -> None:
    doc = MaskDocument(np.zeros((100, 100), np.uint8), history_bytes=1000)
    for x in (15.0, 50.0, 85.0):  # each step stores a 20×20 box = 400 bytes
        _stroke(doc, "restore", [(x, 50.0)], radius=10.0, hardness=1.0)
    assert doc.history_bytes <= 1000
    assert doc.undo() and doc.undo()
    assert not doc.undo()
    assert doc.alpha[50, 15] == 255  # the first stroke can no longer be undone
    assert doc.alpha[50, 50] == 0 and doc.alpha[50, 85] == 0


def test_reset_to_model_mask_is_one_undoable_step() -> None:
    model = np.zeros((40, 40), np.uint8)
    model[10:30, 10:30] = 255
    doc = MaskDocument(model)
    _stroke(doc, "erase", [(20.0, 20.0)], radius=5.0)
    edited = doc.alpha.copy()

    assert doc.reset(model)
    np.testing.assert_array_equal(doc.alpha, model)
    assert doc.changed_bbox is not None
    assert not doc.reset(model)  # already the model mask: nothing to undo
    assert doc.undo()
    np.testing.assert_array_equal(doc.alpha, edited)
    with pytest.raises(ValueError):
        doc.reset(np.zeros((5, 5), np.uint8))


def test_stroke_outside_the_image_adds_no_undo_step() -> None:
    doc = MaskDocument(np.zeros((20, 20), np.uint8))
    assert not _stroke(doc, "restore", [(-50.0, -50.0), (-30.0, -60.0)], radius=5.0)
    assert not doc.can_undo and doc.changed_bbox is None
    # Erasing what is already erased changes nothing either.
    assert not _stroke(doc, "erase", [(10.0, 10.0)], radius=5.0)
    assert not doc.can_undo


def test_a_stroke_near_the_edge_is_clipped_to_the_image() -> None:
    doc = MaskDocument(np.zeros((20, 20), np.uint8))
    assert _stroke(doc, "restore", [(-2.0, 10.0), (3.0, 22.0)], radius=4.0, hardness=1.0)
    assert doc.alpha[10, 0] == 255 and doc.alpha[19, 2] == 255


def test_dabs_are_evenly_spaced_across_many_short_moves() -> None:
    # A slow drag arrives as many sub-pixel moves; the line must still be continuous and uniform.
    doc = MaskDocument(np.zeros((30, 200), np.uint8))
    doc.begin_stroke("restore", 4.0, 1.0)
    for i in range(1600):
        doc.stroke_to(10.0 + i * 0.1, 15.0)
    doc.end_stroke()
    assert (doc.alpha[15, 10:170] == 255).all()
    assert (doc.alpha[13, 10:170] == 255).all()


def test_cancel_stroke_puts_pixels_back_without_an_undo_step() -> None:
    doc = MaskDocument(np.zeros((20, 20), np.uint8))
    doc.begin_stroke("restore", 5.0, 0.5)
    doc.stroke_to(10.0, 10.0)
    assert doc.alpha.any()
    doc.cancel_stroke()
    assert not doc.alpha.any() and not doc.can_undo


def test_the_document_keeps_its_own_copy_and_rejects_bad_input() -> None:
    start = np.zeros((10, 10), np.uint8)
    doc = MaskDocument(start)
    _stroke(doc, "restore", [(5.0, 5.0)])
    assert not start.any()
    with pytest.raises(ValueError):
        doc.alpha[0, 0] = 1  # read-only view of the live mask
    with pytest.raises(ValueError):
        MaskDocument(np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError):
        doc.begin_stroke("smudge", 5.0, 0.5)
    with pytest.raises(RuntimeError):
        doc.stroke_to(1.0, 1.0)


def test_uncertain_band_marks_only_unsure_pixels() -> None:
    alpha = np.array([[0, 25, 26, 128, 230, 231, 255]], np.uint8)
    assert uncertain_band(alpha).tolist() == [[False, False, True, True, True, False, False]]
    assert uncertain_band(alpha, lo=1, hi=254).sum() == 5
