"""Scan a folder into products: a subfolder with photos is one product, a loose photo is another.

Every other visible entry is accounted for in ``skipped`` with the reason, so that no file of the
folder silently goes missing from the report.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from app.i18n import _
from app.imaging.formats import is_ignored_name, is_photo_name, not_a_photo_reason

STATE_DIR_NAME = ".vitrina"


@dataclass(frozen=True)
class Product:
    """``key`` is the product's path relative to the root (posix), stable across runs."""

    key: str
    name: str
    photos: tuple[str, ...]  # paths relative to the root, posix, sorted by name


@dataclass
class ScanResult:
    products: list[Product] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why)

    @property
    def photo_count(self) -> int:
        return sum(len(p.photos) for p in self.products)


def _sort_key(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def _broken_link(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _("link loop: the link leads back to itself")
    return _("broken link: the file it points to is missing")


def _why_not_a_photo(entry: os.DirEntry[str]) -> str:
    """"" for a photo; else why the entry (not a folder) is skipped. May raise OSError."""
    if entry.is_symlink() and not os.path.exists(entry.path):
        return _broken_link(entry.path)
    if entry.is_symlink() and os.path.isdir(entry.path):
        return _("linked folder not followed (could loop)")
    if not entry.is_file():
        # Opening a named pipe would block the run forever; devices are no photos either.
        return _("not a regular file (a pipe, socket or device)")
    if not is_photo_name(entry.name):
        return not_a_photo_reason(entry.name)
    return ""


def scan_folder(root: Path, *, exclude: tuple[Path, ...] = ()) -> ScanResult:
    """Walk ``root`` (not following symlinked folders, so loops cannot hang us).

    Each folder below the root that directly holds photos becomes one product; photos lying in
    the root itself are one product each.
    """
    root = Path(root)
    excluded = {p.resolve() for p in exclude}
    result = ScanResult()

    def walk(folder: Path, rel: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: _sort_key(e.name))
        except OSError as exc:
            why = _("folder cannot be read: {why}").format(why=exc.strerror or exc)
            result.skipped.append((rel or ".", why))
            return
        photos: list[str] = []
        subfolders: list[os.DirEntry[str]] = []
        for entry in entries:
            if is_ignored_name(entry.name) or entry.name == STATE_DIR_NAME:
                continue
            entry_rel = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if Path(entry.path).resolve() not in excluded:
                        subfolders.append(entry)
                    continue
                why = _why_not_a_photo(entry)
            except OSError as exc:
                why = _("cannot be read: {why}").format(why=exc.strerror or exc)
            if why:
                result.skipped.append((entry_rel, why))
            else:
                photos.append(entry_rel)
        if rel and photos:
            result.products.append(Product(key=rel, name=Path(rel).name, photos=tuple(photos)))
        elif not rel:
            for photo in photos:
                result.products.append(Product(key=photo, name=Path(photo).stem, photos=(photo,)))
        for sub in subfolders:
            walk(Path(sub.path), f"{rel}/{sub.name}" if rel else sub.name)

    walk(root, "")
    result.products.sort(key=lambda p: _sort_key(p.key))
    return result
