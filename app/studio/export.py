"""Export card bundles from what the studio holds: saved masks, background and canvas choices, card text.

Nothing is recomputed by a model here; a photo without a current mask is reported, not guessed.
The bundle layout, names, ``report.csv`` and ``manifest.csv`` are the batch run's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from app import __version__, imaging
from app.cardtext.card import Card
from app.cardtext.render import card_text
from app.compose.compose import compose
from app.errors import ExportError, VitrinaError
from app.events import EventSink, ItemDone, ItemFailed, Notice, Progress, ignore
from app.export import Bundle, BundlePhoto, clean_partials, write_bundle
from app.export.bundle import Inspector
from app.i18n import _
from app.marketplace.marketplaces import get as get_marketplace
from app.pipeline import report
from app.pipeline.bundles import assign_bundle_names, manifest_of, on_disk, sources_of
from app.pipeline.compliance_step import inspect_bundle
from app.pipeline.finish import empty_mask_message
from app.project import ExportTarget, Product, Project
from app.publish.fields import bundle_fields
from app.studio.choices import background_for, canvas_for, card_of, marketplace_of, text_marketplace
from app.studio.flags import is_rejected
from app.studio.items import ERROR, PENDING, photo_status
from app.studio.look import look_of
from app.studio.placement import placement_for

STAGE = "export"


@dataclass
class ExportResult:
    rows: list[report.ReportRow] = field(default_factory=list)
    bundles: dict[str, Path] = field(default_factory=dict)  # product key -> bundle folder
    existing: list[str] = field(default_factory=list)  # products whose bundle was there and kept
    cancelled: bool = False
    report_path: Path | None = None

    @property
    def failed(self) -> int:
        return sum(r.status in (report.FAILED, report.CONFLICT) for r in self.rows)

    @property
    def needs_review(self) -> int:
        return sum(r.status == report.NEEDS_REVIEW for r in self.rows)


def export_target(project: Project) -> ExportTarget:
    """The folder and options of this project's last export (``folder`` is "" before the first)."""
    return project.state.export


def remember_export_target(project: Project, target: ExportTarget) -> None:
    """Kept in the folder's state, so one click exports there again, in this session or the next."""
    project.state.export = target
    project.save()


def export_products(project: Project, keys: Iterable[str], output: Path, *, overwrite: bool = False,
                    fix: bool = False, events: EventSink = ignore,
                    cancel: threading.Event | None = None) -> ExportResult:
    """Write one bundle per chosen product into ``output``; per-photo failures do not stop the run.

    ``fix``: where a product is placed on a marketplace canvas, what that marketplace would refuse
    and can be repaired (size, transparency, file size) is repaired in the bundle and listed in
    its compliance.json, as ``vitrina batch --fix`` does.
    """
    output = Path(output).resolve()
    if output == project.root or project.root in output.parents:
        # A bundle inside the photo folder would be scanned as new products next time.
        raise ExportError(
            _("Choose an export folder outside the photo folder {folder}.").format(folder=project.root))
    cancel = cancel or threading.Event()
    wanted = set(keys)
    chosen = [p for p in project.products if p.key in wanted]
    names = assign_bundle_names(project, output)  # all products', so names never depend on the choice
    result = ExportResult()
    clean_partials(output)
    for index, product in enumerate(chosen):
        if cancel.is_set():
            result.cancelled = True
            result.rows += [report.ReportRow(rel, product.key, report.CANCELLED, _("not exported: cancelled"))
                            for p in chosen[index:] for rel in p.photos]
            break
        _export_one(project, product, output, names[product.key], overwrite, fix, events, result)
        events(Progress(STAGE, index + 1, len(chosen), item=product.key))
    result.rows += _left_out_rows(project, wanted)
    try:
        project.save()
        result.report_path = report.write_report(output, result.rows)
        report.write_manifest(output, manifest_of(project, names, output))
    except (OSError, VitrinaError) as exc:
        why = _("Cannot write report.csv/manifest.csv in {folder}: {error}").format(folder=output, error=exc)
        events(Notice(why))
    return result


