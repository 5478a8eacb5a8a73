"""Any decoded PIL mode -> 8-bit sRGB pixels plus an optional alpha plane, with notes on what changed."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image, ImageCms

from app.errors import BadPhotoError
from app.i18n import _

# PIL modes holding more than 8 bits per sample in one channel.
_INT_DEEP_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "I;16S", "I;32", "I;32B", "I;32L"})
_ICC_SPACE_FOR_MODE = {"L": "GRAY", "RGB": "RGB", "CMYK": "CMYK"}


@cache
def srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def srgb_icc_bytes() -> bytes:
    return srgb_profile().tobytes()


def to_rgb_alpha(im: Image.Image, notes: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Decoded image -> (H×W×3 uint8 sRGB, H×W uint8 alpha or None); appends notes on conversions."""
    icc = im.info.get("icc_profile")
    if im.mode in _INT_DEEP_MODES or im.mode == "F":
        im = _reduce_depth(im, notes)
    colour, alpha = _split_alpha(im)
    rgb = _colour_to_srgb(colour, icc, notes)
    return _pixels(rgb, 3), (None if alpha is None else _pixels(alpha, 1))


def _pixels(im: Image.Image, channels: int) -> np.ndarray:
    """The 8-bit image as a read-only array over Pillow's own bytes: ``np.asarray`` would copy
    them once more (about 10 ms of a 12 MP photo's ~150 ms load)."""
    if im.mode not in ("RGB", "L"):
        return _readonly(np.asarray(im, dtype=np.uint8))
    shape = (im.height, im.width, channels) if channels > 1 else (im.height, im.width)
    return np.frombuffer(im.tobytes(), np.uint8).reshape(shape)  # bytes: read-only already


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _split_alpha(im: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    has_key = "transparency" in im.info
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA" if has_key or im.mode == "PA" else "RGB")
    elif im.mode in ("1", "L", "RGB") and has_key:
        im = im.convert("RGBA")  # a colour-key tRNS becomes a real alpha plane
    elif im.mode in ("La", "RGBa"):
        im = im.convert(im.mode.upper())  # un-premultiply
    if im.mode in ("LA", "RGBA"):
        return im.convert(im.mode[:-1]), im.getchannel("A")
    return im, None


def _colour_to_srgb(im: Image.Image, icc: bytes | None, notes: list[str]) -> Image.Image:
    if icc and im.mode in _ICC_SPACE_FOR_MODE:
        converted = _apply_icc(im, icc, notes)
        if converted is not None:
            if im.mode == "CMYK":
                notes.append(_("converted from CMYK"))
            return converted
    if im.mode == "CMYK":
        notes.append(_("converted from CMYK"))
    if im.mode == "RGB":
        return im
    try:
        return im.convert("RGB")
    except (ValueError, OSError):
        raise BadPhotoError(_("unsupported colour mode {mode}").format(mode=im.mode)) from None


def _apply_icc(im: Image.Image, icc: bytes, notes: list[str]) -> Image.Image | None:
    """The image converted to sRGB through its embedded profile; None when it is sRGB already or unusable."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = source.profile.xcolor_space.strip()
        name = ImageCms.getProfileDescription(source).strip() or _("unnamed profile")
    except Exception:  # any malformed profile: the photo is still usable without it
        notes.append(_("ICC profile unreadable: colours used as-is"))
        return None
    if space != _ICC_SPACE_FOR_MODE[im.mode]:
        notes.append(_("ICC profile ({space}) does not match the {mode} image: ignored").format(
            space=space, mode=im.mode))
        return None
    if space == "RGB" and "srgb" in name.lower():
        return None  # already sRGB; a transform would only cost time and rounding
    try:
        out = ImageCms.profileToProfile(
            im,
            source,
            srgb_profile(),
            # What photo editors do when converting: keep in-gamut colours exact, map black points.
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            outputMode="RGB",
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
    except Exception:
        notes.append(_("ICC profile '{name}' could not be applied: colours used as-is").format(name=name))
        return None
    assert out is not None
    notes.append(_("ICC profile converted to sRGB (from '{name}')").format(name=name))
    return out


def _reduce_depth(im: Image.Image, notes: list[str]) -> Image.Image:
    """16-bit, 32-bit integer or float samples -> 8-bit 'L', scaled over the full range (never clipped)."""
    if im.mode == "F":
        a = np.nan_to_num(np.asarray(im, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = float(a.min()), float(a.max())
        if lo >= 0.0 and hi <= 1.0:
            out = a * 255.0
            notes.append(_("32-bit float reduced to 8-bit"))
        else:
            out = _stretch(a, lo, hi)
            notes.append(_("32-bit float levels stretched to 8-bit"))
        return Image.fromarray(np.rint(out).astype(np.uint8))
    a = np.asarray(im if im.mode in ("I", "I;16", "I;16B") else im.convert("I")).astype(np.int64)
    lo, hi = int(a.min()), int(a.max())
    if lo >= 0 and hi <= 0xFFFF:
        out8 = ((a + 128) // 257).astype(np.uint8)  # round(v * 255 / 65535), exactly
        notes.append(_("16-bit reduced to 8-bit"))
    else:
        out8 = np.rint(_stretch(a.astype(np.float64), lo, hi)).astype(np.uint8)
        notes.append(_("32-bit integer levels stretched to 8-bit"))
    return Image.fromarray(out8)


def _stretch(a: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if hi <= lo:
        return np.zeros_like(a)
    return (a - lo) * (255.0 / (hi - lo))
