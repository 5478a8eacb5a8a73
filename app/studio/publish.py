"""Publish to Wildberries from the studio: the chosen products' bundles, made or brought up to date
in the export folder, then the same run as ``vitrina publish wb`` over just those bundles.

A bundle already in the folder keeps its images (they are redone only when asked, or when its
photos changed); its card.json takes the text, verdict and listing the project holds now, so an
edit in the Card text tab reaches Wildberries without a full export. ``publish.json`` in the
folder records what Wildberries has, so a stopped run resumes and a second one sends only changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import platformdirs

from app import atomic
from app.errors import ExportError, VitrinaError
from app.events import EventSink, ItemFailed, Notice, ignore
from app.i18n import _
from app.pipeline import report
from app.pipeline.bundles import assign_bundle_names, on_disk, read_card, sources_of
from app.project import Product, Project
from app.publish.wb import flow
from app.publish.wb.flow import PublishResult
from app.publish.wb.listing import Defaults, Dimensions
from app.studio.export import card_fields, export_products, export_target
from app.studio.flags import approved_products, is_rejected
from app.studio.items import EDITED, REVIEW, photo_status
from app.studio.look import look_of

STAGE = flow.STAGE
SCOPES = ("approved", "selected")
_PROCESSED = ("done", REVIEW, EDITED)  # photos with a mask: what an export can make a bundle of

WriterFactory = Callable[[], Any]  # made on the worker once the bundles are ready; None = no writer


@dataclass
class StudioPublishResult(PublishResult):
    products: dict[str, str] = field(default_factory=dict)  # bundle folder name -> product key
    left_out: dict[str, str] = field(default_factory=dict)  # product key -> why it was not published


@dataclass(frozen=True)
class PackageDefaults:
    """What the Publish dialog sets for an export folder's products without their own brand and
    package; the folder's other defaults (a category or price given to ``vitrina publish wb``) stay."""

    brand: str = ""
    dimensions: Dimensions | None = None  # None: no default package

    def applied_to(self, defaults: Defaults) -> Defaults:
        return replace(defaults, brand=" ".join(self.brand.split()), dimensions=self.dimensions)


def folder_defaults(folder: Path) -> Defaults:
    """The defaults the folder's ``.vitrina/publish.json`` keeps for products without their own
    (Defaults() when it has none yet). One that cannot be read is a VitrinaError saying so: it is
    never taken for empty, since it records what Wildberries already has."""
    from app.publish.wb.state import PublishState

    return PublishState.open(Path(folder), sandbox=False).defaults


def export_defaults(project: Project) -> Defaults:
    """:func:`folder_defaults` of the project's remembered export folder (Defaults() before its first
    export): what its products without their own brand, package or price are published with."""
    folder = export_target(project).folder
    return folder_defaults(Path(folder)) if folder else Defaults()


class _CancelFlag(threading.Event):
    """``export_products`` reads a threading.Event; the run's Cancel is a callable."""

    def __init__(self, cancelled: Callable[[], bool]) -> None:
        super().__init__()
        self._cancelled = cancelled

    def is_set(self) -> bool:
        return self._cancelled() or super().is_set()