def _left_out_rows(project: Project, chosen: set[str]) -> list[report.ReportRow]:
    """A row for every other file of the folder, as `vitrina batch` writes: the report accounts
    for each file the user gave us, and a failed photo counts as failed, not as nothing."""
    rows = []
    for product in project.products:
        if product.key in chosen:
            continue
        for rel in product.photos:
            status, why = photo_status(project, rel), ""
            if status == ERROR:
                status, why = report.FAILED, project.photo(rel).error
            elif status == PENDING:
                status, why = report.SKIPPED, _("not exported: not processed yet")
            elif is_rejected(project, rel):
                status, why = report.SKIPPED, _("not exported: rejected")
            else:
                status, why = report.SKIPPED, _("not exported: not in this export "
                                                "(approved only, or the selection)")
            rows.append(report.ReportRow(rel, product.key, status, why))
    for rel, why in project.scan.skipped:
        rows.append(report.ReportRow(rel, "", report.SKIPPED, why))
    return rows


def _export_one(project: Project, product: Product, output: Path, name: str, overwrite: bool, fix: bool,
                events: EventSink, result: ExportResult) -> None:
    def row(rel: str, status: str, message: str = "") -> None:
        result.rows.append(report.ReportRow(rel, product.key, status, message, name))
        if status in (report.FAILED, report.CONFLICT, report.NEEDS_REVIEW):
            events(ItemFailed(item=rel, stage=STAGE, message=message))

    # The user's "reject" (X) keeps a photo out of its bundle; a bundle that still shows it is redone.
    kept_photos = tuple(rel for rel in product.photos if not is_rejected(project, rel))
    for rel in product.photos:
        if rel not in kept_photos:
            row(rel, report.SKIPPED, _("not exported: rejected"))
    if not kept_photos:
        return
    there = on_disk(output, name, sources_of(project, product.key))
    if there.conflict:  # never replaced, even when replacing is allowed: it is another product's
        for rel in kept_photos:
            row(rel, report.CONFLICT, there.conflict)
        return
    looks = partial(look_of, project, key=product.key)  # what its photos would look like now
    change = there.changes(project, kept_photos, looks) if there.exists else ""
    if change:  # its own bundle no longer shows its photos: redone in place
        events(Notice(change, item=product.key))
        overwrite = True
    if there.exists and not overwrite:
        result.existing.append(product.key)
        for rel in kept_photos:
            kept = _("bundle already exported, kept (allow replacing to redo it)")
            row(rel, report.EXISTS, "; ".join([kept, *there.notes_of(rel)]))
        return
    photos: list[BundlePhoto] = []
    for rel in kept_photos:
        try:
            photos.append(_compose(project, rel, product, events))
        except _EmptyMask:
            row(rel, report.NEEDS_REVIEW, empty_mask_message())
        except VitrinaError as exc:
            row(rel, report.FAILED, str(exc))
        except OSError as exc:
            row(rel, report.FAILED, _("cannot be read: {why}").format(why=exc.strerror or exc))
    if not photos:
        return
    try:
        folder = write_bundle(output, _bundle(project, product, name, photos), overwrite=overwrite,
                              inspect=_inspector(project, product, photos, fix, events))
    except VitrinaError as exc:
        for photo in photos:
            row(photo.source, report.FAILED, _("export failed: {error}").format(error=exc))
        return
    for photo in photos:
        row(photo.source, report.DONE, "; ".join(photo.notes))
    project.product(product.key).exported_to = str(folder)
    project.mark_dirty()
    result.bundles[product.key] = folder
    events(ItemDone(item=product.key, stage=STAGE))


class _EmptyMask(VitrinaError):
    """The photo's mask holds no object: its image would be the background alone."""


