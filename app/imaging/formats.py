"""Which files are photos: supported suffixes, optional HEIC/AVIF decoders, names to skip."""

from __future__ import annotations

import os

from PIL import features

try:  # HEIC is optional: iPhone photos need it, nothing else does.
    import pillow_heif
except ImportError:  # pragma: no cover - depends on the install
    HEIF_AVAILABLE = False
else:
    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True

AVIF_AVAILABLE: bool = bool(features.check("avif"))

# GIF: an animation's first frame is used (and the report says so), like animated WebP/PNG.
_BASE_SUFFIXES = (".jpg", ".jpeg", ".jfif", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif")

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    _BASE_SUFFIXES + ((".heic", ".heif") if HEIF_AVAILABLE else ()) + ((".avif",) if AVIF_AVAILABLE else ())
)

# OS droppings that carry photo-like suffixes or sit in every photo folder.
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


def is_photo_name(path: str | os.PathLike[str]) -> bool:
    """True for a visible file whose suffix is a supported photo format (the name alone decides)."""
    name = os.path.basename(os.fspath(path))
    # A leading dot covers hidden files, .DS_Store and macOS AppleDouble twins ("._IMG_1.jpg"),
    # which carry a photo suffix but hold only resource-fork metadata.
    if not name or name.startswith(".") or name.lower() in _IGNORED_NAMES:
        return False
    return os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES
