"""The ``vitrina`` command: ``vitrina [FOLDER]`` opens the studio; subcommands work headless."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from app import __version__
from app.cli.parser import Parser
from app.i18n import _

SUBCOMMANDS = ("batch", "watch", "models", "gigachat", "doctor", "finetune", "corrections", "publish",
               "wildberries")


def _parser() -> argparse.ArgumentParser:
    from app.cli import batch, doctor, finetune, gigachat, models, publish, watch

    parser = Parser(prog="vitrina", description=_("Product photos → marketplace card bundles."))
    parser.add_argument("--version", action="version", version=f"vitrina {__version__}",
                        help=_("show the version and exit"))
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(SUBCOMMANDS) + "}",
                                title=_("commands"))
    batch.add_parser(sub)
    watch.add_parser(sub)
    models.add_parser(sub)
    gigachat.add_parser(sub)
    doctor.add_parser(sub)
    finetune.add_parser(sub)
    publish.add_parser(sub)
    return parser


GuiOpener = Callable[[Path | None], int]
GUI_ENTRY_POINTS = "vitrina.gui"  # where the studio registers itself (pyproject.toml)


def _registered_gui() -> GuiOpener | None:
    """The studio, found through its entry point: the core never imports the UI package, the UI
    plugs itself in (the frozen app's launcher passes it directly instead)."""
    for entry in entry_points(group=GUI_ENTRY_POINTS):
        return entry.load()  # loading imports Qt: only when the window is wanted
    return None


def _open_gui(folder: Path | None, open_gui: GuiOpener | None) -> int:
    gui = open_gui or _registered_gui()
    if gui is None:
        print(_("vitrina: the desktop studio is not installed in this environment. Use the command line:\n"
                "  vitrina batch FOLDER -o OUTPUT   (see `vitrina batch --help`)"), file=sys.stderr)
        return 2
    return int(gui(folder))


def main(argv: Sequence[str] | None = None, *, open_gui: GuiOpener | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in SUBCOMMANDS and not args_list[0].startswith("-")):
        if len(args_list) > 1:
            _parser().error(_("unknown command {name!r}").format(name=args_list[0]))
        folder = Path(args_list[0]) if args_list else None
        if folder is not None and not folder.is_dir():
            print(_("vitrina: error: not a folder: {folder}").format(folder=folder), file=sys.stderr)
            return 2
        return _open_gui(folder, open_gui)
    args = _parser().parse_args(args_list)
    if getattr(args, "func", None) is None:
        _parser().print_help()
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("\n" + _("Stopped."), file=sys.stderr)
        return 130
