"""Check a bundle against its marketplace's rules before it is moved into place; optionally fix.

Runs inside ``write_bundle``'s temp folder, so ``compliance.json`` and any fixed images land
atomically with the rest of the bundle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from app.cardtext.card import Card
from app.marketplace.autofix import autofix
from app.marketplace.compliance import Box, Report, check_bundle
from app.marketplace.marketplaces import Marketplace


def _suffix(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def _check(folder: Path, files: list[dict[str, Any]], card: Card | None, m: Marketplace,
           boxes: list[Box | None]) -> Report:
    images = [(folder / f["image"], _suffix(f["image"])) for f in files]
    return check_bundle(images, card, m, object_boxes=boxes)


def _fix(folder: Path, files: list[dict[str, Any]], report: Report, m: Marketplace) -> list[str]:
    """Re-encode every image the report can fix; returns what changed, for the user."""
    fixable = {r.image for r in report.fixable() if r.image}
    said: list[str] = []
    for f in files:
        if f["image"] not in fixable:
            continue
        path = folder / f["image"]
        with Image.open(path) as im:
            pixels = np.asarray(im.convert("RGBA" if "A" in im.getbands() else "RGB"))
        fixed = autofix(pixels, _suffix(f["image"]), m)
        target = path.with_suffix(f".{fixed.fmt}")
        path.unlink()
        target.write_bytes(fixed.data)
        f["image"] = target.name
        f["notes"] = [*f.get("notes", []), *fixed.changes]
        said += [f"{target.name}: {change}" for change in fixed.changes]
    return said


def inspect_bundle(folder: Path, files: list[dict[str, Any]], *, card: Card | None, marketplace: Marketplace,
                   boxes: list[Box | None], fix: bool) -> tuple[dict[str, Any], list[str]]:
    """``compliance.json`` content and the fixes made (``files`` is updated in place)."""
    report = _check(folder, files, card, marketplace, boxes)
    fixes: list[str] = []
    if fix and report.fixable():
        fixes = _fix(folder, files, report, marketplace)
        report = _check(folder, files, card, marketplace, boxes)
    return {**report.to_json(), "fixes": fixes, "summary": report.summary()}, fixes
