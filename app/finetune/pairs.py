"""The photographer's corrections as training pairs: (photo, corrected mask), each with its product.

Two sources: the masks edited with the brush in project folders (``.vitrina/masks``), and extra
folders in the DIS layout (``im/NAME.jpg|png`` + ``gt/NAME.png``) — what ``vitrina corrections
export`` writes and what BiRefNet's own training reads. A pair that cannot teach anything is a
``BadPair`` with its reason, said one by one; the rest go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from app import imaging
from app.errors import StateError, VitrinaError
from app.i18n import _
from app.imaging.formats import is_photo_name

EMPTY_BELOW = 128  # a mask with no pixel at least half opaque holds no product
# ``vitrina corrections export`` names a pair PRODUCT--PHOTO, so a DIS folder keeps the products apart.
PRODUCT_SEPARATOR = "--"


@dataclass(frozen=True)
class Pair:
    """One usable correction. ``product`` keeps two shots of one product on the same side of the
    train/validation split; ``label`` is how the user knows the photo (``folder/rel``)."""

    photo: Path
    mask: Path
    product: str
    label: str


@dataclass(frozen=True)
class BadPair:
    label: str
    reason: str


@dataclass
class Collected:
    pairs: list[Pair]
    bad: list[BadPair]

    @property
    def products(self) -> int:
        return len({pair.product for pair in self.pairs})


def collect(projects: Iterable[Path] = (), dis_folders: Iterable[Path] = ()) -> Collected:
    """Every pair from the project folders' edited masks and the DIS folders, checked one by one."""
    found = Collected([], [])
    for folder in projects:
        _merge(found, from_project(Path(folder)))
    for folder in dis_folders:
        _merge(found, from_dis(Path(folder)))
    return found


def _merge(into: Collected, more: Collected) -> None:
    into.pairs += more.pairs
    into.bad += more.bad


def from_project(root: Path) -> Collected:
    """The photos of a project whose masks the user edited, checked against the model's own mask."""
    from app.project import Project

    try:
        project = Project(root)
    except VitrinaError as exc:
        return Collected([], [BadPair(str(root), str(exc))])
    product_of = {rel: product.key for product in project.products for rel in product.photos}
    found = Collected([], [])
    with project.lock:
        edited = sorted(rel for rel, state in project.state.photos.items() if state.mask_source == "edited")
    for rel in edited:
        label = f"{project.root.name}/{rel}"
        reason = _check_project_photo(project, rel, product_of)
        if reason:
            found.bad.append(BadPair(label, reason))
        else:
            found.pairs.append(Pair(project.photo_path(rel), project.mask_path(rel),
                                    product_id(project.root, product_of[rel]), label))
    return found


def _check_project_photo(project, rel: str, product_of: dict[str, str]) -> str:  # noqa: ANN001
    path = project.photo_path(rel)
    if rel not in product_of or not path.is_file():
        return _("the photo is no longer in the folder")
    mask = project.load_mask(rel)
    if mask is None:
        return _("its mask file is missing or unreadable")
    try:
        if imaging.content_hash(path) != project.photo(rel).content_hash:
            return _("the photo changed after its mask was corrected")
        reason = _check_sizes(path, mask)
    except (VitrinaError, OSError) as exc:
        return _("the photo cannot be read: {error}").format(error=exc)
    if reason:
        return reason
    made = project.load_model_mask(rel)
    if made is not None and np.array_equal(made, mask):
        return _("the mask is the model's own (nothing was corrected)")
    return ""


def from_dis(folder: Path) -> Collected:
    """Pairs from ``folder/im`` and ``folder/gt`` matched by file stem."""
    found = Collected([], [])
    im, gt = folder / "im", folder / "gt"
    if not im.is_dir() or not gt.is_dir():
        found.bad.append(BadPair(str(folder), _(
            "not a training folder: it needs an im/ folder of photos and a gt/ folder of masks")))
        return found
    photos = {p.stem: p for p in sorted(im.iterdir()) if p.is_file() and is_photo_name(p.name)}
    masks = {p.stem: p for p in sorted(gt.iterdir()) if p.is_file() and p.suffix.lower() == ".png"}
    for stem in sorted(set(photos) | set(masks)):
        label = f"{folder.name}/{stem}"
        if stem not in photos:
            found.bad.append(BadPair(label, _("the mask has no photo of the same name in im/")))
            continue
        if stem not in masks:
            found.bad.append(BadPair(label, _("the photo has no mask of the same name in gt/")))
            continue
        reason = _check_dis_pair(photos[stem], masks[stem])
        if reason:
            found.bad.append(BadPair(label, reason))
        else:
            product = stem.split(PRODUCT_SEPARATOR, 1)[0] if PRODUCT_SEPARATOR in stem else stem
            found.pairs.append(Pair(photos[stem], masks[stem], product_id(folder, product), label))
    return found


def _check_dis_pair(photo: Path, mask_path: Path) -> str:
    try:
        mask = read_mask(mask_path)
    except StateError as exc:
        return str(exc)
    try:
        return _check_sizes(photo, mask)
    except (VitrinaError, OSError) as exc:
        return _("the photo cannot be read: {error}").format(error=exc)


def _check_sizes(photo: Path, mask: np.ndarray) -> str:
    width, height = imaging.read_size(photo)
    if mask.shape != (height, width):
        return _("the mask is {mask_w}x{mask_h}, the photo {width}x{height}").format(
            mask_w=mask.shape[1], mask_h=mask.shape[0], width=width, height=height)
    if int(mask.max()) < EMPTY_BELOW:
        return _("the mask is empty (no product marked)")
    return ""


def read_mask(path: Path) -> np.ndarray:
    """A mask file as 8-bit grey; ``StateError`` with the reason when it cannot be read."""
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("L"))
    except (OSError, ValueError) as exc:
        raise StateError(_("the mask cannot be read: {error}").format(error=exc)) from exc


def product_id(folder: Path, key: str) -> str:
    """A product across sources: its folder's *name* and its key, not the full path, so the split
    (app/finetune/split.py) stays the same when the folder is opened from another mount point."""
    return f"{folder.resolve().name}::{key}"


def safe_name(text: str) -> str:
    """A file-name-safe rendering of a product key or photo path (letters of any script kept)."""
    cleaned = re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._")
    return cleaned.replace(PRODUCT_SEPARATOR, "-") or "photo"
