"""Which bundle folder belongs to which product: chosen once, kept in the project state for life.

Deriving names from the scan order each run (``hopper``, ``hopper (2)`` …) swaps bundles between
products as soon as a file is added to the folder, so a seller uploads product B's photo as A.
Here a name is chosen the first time a product is seen and stored with it; a bundle on disk only
counts as this product's when its card.json names the product.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import imaging
from app.errors import VitrinaError
from app.i18n import _
from app.naming import safe_name, unique_name
from app.pipeline import report
from app.project import FAILED, Product, Project


def read_card(folder: Path) -> dict[str, Any] | None:
    """A bundle's card.json, or None when the folder holds no readable one."""
    try:
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None


def _owners(output: Path) -> dict[str, str]:
    """product key → bundle folder, for every bundle in ``output`` that says whose it is."""
    owners: dict[str, str] = {}
    try:
        entries = list(os.scandir(output))
    except OSError:
        return owners
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        card = read_card(Path(entry.path))
        source = card.get("source") if card else None
        if isinstance(source, str):
            owners.setdefault(source, entry.name)
    return owners


def assign_bundle_names(project: Project, output: Path | None = None) -> dict[str, str]:
    """Every scanned product's bundle folder name, choosing (and storing) one for new products.

    A stored name is never given to another product, even once its product has left the folder
    (it may come back). A product without one first adopts a bundle in ``output`` whose card.json
    names it — made by a version that did not store names, or before the state was lost.
    """
    with project.lock:
        taken: set[str] = set()
        folded: set[str] = set()
        for state in project.state.products.values():
            if state.bundle and state.bundle.casefold() not in folded:
                taken.add(state.bundle)
                folded.add(state.bundle.casefold())
            elif state.bundle:
                state.bundle = ""  # a hand-edited state gave two products one folder: pick anew
        unnamed = [p for p in project.products if not project.product(p.key).bundle]
        if unnamed:
            owners = _owners(output) if output is not None else {}
            # Adoptions first, so a new product never takes a folder that an old one will claim.
            for product in unnamed:
                adopted = owners.get(product.key)
                if adopted is not None and adopted.casefold() not in folded:
                    project.product(product.key).bundle = adopted
                    taken.add(adopted)
                    folded.add(adopted.casefold())
            occupied = taken | set(owners.values())  # a fresh name avoids others' bundles too
            for product in unnamed:
                state = project.product(product.key)
                if not state.bundle:
                    state.bundle = unique_name(safe_name(product.name), occupied)
                    occupied.add(state.bundle)
            project.mark_dirty()
        names = {p.key: project.product(p.key).bundle for p in project.products}
        return names


@dataclass(frozen=True)
class OnDisk:
    """What ``output/name`` holds for a product: nothing, its own bundle, or someone else's."""

    exists: bool
    card: dict[str, Any] | None = None
    conflict: str = ""  # why the folder is not this product's (empty when it is, or is absent)

    def changes(self, project: Project, photos: tuple[str, ...],
                look: Callable[[str], str] | None = None) -> str:
        """Why this product's bundle no longer shows its photos ("" when it still does): a photo was
        added (and has not failed: a broken file would redo the bundle on every run) or removed."""
        listed = [e.get("source") for e in (self.card or {}).get("files", []) if isinstance(e, dict)]
        added = [rel for rel in photos if rel not in listed and project.photo(rel).status != FAILED]
        removed = [rel for rel in listed if rel not in photos]
        if added:
            return _("bundle updated: photo added ({names})").format(names=", ".join(added[:3]))
        if removed:
            return _("bundle updated: photo removed or renamed ({names})").format(
                names=", ".join(str(r) for r in removed[:3]))
        entries = {e.get("source"): e for e in (self.card or {}).get("files", []) if isinstance(e, dict)}
        made = [(rel, entries[rel]) for rel in photos if rel in entries]
        replaced = [rel for rel, e in made
                    if e.get("source_hash") and current_hash(project, rel) not in ("", e["source_hash"])]
        if replaced:
            return _("bundle updated: photo replaced by another picture ({names})").format(
                names=", ".join(replaced[:3]))
        # ``look``: what the photo's images depend on now (the studio's, app/studio/look.py).
        changed = [rel for rel, e in made if look is not None and e.get("look") and look(rel) != e["look"]]
        if changed:
            why = _("bundle updated: mask, background or placement changed since the export ({names})")
            return why.format(names=", ".join(changed[:3]))
        return ""

    def notes_of(self, rel: str) -> list[str]:
        """The notes the bundle recorded for one photo when it was written."""
        for entry in (self.card or {}).get("files", []):
            if isinstance(entry, dict) and entry.get("source") == rel:
                return [str(n) for n in entry.get("notes", []) if n]
        return []


