"""Which files are photos: the formats this installation decodes, and why any other file is not one."""

from __future__ import annotations

import os
from dataclasses import dataclass

from PIL import Image, features

from app.i18n import _

try:  # HEIC is optional: iPhone photos need it, nothing else does.
    import pillow_heif
except ImportError:  # pragma: no cover - depends on the install
    HEIF_AVAILABLE = False
else:
    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True


@dataclass(frozen=True)
class ImageKind:
    """A format as the user knows it (``name`` appears in messages) and what decoding it needs."""

    name: str
    suffixes: tuple[str, ...]
    plugin: str  # Pillow's format id whose opener reads it
    feature: str | None = None  # the Pillow module or codec the decoder is built on


# GIF, APNG: an animation's first frame is used (and the report says so). MPO: the JPEG plugin
# opens it; the first frame is the photo, the others a camera's previews or depth maps.
KINDS: tuple[ImageKind, ...] = (
    ImageKind("JPEG", (".jpg", ".jpeg", ".jpe", ".jfif"), "JPEG", "jpg"),
    ImageKind("MPO", (".mpo",), "JPEG", "jpg"),
    ImageKind("PNG", (".png",), "PNG", "zlib"),
    ImageKind("APNG", (".apng",), "PNG", "zlib"),
    ImageKind("WebP", (".webp",), "WEBP", "webp"),
    ImageKind("TIFF", (".tif", ".tiff"), "TIFF"),
    ImageKind("BMP", (".bmp",), "BMP"),
    ImageKind("DIB", (".dib",), "DIB"),
    ImageKind("GIF", (".gif",), "GIF"),
    ImageKind("HEIC", (".heic", ".heif", ".hif"), "HEIF"),
    ImageKind("AVIF", (".avif",), "AVIF", "avif"),
    ImageKind("JPEG 2000", (".jp2", ".j2k", ".j2c", ".jpc", ".jpx", ".jpf"), "JPEG2000", "jpg_2000"),
    ImageKind("TGA", (".tga",), "TGA"),
    ImageKind("PPM", (".ppm", ".pgm", ".pbm", ".pnm"), "PPM"),
    ImageKind("ICO", (".ico",), "ICO", "zlib"),  # large icon sizes are stored as PNG inside
    ImageKind("CUR", (".cur",), "CUR"),
    ImageKind("QOI", (".qoi",), "QOI"),
    ImageKind("PSD", (".psd",), "PSD"),
    ImageKind("PCX", (".pcx",), "PCX"),
)

# TIFF-based RAW files (DNG, NEF, ARW...) open in Pillow as their small embedded preview, so the
# suffix must decide before any decoder is tried.
RAW_SUFFIXES = frozenset({
    ".3fr", ".arw", ".cr2", ".cr3", ".crw", ".dcr", ".dng", ".erf", ".fff", ".iiq", ".kdc", ".mef",
    ".mos", ".mrw", ".nef", ".nrw", ".orf", ".pef", ".raf", ".raw", ".rw2", ".rwl", ".sr2", ".srf",
    ".srw", ".x3f",
})

# OS droppings that carry photo-like suffixes or sit in every photo folder.
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


def _has_feature(name: str | None) -> bool:
    if name is None:
        return True
    # features.check() warns about names an older Pillow does not know (AVIF before 11.2).
    if name in features.modules:
        return bool(features.check_module(name))
    if name in features.codecs:
        return bool(features.check_codec(name))
    return False


def _decodable(kind: ImageKind) -> bool:
    Image.init()  # registers every plugin, so OPEN is complete (Image.open would do it anyway)
    return kind.plugin in Image.OPEN and _has_feature(kind.feature)


_AVAILABLE = {kind.name: _decodable(kind) for kind in KINDS}
AVIF_AVAILABLE: bool = _AVAILABLE["AVIF"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    suffix for kind in KINDS if _AVAILABLE[kind.name] for suffix in kind.suffixes
)

# Image.open tries only these: a file named .jpg that holds, say, an EPS must not start Ghostscript.
# DIB and TGA have no magic number (their openers try any file), so they come last.
_NO_MAGIC = ("DIB", "TGA")
OPEN_PLUGINS: tuple[str, ...] = tuple(sorted(
    dict.fromkeys(kind.plugin for kind in KINDS if _AVAILABLE[kind.name]), key=lambda p: p in _NO_MAGIC))

_KIND_OF_SUFFIX = {suffix: kind for kind in KINDS for suffix in kind.suffixes}
_DISPLAY_NAMES = {"JPEG2000": "JPEG 2000", "WEBP": "WebP", "HEIF": "HEIC"}


def is_decodable(kind_name: str) -> bool:
    """True when this installation decodes the format named ``kind_name`` (an :class:`ImageKind` name)."""
    return _AVAILABLE.get(kind_name, False)


def kind_for_suffix(path: str | os.PathLike[str]) -> ImageKind | None:
    """The image format a file name's suffix claims, decodable here or not."""
    return _KIND_OF_SUFFIX.get(os.path.splitext(os.fspath(path))[1].lower())


def display_name(pillow_format: str | None) -> str | None:
    """Pillow's format id as messages name it ("JPEG2000" -> "JPEG 2000")."""
    if pillow_format is None:
        return None
    return _DISPLAY_NAMES.get(pillow_format, pillow_format)


def is_ignored_name(name: str) -> bool:
    """True for hidden files and OS droppings: neither photos nor worth a line in the report."""
    # A leading dot covers hidden files, .DS_Store and macOS AppleDouble twins ("._IMG_1.jpg"),
    # which carry a photo suffix but hold only resource-fork metadata.
    return not name or name.startswith(".") or name.lower() in _IGNORED_NAMES


def is_photo_name(path: str | os.PathLike[str]) -> bool:
    """True for a visible file whose suffix is a supported photo format (the name alone decides)."""
    name = os.path.basename(os.fspath(path))
    if is_ignored_name(name):
        return False
    return os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES


def undecodable_message(kind_name: str) -> str:
    """Why a file in a format this installation lacks the decoder for is not used."""
    if kind_name == "HEIC":
        return _("HEIC photo, but HEIC support is not installed (pillow-heif)")
    return _("{kind} image, but this installation cannot decode it").format(kind=kind_name)


def raw_message(path: str | os.PathLike[str]) -> str | None:
    """The message for a camera RAW file, judged by its suffix; None for any other file."""
    suffix = os.path.splitext(os.fspath(path))[1]
    if suffix.lower() not in RAW_SUFFIXES:
        return None
    return _("camera RAW file ({suffix}): export it as JPEG or TIFF from your raw converter").format(
        suffix=suffix.upper())


def not_a_photo_reason(path: str | os.PathLike[str]) -> str:
    """Why a visible file whose name :func:`is_photo_name` refuses is not taken as a photo."""
    if raw := raw_message(path):
        return raw
    kind = kind_for_suffix(path)
    if kind is not None and not is_decodable(kind.name):
        return undecodable_message(kind.name)
    return _("not a photo format")
