"""Regenerate the before/after pictures in this folder (synthetic scenes, deterministic).

    python docs/images/make.py
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from app.compose.backgrounds import BackgroundSpec  # noqa: E402
from app.compose.compose import CanvasSpec, compose  # noqa: E402

BLUE = np.array([20.0, 40.0, 230.0])


def blue_screen_bottle(width: int = 900, height: int = 1200) -> tuple[np.ndarray, np.ndarray]:
    """A shaded green bottle shot on a saturated blue backdrop, with a matting-like soft mask."""
    m = Image.new("L", (width, height), 0)
    d = ImageDraw.Draw(m)
    cx, bw, base = width // 2, int(0.3 * width), int(0.86 * height)
    d.rounded_rectangle((cx - bw // 2, int(0.35 * height), cx + bw // 2, base), radius=bw // 4, fill=255)
    neck = (cx - bw // 6, int(0.12 * height), cx + bw // 6, int(0.42 * height))
    d.rounded_rectangle(neck, radius=8, fill=255)
    alpha = np.asarray(m.filter(ImageFilter.GaussianBlur(3)))
    yy, xx = np.mgrid[:height, :width].astype(np.float32)
    shade = 0.55 + 0.45 * np.cos((xx - cx) / (bw / 2) * 1.2).clip(0, 1)  # a round body, lit from the front
    fore = np.stack([40 * shade, 150 * shade + 20 * np.sin(yy / 60), 80 * shade], -1)
    a = alpha[..., None] / 255.0
    return np.clip(np.rint(a * fore + (1 - a) * BLUE), 0, 255).astype(np.uint8), alpha


def side_by_side(*images: np.ndarray, gap: int = 8) -> Image.Image:
    h = max(i.shape[0] for i in images)
    out = Image.new("RGB", (sum(i.shape[1] for i in images) + gap * (len(images) - 1), h), (255, 255, 255))
    x = 0
    for i in images:
        out.paste(Image.fromarray(i[..., :3]), (x, 0))
        x += i.shape[1] + gap
    return out


def main() -> None:
    rgb, alpha = blue_screen_bottle()
    canvas = CanvasSpec(450, 600)
    plane = BackgroundSpec("plane")

    # Contact shadow: none / default / glossy floor with a reflection.
    none = compose(rgb, alpha, replace(plane, shadow_opacity=0), canvas).image
    shadow = compose(rgb, alpha, plane, canvas).image
    glossy = compose(rgb, alpha, replace(plane, reflection=0.3), canvas).image
    side_by_side(none, shadow, glossy).save(HERE / "shadow.png", optimize=True)

    # Clean edges: the same edge, raw vs decontaminated, 4× zoom.
    raw = compose(rgb, alpha, plane, canvas, decontaminate=False).image
    zoom = (slice(300, 420), slice(120, 240))
    big = [Image.fromarray(i[zoom]).resize((360, 360), Image.Resampling.NEAREST) for i in (raw, shadow)]
    side_by_side(*map(np.asarray, big)).save(HERE / "decontaminate.png", optimize=True)

    # Layout from the object: "auto" puts a standing bottle on a plane and a flat-lay on a backdrop.
    shirt = Image.new("L", (900, 1200), 0)
    ImageDraw.Draw(shirt).polygon([(250, 250), (380, 200), (520, 200), (650, 250), (800, 420), (700, 500),
                                   (650, 450), (650, 1000), (250, 1000), (250, 450), (200, 500), (100, 420)],
                                  fill=255)
    shirt_alpha = np.asarray(shirt.filter(ImageFilter.GaussianBlur(2)))
    shirt_rgb = np.where(shirt_alpha[..., None] > 0, np.array([200, 80, 70], np.uint8), 120).astype(np.uint8)
    auto = BackgroundSpec("auto")
    standing = compose(rgb, alpha, auto, canvas).image
    lying = compose(shirt_rgb, shirt_alpha, auto, canvas, layout_hint="t-shirt, flat lay").image
    side_by_side(standing, lying).save(HERE / "layout.png", optimize=True)


if __name__ == "__main__":
    main()
