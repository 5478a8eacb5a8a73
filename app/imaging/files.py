"""Reading photo files: read-only access and a specific message for every way a file is unusable."""

from __future__ import annotations

import hashlib
import os
import re
import struct
from pathlib import Path
from typing import BinaryIO

from app.errors import BadPhotoError
from app.i18n import _
from app.imaging.formats import is_decodable, undecodable_message

_CHUNK = 1 << 20

# Magic numbers of formats we decode: a file that starts like one of these but does not open is
# damaged or an unsupported variant, not "not an image".
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"BM", "BMP"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),  # the JP2/JPX container
    (b"\xff\x4f\xff\x51", "JPEG 2000"),  # a bare codestream (.j2k)
    (b"qoif", "QOI"),
    (b"8BPS", "PSD"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_AVIF_BRANDS = (b"avif", b"avis")
# "P1".."P6", then width and height (comment lines may come between): text seldom starts like that.
_SPACE = rb"(?:\s+|#[^\n]*\n)+"
_PNM = re.compile(rb"P[1-6]" + _SPACE + rb"\d+" + _SPACE + rb"\d+\s")
# Formats without a magic number: only the suffix claims them (BMP's header without "BM", Targa).
_NO_MAGIC_KINDS = frozenset({"DIB", "TGA"})

# Words decoders use for a file they understand but do not implement (Pillow: "Unsupported BMP
# bitfields layout", "unknown compression"); anything else that fails is treated as damage.
_UNSUPPORTED_WORDS = ("unsupported", "not supported", "unknown", "cannot handle", "not implemented",
                      "not configured", "no support")
# What Pillow says when its parser slips on bytes that are not there: true, but no help to a user.
_PARSER_SLIPS = (struct.error, IndexError, TypeError, KeyError, EOFError)
# An opener's "this is not my format": no reason at all once the file's signature is known.
_NOT_MINE = re.compile(r"cannot identify image file.*|not an? \w+ file|not identified by this driver")
_MAX_REASON = 120


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


def file_key(path: str | os.PathLike[str]) -> str:
    """The file's size and modification time, "" when it cannot be read: while they stay the same,
    its content hash need not be read again."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


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
    """The image format a file's first bytes announce (an ``ImageKind`` name), or None."""
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
    return _weak_kind(head)


def _weak_kind(head: bytes) -> str | None:
    """Formats whose magic is only a few bytes long, checked together with the fields after it."""
    if head[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and len(head) >= 22:
        # The first directory entry's reserved byte is zero (when there is an entry at all).
        if struct.unpack_from("<H", head, 4)[0] == 0 or head[9] == 0:
            return "ICO" if head[2] == 1 else "CUR"
    if len(head) >= 4 and head[0] == 0x0A and head[1] in (0, 2, 3, 4, 5) and head[2] in (0, 1) \
            and head[3] in (1, 2, 4, 8):
        return "PCX"
    if _PNM.match(head):
        return "PPM"
    return None


def pillow_reason(err: BaseException) -> str:
    """The decoder's own reason for ``err`` as one short line; "" when it says nothing a user can use."""
    if isinstance(err, _PARSER_SLIPS) or isinstance(err.__cause__, _PARSER_SLIPS):
        return ""  # ImageFile re-raises these as SyntaxError: "unpack requires a buffer of 4 bytes"
    text = " ".join(str(err).split())
    if not text or _NOT_MINE.fullmatch(text):
        return ""  # a signature we recognised already says more than "not a PNG file"
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1].rstrip() + "…"


def is_unsupported(reason: str) -> bool:
    """True when the decoder's reason says the file is a variant it does not implement, not damage."""
    lowered = reason.lower()
    return any(word in lowered for word in _UNSUPPORTED_WORDS)


def unsupported_message(kind: str, reason: str) -> str:
    return _("this kind of {kind} file is not supported ({reason}); save it again as JPEG or PNG").format(
        kind=kind, reason=reason)


def describe_unreadable(head: bytes, *, reason: str = "", claimed: str | None = None) -> str:
    """Why a file that no decoder opened is unusable, judged from its first bytes.

    ``reason``: the decoder's own words (see :func:`pillow_reason`); ``claimed``: the format the
    file's suffix names, trusted only for formats that have no magic number.
    """
    kind = image_kind(head)
    if kind is not None:
        return _describe_known(kind, reason)
    if head.startswith(b"%PDF"):
        return _("not an image (looks like a PDF document)")
    if head.startswith(b"PK\x03\x04"):
        return _("not an image (looks like a ZIP archive or an Office document)")
    text = _as_text(head)
    if text is None:
        if claimed in _NO_MAGIC_KINDS:
            return _describe_known(claimed, reason)
        return _("not an image Vitrina can read (unknown format)")
    lowered = text.lstrip().lower()
    if lowered.startswith("<!doctype html") or "<html" in lowered or lowered.startswith("<head"):
        # Typically a download that saved the site's error or login page under the photo's name.
        return _("not an image (looks like an HTML page)")
    if "<svg" in lowered:
        return _("SVG drawings are not supported (export it as PNG or JPEG)")
    return _("not an image (looks like a text file)")


def _describe_known(kind: str, reason: str) -> str:
    if not is_decodable(kind):
        return undecodable_message(kind)
    if reason and is_unsupported(reason):
        return unsupported_message(kind, reason)
    if reason:
        return _("damaged or truncated {kind} file (cannot be decoded: {reason})").format(
            kind=kind, reason=reason)
    return _("damaged or truncated {kind} file (cannot be decoded)").format(kind=kind)


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
