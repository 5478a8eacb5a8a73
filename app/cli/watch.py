"""``vitrina watch INPUT -o OUTPUT …``: export new photos as they are copied in (tethered shooting)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from app.cli.batch import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    add_run_arguments,
    refused,
    run_options,
    summary,
)
from app.cli.progress import ProgressPrinter
from app.errors import VitrinaError
from app.i18n import _
from app.pipeline.watch import watch_folder


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "watch", help=_("keep exporting the photos that arrive in a folder until Ctrl-C (tethered shooting)"),
        description=_("Keep exporting the photos that arrive in a folder until Ctrl-C (tethered shooting)."))
    add_run_arguments(p)
    p.add_argument("--interval", type=float, default=1.0, metavar=_("SECONDS"),
                   help=_("how often to look for new photos, in seconds (default 1)"))
    p.add_argument("--settle", type=float, default=2.0, metavar=_("SECONDS"),
                   help=_("a photo counts once it has not changed for this many seconds (default 2), so "
                          "a file still being copied is never read"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, *, stop: threading.Event | None = None) -> int:
    if args.interval <= 0 or args.settle < 0:
        print(_("vitrina: error: --interval must be above 0 and --settle at least 0"), file=sys.stderr)
        return EXIT_USAGE
    printer = ProgressPrinter()
    options = run_options(args, printer)
    if options is None:
        return EXIT_USAGE
    stop = stop or threading.Event()
    previous = _stop_on_ctrl_c(stop)
    try:
        result = watch_folder(args.input, args.output, options, stop=stop, events=printer,
                              interval=args.interval, settle=args.settle,
                              on_run=lambda run: print(summary(run), file=sys.stderr))
    except VitrinaError as exc:
        return refused(printer, exc)
    finally:
        printer.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    print(_("Stopped watching: {exported} photo(s) exported, {failed} failed or need review.").format(
        exported=result.exported, failed=result.failed), file=sys.stderr)
    return EXIT_SOME_FAILED if result.failed else EXIT_OK


def _stop_on_ctrl_c(stop: threading.Event) -> Any:
    """Ctrl-C ends the watch cleanly: a photo in flight is finished or left for the next start
    (never half-written), the model is closed and the totals are printed. A second Ctrl-C
    interrupts at once. Returns the handler to restore (None off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    return signal.signal(signal.SIGINT, handler)
