"""A small photographer's folder drawn on the fly (no Qt here: the core's tests use it too)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

PRODUCT = "Кружка"  # a product folder with two photos
LOOSE = "ball.png"  # a loose photo: a product of one
BROKEN = "broken.jpg"  # not a photo at all


def draw_product(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (200, 150)) -> None:
    """A coloured object on a white sweep, clear of the frame's edges (the tiny model's "product")."""
    w, h = size
    im = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(im).ellipse((w * 0.3, h * 0.2, w * 0.7, h * 0.8), fill=colour)
    im.save(path)


def make_shoot(root: Path, *, extra: int = 0) -> Path:
    """``root/shoot`` with ``Кружка/1.png, 2.jpg``, ``ball.png``, ``broken.jpg`` and ``extra`` more photos."""
    folder = root / "shoot"
    (folder / PRODUCT).mkdir(parents=True)
    draw_product(folder / PRODUCT / "1.png", (200, 40, 40))
    draw_product(folder / PRODUCT / "2.jpg", (40, 40, 200), (150, 200))
    draw_product(folder / LOOSE, (30, 150, 60))
    (folder / BROKEN).write_text("this is a text file, not a photo")
    for i in range(extra):
        draw_product(folder / f"extra-{i:02d}.png", (20 * i % 255, 90, 120))
    return folder


def fake_mask(rgb: np.ndarray) -> np.ndarray:
    """What the tiny model roughly does: darker than light grey is the product."""
    return np.where(rgb.mean(axis=2) < 204, 255, 0).astype(np.uint8)


class FakeSegmenter:
    """A segmenter (app.segment.Segmenter) that answers at once with ``fake_mask``."""

    model_id, revision, device = "fake", "0", "cpu"

    def segment(self, images: list[np.ndarray]) -> list[np.ndarray]:
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass
