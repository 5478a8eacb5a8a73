"""``vitrina publish wb OUT_DIR`` — bundles to Wildberries cards with photos — and ``vitrina
wildberries set-token | forget-token | test``, the token in the OS keyring."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path
from typing import Any

import platformdirs

from app import settings as app_settings
from app.cli.progress import ProgressPrinter, printable
from app.errors import VitrinaError
from app.i18n import _

WRITERS = ("auto", "gigachat", "local", "none")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("publish", help=_("publish exported bundles to a marketplace"),
                              description=_("Publish exported bundles to a marketplace."))
    where = p.add_subparsers(dest="marketplace", required=True, metavar="{wb}", title=_("marketplaces"))
    wb = where.add_parser("wb", help=_("create Wildberries cards with their photos from the bundles"),
                          description=_("Create Wildberries cards with their photos from the bundles of "
                                        "OUT_DIR. Stopped runs resume; a second run sends only what is "
                                        "new or changed."))
    wb.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                    help=_("the folder the bundles were exported to"))
    wb.add_argument("--only-approved", action="store_true",
                    help=_("only products approved in the studio (every photo flagged, one approved)"))
    wb.add_argument("--sandbox", action="store_true",
                    help=_("publish to Wildberries' sandbox (a test token)"))
    wb.add_argument("--dry-run", action="store_true",
                    help=_("check every product and print what would be sent; send nothing"))
    wb.add_argument("--subject", metavar="ID|NAME",
                    help=_("the Wildberries category for products that have none (kept for the folder)"))
    wb.add_argument("--accept-suggested", action="store_true",
                    help=_("take the writer's suggested category where none was chosen"))
    wb.add_argument("--brand", help=_("the brand for products that have none (kept for the folder)"))
    wb.add_argument("--dimensions", metavar="LxWxH",
                    help=_("package length × width × height in cm, e.g. 20×15×10 (kept for the folder)"))
    wb.add_argument("--weight", type=float, metavar="KG", help=_("packed weight in kg (kept for the folder)"))
    wb.add_argument("--price", type=int, metavar="RUB", help=_("price in roubles for new cards (optional)"))
    wb.add_argument("--writer", choices=WRITERS, default="auto",
                    help=_("who fills the characteristics and suggests categories: the card writer of the "
                           "settings (auto), gigachat, local, or none"))
    wb.set_defaults(func=publish_wb)

    t = subparsers.add_parser("wildberries", help=_("store the Wildberries API token and test it"),
                              description=_("Store the Wildberries API token and test it."))
    sub = t.add_subparsers(dest="wb_command", required=True, metavar="{set-token,forget-token,test}",
                           title=_("commands"))
    sub.add_parser("set-token", help=_("store the token in the system keyring (asks for it)"),
                   description=_("Store the token (the Content category) in the system keyring.")) \
        .set_defaults(func=set_token)
    sub.add_parser("forget-token", help=_("remove the stored token"),
                   description=_("Remove the stored token.")).set_defaults(func=forget_token)
    test = sub.add_parser("test", help=_("check the token against the content API"),
                          description=_("Check the token against the content API."))
    test.add_argument("--sandbox", action="store_true", help=_("check against the sandbox"))
    test.set_defaults(func=test_token)


def _error(exc: VitrinaError | str) -> int:
    print(_("vitrina: error: {error}").format(error=printable(str(exc))), file=sys.stderr)
    return 1


def set_token(args: argparse.Namespace) -> int:
    from app.publish.wb.token import set_token as store

    token = getpass.getpass(_("Wildberries API token (input hidden): ")) if sys.stdin.isatty() \
        else sys.stdin.readline()
    try:
        store(token)
    except VitrinaError as exc:
        return _error(exc)
    print(_("Saved in the system keyring. Check it with: vitrina wildberries test"))
    return 0


def forget_token(args: argparse.Namespace) -> int:
    from app.publish.wb.token import delete_token

    try:
        delete_token()
    except VitrinaError as exc:
        return _error(exc)
    print(_("The stored Wildberries token was removed."))
    return 0


def test_token(args: argparse.Namespace) -> int:
    from app.publish.wb.api import WBClient
    from app.publish.wb.token import get_token

    try:
        with WBClient(get_token() or "", sandbox=args.sandbox) as client:
            client.ping()
    except VitrinaError as exc:
        return _error(exc)
    print(_("The token works with the Wildberries content API ({url}).").format(url=client.url))
    return 0


def parse_dimensions(text: str) -> tuple[int, int, int]:
    parts = re.split(r"\s*[x×х*]\s*", text.strip().lower())
    try:
        values = tuple(int(round(float(p.replace(",", ".")))) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) <= 0:
        raise ValueError(_("--dimensions takes length x width x height in cm, e.g. 20x15x10"))
    return values  # type: ignore[return-value]


def _writer(args: argparse.Namespace, printer: ProgressPrinter) -> Any:
    name = args.writer
    saved = app_settings.load()
    if name == "auto":
        name = saved.text_provider if saved.text_provider in ("gigachat", "local") else "none"
    if name == "none":
        printer(_notice(_("No card writer: characteristics are not filled and no category is suggested "
                          "(choose one with --writer, or set them in the studio).")))
        return None
    from app.cardtext.registry import make_writer

    if name == "gigachat":
        return make_writer("gigachat", scope=saved.gigachat_scope, model=saved.gigachat_model)
    from app.cardtext.local_writer import default_writer_model

    return make_writer("local", model=saved.writer_model or default_writer_model(saved.vlm_model))


def _notice(message: str) -> Any:
    from app.events import Notice

    return Notice(message)


def _subject(client: Any, text: str) -> dict[str, Any]:
    """``--subject``: an ID, or a name that matches one category (exactly, or the only one found)."""
    if text.strip().isdigit():
        return {"subjectID": int(text), "subjectName": ""}
    found = client.subjects(text.strip(), limit=50)
    exact = [s for s in found if str(s.get("subjectName", "")).lower() == text.strip().lower()]
    match = exact or found
    if len(match) != 1:
        names = ", ".join(f"{s.get('subjectName')} ({s.get('subjectID')})" for s in found[:10])
        raise VitrinaError(_("--subject {text!r} matches {n} categories: {names}; give its ID").format(
            text=text, n=len(found), names=names or "—"))
    return match[0]


def _ask_subject(client: Any, interactive: bool, accept_suggested: bool):
    """The chooser for products without a category: the suggestion with --accept-suggested, a
    question on a terminal, and nothing otherwise (the product is blocked, its suggestion said)."""

    def choose(listing: Any, suggestion: dict[str, Any] | None) -> dict[str, Any] | None:
        if suggestion and accept_suggested:
            return suggestion
        if not interactive or client is None:
            return None
        offer = f" [{suggestion['subjectName']}]" if suggestion else ""
        while True:
            answer = input(_("Category for {product}{offer} (Enter = accept, a name = search, - = skip): ")
                           .format(product=listing.bundle, offer=offer)).strip()
            if not answer:
                return suggestion
            if answer == "-":
                return None
            found = client.subjects(answer, limit=15)
            for n, subject in enumerate(found, start=1):
                print(f"  {n}. {subject.get('subjectName')} — {subject.get('parentName')} "
                      f"({subject.get('subjectID')})")
            pick = input(_("Number (Enter = search again): ")).strip()
            if pick.isdigit() and 1 <= int(pick) <= len(found):
                return found[int(pick) - 1]

    return choose


def publish_wb(args: argparse.Namespace) -> int:
    from app.publish.wb.api import WBClient
    from app.publish.wb.charcs import CharcCache
    from app.publish.wb.flow import Publisher, PublishOptions
    from app.publish.wb.listing import Defaults, Dimensions
    from app.publish.wb.state import PublishState
    from app.publish.wb.token import get_token

    out_dir: Path = args.out_dir
    if not out_dir.is_dir():
        return _error(_("not a folder: {folder}").format(folder=out_dir))
    printer = ProgressPrinter()
    try:
        state = PublishState.open(out_dir, sandbox=args.sandbox)
        token = get_token()
        if token is None and not args.dry_run:
            return _error(_("No Wildberries API token is stored: add it with `vitrina wildberries set-token` "
                            "(category «Контент»)."))
        client = WBClient(token, sandbox=args.sandbox) if token else None
        defaults = state.defaults
        dims = None
        if args.dimensions or args.weight is not None:
            old = defaults.dimensions
            length, width, height = parse_dimensions(args.dimensions) if args.dimensions else \
                (old.length, old.width, old.height) if old else (0, 0, 0)
            weight = args.weight if args.weight is not None else (old.weight if old else 0.0)
            dims = Dimensions(length, width, height, weight)
        subject = _subject(client, args.subject) if args.subject and client is not None else None
        state.defaults = Defaults(
            subject_id=subject["subjectID"] if subject else defaults.subject_id,
            subject_name=str(subject.get("subjectName") or "") if subject else defaults.subject_name,
            brand=args.brand if args.brand is not None else defaults.brand,
            dimensions=dims or defaults.dimensions,
            price=args.price if args.price is not None else defaults.price)
        cache = CharcCache(Path(platformdirs.user_cache_dir("vitrina")) / "wildberries")
        writer = _writer(args, printer)
        publisher = Publisher(out_dir, state, client, cache=cache, writer=writer,
                              choose_subject=_ask_subject(client, sys.stdin.isatty(), args.accept_suggested),
                              options=PublishOptions(only_approved=args.only_approved, dry_run=args.dry_run),
                              events=printer)
        result = publisher.run()
    except ValueError as exc:
        return _error(str(exc))
    except VitrinaError as exc:
        printer.close()
        return _error(exc)
    finally:
        printer.close()
    return _report(result, args.dry_run, state)


def _report(result: Any, dry_run: bool, state: Any) -> int:
    import json

    from app.publish.wb import flow

    for outcome in result.outcomes:
        if outcome.status == flow.PLANNED:
            print(_("would send {bundle}:").format(bundle=outcome.bundle))
            print(json.dumps(outcome.payload, ensure_ascii=False, indent=2))
        elif outcome.status in (flow.BLOCKED, flow.UNREADABLE):
            print(_("✗ {bundle}: blocked:").format(bundle=outcome.bundle))
            for problem in outcome.problems:
                print(f"    - {printable(problem)}")
            suggested = state.chosen.get(outcome.bundle, {}).get("suggested")
            if suggested and outcome.status == flow.BLOCKED:
                print(_("    suggested category: {name} ({id}); take it with --accept-suggested").format(
                    name=suggested.get("subjectName"), id=suggested.get("subjectID")))
    counts = {status: result.count(status) for status in
              (flow.PUBLISHED, flow.UNCHANGED, flow.WAITING, flow.REJECTED, flow.FAILED, flow.BLOCKED,
               flow.UNREADABLE, flow.SKIPPED, flow.PLANNED)}
    if dry_run:
        blocked = counts[flow.BLOCKED] + counts[flow.UNREADABLE]
        print(_("Dry run: {planned} ready to send, {blocked} blocked, {skipped} skipped; nothing was sent.")
              .format(planned=counts[flow.PLANNED], blocked=blocked, skipped=counts[flow.SKIPPED]))
        return 0 if not counts[flow.BLOCKED] + counts[flow.UNREADABLE] else 1
    print(_("Published {published}, unchanged {unchanged}, waiting for Wildberries {waiting}, refused "
            "{refused}, blocked {blocked}, skipped {skipped}; {requests} request(s).").format(
        published=counts[flow.PUBLISHED], unchanged=counts[flow.UNCHANGED], waiting=counts[flow.WAITING],
        refused=counts[flow.REJECTED] + counts[flow.FAILED],
        blocked=counts[flow.BLOCKED] + counts[flow.UNREADABLE],
        skipped=counts[flow.SKIPPED], requests=result.requests))
    if result.cancelled:
        print(_("Stopped; run the same command again to go on."), file=sys.stderr)
        return 130
    bad = counts[flow.REJECTED] + counts[flow.FAILED] + counts[flow.BLOCKED] + counts[flow.UNREADABLE]
    return 1 if bad else 0
