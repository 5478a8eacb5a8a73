"""Writing images: atomic (or straight into a staging folder), sRGB-tagged, with the encoder
settings marketplaces expect."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image

from app.atomic import write_direct, write_with
from app.errors import ExportError
from app.i18n import _
from app.imaging.color import srgb_icc_bytes
from app.imaging.png import encode_png

ImageFormat = Literal["jpeg", "png", "webp"]

_FORMAT_FOR_SUFFIX: dict[str, ImageFormat] = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".webp": "webp",
}
_MAX_SIDE = {"jpeg": 65_500, "webp": 16_383, "png": 2**31 - 1}


def save_image(
    path: str | os.PathLike[str],
    image: np.ndarray,
    *,
    fmt: ImageFormat | None = None,
    quality: int = 95,
    lossless: bool = False,
    png_compress: int = 6,
    png_fast: bool = False,
    direct: bool = False,
) -> None:
    """Write an H×W×3 (RGB), H×W×4 (RGBA) or H×W (gray) uint8 array atomically (see ``direct``).

    ``fmt`` defaults to the suffix's format. JPEG refuses RGBA: the caller flattens onto its chosen
    background. ``lossless`` applies to WebP; ``png_compress`` (0–9) trades PNG size for speed;
    ``png_fast`` uses ``app.imaging.png`` (several times faster, a few % larger: working files).
    ``direct`` writes straight to ``path``, without a temp file, rename or fsync: for a file inside
    a staging folder that its writer fsyncs and renames into place whole (a card bundle).
    Files get the umask's permissions (0644 under umask 022). Raises ValueError for bad arguments
    and ExportError when the file cannot be written.
    """
    path = Path(path)
    fmt = fmt or _format_for(path)
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be within 1..100, not {quality}")
    im = _to_pil(image)
    if max(im.size) > _MAX_SIDE[fmt]:
        raise ValueError(f"{fmt.upper()} cannot store {im.width}×{im.height} (side limit {_MAX_SIDE[fmt]})")
    params = _encoder_params(im, fmt, quality, lossless)
    write = write_direct if direct else write_with
    if fmt == "png" and png_fast:
        data = encode_png(np.asarray(image), icc_profile=params.get("icc_profile"))
        try:
            write(path, lambda fh: fh.write(data))
        except OSError as err:
            why = err.strerror or err
            raise ExportError(_("cannot save {name}: {why}").format(name=path.name, why=why)) from err
        return
    if fmt == "png":
        params["compress_level"] = png_compress
    if fmt == "jpeg" and im.mode == "L":
        im = im.convert("RGB")  # so that the embedded sRGB profile matches the pixels
    try:
        data = encode_with(im, params)
        write(path, lambda fh: fh.write(data))
    except OSError as err:
        why = err.strerror or err
        raise ExportError(_("cannot save {name}: {why}").format(name=path.name, why=why)) from err


def encoded(image: np.ndarray, fmt: str, **params: Any) -> bytes:
    """A plain encode of an array (no sRGB tag, Pillow's settings): for working files written with
    ``atomic.write_bytes`` — never hand Pillow the file itself (see ``encode_with``)."""
    return encode_with(Image.fromarray(image), {"format": fmt, **params})


def encode_with(im: Image.Image, params: dict[str, Any]) -> bytes:
    """The file's bytes, encoded in memory. Handed a real file, Pillow's encoder writes with
    write(2) and checks only for -1: on a nearly full disk its last chunk goes out short and the
    save "succeeds" with a truncated file. Python's own file object retries a short write, and the
    full disk then raises (tests/reliability/test_output_faults.py)."""
    try:
        return _in_memory(im, params)
    except OSError as err:
        if not params.get("optimize") or err.errno is not None:
            raise
        # Pillow sizes the optimizer's buffer from the pixel count; very noisy photos at high
        # quality overflow it ("Suspension not allowed here"). Unoptimized output is ~5 % larger.
        return _in_memory(im, {**params, "optimize": False})


def _in_memory(im: Image.Image, params: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, **params)
    return buffer.getvalue()


def _format_for(path: Path) -> ImageFormat:
    try:
        return _FORMAT_FOR_SUFFIX[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"no image format for {path.name!r}: use .jpg, .png or .webp") from None


def _to_pil(image: np.ndarray) -> Image.Image:
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise ValueError(f"expected a uint8 array, got {a.dtype}")
    if not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (3, 4))):
        raise ValueError(f"expected H×W, H×W×3 or H×W×4, got shape {a.shape}")
    if 0 in a.shape[:2]:
        raise ValueError(f"cannot save an empty image of shape {a.shape}")
    return Image.fromarray(np.ascontiguousarray(a))


def _encoder_params(im: Image.Image, fmt: ImageFormat, quality: int, lossless: bool) -> dict[str, Any]:
    # Grayscale PNG/WebP stay untagged: an RGB profile on gray pixels is invalid.
    icc = {} if im.mode == "L" and fmt != "jpeg" else {"icc_profile": srgb_icc_bytes()}
    if fmt == "jpeg":
        if im.mode == "RGBA":
            raise ValueError("JPEG cannot store transparency: flatten the RGBA image onto a background first")
        return {
            "format": "JPEG",
            "quality": quality,
            # 4:4:4 keeps product edges and small text crisp; 4:2:0 halves colour resolution.
            "subsampling": 0 if quality >= 90 else 2,
            "optimize": True,
            **icc,
        }
    if fmt == "png":
        return {"format": "PNG", "compress_level": 6, **icc}
    return {"format": "WEBP", "quality": quality, "lossless": lossless, "method": 4, **icc}
