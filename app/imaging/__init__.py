"""Photos in and out: safe loading (any common format to upright 8-bit sRGB), saving, thumbnails.

The lower layer of the core: knows nothing of projects or pipelines.
"""

from app.imaging.files import content_hash, file_key
from app.imaging.formats import HEIF_AVAILABLE, SUPPORTED_SUFFIXES, is_photo_name
from app.imaging.load import (
    DEFAULT_MAX_MEGAPIXELS,
    MAX_MEGAPIXELS_ENV,
    Photo,
    load_photo,
    max_pixels_limit,
    read_size,
)
from app.imaging.resize import thumbnail
from app.imaging.save import ImageFormat, save_image

__all__ = [
    "DEFAULT_MAX_MEGAPIXELS",
    "HEIF_AVAILABLE",
    "MAX_MEGAPIXELS_ENV",
    "SUPPORTED_SUFFIXES",
    "ImageFormat",
    "Photo",
    "content_hash",
    "file_key",
    "is_photo_name",
    "load_photo",
    "max_pixels_limit",
    "read_size",
    "save_image",
    "thumbnail",
]
