"""Gallery thumbnails, cached on disk in the project's state folder so a reopened folder is instant.

Two kinds: the original photo, and — once a photo has a mask — its result as the preview composes
it (cut-out, background, canvas, hand placement). A result's cache name covers everything the
picture depends on, so any change of choice simply names a new file and the old one is never shown.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np
from PIL import Image

from app import imaging
from app.errors import ExportError
from app.project import Project
from app.studio.choices import background_for, canvas_for, card_of
from app.studio.items import product_of
from app.studio.preview import render_preview

THUMB_SIDE = 160
_QUALITY = 85
# The result is composed at tile size. Measured (a 2 MP photo on the 3:4 canvas, cold): 46 ms at 1×,
# 79 ms composing at 2× and shrinking, with no difference to see at 160 px; the full-size decode is
# most of either. A warm tile is a JPEG read (< 1 ms).
_RESULT_OVERSAMPLE = 1
_RESULT_VERSION = 1  # bump when the drawing of result tiles changes: old cache files are then unused
_CHECK = 8  # checker cell (px) behind a transparent result, as the preview's checks
_CHECK_LIGHT, _CHECK_DARK = 255, 204


def thumbnail_path(project: Project, rel: str, side: int = THUMB_SIDE) -> str:
    """The cache file for the photo as it is now: a changed file (mtime or size) gets a new name."""
    st = project.photo_path(rel).stat()
    key = f"{rel}\0{st.st_mtime_ns}\0{st.st_size}\0{side}"
    return str(project.state_dir / "thumbs" / f"{hashlib.sha1(key.encode('utf-8')).hexdigest()}.jpg")


def cached_thumbnail(project: Project, rel: str, side: int = THUMB_SIDE) -> np.ndarray:
    """RGB uint8, longer side ≤ ``side``. Raises VitrinaError/OSError when the photo is unreadable."""
    path = thumbnail_path(project, rel, side)
    cached = _read_cached(path)
    if cached is not None:
        return cached
    small = imaging.thumbnail(imaging.load_photo(project.photo_path(rel), at_least=side).rgb, side)
    _write_cached(path, small)
    return small


def has_result(project: Project, rel: str) -> bool:
    """The photo has a mask, so its tile can show the result (looks only: adds no state entry)."""
    state = project.state.photos.get(rel)
    return state is not None and bool(state.mask_source)


def result_thumbnail_path(project: Project, rel: str, side: int = THUMB_SIDE) -> str | None:
    """The cache file for the photo's result as chosen now; None when it has no mask yet."""
    state = project.state.photos.get(rel)
    if state is None or not state.mask_source:
        return None
    photo = project.photo_path(rel).stat()
    try:
        mask = project.mask_path(rel).stat()
        mask_stamp = (mask.st_mtime_ns, mask.st_size)
    except OSError:
        return None  # a mask in the state but not on disk: no result to show
    key = product_of(project, rel).key
    canvas = canvas_for(project, key)
    card = card_of(project, key)
    parts = {
        "v": _RESULT_VERSION, "rel": rel, "side": side,
        "photo": [photo.st_mtime_ns, photo.st_size], "mask": list(mask_stamp),
        "background": background_for(project, rel).to_json(),
        "canvas": dataclasses.asdict(canvas) if canvas is not None else None,
        "placement": state.placement,
        # render_preview lays the product out by the card's shape hint, as the export does.
        "shape": card.provenance.get("shape") if card is not None else None,
    }
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return str(project.state_dir / "thumbs" / f"r-{digest}.jpg")


def cached_result_thumbnail(project: Project, rel: str, side: int = THUMB_SIDE) -> np.ndarray | None:
    """The result as the preview composes it, RGB uint8, longer side ≤ ``side``; transparency is drawn
    on checks. None when the photo has no mask yet (or its mask does not fit the photo). Raises
    VitrinaError/OSError when the photo is unreadable."""
    path = result_thumbnail_path(project, rel, side)
    if path is None:
        return None
    cached = _read_cached(path)
    if cached is not None:
        return cached
    result = render_preview(project, rel, max_side=side * _RESULT_OVERSAMPLE).result
    if result is None:
        return None
    small = imaging.thumbnail(result, side)
    if small.ndim == 3 and small.shape[2] == 4:
        small = on_checks(small)
    _write_cached(path, small)
    return small


def prune_thumbnails(project: Project, *, breather: float = 0.0) -> int:
    """Delete cached tiles that no photo of the folder shows any more; how many were deleted.

    Every change of a choice names a new result tile and leaves the old one behind, and photos
    leave the folder: without this a studio day of 5,000 photos and a few rounds of changes leaves
    tens of thousands of dead files in the state folder. Safe beside the gallery's tile workers:
    a tile they write now is one the photo shows now, so it is kept. ``breather``: seconds to
    sleep every 100 photos, so a prune beside the UI thread leaves it the interpreter.
    """
    folder = project.state_dir / "thumbs"
    try:
        cached = {entry.name for entry in os.scandir(folder) if entry.name.endswith(".jpg")}
    except OSError:
        return 0  # no cache yet
    wanted: set[str] = set()
    for count, rel in enumerate(rel for product in project.scan.products for rel in product.photos):
        if breather and count % 100 == 99:
            time.sleep(breather)
        with project.lock:  # the UI may change the photo's choices meanwhile
            wanted.update(os.path.basename(path) for path in _current_paths(project, rel))
    deleted = 0
    for name in cached - wanted:
        try:
            os.remove(folder / name)
            deleted += 1
        except OSError:
            pass  # held open on Windows, or gone already: the next prune tries again
    return deleted


def _current_paths(project: Project, rel: str) -> list[str]:
    try:
        paths = [thumbnail_path(project, rel)]
        result = result_thumbnail_path(project, rel)
    except OSError:
        return []  # the photo is gone from the disk: its tiles go too
    return paths if result is None else [*paths, result]


def on_checks(rgba: np.ndarray, cell: int = _CHECK) -> np.ndarray:
    """RGBA flattened onto light grey checks, so a transparent result is visible as such."""
    h, w = rgba.shape[:2]
    ys, xs = np.indices((h, w))
    checks = np.where(((ys // cell) + (xs // cell)) % 2 == 0, _CHECK_LIGHT, _CHECK_DARK).astype(np.float32)
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    flat = rgba[..., :3].astype(np.float32) * alpha + checks[..., None] * (1.0 - alpha)
    return np.clip(flat + 0.5, 0, 255).astype(np.uint8)


def _read_cached(path: str) -> np.ndarray | None:
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"))
    except (OSError, ValueError):
        return None  # not cached yet (or a torn file from a crash): make it again


def _write_cached(path: str, image: np.ndarray) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        imaging.save_image(path, image, quality=_QUALITY)
    except (ExportError, OSError):
        pass  # a read-only state folder only costs speed next time
