"""``vitrina finetune`` and ``vitrina corrections export``: the user's fixed masks → a better model.

Ctrl-C stops at the end of the current step (a second Ctrl-C stops at once): the best epoch so
far is published and the same command resumes.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import formats
from app.cli import trust as cli_trust
from app.cli.progress import ProgressPrinter, printable
from app.errors import VitrinaError
from app.events import Event, TrainingStep
from app.finetune.pairs import Collected, collect
from app.i18n import _

EXIT_OK, EXIT_FAILED, EXIT_CANCELLED = 0, 1, 130


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "finetune", help=_("fine-tune the segmentation model on your corrected masks"),
        description=_("Fine-tune BiRefNet on the masks you corrected with the brush: the result is a "
                      "model folder for --seg-model and Settings. Nothing leaves this machine."))
    _add_sources(p)
    p.add_argument("--base", required=True, metavar=_("MODEL"),
                   help=_("the model to start from: a name such as birefnet, or a model folder"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar=_("FOLDER"),
                   help=_("the new model's folder (the same folder again resumes an unfinished run)"))
    p.add_argument("--epochs", type=int, default=10, metavar=_("N"),
                   help=_("passes over the photos (default 10)"))
    p.add_argument("--val", type=float, default=0.2, metavar=_("SHARE"),
                   help=_("share of the products held out for validation (default 0.2)"))
    p.add_argument("--size", type=int, default=None, metavar=_("PX"),
                   help=_("training side in pixels, a multiple of 32 (default: the base model's)"))
    p.add_argument("--batch-size", type=int, default=2, metavar=_("N"), help=_("photos per step (default 2)"))
    p.add_argument("--lr", type=float, default=None, metavar=_("NUMBER"),
                   help=_("learning rate (default: BiRefNet's 1e-5·√(batch/4))"))
    p.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"],
                   help=_("where to train (default auto: the GPU when there is one)"))
    p.add_argument("--checkpointing", default="auto", choices=["auto", "on", "off"],
                   help=_("gradient checkpointing: less GPU memory for more time (auto: on under 16 GB)"))
    cli_trust.add_arguments(p)
    p.set_defaults(func=run_finetune)

    c = subparsers.add_parser("corrections", help=_("work with your corrected masks"),
                              description=_("Work with the masks you corrected with the brush."))
    sub = c.add_subparsers(dest="corrections_command", required=True, metavar="{export}",
                           title=_("commands"))
    e = sub.add_parser("export", help=_("write the corrected photos and masks in the DIS layout"),
                       description=_("Write every corrected photo and its mask as im/NAME.jpg + gt/NAME.png "
                                     "(the DIS layout BiRefNet's training reads), to train elsewhere."))
    e.add_argument("folders", type=Path, nargs="+", metavar=_("FOLDER"), help=_("project folders"))
    e.add_argument("-o", "--output", type=Path, required=True, metavar=_("FOLDER"),
                   help=_("where im/ and gt/ go"))
    e.set_defaults(func=run_export)


def _add_sources(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=Path, action="append", default=[], metavar=_("FOLDER"),
                   help=_("a project folder whose edited masks to learn from (repeatable)"))
    p.add_argument("--data", type=Path, action="append", default=[], metavar=_("FOLDER"),
                   help=_("a folder of extra pairs in the DIS layout: im/NAME.jpg + gt/NAME.png "
                          "(repeatable)"))


def _report_bad(found: Collected) -> None:
    for bad in found.bad:
        print(printable(f"✗ {bad.label}: {bad.reason}"), file=sys.stderr)


def run_finetune(args: argparse.Namespace) -> int:
    from app.finetune.trainer import Settings, finetune

    if not args.project and not args.data:
        print(_("vitrina: error: give at least one --project or --data folder"), file=sys.stderr)
        return EXIT_FAILED
    printer = ProgressPrinter()
    found = collect(args.project, args.data)
    _report_bad(found)
    print(_("{count} corrected photo(s) of {products} product(s) to learn from; {bad} left out.").format(
        count=len(found.pairs), products=found.products, bad=len(found.bad)), file=sys.stderr)
    settings = Settings(epochs=args.epochs, val_fraction=args.val, size=args.size, batch_size=args.batch_size,
                        lr=args.lr, device=args.device, checkpointing=args.checkpointing)
    stop = threading.Event()
    try:
        _pin_base(args, printer)
        with _ctrl_c_sets(stop):
            result = finetune(found, args.base, args.output, settings, events=_Training(printer),
                              should_stop=stop.is_set)
    except VitrinaError as exc:
        printer.close()
        print(_("vitrina: error: {error}").format(error=printable(cli_trust.with_hint(exc))), file=sys.stderr)
        return EXIT_FAILED
    printer.close()
    if result.report is None:
        print(_("Stopped before the first validation: no model was written. Run the same command "
                "again to continue."), file=sys.stderr)
        return EXIT_CANCELLED
    _summary(result.report, result.out_dir)
    if result.cancelled:
        print(_("Stopped. The best epoch so far is in {folder}; run the same command again to "
                "continue.").format(folder=result.out_dir), file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_OK


def _pin_base(args: argparse.Namespace, printer: ProgressPrinter) -> None:
    """A hub base without a built-in commit is pinned first, asking as ``vitrina batch`` does."""
    from app.models import catalogue, trust

    known = {c.name: c for c in catalogue.candidates(catalogue.SEGMENTATION)}
    if args.base in known:
        trust.ensure(known[args.base], cli_trust.asker(args), printer)


@contextmanager
def _ctrl_c_sets(stop: threading.Event) -> Iterator[None]:
    """The first Ctrl-C asks the run to stop after its step; the second one interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\n" + _("Stopping after this step… (Ctrl-C again to stop at once)"), file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Training:
    """Training steps as the progress line: epoch, step, loss, validation IoU, time left."""

    def __init__(self, printer: ProgressPrinter) -> None:
        self.printer = printer

    def __call__(self, event: Event) -> None:
        if not isinstance(event, TrainingStep):
            self.printer(event)
            return
        iou = "—" if event.val_iou is None else formats.percent(event.val_iou)
        left = "—" if event.seconds_left is None else formats.duration(event.seconds_left)
        line = _("epoch {epoch}/{epochs}  step {step}/{steps}  loss {loss}  validation IoU {iou}  "
                 "{left} left")
        self.printer.status(line.format(
            epoch=event.epoch, epochs=event.epochs, step=event.step, steps=event.steps,
            loss=formats.decimal(event.loss, 3), iou=iou, left=left), final=event.step >= event.steps)


