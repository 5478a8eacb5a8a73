"""``vitrina batch INPUT -o OUTPUT …``"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from app import settings as app_settings
from app.cli import model_choice
from app.cli import trust as cli_trust
from app.cli.progress import ProgressPrinter, printable
from app.compose.backgrounds import BackgroundSpec, parse_background
from app.describe.loading import QUANTIZE_CHOICES
from app.errors import VitrinaError
from app.events import EventSink, Notice, ignore
from app.i18n import _
from app.marketplace.marketplaces import marketplaces
from app.pipeline import report
from app.pipeline.batch import run_batch
from app.pipeline.options import BatchOptions
from app.pipeline.report import BatchResult
from app.pipeline.text import TextOptions

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
EXIT_NOTHING_EXPORTED = 2  # like a usage error: nothing came out of the run


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("batch", help=_("process a folder of photos into card bundles"),
                              description=_("Process a folder of photos into card bundles."))
    add_run_arguments(p)
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help=_("local: this computer; ray: spread the folder over a Ray cluster "
                          "(pip install 'vitrina[ray]'; IN and OUT on storage every node sees)"))
    p.add_argument("--ray-address", default=None, metavar=_("ADDRESS"),
                   help=_("with --engine ray: auto joins the running cluster, HOST:PORT a given one; "
                          "none starts Ray on this computer"))
    p.add_argument("--gpus", type=int, default=None, metavar=_("N"),
                   help=_("with --engine ray: segmentation models to run at once, one per GPU "
                          "(default: every GPU of the cluster)"))
    p.set_defaults(func=run)


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The folders and every option of a run (shared by ``vitrina batch`` and ``vitrina watch``)."""
    p.add_argument("input", type=Path, metavar=_("FOLDER"),
                   help=_("folder of photos (a subfolder = one product)"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar=_("FOLDER"),
                   help=_("folder for the card bundles"))
    p.add_argument("--background", default="plane", metavar=_("BACKGROUND"),
                   help=_("plane (a backdrop seen at an angle) | flat (top-down backdrop) | auto (plane or "
                          "flat per photo) | a preset (white, warm-grey, cream, pale-blue, mint, soft-pink) "
                          "| solid:#RRGGBB | gradient:#TOP:#BOTTOM | image:FILE | transparent"))
    p.add_argument("--shadow", type=float, default=None, metavar=_("OPACITY"),
                   help=_("contact shadow darkness 0..1 under the product (0: none; default 0.35)"))
    p.add_argument("--shadow-softness", type=float, default=None, metavar=_("SHARE"),
                   help=_("shadow blur as a share of the product's width (default 0.06)"))
    p.add_argument("--shadow-length", type=float, default=None, metavar=_("SHARE"),
                   help=_("how far the shadow reaches toward the viewer, share of the height (default 0.06)"))
    p.add_argument("--shadow-direction", type=float, default=None, metavar=_("DIRECTION"),
                   help=_("-1..1: the shadow leans left/right (default 0)"))
    p.add_argument("--reflection", type=float, default=None, metavar=_("OPACITY"),
                   help=_("mirror the product on a glossy floor, 0..1 (default 0: off)"))
    p.add_argument("--marketplace", default="none", choices=[*marketplaces(), "none"],
                   help=_("canvas size and fill of that marketplace: wb (Wildberries), ozon (Ozon), "
                          "ym (Yandex Market); none: keep the photo size"))
    p.add_argument("--seg-model", default=None, metavar=_("MODEL"),
                   help=_("segmentation model name (see `vitrina models list`) or a model folder "
                          "(default: the one that suits this computer)"))
    p.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"],
                   help=_("where the models run: auto, cuda (NVIDIA graphics card) or cpu (processor)"))
    p.add_argument("--batch-size", type=int, default=None, metavar=_("N"),
                   help=_("photos per model call (default: auto)"))
    p.add_argument("--text-provider", default="auto", choices=["auto", "gigachat", "local", "none"],
                   help=_("who writes the Russian card text (auto: GigaChat when a key is stored with "
                          "`vitrina gigachat set-key`, otherwise none; local: a model on this computer)"))
    p.add_argument("--no-text", action="store_true", help=_("images only, no card text"))
    p.add_argument("--describer", default=None, choices=["local", "gigachat"],
                   help=_("who looks at the photos: local (a vision model on this computer) or gigachat "
                          "(GigaChat-2-Pro, with the stored key; no local model is needed) (default: as in "
                          "Settings, else local)"))
    p.add_argument("--vlm-model", default=None, metavar=_("MODEL"),
                   help=_("model that describes the photos (name or folder; see `vitrina models list`; "
                          "default: the one that suits this computer)"))
    p.add_argument("--writer-model", default=None, metavar=_("MODEL"),
                   help=_("local writer model (name or folder; default: the describer's own model)"))
    p.add_argument("--quantize", default=None, choices=list(QUANTIZE_CHOICES),
                   help=_("load the describer and the local writer in 8 or 4 bits to fit a small NVIDIA "
                          "GPU (needs `pip install 'vitrina[gpu]'`)"))
    p.add_argument("--gigachat-model", default=None, metavar=_("MODEL"),
                   help=_("GigaChat model, e.g. GigaChat-2-Pro"))
    p.add_argument("--regenerate-text", action="store_true",
                   help=_("write new cards even where an earlier run made one (your edits are kept)"))
    p.add_argument("--overwrite", action="store_true", help=_("replace bundles that already exist"))
    p.add_argument("--fix", action="store_true",
                   help=_("fix what the marketplace would refuse and a machine can fix: resize, flatten "
                          "transparency, re-encode under the file size limit (see compliance.json)"))
    p.add_argument("--no-decontaminate", action="store_true",
                   help=_("keep the photo's own colours at soft edges (no removal of the old "
                          "backdrop's tint)"))
    cli_trust.add_arguments(p)


