"""``vitrina models list`` / ``download NAME`` / ``update NAME``, for every role.

A model without a commit built into Vitrina is pinned on its first download: the CLI shows the
commit, licence and size the hub offers and asks (``--trust`` answers for a script).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import formats
from app.cli import trust as cli_trust
from app.cli.progress import ProgressPrinter
from app.errors import VitrinaError
from app.events import EventSink
from app.i18n import _, translated
from app.models import catalogue, trust
from app.models.trust import Candidate


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help=_("list, download or update models"),
                              description=_("List, download or update models."))
    sub = p.add_subparsers(dest="models_command", required=True, metavar="{list,download,update}",
                           title=_("commands"))
    sub.add_parser("list",
                   help=_("every model Vitrina knows: role, size, licence, pin and whether downloaded"),
                   description=_("Every model Vitrina knows: role, size, licence, pin and whether "
                                 "downloaded.")).set_defaults(func=list_models)
    d = sub.add_parser("download", help=_("download a model at its pinned commit (resumable)"),
                       description=_("Download a model at its pinned commit (resumable). A model with no "
                                     "commit built in is pinned now: you see the commit and accept it."))
    u = sub.add_parser("update", help=_("offer the hub's newest commit of a model pinned on first use"),
                       description=_("Show the hub's newest commit of a model pinned on first use and, if "
                                     "you accept it, download it."))
    for cmd, func in ((d, download), (u, update)):
        cmd.add_argument("name", metavar=_("MODEL"),
                         help=_("the model's name, as `vitrina models list` shows it"))
        cmd.add_argument("--role", choices=catalogue.ROLES, default=None,
                         help=_("which role's model, when a name is in several"))
        cli_trust.add_arguments(cmd)
        cmd.set_defaults(func=func)


def list_models(args: argparse.Namespace) -> int:
    print(f"  {_('role'):<13} {_('name'):<19} {_('repository'):<41} {_('size'):<9} {_('licence'):<30} "
          f"{_('state')}")
    for c in catalogue.candidates():
        size = "~" + formats.size(_size_bytes(c))
        licence = c.licence if c.commercial_use else _("{licence} — NON-COMMERCIAL").format(licence=c.licence)
        print(f"  {_role_column(c.role):<13} {c.name:<19} {c.repo:<41} {size:<9} {licence:<30} {_state(c)}")
        if c.note:
            print(f"  {'':<13} {translated(c.note)}")
    return 0


def download(args: argparse.Namespace) -> int:
    printer = ProgressPrinter()
    try:
        candidate = catalogue.find(args.name, args.role)
        trust.ensure(candidate, cli_trust.asker(args), printer)
        path = fetch(candidate, printer)
    except VitrinaError as exc:
        printer.close()
        print(_("vitrina: error: {error}").format(error=cli_trust.with_hint(exc)), file=sys.stderr)
        return 1
    printer.close()
    print(_("{name}: ready in {path}").format(name=args.name, path=path))
    return 0


def update(args: argparse.Namespace) -> int:
    try:
        candidate = catalogue.find(args.name, args.role)
        if candidate.built_in:
            message = _("{name} is pinned in Vitrina itself ({sha}); a new commit comes with a new Vitrina.")
            print(message.format(name=candidate.name, sha=candidate.built_in[:12]))
            return 0
        found = trust.offer(candidate, events=ProgressPrinter())
        if found.current == found.revision:
            print(_("{name} is up to date ({sha}).").format(name=candidate.name, sha=found.revision[:12]))
            return 0
        ask = cli_trust.asker(args)
        if ask is None:
            for line in cli_trust.describe(found):
                print(line)
            print(_("vitrina: no terminal to ask: run again with --trust to accept it."), file=sys.stderr)
            return 1
        if not ask(found):
            print(_("Kept the commit accepted before."))
            return 1
        trust.accept(found)
        printer = ProgressPrinter()
        path = fetch(catalogue.find(args.name, args.role), printer)
        printer.close()
    except VitrinaError as exc:
        print(_("vitrina: error: {error}").format(error=exc), file=sys.stderr)
        return 1
    print(_("{name}: now at {sha}, ready in {path}").format(
        name=args.name, sha=found.revision[:12], path=path))
    return 0


def fetch(candidate: Candidate, events: EventSink) -> Path:
    """Download (and, for an original InternVL2 checkpoint, convert) ``candidate`` at its pin."""
    if candidate.role == catalogue.SEGMENTATION:
        from app.segment import VARIANTS
        from app.segment import download as download_segmentation

        return download_segmentation(VARIANTS[candidate.name], events)
    from app.cardtext.local_writer import WRITER_MODELS
    from app.describe import registry

    table = registry.DESCRIBERS if candidate.role == catalogue.DESCRIBER else WRITER_MODELS
    return registry.resolve(candidate.name, table, events=events).path


def _state(c: Candidate) -> str:
    from app.models import pins

    if c.built_in:
        pin = _("pinned {sha}").format(sha=c.built_in[:8])
    elif (mine := pins.load().get(c.repo)) is not None:
        pin = _("accepted by you {sha}").format(sha=mine.revision[:8])
    else:
        return _("asks on first download")
    return f"{pin}, {_('downloaded') if _cached(c) else _('not downloaded')}"


def _cached(c: Candidate) -> bool:
    if c.role == catalogue.SEGMENTATION:
        from app.segment import VARIANTS, cached_path

        return cached_path(VARIANTS[c.name]) is not None
    from app.cardtext.local_writer import WRITER_MODELS
    from app.describe import registry

    table = registry.DESCRIBERS if c.role == catalogue.DESCRIBER else WRITER_MODELS
    return registry.cached_path(table[c.name]) is not None


def _size_bytes(c: Candidate) -> float:
    if c.role == catalogue.SEGMENTATION:
        from app.segment import VARIANTS

        return VARIANTS[c.name].download_mb * 1e6
    from app.cardtext.local_writer import WRITER_MODELS
    from app.describe import registry

    table = registry.DESCRIBERS if c.role == catalogue.DESCRIBER else WRITER_MODELS
    return table[c.name].size_gb * 1e9


def _role_column(role: str) -> str:
    return {catalogue.SEGMENTATION: _("cut-out"), catalogue.DESCRIBER: _("describer"),
            catalogue.WRITER: _("writer")}.get(role, role)
