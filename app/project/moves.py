"""Photos renamed or moved inside the folder keep what was made and chosen for them.

State is keyed by a photo's path, so renaming ``IMG_1.jpg`` to ``кружка.jpg`` (or moving a product
folder) would otherwise drop its brush work, background and card text and start it over. A photo
that left its old path is matched to a new one by the file's content hash, but only when the match
is unambiguous: one old path and one new path with that hash. Copies stay new photos.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

from app.errors import BadPhotoError
from app.i18n import _
from app.imaging.files import content_hash
from app.project.scan import Product
from app.project.state import ProductState, ProjectState


def _mask_file(state_dir: Path, rel: str, suffix: str) -> Path:
    # The same naming as Project.mask_path (kept here so this module needs no Project).
    return state_dir / "masks" / f"{hashlib.sha1(rel.encode('utf-8')).hexdigest()}{suffix}"


def _hashes(root: Path, rels: list[str]) -> dict[str, list[str]]:
    by_hash: dict[str, list[str]] = defaultdict(list)
    for rel in rels:
        try:
            by_hash[content_hash(root / rel)].append(rel)
        except BadPhotoError:
            continue  # unreadable: the run will say why; it cannot be matched anyway
    return by_hash


def _move_masks(state_dir: Path, old: str, new: str) -> None:
    for suffix in (".png", ".model.png"):
        source = _mask_file(state_dir, old, suffix)
        if source.exists():
            os.replace(source, _mask_file(state_dir, new, suffix))


def follow_moves(state: ProjectState, products: list[Product], root: Path, state_dir: Path,
                 arrived: Collection[str] | None = None) -> list[str]:
    """Move the state of photos (and products) whose files moved; returns what was done, for the user.

    ``arrived``: the only photos that may be a moved one (the watch's newcomers), so a rescan
    never hashes the folder's other unprocessed photos again; None: any photo without state."""
    scanned = {rel for p in products for rel in p.photos}
    gone: dict[str, list[str]] = defaultdict(list)
    for rel, photo in state.photos.items():
        if rel not in scanned and photo.content_hash:
            gone[photo.content_hash].append(rel)
    new = [rel for rel in (scanned if arrived is None else scanned & set(arrived)) if rel not in state.photos]
    if not gone or not new:
        return []  # the usual case: nothing to hash, no cost for a 5,000-photo folder
    moved: dict[str, str] = {}
    for digest, arrived in _hashes(root, sorted(new)).items():
        left = gone.get(digest, [])
        if len(left) == 1 and len(arrived) == 1:
            moved[left[0]] = arrived[0]
    for old, rel in moved.items():
        try:
            _move_masks(state_dir, old, rel)
        except OSError:
            continue  # the mask stays with the old path; the photo is segmented again
        state.photos[rel] = state.photos.pop(old)
    _move_products(state, products, moved)
    said = _("{old} was renamed or moved to {new}: its mask and choices went with it")
    return [said.format(old=old, new=rel) for old, rel in sorted(moved.items())]


def _move_products(state: ProjectState, products: list[Product], moved: dict[str, str]) -> None:
    """A product whose photos all arrived in one new product (a renamed folder, a renamed loose
    photo) hands it its choices, card text and bundle folder."""
    keys = {p.key for p in products}
    owner = {rel: p.key for p in products for rel in p.photos}
    came_from: dict[str, set[str]] = defaultdict(set)  # old product key -> new product keys
    for old_rel, rel in moved.items():
        came_from[_old_product(old_rel)].add(owner[rel])
    for old_key, new_keys in came_from.items():
        if old_key in keys or old_key not in state.products or len(new_keys) != 1:
            continue
        (new_key,) = new_keys
        if new_key in state.products and state.products[new_key] != ProductState():
            continue  # the new product already has choices of its own: they win
        product = state.products.pop(old_key)
        product.former_keys = [*product.former_keys, old_key]
        state.products[new_key] = product


def _old_product(old_rel: str) -> str:
    """The product key a photo had at its old path: its folder, or itself when it lay in the root."""
    folder = old_rel.rpartition("/")[0]
    return folder if folder else old_rel

