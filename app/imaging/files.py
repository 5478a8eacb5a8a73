"""Reading photo files: read-only access and a specific message for every way a file is unusable."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from app.errors import BadPhotoError
from app.i18n import _
from app.imaging.formats import AVIF_AVAILABLE, HEIF_AVAILABLE

_CHUNK = 1 << 20

# Magic numbers of formats we decode: a file that starts like one of these but does not open is
# damaged, not "not an image".
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_AVIF_BRANDS = (b"avif", b"avis")


def open_readonly(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading only (originals are never modified)."""
    path = Path(path)
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise BadPhotoError(_("file not found (moved or deleted?)")) from None
    except IsADirectoryError:
        raise BadPhotoError(_("this is a folder, not a file")) from None
    except PermissionError:
        # Windows reports opening a folder as a permission error.
        if path.is_dir():
            raise BadPhotoError(_("this is a folder, not a file")) from None
        raise BadPhotoError(_("cannot read the file: permission denied")) from None
    except OSError as err:
        raise BadPhotoError(_("cannot read the file: {why}").format(why=err.strerror or err)) from None


def content_hash(path: str | os.PathLike[str]) -> str:
    """sha256 (hex) of the file's bytes, read in chunks so large files cost no memory."""
    digest = hashlib.sha256()
    with open_readonly(path) as fh:
        try:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
        except OSError as err:
            raise BadPhotoError(_("cannot read the file: {why}").format(why=err.strerror or err)) from None
    return digest.hexdigest()


def image_kind(head: bytes) -> str | None:
    """The image format a file's first bytes announce, or None."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "HEIC"
        if brand in _AVIF_BRANDS:
            return "AVIF"
    return None


def describe_unreadable(head: bytes) -> str:
    """Why a file that no decoder opened is unusable, judged from its first bytes."""
    kind = image_kind(head)
    if kind == "HEIC" and not HEIF_AVAILABLE:
        return _("HEIC photo, but HEIC support is not installed (pillow-heif)")
    if kind == "AVIF" and not AVIF_AVAILABLE:
        return _("AVIF image, but this installation cannot decode AVIF")
    if kind is not None:
        return _("damaged or truncated {kind} file (cannot be decoded)").format(kind=kind)
    if head.startswith(b"%PDF"):
        return _("not an image (looks like a PDF document)")
    if head.startswith(b"PK\x03\x04"):
        return _("not an image (looks like a ZIP archive or an Office document)")
    text = _as_text(head)
    if text is None:
        return _("not an image Vitrina can read (unknown format)")
    lowered = text.lstrip().lower()
    if lowered.startswith("<!doctype html") or "<html" in lowered or lowered.startswith("<head"):
        # Typically a download that saved the site's error or login page under the photo's name.
        return _("not an image (looks like an HTML page)")
    if "<svg" in lowered:
        return _("SVG drawings are not supported (export it as PNG or JPEG)")
    return _("not an image (looks like a text file)")


def _as_text(head: bytes) -> str | None:
    """The sample decoded as text when it plausibly is text, else None."""
    sample = head.removeprefix(b"\xef\xbb\xbf")
    if not sample or b"\x00" in sample:
        return None
    # The sample may cut a multi-byte character in half at its end.
    text = sample.decode("utf-8", errors="replace").rstrip("\ufffd")
    if "\ufffd" in text:
        try:
            text = sample.decode("cp1251")
        except UnicodeDecodeError:
            return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return text if printable >= 0.95 * len(text) else None
