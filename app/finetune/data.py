"""Working copies of the pairs: decoded once, upright sRGB, shrunk to a little over the training size.

A studio's photos are 12-50 MP; training reads each one every epoch. Decoding a 12 MP JPEG costs
~0.15 s of a core, the copy at 4/3 of the training side ~5 ms, and 500 copies at 1024² fit in
~1 GB of disk, not 20 GB of memory. 4/3, because the strongest scale/crop keeps 3/4 of a side:
such a crop still has the training size's full resolution. The copies live in the run's work
folder, keyed by the source files' identity, so a resume reuses them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from app import atomic, imaging
from app.errors import Cancelled, VitrinaError
from app.finetune.pairs import BadPair, Pair, read_mask
from app.i18n import _
from app.imaging.save import encoded

WORK_SCALE = 4 / 3


@dataclass(frozen=True)
class Sample:
    image: Path  # working copy, JPEG q95
    mask: Path  # working copy, 8-bit PNG
    product: str
    label: str

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        with Image.open(self.image) as im:
            image = np.asarray(im.convert("RGB"))
        with Image.open(self.mask) as im:
            mask = np.asarray(im.convert("L"))
        return image, mask


def prepare(pairs: Sequence[Pair], size: tuple[int, int], cache: Path,
            on_bad: Callable[[BadPair], None], *, should_stop: Callable[[], bool] = lambda: False,
            on_progress: Callable[[int, int], None] = lambda done, total: None) -> list[Sample]:
    """A working copy of every pair (made now unless cached); a pair whose files cannot be read
    now is reported through ``on_bad`` and left out."""
    side = math.ceil(max(size) * WORK_SCALE)
    samples: list[Sample] = []
    for index, pair in enumerate(pairs):
        if should_stop():
            raise Cancelled(_("Stopped."))
        try:
            samples.append(_working_copy(pair, side, cache))
        except (VitrinaError, OSError) as exc:
            on_bad(BadPair(pair.label, str(exc)))
        on_progress(index + 1, len(pairs))
    return samples


def _working_copy(pair: Pair, side: int, cache: Path) -> Sample:
    key = _key(pair, side)
    image_path, mask_path = cache / f"{key}.jpg", cache / f"{key}.png"
    if not (image_path.is_file() and mask_path.is_file()):
        photo = imaging.load_photo(pair.photo)
        mask = read_mask(pair.mask)
        if mask.shape != photo.rgb.shape[:2]:
            raise VitrinaError(_("the mask is {mask_w}x{mask_h}, the photo {width}x{height}").format(
                mask_w=mask.shape[1], mask_h=mask.shape[0], width=photo.rgb.shape[1],
                height=photo.rgb.shape[0]))
        image, mask = _shrunk(photo.rgb, mask, side)
        # The mask last: a copy whose mask is there is whole (the image was written first).
        atomic.write_bytes(image_path, encoded(image, "JPEG", quality=95))
        atomic.write_bytes(mask_path, encoded(mask, "PNG"))
    return Sample(image_path, mask_path, pair.product, pair.label)


def _key(pair: Pair, side: int) -> str:
    parts = [str(side)]
    for path in (pair.photo, pair.mask):
        stat = path.stat()
        parts += [str(path.resolve()), str(stat.st_size), str(stat.st_mtime_ns)]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]


def _shrunk(image: np.ndarray, mask: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray]:
    height, width = mask.shape
    scale = side / max(height, width)
    if scale >= 1.0:
        return image, mask
    new = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = Image.fromarray(image).resize(new, Image.Resampling.BILINEAR, reducing_gap=2.0)
    small_mask = Image.fromarray(mask).resize(new, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(small), np.asarray(small_mask)