def publish_keys(project: Project, scope: str, selected: Iterable[str]) -> list[str]:
    """The products a Publish of ``scope`` takes, in the folder's order: the approved ones, or
    those of the selection."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; expected one of {SCOPES}")
    wanted = set(approved_products(project)) if scope == "approved" else set(selected)
    return [p.key for p in project.products if p.key in wanted]


def unpublishable(project: Project, product: Product) -> str:
    """Why this product can have no bundle ("" when it can): no processed photo, or all rejected."""
    processed = [rel for rel in product.photos if photo_status(project, rel) in _PROCESSED]
    if not processed:
        return _("not published: it has no processed photo (process it first)")
    if all(is_rejected(project, rel) for rel in processed):
        return _("not published: every processed photo of it is rejected")
    return ""


def prepare_bundles(project: Project, keys: Iterable[str], output: Path, *, reexport: bool = False,
                    fix: bool = False, events: EventSink = ignore,
                    cancelled: Callable[[], bool] = lambda: False) -> dict[str, str]:
    """product key -> bundle folder name in ``output``, for the products that can be published.

    Products without a bundle there (or all of them, with ``reexport``) are exported; the others'
    card.json is brought up to date. A product that cannot be published is said (an ItemFailed
    event) and left out."""
    return _prepare(project, keys, Path(output), reexport=reexport, fix=fix, events=events,
                    cancelled=cancelled)[0]


def _prepare(project: Project, keys: Iterable[str], output: Path, *, reexport: bool, fix: bool,
             events: EventSink, cancelled: Callable[[], bool]) -> tuple[dict[str, str], dict[str, str]]:
    output = output.resolve()
    if output == project.root or project.root in output.parents:
        raise ExportError(
            _("Choose an export folder outside the photo folder {folder}.").format(folder=project.root))
    wanted = set(keys)
    products = [p for p in project.products if p.key in wanted]
    names = assign_bundle_names(project, output)
    ready: dict[str, str] = {}
    left_out: dict[str, str] = {}

    def leave_out(key: str, why: str) -> None:
        left_out[key] = why
        events(ItemFailed(item=key, stage=STAGE, message=why))

    to_export: list[str] = []
    for product in products:
        why = unpublishable(project, product)
        if why:
            leave_out(product.key, why)
            continue
        there = on_disk(output, names[product.key], sources_of(project, product.key))
        kept = tuple(rel for rel in product.photos if not is_rejected(project, rel))
        looks = partial(look_of, project, key=product.key)  # what its photos would look like now
        if there.conflict:  # another product's folder, or not a bundle: never replaced
            leave_out(product.key, there.conflict)
        elif reexport or not there.exists or there.changes(project, kept, looks):
            to_export.append(product.key)
        else:
            why = _refresh_card(project, product, output / names[product.key])
            if why:
                leave_out(product.key, why)
            else:
                ready[product.key] = names[product.key]
    if to_export:
        result = export_products(project, to_export, output, overwrite=True, fix=fix, events=events,
                                 cancel=_CancelFlag(cancelled))
        for key in to_export:
            if key in result.bundles:
                ready[key] = result.bundles[key].name
            elif result.cancelled:
                leave_out(key, _("not published: stopped before its bundle was exported"))
            else:
                failed = [row.message for row in result.rows if row.product == key and row.message
                          and row.status in (report.FAILED, report.NEEDS_REVIEW, report.CONFLICT)]
                leave_out(key, _("not published: its bundle could not be exported ({why})").format(
                    why="; ".join(dict.fromkeys(failed)) or _("see the log")))
    else:
        _save(project, events)  # bundle names chosen for new products are kept for life
    order = {p.key: n for n, p in enumerate(products)}
    return dict(sorted(ready.items(), key=lambda kv: order[kv[0]])), left_out


def _save(project: Project, events: EventSink) -> None:
    try:
        project.save()
    except (OSError, VitrinaError) as exc:  # the publish goes on; the names are chosen again alike
        events(Notice(_("The photo folder's state could not be saved: {error}").format(error=exc)))


def _refresh_card(project: Project, product: Product, folder: Path) -> str:
    """card.json takes the project's card text, verdict and listing; the rest of it is kept.
    Returns why it could not ("" when done)."""
    card = read_card(folder)
    if card is None:
        return _("not published: its card.json cannot be read; export it again")
    fresh = card_fields(project, product)
    updated = {**card, **fresh}
    if "wb" not in fresh:  # the listing was cleared in the studio: the bundle must not keep the old one
        updated.pop("wb", None)
    if updated == card:
        return ""
    try:
        atomic.write_json(folder / "card.json", updated)
    except OSError as exc:
        return _("not published: its card.json could not be updated ({why})").format(why=exc.strerror or exc)
    return ""


def charc_cache() -> Any:
    """The categories' characteristics, kept for a week beside the CLI's (one cache per user)."""
    from app.publish.wb.charcs import CharcCache

    return CharcCache(Path(platformdirs.user_cache_dir("vitrina")) / "wildberries")


def publish(project: Project, keys: Iterable[str], output: Path, *, sandbox: bool = False,
            dry_run: bool = False, reexport: bool = False, fix: bool = False,
            writer: WriterFactory | None = None, defaults: PackageDefaults | None = None,
            events: EventSink = ignore, cancelled: Callable[[], bool] = lambda: False) -> StudioPublishResult:
    """Prepare the products' bundles in ``output`` and publish them (``dry_run``: check them and
    say what would be sent, sending nothing). No token stored: a VitrinaError before anything,
    except for a dry run, which then checks what it can offline. ``defaults`` are kept in the
    folder's publish.json for its products without their own, as the CLI's ``--brand`` and
    ``--dimensions`` are, and used by this run."""
    from app.publish.wb.api import WBClient
    from app.publish.wb.state import PublishState
    from app.publish.wb.token import get_token

    output = Path(output)
    token = get_token()
    if token is None and not dry_run:
        raise VitrinaError(_("No Wildberries API token is stored: add it in Settings → Wildberries "
                             "(a token of the «Контент» category)."))
    state = PublishState.open(output, sandbox=sandbox)  # an unreadable record stops us here, not later
    if defaults is not None:
        state.defaults = defaults.applied_to(state.defaults)
    names, left_out = _prepare(project, keys, output, reexport=reexport, fix=fix, events=events,
                               cancelled=cancelled)
    products = {name: key for key, name in names.items()}
    if not names or cancelled():
        if defaults is not None:
            state.save()  # the Publisher saves them otherwise: typed once, they are there next time
        return StudioPublishResult([], cancelled=cancelled(), products=products, left_out=left_out)
    client = WBClient(token, sandbox=sandbox, cancelled=cancelled) if token else None
    made = writer() if writer is not None else None
    try:
        publisher = flow.Publisher(output, state, client, cache=charc_cache(), writer=made,
                                   options=flow.PublishOptions(only=frozenset(names.values()),
                                                               dry_run=dry_run),
                                   events=events)
        result = publisher.run()
    finally:
        if client is not None:
            client.close()
        close = getattr(made, "close", None)  # a kept local writer's borrow; the run closed the others
        if callable(close):
            close()
    _add_suggestions(result, state, output)
    return StudioPublishResult(result.outcomes, cancelled=result.cancelled, requests=result.requests,
                               products=products, left_out=left_out)


def _add_suggestions(result: PublishResult, state: Any, output: Path) -> None:
    """A product blocked for want of a category: the writer's suggestion, said where it is set."""
    for outcome in result.outcomes:
        chosen = state.chosen.get(outcome.bundle, {})
        suggested = chosen.get("suggested")
        if outcome.status != flow.BLOCKED or not (isinstance(suggested, dict) and suggested.get("subjectID")):
            continue
        own = (read_card(output / outcome.bundle) or {}).get("wb")
        if (isinstance(own, dict) and own.get("subject_id")) or chosen.get("subject_id") \
                or state.defaults.subject_id:
            continue  # it has a category: the suggestion is an old one
        outcome.problems.append(_("Wildberries category suggested: {name} ({id}); choose it in the Card "
                                  "text tab").format(name=suggested.get("subjectName") or "?",
                                                     id=suggested.get("subjectID")))
