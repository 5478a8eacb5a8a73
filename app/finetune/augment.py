"""Random variations of a (photo, mask) pair, so a few dozen corrected masks teach more than themselves.

A photographer corrects only a handful of masks; without variation the model memorises those exact
photos. Flips, crops and colour changes are ones the studio's real photos also show, and none of them
moves the outline relative to the product: geometry is applied to photo and mask alike, colour only to
the photo. numpy + Pillow only, so the data pipeline runs in worker processes without torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# ITU-R 601 luma, as Pillow's "L" conversion: the grey that contrast and saturation blend towards.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class Augment:
    """How strongly to vary each training pair.

    ``scale`` bounds the crop's side as a fraction of the photo's side; ``jitter`` is the largest
    relative change of brightness, contrast and saturation.
    """

    flip: bool = True
    scale: tuple[float, float] = (0.75, 1.0)
    jitter: float = 0.2

    def __post_init__(self) -> None:
        lo, hi = self.scale
        if not 0.0 < lo <= hi <= 1.0:
            raise ValueError(f"scale must satisfy 0 < low <= high <= 1, got {self.scale}")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError(f"jitter must be in [0, 1), got {self.jitter}")


def _check(image: np.ndarray, mask: np.ndarray, size: tuple[int, int]) -> None:
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be H×W×3, got shape {image.shape}")
    if mask.ndim != 2:
        raise ValueError(f"mask must be H×W, got shape {mask.shape}")
    if image.shape[:2] != mask.shape:
        raise ValueError(
            f"mask is {mask.shape[1]}×{mask.shape[0]} but the photo is "
            f"{image.shape[1]}×{image.shape[0]} (width×height)"
        )
    if image.dtype != np.uint8 or mask.dtype != np.uint8:
        raise ValueError(f"image and mask must be uint8, got {image.dtype} and {mask.dtype}")
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"size must be (height, width) with both >= 1, got {size}")


def _resize(
    array: np.ndarray, size: tuple[int, int], box: tuple[int, int, int, int] | None = None
) -> np.ndarray:
    """``array`` (or its ``box`` region: left, top, right, bottom) resized to ``size`` (height, width).

    Pillow's bilinear filter widens with the downscale factor, i.e. it antialiases; the mask goes
    through the same filter so its soft edges stay soft and stay on the photo's edges.
    """
    height, width = size
    picture = Image.fromarray(np.ascontiguousarray(array))
    return np.array(picture.resize((width, height), Image.Resampling.BILINEAR, box=box))


def _jitter_colour(image: np.ndarray, brightness: float, contrast: float, saturation: float) -> np.ndarray:
    """Brightness, then contrast, then saturation, in float and rounded once at the end."""
    x = image.astype(np.float32) * brightness
    # Contrast blends towards the picture's mean grey, saturation towards each pixel's grey.
    mean_grey = float((x @ _LUMA).mean())
    x = (x - mean_grey) * contrast + mean_grey
    grey = (x @ _LUMA)[..., None]
    x = grey + (x - grey) * saturation
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def augment(
    image: np.ndarray,
    mask: np.ndarray,
    size: tuple[int, int],
    rng: np.random.Generator,
    settings: Augment = Augment(),  # noqa: B008 - frozen, so sharing the default is safe
) -> tuple[np.ndarray, np.ndarray]:
    """A randomly flipped, cropped, resized and colour-jittered copy of (``image``, ``mask``).

    ``image`` is H×W×3 uint8, ``mask`` H×W uint8 (0..255), ``size`` the output (height, width).
    The same generator state gives the same result; the inputs are never modified.
    """
    image, mask = np.asarray(image), np.asarray(mask)
    _check(image, mask, size)
    h, w = mask.shape
    # Every draw happens whatever the settings, so switching one variation off leaves the others'
    # random stream (and a seeded run's crops) unchanged.
    flip = bool(rng.random() < 0.5)
    fraction = float(rng.uniform(*settings.scale))
    crop_h, crop_w = max(1, round(fraction * h)), max(1, round(fraction * w))
    top = int(rng.integers(0, h - crop_h + 1))
    left = int(rng.integers(0, w - crop_w + 1))
    factors = rng.uniform(1.0 - settings.jitter, 1.0 + settings.jitter, size=3)

    if settings.flip and flip:
        image, mask = image[:, ::-1], mask[:, ::-1]
    box = (left, top, left + crop_w, top + crop_h)
    out_image, out_mask = _resize(image, size, box), _resize(mask, size, box)
    if settings.jitter > 0:
        out_image = _jitter_colour(out_image, *(float(f) for f in factors))
    return out_image, out_mask


def resize_pair(image: np.ndarray, mask: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(``image``, ``mask``) resized to ``size`` (height, width) with nothing random: for validation."""
    image, mask = np.asarray(image), np.asarray(mask)
    _check(image, mask, size)
    return _resize(image, size), _resize(mask, size)
