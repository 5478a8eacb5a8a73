"""Repairs for what the compliance report flags and a machine can fix: size, transparency,
format, file size. Each returns new pixels or bytes and says what it changed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from app import formats
from app.i18n import _
from app.imaging.save import _encoder_params, _to_pil, encode_with  # the export's own encoder settings
from app.marketplace.marketplaces import Marketplace

MB = 1_000_000  # marketplaces' "MB": the smaller reading, so a pass is a pass under both
_PIL_FORMAT = {"jpg": "jpeg", "png": "png", "webp": "webp"}
_MIN_QUALITY = 70  # below this JPEG artefacts show on zoom: shrink the image instead
_SHRINK = 0.85


@dataclass
class Fixed:
    data: bytes  # the encoded file, ready to write
    fmt: str  # jpg | png | webp
    pixels: np.ndarray
    changes: list[str] = field(default_factory=list)


def normalise_format(fmt: str) -> str:
    """"JPEG", ".jpg", "jpe" → "jpg"; other names lower-cased."""
    fmt = fmt.lower().lstrip(".")
    return {"jpeg": "jpg", "jpe": "jpg"}.get(fmt, fmt)


def encode(pixels: np.ndarray, fmt: str, quality: int = 95) -> bytes:
    """``pixels`` encoded exactly as ``app.imaging.save_image`` writes them."""
    im = _to_pil(pixels)
    params = _encoder_params(im, _PIL_FORMAT[normalise_format(fmt)], quality, False)  # type: ignore[arg-type]
    if params["format"] == "JPEG" and im.mode == "L":
        im = im.convert("RGB")
    return encode_with(im, params)


def flatten(pixels: np.ndarray, colour: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """RGBA onto an opaque colour (white by default), in float with one rounding."""
    if pixels.ndim != 3 or pixels.shape[2] != 4:
        return pixels
    a = pixels[..., 3:].astype(np.float32) / 255
    mixed = pixels[..., :3] * a + np.asarray(colour, np.float32) * (1 - a)
    return np.clip(np.floor(mixed + 0.5), 0, 255).astype(np.uint8)


def resize_to_limits(pixels: np.ndarray, m: Marketplace) -> tuple[np.ndarray, str | None]:
    """Scaled (aspect kept) up to the minimum size or down to the largest side; and what it did."""
    h, w = pixels.shape[:2]
    up = max(m.min_width / w, m.min_height / h)
    down = m.max_side / max(w, h)
    scale = up if up > 1 else down if down < 1 else 1.0
    if scale == 1.0:
        return pixels, None
    size = (max(1, round(w * scale + 0.499)), max(1, round(h * scale + 0.499)))
    out = np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.LANCZOS))
    said = (_("upscaled (may look soft on zoom) from {width}×{height} to {new_width}×{new_height}")
            if scale > 1 else _("downscaled from {width}×{height} to {new_width}×{new_height}"))
    return out, said.format(width=w, height=h, new_width=size[0], new_height=size[1])


def encode_under(
    pixels: np.ndarray, fmt: str, max_bytes: int, min_size: tuple[int, int] = (1, 1)
) -> tuple[bytes, np.ndarray, str, list[str]]:
    """(data, pixels, format, changes): the best quality that fits ``max_bytes``, shrinking the
    image (not below ``min_size``) when quality alone cannot. PNG is lossless: over the limit it
    becomes a JPEG."""
    fmt = normalise_format(fmt)
    data = encode(pixels, fmt)
    if len(data) <= max_bytes:
        return data, pixels, fmt, []
    if fmt == "png":
        data, pixels, fmt, changes = encode_under(flatten(pixels), "jpg", max_bytes, min_size)
        return data, pixels, fmt, [_("PNG over the size limit: saved as JPEG"), *changes]
    changes: list[str] = []
    while True:
        lo, hi, best = _MIN_QUALITY, 94, None
        while lo <= hi:  # the highest quality that fits
            q = (lo + hi) // 2
            attempt = encode(pixels, fmt, q)
            if len(attempt) <= max_bytes:
                best, lo = (attempt, q), q + 1
            else:
                hi = q - 1
        if best is not None:
            data, quality = best
            note = _("re-encoded at quality {quality} to fit {size}").format(
                quality=quality, size=formats.size(max_bytes, digits=1))
            return data, pixels, fmt, [*changes, note]
        h, w = pixels.shape[:2]
        size = (round(w * _SHRINK), round(h * _SHRINK))
        if size[0] < min_size[0] or size[1] < min_size[1]:
            raise ValueError(f"cannot encode {w}×{h} under {max_bytes / MB:.1f} MB at the minimum size")
        pixels = np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.LANCZOS))
        changes = [_("downscaled to {width}×{height} to fit the file size limit").format(
            width=size[0], height=size[1])]


def autofix(pixels: np.ndarray, fmt: str, m: Marketplace) -> Fixed:
    """Everything fixable at once: flatten (no transparency allowed, or JPEG), an accepted format,
    the size limits, then the file size limit."""
    changes: list[str] = []
    fmt = normalise_format(fmt)
    if fmt not in m.formats:
        changes.append(_("{format} is not accepted by {marketplace}: saved as JPG").format(
            format=fmt.upper(), marketplace=m.name))
        fmt = "jpg"
    elif fmt not in _PIL_FORMAT:  # accepted (WB takes BMP, GIF) but not written by Vitrina: lossless PNG
        new = "png" if "png" in m.formats else "jpg"
        changes.append(_("{format} re-encoded as {new_format} (Vitrina writes JPG, PNG or WebP)").format(
            format=fmt.upper(), new_format=new.upper()))
        fmt = new
    if pixels.ndim == 3 and pixels.shape[2] == 4 and (not m.transparency or fmt == "jpg"):
        pixels = flatten(pixels)
        changes.append(_("transparency flattened onto white"))
    pixels, resized = resize_to_limits(pixels, m)
    if resized:
        changes.append(resized)
    limit, least = int(m.max_file_mb * MB), (m.min_width, m.min_height)
    data, pixels, fmt, encoded = encode_under(pixels, fmt, limit, least)
    return Fixed(data, fmt, pixels, [*changes, *encoded])
