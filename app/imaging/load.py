"""Loading a photo safely: header checks before decoding, orientation, colour, clear errors."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps

from app import formats
from app.errors import BadPhotoError, VitrinaError
from app.i18n import _
from app.imaging.color import to_rgb_alpha
from app.imaging.decoder_warnings import collect_warnings
from app.imaging.files import (
    describe_unreadable,
    image_kind,
    is_unsupported,
    open_readonly,
    pillow_reason,
    unsupported_message,
)

# formats also registers the optional HEIC opener, which must happen before any open.
from app.imaging.formats import KINDS, OPEN_PLUGINS, display_name, kind_for_suffix, raw_message

DEFAULT_MAX_MEGAPIXELS = 80
MAX_MEGAPIXELS_ENV = "VITRINA_MAX_MEGAPIXELS"

# This module is the one gate for user photos and checks the pixel count itself, on the header,
# with a message naming the limit and the setting. PIL's own global check would fire first (a
# warning above 89 MP, an error above 179 MP) with its own text and ignore the user's setting.
Image.MAX_IMAGE_PIXELS = None

_EXIF_ORIENTATION = 0x0112
_ANIMATED_FORMATS = frozenset({"GIF", "WEBP", "PNG", "AVIF"})
# TIFF compressions every Pillow build decodes; a failure with another one (WebP, Zstd, LZMA...)
# means libtiff was built without it, not that the file is damaged.
_COMMON_TIFF_COMPRESSIONS = frozenset({
    "raw", "packbits", "tiff_lzw", "tiff_adobe_deflate", "tiff_deflate", "jpeg", "tiff_jpeg",
    "group3", "group4", "tiff_ccitt", "tiff_raw_16",
})


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo. The arrays are read-only: copy before editing."""

    rgb: np.ndarray  # H×W×3 uint8, sRGB
    alpha: np.ndarray | None = None  # H×W uint8 when the file had real transparency
    notes: tuple[str, ...] = ()  # what was changed on the way in, for the user

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])


