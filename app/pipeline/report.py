"""``report.csv`` (one row per input file) and ``manifest.csv`` (one row per exported product)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app import atomic
from app.export import csv_text

DONE, FAILED, SKIPPED, EXISTS, CANCELLED = "done", "failed", "skipped", "exists", "cancelled"
TEXT_FAILED = "images only"  # exported, but the card text failed (the message says why)
# Not exported: the output folder already holds another product under this product's bundle name.
CONFLICT = "conflict"
# Not exported: the mask holds no object, so the image would be background only.
NEEDS_REVIEW = "needs review"
EXPORTED_NOW = (DONE, TEXT_FAILED)


@dataclass(frozen=True)
class ReportRow:
    file: str
    product: str
    status: str
    message: str = ""
    bundle: str = ""


@dataclass(frozen=True)
class ManifestRow:
    product: str
    bundle: str
    photos: int
    images: str
    background: str
    marketplace: str
    title: str = ""
    text_status: str = ""


@dataclass
class BatchResult:
    """Every file's row of a run, and the counts its summary and exit status are made from."""

    rows: list[ReportRow] = field(default_factory=list)
    cancelled: bool = False
    report_path: Path | None = None

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.rows)

    @property
    def exported_now(self) -> int:
        return self.count(*EXPORTED_NOW)

    @property
    def kept(self) -> int:
        """Photos whose bundle an earlier run exported and this one left as it was."""
        return self.count(EXISTS)

    @property
    def failed(self) -> int:
        return self.count(FAILED, CONFLICT)

    @property
    def needs_review(self) -> int:
        return self.count(NEEDS_REVIEW)

    @property
    def done(self) -> int:
        return self.exported_now + self.kept


def write_report(output: Path, rows: list[ReportRow]) -> Path:
    """One row per file, sorted by file: the order products finished in varies from run to run
    (and between the local and the Ray engine); the report does not."""
    path = output / "report.csv"
    text = csv_text(
        ("file", "product", "status", "message", "bundle"),
        ((r.file, r.product, r.status, r.message, r.bundle) for r in sorted(rows, key=lambda r: r.file)),
    )
    atomic.write_bytes(path, text.encode("utf-8"))
    return path


def write_manifest(output: Path, rows: list[ManifestRow]) -> Path:
    path = output / "manifest.csv"
    text = csv_text(
        ("product", "bundle", "photos", "images", "background", "marketplace", "title", "text_status"),
        ((r.product, r.bundle, r.photos, r.images, r.background, r.marketplace, r.title, r.text_status)
         for r in rows),
    )
    atomic.write_bytes(path, text.encode("utf-8"))
    return path


def manifest_rows(bundles: Iterable[tuple[Collection[str], str, str]], output: Path) -> list[ManifestRow]:
    """One row per (product paths, product name, bundle folder name) whose bundle is in ``output``
    (earlier exports included), read back from its card.json: the manifest says what is on disk,
    not what was meant. A folder holding another product's card is not this product's bundle."""
    rows = []
    for sources, product, bundle in bundles:
        try:
            card = json.loads((output / bundle / "card.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(card, dict) or card.get("source") not in sources:
            continue
        text = card.get("card") or {}
        files = card.get("files", [])
        rows.append(ManifestRow(
            product=product, bundle=bundle, photos=len(files),
            images=" ".join(f["image"] for f in files),
            background=json.dumps(card.get("background", {}), ensure_ascii=False),
            marketplace=card.get("marketplace", ""), title=text.get("title", ""),
            text_status=card.get("text_status", ""),
        ))
    return rows