def _summary(made: dict, out_dir: Path | None) -> None:
    base, tuned = made["overall"]["base"], made["overall"]["tuned"]
    print(_("Validation on {count} held-out photo(s): IoU {base_iou} → {tuned_iou}, boundary F "
            "{base_bf} → {tuned_bf} (best epoch {epoch}).").format(
        count=len(made["photos"]), base_iou=formats.percent(base["iou"]),
        tuned_iou=formats.percent(tuned["iou"]),
        base_bf=formats.percent(base["boundary_f"]), tuned_bf=formats.percent(tuned["boundary_f"]),
        epoch=made["best_epoch"]), file=sys.stderr)
    if made["got_worse"]:
        print(_("Warning: the fine-tuned model is WORSE than the base on the held-out photos; keep using "
                "the base, or correct more photos and train again."), file=sys.stderr)
    print(_("The fine-tuned model: {folder} (use it with --seg-model {folder})").format(folder=out_dir))


def run_export(args: argparse.Namespace) -> int:
    from app.finetune.export import export_pairs

    found = collect(args.folders)
    _report_bad(found)
    try:
        written, bad = export_pairs(found.pairs, args.output)
    except VitrinaError as exc:
        print(_("vitrina: error: {error}").format(error=printable(str(exc))), file=sys.stderr)
        return EXIT_FAILED
    _report_bad(Collected([], bad))
    print(_("{count} pair(s) written to {folder}; {bad} left out.").format(
        count=written, folder=args.output, bad=len(found.bad)))
    return EXIT_OK if written else EXIT_FAILED