def max_pixels_limit() -> int:
    """The pixel-count limit: ``VITRINA_MAX_MEGAPIXELS`` when set, else 80 MP."""
    raw = os.environ.get(MAX_MEGAPIXELS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MEGAPIXELS * 1_000_000
    try:
        megapixels = float(raw)
    except ValueError:
        megapixels = -1.0
    if not megapixels > 0:
        raise VitrinaError(_("{setting} must be a positive number of megapixels, not {value!r}").format(
            setting=MAX_MEGAPIXELS_ENV, value=raw))
    return int(megapixels * 1_000_000)


def load_photo(path: str | os.PathLike[str], *, max_pixels: int | None = None,
               at_least: int | None = None) -> Photo:
    """Decode ``path`` into an upright 8-bit sRGB :class:`Photo`; raise BadPhotoError saying why not.

    ``at_least``: only a smaller copy is needed (a thumbnail), with both sides at least this long.
    A JPEG is then decoded at 1/2, 1/4 or 1/8 scale inside the decoder (DCT scaling), several
    times faster than decoding all of a 24 MP photo to throw most of it away; other formats decode
    in full. Never used for what is exported.
    """
    limit = max_pixels if max_pixels is not None else max_pixels_limit()
    notes: list[str] = []
    # A failed load discards what the decoder warned about: its error message says more.
    with collect_warnings() as warned, _open_image(path) as im:
        _check_pixels(im, limit, from_env=max_pixels is None)
        if at_least is not None and im.format == "JPEG":
            im.draft(im.mode, (at_least, at_least))
        _go_to_first_frame(im, notes)
        deep = _has_16_bit_samples(im)
        _decode(im)
        if deep:
            notes.append(_("16-bit reduced to 8-bit"))
        im = _upright(im, notes)
        rgb, alpha = to_rgb_alpha(im, notes)
    notes.extend(_("warning from the decoder: {warning}").format(warning=text) for text in warned)
    alpha = _meaningful_alpha(rgb, alpha, notes)
    return Photo(rgb=rgb, alpha=alpha, notes=tuple(dict.fromkeys(notes)))


def read_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(width, height) as displayed, i.e. after EXIF orientation, from the header alone."""
    # Header warnings have no photo to note them on; load_photo notes them when it decodes.
    with collect_warnings(), _open_image(path) as im:
        w, h = im.size
        if _orientation(im) in (5, 6, 7, 8):  # these orientations turn the picture by 90°
            w, h = h, w
    return w, h


@contextlib.contextmanager
def _open_image(path: str | os.PathLike[str]) -> Iterator[Image.Image]:
    """PIL image over a read-only handle; only the header has been read."""
    if raw := raw_message(path):
        raise BadPhotoError(raw)
    with open_readonly(path) as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise BadPhotoError(_("file is empty (0 bytes)"))
        try:
            im = Image.open(fh, formats=OPEN_PLUGINS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Only if someone re-enabled PIL's global limit (see MAX_IMAGE_PIXELS above).
            raise BadPhotoError(_("image is too large to open safely")) from None
        except MemoryError:
            raise BadPhotoError(_("not enough memory to open this image")) from None
        except Exception as err:  # every decoder's "this is not my format / is broken"
            raise BadPhotoError(_why_unopened(fh, path, err)) from err
        with im:
            yield im


def _why_unopened(fh: BinaryIO, path: str | os.PathLike[str], err: Exception) -> str:
    fh.seek(0)
    head = fh.read(512)
    claimed = kind_for_suffix(path)
    kind = image_kind(head) or (claimed.name if claimed else None)
    reason = pillow_reason(err)
    if not reason and kind is not None:
        reason = _plugin_reason(fh, kind)
    return describe_unreadable(head, reason=reason, claimed=claimed.name if claimed else None)


def _plugin_reason(fh: BinaryIO, kind: str) -> str:
    """What the opener of ``kind`` says about the file: Image.open keeps its plugins' reasons to
    itself (it reports "cannot identify image file" for a BMP variant as for a text file)."""
    plugin = next(k.plugin for k in KINDS if k.name == kind)
    opener = Image.OPEN.get(plugin)
    if opener is None:
        return ""
    fh.seek(0)
    try:
        opener[0](fh, "").close()
    except Exception as err:
        return pillow_reason(err)
    return ""


def _check_pixels(im: Image.Image, limit: int, *, from_env: bool) -> None:
    w, h = im.size
    if w <= 0 or h <= 0:
        raise BadPhotoError(_("image has no pixels ({width}×{height})").format(width=w, height=h))
    if w * h > limit:
        hint = _(" (set {setting} to change it)").format(setting=MAX_MEGAPIXELS_ENV) if from_env else ""
        message = _("image is {mp}\u00a0MP ({width}×{height}); the limit is {limit}\u00a0MP{hint}")
        limit_mp = limit / 1e6  # a whole limit shows no fraction: «50 Мп», not «50,0 Мп»
        raise BadPhotoError(message.format(
            mp=formats.decimal(w * h / 1e6, 1), width=w, height=h, hint=hint,
            # A tiny limit keeps its digits: 0.001 MP, not 0.0 MP.
            limit=formats.integer(limit_mp) if limit_mp.is_integer()
            else formats.decimal(limit_mp, max(1, -math.floor(math.log10(limit_mp))))))


def _go_to_first_frame(im: Image.Image, notes: list[str]) -> None:
    # A PSD's "frames" are its layers; it opens on the flattened composite, which is the picture.
    # is_animated, unlike n_frames, does not walk every frame of a long GIF to count them.
    if im.format == "PSD" or not getattr(im, "is_animated", False):
        return
    if note := _frames_note(im.format):
        notes.append(note)
    im.seek(0)


def _frames_note(fmt: str | None) -> str | None:
    if fmt == "MPO":
        return None  # camera JPEG with an extra preview/depth frame: the first frame is the photo
    if fmt in _ANIMATED_FORMATS:
        return _("animated: first frame used")
    if fmt == "TIFF":
        return _("multi-page file: first page used")
    return _("several images in the file: the first one used")


def _has_16_bit_samples(im: Image.Image) -> bool:
    """True when PIL will reduce 16-bit colour samples itself on decode (48/64-bit PNG, TIFF)."""
    if im.mode not in ("RGB", "RGBA", "LA"):
        return False  # single-channel deep modes are reduced (and noted) in color.py
    return any(";16" in str(tile.args) for tile in im.tile)


def _decode(im: Image.Image) -> None:
    try:
        im.load()
    except MemoryError:
        raise BadPhotoError(_("not enough memory to decode this image")) from None
    except Exception as err:
        raise BadPhotoError(_why_undecoded(im, err)) from err


def _why_undecoded(im: Image.Image, err: Exception) -> str:
    fmt = display_name(im.format)
    reason = pillow_reason(err) or " ".join(str(err).split())
    if isinstance(err, EOFError) or "truncated" in reason.lower():
        message = (_("truncated {format} (the file ends early; copy or export it again)") if fmt
                   else _("truncated image (the file ends early; copy or export it again)"))
        return message.format(format=fmt)
    compression = im.info.get("compression") if im.format == "TIFF" else None
    if isinstance(compression, str) and compression not in _COMMON_TIFF_COMPRESSIONS:
        return _("{format} file with {compression} compression, which this installation cannot decode "
                 "({reason})").format(format=fmt, compression=compression.removeprefix("tiff_").upper(),
                                      reason=reason)
    if fmt and is_unsupported(reason):
        return unsupported_message(fmt, reason)
    message = (_("damaged {format} file (cannot be decoded: {error})") if fmt
               else _("damaged image file (cannot be decoded: {error})"))
    return message.format(format=fmt, error=reason)


def _meaningful_alpha(rgb: np.ndarray, alpha: np.ndarray | None, notes: list[str]) -> np.ndarray | None:
    """``alpha`` when it says something; None for a plane that is all opaque, or all transparent
    over a visible picture (32-bit BMPs and TGAs whose writer left the fourth byte at zero)."""
    if alpha is None:
        return None
    if not alpha.any():
        flat = rgb.reshape(-1, 3)
        if not (flat != flat[0]).any():
            raise BadPhotoError(_("image is fully transparent (nothing visible)"))
        notes.append(_("alpha channel empty: ignored"))
        return None
    if alpha.min() == 255:
        return None  # an opaque alpha plane carries nothing: treat it as a plain photo
    return alpha


def _upright(im: Image.Image, notes: list[str]) -> Image.Image:
    try:
        ImageOps.exif_transpose(im, in_place=True)
    except Exception:
        notes.append(_("EXIF data unreadable: orientation not applied"))
    return im


def _orientation(im: Image.Image) -> int:
    try:
        if im.format == "PNG":
            # PngImageFile.getexif() decodes the whole image to look for a late eXIf chunk.
            raw = im.info.get("exif")
            if not raw:
                return 1
            exif = Image.Exif()
            exif.load(raw)
        else:
            exif = im.getexif()
        return int(exif.get(_EXIF_ORIENTATION, 1))
    except Exception:
        return 1  # unreadable EXIF: load_photo will not rotate either
