"""Write one product's card bundle: final images, cut-outs, masks, card.json — all or nothing.

A bundle is built in a temp folder beside its place, every file in it and the folder itself are
fsynced, and only then is it renamed into place (and the output folder fsynced): after a crash or
a power cut the bundle is there whole, or not at all. Its files and folder get the umask's
permissions (0644/0755 under umask 022), like any tool's output: others open what is handed over.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app import atomic
from app.errors import ExportError
from app.i18n import _
from app.imaging import save_image
from app.processes import pid_alive

# Temp folders carry the writer's pid, so a clean-up never removes another live run's work.
PARTIAL_PREFIX, OLD_PREFIX = ".partial-", ".old-"


@dataclass
class BundlePhoto:
    source: str  # path relative to the input folder
    image: np.ndarray  # final image: RGB, or RGBA when the background is transparent
    cutout: np.ndarray  # RGBA at source resolution
    mask: np.ndarray  # uint8 alpha at source resolution
    notes: list[str] = field(default_factory=list)
    object_box: tuple[int, int, int, int] | None = None  # where the product landed in ``image``
    source_hash: str = ""  # the source file's content hash: a later run sees the photo was replaced
    look: str = ""  # the studio's digest of what the images depend on (app/studio/look.py)


@dataclass
class Bundle:
    name: str  # the folder name (already safe and unique)
    product_key: str
    photos: list[BundlePhoto]
    card: dict[str, Any]  # what card.json holds besides the file list
    card_text: str = ""  # human-readable card.txt; empty = no file


def _names(count: int, index: int, stem: str) -> str:
    return stem if count == 1 else f"{stem}-{index:02d}"


def _write_files(folder: Path, bundle: Bundle) -> list[dict[str, Any]]:
    # ``direct``: straight into the temp folder, which is fsynced and renamed whole (see _sync).
    files = []
    count = len(bundle.photos)
    for i, photo in enumerate(bundle.photos, start=1):
        transparent = photo.image.ndim == 3 and photo.image.shape[2] == 4
        image_name = f"{i:02d}.png" if transparent else f"{i:02d}.jpg"
        save_image(folder / image_name, photo.image, quality=95, direct=True)
        cutout_name = _names(count, i, "cutout") + ".png"
        # Working files for the seller, not uploads: the fast encoder (a few % larger than
        # Pillow's level 1, several times faster; at level 6 they cost more than the compose).
        save_image(folder / cutout_name, photo.cutout, png_fast=True, direct=True)
        mask_name = _names(count, i, "mask") + ".png"
        save_image(folder / mask_name, photo.mask, png_fast=True, direct=True)
        entry = {"source": photo.source, "image": image_name, "cutout": cutout_name, "mask": mask_name,
                 "notes": list(photo.notes)}
        if photo.source_hash:
            entry["source_hash"] = photo.source_hash
        if photo.look:
            entry["look"] = photo.look
        files.append(entry)
    return files


# Looks at the written files before the bundle is moved into place (may rewrite them and update
# the file list); returns extra files to add, e.g. {"compliance.json": {...}}.
Inspector = Callable[[Path, list[dict[str, Any]]], dict[str, Any]]


def write_bundle(output: Path, bundle: Bundle, *, overwrite: bool = False,
                 inspect: Inspector | None = None) -> Path:
    """Write ``output/bundle.name`` atomically: built in a temp folder, then renamed into place.

    An existing bundle is replaced only with ``overwrite``; a failure leaves no partial folder
    and the old bundle (if any) untouched.
    """
    final = output / bundle.name
    if final.exists() and not overwrite:
        raise ExportError(_("{path} already exists (use --overwrite to replace it)").format(path=final))
    try:
        output.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{os.getpid()}-", dir=output))
    except OSError as exc:
        raise ExportError(_output_error(output, exc)) from exc
    atomic.chmod_like_new_dir(tmp)  # mkdtemp's 0700 would become the bundle's mode
    try:
        files = _write_files(tmp, bundle)
        extra = inspect(tmp, files) if inspect is not None else {}
        for name, content in extra.items():
            (tmp / name).write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", "utf-8")
        card = {**bundle.card, "files": files}
        (tmp / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if bundle.card_text:
            (tmp / "card.txt").write_text(bundle.card_text, encoding="utf-8")
        atomic.sync_folder(tmp)
        atomic.replace_folder(tmp, final, f"{OLD_PREFIX}{final.name}-{os.getpid()}")
    except OSError as exc:
        why = exc.strerror or exc
        raise ExportError(_("Cannot write bundle {name}: {why}").format(name=final.name, why=why)) from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def check_writable(output: Path) -> None:
    """Fail before any work when the output folder cannot take files (read-only, missing rights)."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output, prefix=".probe-"):
            pass
    except OSError as exc:
        raise ExportError(_output_error(output, exc)) from exc


def _output_error(output: Path, exc: OSError) -> str:
    why = exc.strerror or exc
    return _("Cannot write to the output folder {folder}: {why}").format(folder=output, why=why)


def _writer_alive(pid_text: str) -> bool:
    return pid_text.isdigit() and pid_alive(int(pid_text))


def clean_partials(output: Path) -> None:
    """Remove temp folders a killed run left behind (they never hold a finished bundle); those of
    a run still writing into the same folder (another input folder, same output) are left alone."""
    if not output.is_dir():
        return
    for entry in output.iterdir():
        if not entry.is_dir():
            continue
        if entry.name.startswith(PARTIAL_PREFIX):
            pid, _, rest = entry.name[len(PARTIAL_PREFIX):].partition("-")
            if not (rest and _writer_alive(pid)):
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(OLD_PREFIX):
            # Killed mid-swap: the previous bundle is here; put it back if nothing replaced it.
            # (A live run holds this name only between two renames, so its pid is not checked.)
            original = output / entry.name[len(OLD_PREFIX):].rsplit("-", 1)[0]
            if original.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.rename(entry, original)
