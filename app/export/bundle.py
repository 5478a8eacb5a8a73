"""Write one product's card bundle: final images, cut-outs, masks, card.json — all or nothing."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.errors import ExportError
from app.imaging import save_image


@dataclass
class BundlePhoto:
    source: str  # path relative to the input folder
    image: np.ndarray  # final image: RGB, or RGBA when the background is transparent
    cutout: np.ndarray  # RGBA at source resolution
    mask: np.ndarray  # uint8 alpha at source resolution
    notes: list[str] = field(default_factory=list)


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
    files = []
    count = len(bundle.photos)
    for i, photo in enumerate(bundle.photos, start=1):
        transparent = photo.image.ndim == 3 and photo.image.shape[2] == 4
        image_name = f"{i:02d}.png" if transparent else f"{i:02d}.jpg"
        save_image(folder / image_name, photo.image, quality=95)
        cutout_name = _names(count, i, "cutout") + ".png"
        save_image(folder / cutout_name, photo.cutout)
        mask_name = _names(count, i, "mask") + ".png"
        save_image(folder / mask_name, photo.mask)
        files.append(
            {"source": photo.source, "image": image_name, "cutout": cutout_name, "mask": mask_name,
             "notes": list(photo.notes)}
        )
    return files


def write_bundle(output: Path, bundle: Bundle, *, overwrite: bool = False) -> Path:
    """Write ``output/bundle.name`` atomically: built in a temp folder, then renamed into place.

    An existing bundle is replaced only with ``overwrite``; a failure leaves no partial folder
    and the old bundle (if any) untouched.
    """
    final = output / bundle.name
    if final.exists() and not overwrite:
        raise ExportError(f"{final} already exists (use --overwrite to replace it)")
    try:
        output.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=output))
    except OSError as exc:
        raise ExportError(f"Cannot write to the output folder {output}: {exc.strerror or exc}") from exc
    try:
        files = _write_files(tmp, bundle)
        card = {**bundle.card, "files": files}
        (tmp / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if bundle.card_text:
            (tmp / "card.txt").write_text(bundle.card_text, encoding="utf-8")
        _swap_into_place(tmp, final)
    except OSError as exc:
        raise ExportError(f"Cannot write bundle {final.name}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _swap_into_place(tmp: Path, final: Path) -> None:
    if not final.exists():
        os.rename(tmp, final)
        return
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        os.rename(old, final)  # put the previous bundle back
        raise
    with contextlib.suppress(OSError):
        shutil.rmtree(old)


def clean_partials(output: Path) -> None:
    """Remove temp folders a killed run left behind (they never hold a finished bundle)."""
    if not output.is_dir():
        return
    for entry in output.iterdir():
        if not entry.is_dir():
            continue
        if entry.name.startswith(".partial-"):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(".old-"):
            # Killed mid-swap: the previous bundle is here; put it back if nothing replaced it.
            original = output / entry.name[len(".old-"):].rsplit("-", 1)[0]
            if original.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.rename(entry, original)
