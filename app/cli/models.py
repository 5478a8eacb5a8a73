"""``vitrina models list`` / ``vitrina models download NAME``"""

from __future__ import annotations

import argparse
import sys

from app import formats
from app.cli.progress import ProgressPrinter
from app.errors import VitrinaError
from app.i18n import _, translated


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help=_("list or download models"),
                              description=_("List or download models."))
    sub = p.add_subparsers(dest="models_command", required=True, metavar="{list,download}",
                           title=_("commands"))
    sub.add_parser("list", help=_("the models Vitrina knows, with size, licence and whether downloaded"),
                   description=_("The models Vitrina knows, with size, licence and whether downloaded.")) \
        .set_defaults(func=list_models)
    d = sub.add_parser("download", help=_("download a model at its pinned revision (resumable)"),
                       description=_("Download a model at its pinned revision (resumable)."))
    d.add_argument("name", metavar=_("MODEL"), help=_("the model's name, as `vitrina models list` shows it"))
    d.set_defaults(func=download)


def list_models(args: argparse.Namespace) -> int:
    from app.segment import VARIANTS, cached_path

    print(_("Segmentation models:"))
    for v in VARIANTS.values():
        if v.revision is None:
            state = _("not pinned: use a local folder")
        else:
            state = _("downloaded") if cached_path(v) else _("not downloaded")
        licence = v.licence if v.commercial_use else _("{licence} — NON-COMMERCIAL").format(licence=v.licence)
        size = "~" + formats.size(v.download_mb * 1e6)
        print(f"  {v.name:<18} {v.repo:<30} {size:<9} {licence:<28} {state}")
        print(f"  {'':<18} {translated(v.note)}")
    return 0


def download(args: argparse.Namespace) -> int:
    from app.segment import download as download_model
    from app.segment import resolve

    printer = ProgressPrinter()
    try:
        spec = resolve(args.name)
        path = download_model(spec, events=printer)
    except VitrinaError as exc:
        printer.close()
        print(_("vitrina: error: {error}").format(error=exc), file=sys.stderr)
        return 1
    printer.close()
    print(_("{name}: ready in {path}").format(name=args.name, path=path))
    return 0