def current_hash(project: Project, rel: str) -> str:
    """The photo file's content hash now: the state's while the file keeps the size and mtime it
    was read at, else read again (and noted, so a rerun does not read it once more); "" when it
    cannot be read (decoding will say why)."""
    path = project.photo_path(rel)
    key = imaging.file_key(path)
    if not key:
        return ""
    state = project.photo(rel)
    if state.content_hash and state.file_key == key:
        return state.content_hash
    try:
        digest = imaging.content_hash(path)
    except (VitrinaError, OSError):
        return ""
    project.note_file(rel, digest, key)
    return digest


def sources_of(project: Project, key: str) -> frozenset[str]:
    """The product paths a bundle of this product may name: its own, and those before a rename."""
    return frozenset((key, *project.product(key).former_keys))


def on_disk(output: Path, name: str, sources: Collection[str]) -> OnDisk:
    """``sources``: what its card.json may name to be this product's (see :func:`sources_of`)."""
    folder = output / name
    if not folder.exists():
        return OnDisk(exists=False)
    card = read_card(folder)
    if card is None:
        why = _("the folder {name} in the output is not a Vitrina bundle (no readable card.json); it is "
                "left as it is — move it away or choose another output folder").format(name=name)
        return OnDisk(exists=True, conflict=why)
    source = card.get("source")
    if source not in sources:
        why = _("the folder {name} in the output holds another product ({other}); it is left as it is — "
                "move it away or choose another output folder").format(name=name, other=source)
        return OnDisk(exists=True, card=card, conflict=why)
    return OnDisk(exists=True, card=card)


def manifest_of(project: Project, names: dict[str, str], output: Path) -> list[report.ManifestRow]:
    """manifest.csv's rows: each scanned product whose own bundle is in ``output``."""
    entries = ((sources_of(project, p.key), p.name, names[p.key]) for p in project.products)
    return report.manifest_rows(entries, output)


@dataclass
class BundlePlan:
    """What a run does with each product's bundle, decided before any photo is read."""

    todo: list[Product] = field(default_factory=list)  # to make (or redo)
    redo: dict[str, str] = field(default_factory=dict)  # product key -> why its own bundle is redone
    rows: list[report.ReportRow] = field(default_factory=list)  # products left as they are, and why


def plan_bundles(project: Project, output: Path, names: dict[str, str], *, overwrite: bool) -> BundlePlan:
    """Which products to export: a stranger's folder under the name is a conflict (never replaced, not
    even with ``overwrite``); our own up-to-date bundle is kept unless ``overwrite``; our own bundle
    whose product gained or lost a photo is redone in place."""
    plan = BundlePlan()
    for product in project.products:
        name = names[product.key]
        there = on_disk(output, name, sources_of(project, product.key))
        if there.conflict:
            plan.rows += [report.ReportRow(rel, product.key, report.CONFLICT, there.conflict, name)
                          for rel in product.photos]
            continue
        change = there.changes(project, product.photos) if there.exists else ""
        if there.exists and not change and not overwrite:
            kept = _("bundle already exported, kept (use --overwrite to redo it)")
            plan.rows += [report.ReportRow(rel, product.key, report.EXISTS,
                                           "; ".join([kept, *there.notes_of(rel)]), name)
                          for rel in product.photos]
            continue
        if change:
            plan.redo[product.key] = change
        plan.todo.append(product)
    return plan
