"""``vitrina corrections export``: the corrected pairs in the DIS layout, to train elsewhere.

``im/PRODUCT--PHOTO.jpg`` (upright sRGB, JPEG q95) + ``gt/PRODUCT--PHOTO.png`` (8-bit mask): the
layout BiRefNet's own training reads, and ``--data`` reads back, keeping products apart by the
name's part before ``--``. Each file is written atomically; a pair already exported is rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app import atomic, imaging
from app.errors import VitrinaError
from app.finetune.pairs import PRODUCT_SEPARATOR, BadPair, Pair, read_mask, safe_name
from app.i18n import _
from app.imaging.save import encoded


def export_pairs(pairs: Sequence[Pair], out: Path) -> tuple[int, list[BadPair]]:
    """Write every pair: (how many were written, the ones that could not be read now). Names stay
    unique when two sources share one. An output folder that cannot be written stops it all."""
    im, gt = out / "im", out / "gt"
    try:
        im.mkdir(parents=True, exist_ok=True)
        gt.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = exc.strerror or exc
        raise VitrinaError(_("Cannot write to {folder}: {why}").format(folder=out, why=why)) from exc
    used: set[str] = set()
    bad: list[BadPair] = []
    for pair in pairs:
        name = _unique(f"{safe_name(pair.product.rsplit('::', 1)[-1])}{PRODUCT_SEPARATOR}"
                       f"{safe_name(Path(pair.label).stem)}", used)
        try:
            photo, mask = imaging.load_photo(pair.photo), read_mask(pair.mask)
        except VitrinaError as exc:
            bad.append(BadPair(pair.label, str(exc)))
            continue
        try:
            atomic.write_bytes(im / f"{name}.jpg", encoded(photo.rgb, "JPEG", quality=95))
            atomic.write_bytes(gt / f"{name}.png", encoded(mask, "PNG"))
        except OSError as exc:
            why = exc.strerror or exc
            raise VitrinaError(_("Cannot write {name}: {why}").format(name=name, why=why)) from exc
    return len(pairs) - len(bad), bad


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate.lower() in used:
        candidate, number = f"{name}-{number}", number + 1
    used.add(candidate.lower())
    return candidate