def _text_provider(args: argparse.Namespace, printer: ProgressPrinter) -> str:
    if args.no_text:
        return "none"
    if args.text_provider != "auto":
        return args.text_provider
    from app.cardtext.credentials import CredentialsError, get_key

    try:
        has_key = bool(get_key())
    except CredentialsError:
        has_key = False
    if has_key:
        return "gigachat"
    printer(Notice(_("Card text is off: no GigaChat key is stored (store one with `vitrina gigachat "
                     "set-key`, or use --text-provider local for a model on this computer). Images are "
                     "made as usual.")))
    return "none"


def _with_shadow(spec: BackgroundSpec, args: argparse.Namespace) -> BackgroundSpec:
    """The background with the shadow flags that were given (the rest keep the spec's values)."""
    flags = {
        "shadow_opacity": args.shadow,
        "shadow_softness": args.shadow_softness,
        "shadow_length": args.shadow_length,
        "shadow_direction": args.shadow_direction,
        "reflection": args.reflection,
    }
    given = {field: value for field, value in flags.items() if value is not None}
    return replace(spec, **given) if given else spec


def run_options(args: argparse.Namespace, printer: ProgressPrinter) -> BatchOptions | None:
    """The options the arguments ask for, or None after saying on stderr what is wrong with them."""
    if not args.input.is_dir():
        print(_("vitrina: error: input folder not found: {folder}").format(folder=args.input),
              file=sys.stderr)
        return None
    if args.batch_size is not None and args.batch_size < 1:
        print(_("vitrina: error: --batch-size must be at least 1"), file=sys.stderr)
        return None
    try:
        background = _with_shadow(parse_background(args.background), args)
    except ValueError as exc:
        print(_("vitrina: error: --background: {error}").format(error=exc), file=sys.stderr)
        return None
    provider = _text_provider(args, printer)
    saved = app_settings.load()
    describer = args.describer or saved.describer
    # The account's limits, as in the studio: the writer and the describer share them.
    gigachat = {"scope": saved.gigachat_scope, "max_concurrency": saved.gigachat_concurrency}
    try:
        local_describer = provider != "none" and describer == "local"
        seg_model, vlm_model = model_choice.pick(args, printer, describes=local_describer)
        quantize = check_quantize(args.quantize, args.device, provider)
        accept_models(args, seg_model, vlm_model, provider, describer, printer)
    except VitrinaError as exc:
        printer.close()
        print(_("vitrina: error: {error}").format(error=printable(cli_trust.with_hint(exc))), file=sys.stderr)
        return None
    return BatchOptions(
        background=background,
        marketplace=None if args.marketplace == "none" else args.marketplace,
        seg_model=seg_model, device=args.device, batch_size=args.batch_size,
        overwrite=args.overwrite, regenerate_text=args.regenerate_text, fix_compliance=args.fix,
        decontaminate=not args.no_decontaminate,
        text=TextOptions(provider=provider, vlm_model=vlm_model, writer_model=args.writer_model,
                         gigachat_model=args.gigachat_model, device=args.device, quantize=quantize,
                         writer_settings=gigachat if provider == "gigachat" else {},
                         describer=describer, describer_settings=gigachat),
    )


