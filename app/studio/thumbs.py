"""Gallery thumbnails, cached on disk in the project's state folder so a reopened folder is instant."""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from app import imaging
from app.errors import ExportError
from app.project import Project

THUMB_SIDE = 160
_QUALITY = 85


def thumbnail_path(project: Project, rel: str, side: int = THUMB_SIDE) -> str:
    """The cache file for the photo as it is now: a changed file (mtime or size) gets a new name."""
    st = project.photo_path(rel).stat()
    key = f"{rel}\0{st.st_mtime_ns}\0{st.st_size}\0{side}"
    return str(project.state_dir / "thumbs" / f"{hashlib.sha1(key.encode('utf-8')).hexdigest()}.jpg")


def cached_thumbnail(project: Project, rel: str, side: int = THUMB_SIDE) -> np.ndarray:
    """RGB uint8, longer side ≤ ``side``. Raises VitrinaError/OSError when the photo is unreadable."""
    path = thumbnail_path(project, rel, side)
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"))
    except (OSError, ValueError):
        pass  # not cached yet (or a torn file from a crash): make it again
    small = imaging.thumbnail(imaging.load_photo(project.photo_path(rel), at_least=side).rgb, side)
    try:
        imaging.save_image(path, small, quality=_QUALITY)
    except ExportError:
        pass  # a read-only state folder only costs speed next time
    return small
