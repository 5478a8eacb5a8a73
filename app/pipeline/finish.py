"""The end of a product's path: compose every good photo and write its bundle, as plain values.

Shared by both engines: the local ``BatchRun`` calls it on its compose threads, the Ray engine
(app/pipeline/ray_engine.py) in its CPU tasks on any node. It reads nothing from the project and
changes nothing in it: what it decided comes back as a ``Finished`` (report rows, each photo's
status and notes, the product's compliance and bundle path, the notices to say), which the run's
owner of the project state applies. So a bundle is the same whichever engine made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app import __version__
from app.cardtext.card import Card
from app.cardtext.render import card_text
from app.compose.backgrounds import BackgroundSpec
from app.compose.compose import CanvasSpec, compose
from app.errors import VitrinaError
from app.export import Bundle, BundlePhoto, write_bundle
from app.export.bundle import Inspector
from app.i18n import _
from app.marketplace.marketplaces import get as get_marketplace
from app.pipeline import report
from app.pipeline.compliance_step import inspect_bundle
from app.project import DONE, FAILED


def empty_mask_message() -> str:
    return _("no object found in the mask: not exported — touch up the mask in the studio (or check "
             "that the product is in the photo)")


@dataclass(frozen=True)
class FinishContext:
    """What every product of a run is finished with (picklable: it travels to Ray workers)."""

    output: Path
    background: BackgroundSpec
    marketplace: str | None
    canvas: CanvasSpec | None
    decontaminate: bool
    fix_compliance: bool
    overwrite: bool
    model_id: str
    model_revision: str | None
    text_on: bool
    text_marketplace: str  # whose rules card.txt follows (Wildberries when no marketplace was chosen)


@dataclass
class PhotoIn:
    rel: str
    rgb: np.ndarray
    mask: np.ndarray
    notes: list[str] = field(default_factory=list)  # the decoder's notes
    duplicate_of: str = ""  # the first photo of the run with the same bytes
    content_hash: str = ""  # the file's, recorded in the bundle


@dataclass
class ProductIn:
    key: str
    name: str
    bundle_name: str
    replace: bool
    photos: list[PhotoIn]  # the good ones (decoded, with a mask), in the product's order
    failed: dict[str, str]  # rel -> why it could not get this far
    card: Card | None = None
    text_error: str = ""
    card_edited: bool = False
    publishing: dict[str, Any] = field(default_factory=dict)  # card.json's "approved" and "wb" (app/publish)


@dataclass
class Finished:
    """What finishing decided; applied to the project state by whoever owns it."""

    key: str
    rows: list[report.ReportRow] = field(default_factory=list)
    photo_states: dict[str, dict[str, Any]] = field(default_factory=dict)  # rel -> {status, error, notes}
    compliance: str | None = None
    exported_to: str | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)  # (message, item)


def finish_product(ctx: FinishContext, product: ProductIn) -> Finished:
    """Compose every good photo, leave out the empty ones, write the bundle; never raises for a
    problem of this product (it becomes its rows)."""
    out = Finished(product.key)
    for rel, message in product.failed.items():
        out.photo_states[rel] = {"status": FAILED, "error": message}
        out.rows.append(report.ReportRow(rel, product.key, report.FAILED, message))
    if not product.photos:
        return out
    hint = product.card.provenance.get("shape") if product.card is not None else None
    try:
        composed = [_compose(ctx, photo, hint, out) for photo in product.photos]
        photos = [photo for photo in composed if photo is not None]
        if not photos:
            return out
        write_bundle(ctx.output, _bundle(ctx, product, photos), overwrite=ctx.overwrite or product.replace,
                     inspect=_inspector(ctx, product, photos, out))
    except VitrinaError as exc:
        message = _("export failed: {error}").format(error=exc)
        for photo in product.photos:
            if "status" not in out.photo_states.get(photo.rel, {}):  # not left out as empty already
                out.rows.append(report.ReportRow(photo.rel, product.key, report.FAILED, message))
        return out
    status = report.TEXT_FAILED if product.text_error else report.DONE
    for photo in photos:
        notes = out.photo_states[photo.source]["notes"]
        out.photo_states[photo.source].update(status=DONE, error="")
        message = "; ".join(m for m in (product.text_error, *notes) if m)
        out.rows.append(report.ReportRow(photo.source, product.key, status, message, product.bundle_name))
    out.exported_to = str(ctx.output / product.bundle_name)
    return out


def _compose(ctx: FinishContext, photo: PhotoIn, hint: str | None, out: Finished) -> BundlePhoto | None:
    """The bundle photo; None when its mask is empty (its image would be the background alone)."""
    composed = compose(photo.rgb, photo.mask, ctx.background, ctx.canvas, decontaminate=ctx.decontaminate,
                       layout_hint=hint)
    same = photo.duplicate_of
    duplicate = [_("same picture as {other} (exported twice)").format(other=same)] if same else []
    notes = [*photo.notes, *duplicate, *composed.notes]
    if composed.empty:  # its "needs review" row says so; no notes before it
        message = empty_mask_message()
        out.photo_states[photo.rel] = {"status": FAILED, "error": message, "notes": notes}
        out.rows.append(report.ReportRow(photo.rel, out.key, report.NEEDS_REVIEW, message))
        return None
    out.photo_states[photo.rel] = {"notes": notes}
    out.notices += [(note, photo.rel) for note in (*duplicate, *composed.notes)]
    return BundlePhoto(photo.rel, composed.image, composed.cutout, photo.mask, notes, composed.object_box,
                       photo.content_hash)


def _inspector(ctx: FinishContext, product: ProductIn, photos: list[BundlePhoto],
               out: Finished) -> Inspector | None:
    """The marketplace check for this bundle, when a marketplace was chosen."""
    if not ctx.marketplace:
        return None
    marketplace = get_marketplace(ctx.marketplace)

    def inspect(folder: Path, files: list[dict]) -> dict:
        boxes = [p.object_box for p in photos]
        checked, fixes = inspect_bundle(folder, files, card=product.card, marketplace=marketplace,
                                        boxes=boxes, fix=ctx.fix_compliance)
        for fix in fixes:
            said = _("fixed for {marketplace}: {fix}").format(marketplace=marketplace.name, fix=fix)
            out.notices.append((said, product.key))
        if checked["status"] != "pass":
            out.notices.append((checked["summary"], product.key))
        out.compliance = checked["status"]
        return {"compliance.json": checked}

    return inspect


def _bundle(ctx: FinishContext, product: ProductIn, photos: list[BundlePhoto]) -> Bundle:
    text = product.card
    if text is not None:
        text_status = "edited" if product.card_edited else "done"
    else:
        text_status = product.text_error or ("" if ctx.text_on else "off")
    card = {
        "product": product.name,
        "source": product.key,
        "background": ctx.background.to_json(),
        "marketplace": ctx.marketplace or "",
        "models": {"segmentation": {"id": ctx.model_id, "revision": ctx.model_revision}},
        "app": {"name": "vitrina", "version": __version__},
        "card": text.to_json() if text is not None else None,
        "text_status": text_status,
        **product.publishing,
    }
    rules = get_marketplace(ctx.text_marketplace)
    body = card_text(text, marketplace_name=rules.name) if text is not None else ""
    return Bundle(name=product.bundle_name, product_key=product.key, photos=photos, card=card, card_text=body)