def check_quantize(quantize: str | None, device: str, provider: str) -> str | None:
    """``--quantize`` if it can work here; a clear refusal before any photo is touched if not."""
    if quantize is None:
        return None
    if provider == "none":
        return None  # nothing local to quantise; not worth stopping the run for
    from app.describe.loading import check_quantize_possible

    check_quantize_possible(quantize, device)
    return quantize


def accept_models(args: argparse.Namespace, seg_model: str, vlm_model: str, provider: str,
                  describer: str = "local", events: EventSink = ignore) -> None:
    """Models without a built-in commit are pinned now, asking first (``--trust`` answers)."""
    from app.cardtext.local_writer import default_writer_model
    from app.models import catalogue, trust

    wanted = [(seg_model, catalogue.SEGMENTATION)]
    if provider != "none" and describer == "local":
        wanted.append((vlm_model, catalogue.DESCRIBER))
    if provider == "local":
        wanted.append((args.writer_model or default_writer_model(vlm_model), catalogue.WRITER))
    ask = cli_trust.asker(args)
    for name, role in wanted:
        known = {c.name: c for c in catalogue.candidates(role)}
        if name in known:  # a folder on disk needs no pin
            trust.ensure(known[name], ask, events)  # the hub's retries reach the console as notices


def run(args: argparse.Namespace) -> int:
    printer = ProgressPrinter()
    options = run_options(args, printer)
    if options is None:
        return EXIT_USAGE
    try:
        result = _engine(args)(args.input, args.output, options, events=printer)
    except VitrinaError as exc:
        return refused(printer, exc)
    finally:
        printer.close()
    print(summary(result), file=sys.stderr)
    if result.cancelled:
        print(_("Stopped. Run the same command again to continue where it left off."), file=sys.stderr)
        return EXIT_CANCELLED
    if result.done == 0:
        return EXIT_NOTHING_EXPORTED  # every photo failed or needs review: nothing to upload
    problems = result.failed + result.needs_review + result.count(report.TEXT_FAILED)
    return EXIT_SOME_FAILED if problems else EXIT_OK


def _engine(args: argparse.Namespace):  # noqa: ANN202 - run_batch's signature
    """The local engine, or the Ray engine with the cluster the arguments name."""
    if getattr(args, "engine", "local") != "ray":
        return run_batch
    from app.pipeline.ray_engine import RayOptions, require_ray, run_batch_ray

    require_ray()  # before any work: without Ray, say which command installs it
    ray_options = RayOptions(address=args.ray_address, gpus=args.gpus)
    return lambda input_dir, output, options, events: run_batch_ray(input_dir, output, options, ray_options,
                                                                     events=events)


def refused(printer: ProgressPrinter, exc: VitrinaError) -> int:
    """The run could not start or go on at all: one line on stderr, the usage exit status."""
    printer.close()
    print(_("vitrina: error: {error}").format(error=printable(str(exc))), file=sys.stderr)
    return EXIT_USAGE


def summary(result: BatchResult) -> str:
    """What this run did, with what it made now told apart from what an earlier run left."""
    if result.done == 0 and not result.cancelled:
        line = _("Nothing exported: {failed} failed, {review} need review, {skipped} skipped").format(
            failed=result.failed, review=result.needs_review, skipped=result.count(report.SKIPPED))
    else:
        line = _("{now} photo(s) exported now, {kept} already exported (kept), {failed} failed, "
                    "{review} need review, {skipped} skipped").format(
            now=result.exported_now, kept=result.kept, failed=result.failed, review=result.needs_review,
            skipped=result.count(report.SKIPPED))
    if text_failed := result.count(report.TEXT_FAILED):
        line += _("; {count} exported without card text").format(count=text_failed)
    if result.report_path:
        line += _(" — details in {path}").format(path=result.report_path)
    return line