def _compose(project: Project, rel: str, product: Product, events: EventSink) -> BundlePhoto:
    path = project.photo_path(rel)
    state = project.photo(rel)
    if not state.mask_source:
        raise VitrinaError(_("not processed yet: process it before exporting"))
    digest = imaging.content_hash(path)
    if state.content_hash and state.content_hash != digest:
        raise VitrinaError(_("the photo changed since it was processed: process it again"))
    photo = imaging.load_photo(path)
    mask = project.load_mask(rel)
    if mask is None or mask.shape != photo.rgb.shape[:2]:
        raise VitrinaError(_("its saved mask is missing or does not fit the photo: process it again"))
    card = card_of(project, product.key)
    hint = card.provenance.get("shape") if card is not None else None
    canvas = canvas_for(project, product.key)
    composed = compose(photo.rgb, mask, background_for(project, rel), canvas, layout_hint=hint,
                       placement=placement_for(project, rel) if canvas is not None else None)
    if composed.empty:
        raise _EmptyMask(empty_mask_message())
    for note in composed.notes:
        events(Notice(note, item=rel))
    return BundlePhoto(rel, composed.image, composed.cutout, mask, [*photo.notes, *composed.notes],
                       composed.object_box, digest, look_of(project, rel, product.key))


def _inspector(project: Project, product: Product, photos: list[BundlePhoto], fix: bool,
               events: EventSink) -> Inspector | None:
    """``compliance.json`` for bundles placed on a marketplace canvas (same check as the batch)."""
    market = marketplace_of(project, product.key)
    if not market:
        return None
    try:
        marketplace = get_marketplace(market)
    except KeyError:
        return None

    def inspect(folder: Path, files: list[dict[str, Any]]) -> dict[str, Any]:
        report, fixes = inspect_bundle(folder, files, card=card_of(project, product.key),
                                       marketplace=marketplace, boxes=[p.object_box for p in photos], fix=fix)
        for made in fixes:
            events(Notice(_("fixed for {marketplace}: {fix}").format(marketplace=marketplace.name, fix=made),
                          item=product.key))
        project.product(product.key).compliance = report["status"]
        if report["status"] != "pass":
            events(Notice(report["summary"], item=product.key))
        return {"compliance.json": report}

    return inspect


def card_fields(project: Project, product: Product) -> dict[str, Any]:
    """What card.json says of the product's text and listing: the card, its status, the studio's
    verdict and the Wildberries listing. Publishing brings these up to date in a kept bundle."""
    state = project.product(product.key)
    card = card_of(project, product.key)
    if card is not None:
        text_status = "edited" if state.card_edited else "done"
    else:
        text_status = state.text_error or "off"
    return {"card": card.to_json() if card is not None else None, "text_status": text_status,
            **bundle_fields(project, product)}


def _bundle(project: Project, product: Product, name: str, photos: list[BundlePhoto]) -> Bundle:
    card = card_of(project, product.key)
    backgrounds = {p.source: background_for(project, p.source).to_json() for p in photos}
    first = next(iter(backgrounds.values()))
    data: dict[str, Any] = {
        "product": product.name,
        "source": product.key,
        "background": first,
        "marketplace": marketplace_of(project, product.key),
        "models": {"segmentation": _segmentation_model(project, [p.source for p in photos])},
        "masks": {p.source: project.photo(p.source).mask_source for p in photos},
        "app": {"name": "vitrina", "version": __version__},
        **card_fields(project, product),
    }
    if any(spec != first for spec in backgrounds.values()):
        data["photo_backgrounds"] = backgrounds
    body = _card_body(card, text_marketplace(project, product.key).name)
    return Bundle(name=name, product_key=product.key, photos=photos, card=data, card_text=body)


def _card_body(card: Card | None, marketplace_name: str) -> str:
    return card_text(card, marketplace_name=marketplace_name) if card is not None else ""


def _segmentation_model(project: Project, rels: list[str]) -> dict[str, str] | None:
    """The model that made these masks (``id@revision`` as the process run records it)."""
    for rel in rels:
        made_by = project.photo(rel).mask_model
        if made_by:
            model_id, _, revision = made_by.rpartition("@")
            return {"id": model_id, "revision": revision}
    return None
