"""Training-pair augmentation: photo and mask stay aligned, randomness is seeded, sizes are right."""

from __future__ import annotations

import numpy as np
import pytest

from app.finetune.augment import Augment, augment, resize_pair


def _red_square_pair(h: int = 120, w: int = 160) -> tuple[np.ndarray, np.ndarray]:
    """A grey photo with an off-centre red square, and that square's mask."""
    image = np.full((h, w, 3), 128, np.uint8)
    mask = np.zeros((h, w), np.uint8)
    image[30:80, 20:70] = (220, 20, 20)
    mask[30:80, 20:70] = 255
    return image, mask


def _redness(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (r - g > 60) & (r - b > 60)


def test_the_mask_follows_the_red_square() -> None:
    image, mask = _red_square_pair()
    for seed in range(8):
        out_image, out_mask = augment(image, mask, (96, 64), np.random.default_rng(seed))
        red, fg = _redness(out_image), out_mask >= 128
        assert fg.any()
        overlap = np.count_nonzero(red & fg) / np.count_nonzero(red | fg)
        assert overlap > 0.9, f"seed {seed}: mask and red square overlap only {overlap:.2f}"


def test_output_sizes_and_types() -> None:
    image, mask = _red_square_pair()
    for size in ((96, 64), (300, 500)):  # smaller and larger than the photo, not square
        out_image, out_mask = augment(image, mask, size, np.random.default_rng(0))
        assert out_image.shape == (*size, 3) and out_image.dtype == np.uint8
        assert out_mask.shape == size and out_mask.dtype == np.uint8
        val_image, val_mask = resize_pair(image, mask, size)
        assert val_image.shape == (*size, 3) and val_mask.shape == size


def test_flip_happens_sometimes_but_not_always() -> None:
    image, mask = _red_square_pair()
    geometry_only = Augment(scale=(1.0, 1.0), jitter=0.0)
    plain, _ = resize_pair(image, mask, (60, 80))
    flips = []
    for seed in range(20):
        out, _ = augment(image, mask, (60, 80), np.random.default_rng(seed), geometry_only)
        assert (out == plain).all() or (out == plain[:, ::-1]).all()
        flips.append(bool((out == plain[:, ::-1]).all()))
    assert any(flips) and not all(flips)
    no_flip = Augment(flip=False, scale=(1.0, 1.0), jitter=0.0)
    for seed in range(20):
        out, _ = augment(image, mask, (60, 80), np.random.default_rng(seed), no_flip)
        assert (out == plain).all()


def test_same_seed_same_output_other_seed_other_output() -> None:
    image, mask = _red_square_pair()
    a = augment(image, mask, (64, 64), np.random.default_rng(7))
    b = augment(image, mask, (64, 64), np.random.default_rng(7))
    c = augment(image, mask, (64, 64), np.random.default_rng(8))
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all()
    assert not ((a[0] == c[0]).all() and (a[1] == c[1]).all())


def test_jitter_changes_colours_but_not_the_mask() -> None:
    image, mask = _red_square_pair()
    still = augment(image, mask, (64, 64), np.random.default_rng(3), Augment(jitter=0.0))
    jittered = augment(image, mask, (64, 64), np.random.default_rng(3), Augment(jitter=0.3))
    assert (still[1] == jittered[1]).all()
    assert np.abs(still[0].astype(int) - jittered[0].astype(int)).max() > 5


def test_the_mask_stays_soft_when_enlarged() -> None:
    image = np.zeros((12, 16, 3), np.uint8)
    mask = np.zeros((12, 16), np.uint8)
    mask[3:9, 4:12] = 255
    _, out_mask = resize_pair(image, mask, (120, 160))
    assert (out_mask == 255).any() and (out_mask == 0).any()
    assert ((out_mask > 0) & (out_mask < 255)).any()


def test_inputs_are_not_modified() -> None:
    image, mask = _red_square_pair()
    image_before, mask_before = image.copy(), mask.copy()
    for seed in range(4):
        augment(image, mask, (64, 64), np.random.default_rng(seed), Augment(jitter=0.5))
    resize_pair(image, mask, (64, 64))
    assert (image == image_before).all() and (mask == mask_before).all()


def test_mismatched_or_malformed_inputs_are_refused() -> None:
    image, mask = _red_square_pair()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="mask"):
        augment(image, mask[:-1], (64, 64), rng)
    with pytest.raises(ValueError):
        resize_pair(image, mask[:, :-1], (64, 64))
    with pytest.raises(ValueError):
        augment(image[..., 0], mask, (64, 64), rng)
    with pytest.raises(ValueError):
        augment(image, mask, (0, 64), rng)
    with pytest.raises(ValueError):
        Augment(scale=(0.9, 0.5))
    with pytest.raises(ValueError):
        Augment(jitter=1.5)
