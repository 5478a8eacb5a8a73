"""``vitrina batch``: a folder of photos → masks → composed images → one bundle per product.

One thread (the caller's) owns the segmentation model — the GPU worker. Photos are decoded ahead
of it on CPU threads, and finished products are composed and written on other CPU threads, so
the model rarely waits. Everything the run computes is saved in the project's sidecar, so a
re-run (after a crash, Ctrl-C or cancel) redoes nothing that is still valid.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.cardtext.card import Card
from app.compose.compose import CanvasSpec
from app.errors import Cancelled, ExportError, StateError, VitrinaError
from app.events import EventSink, ItemDone, ItemFailed, Notice, Progress, ignore
from app.export import check_writable, clean_partials
from app.i18n import _
from app.imaging.formats import SUPPORTED_SUFFIXES
from app.marketplace.marketplaces import get as get_marketplace
from app.pipeline import masks, report
from app.pipeline.bundles import BundlePlan, assign_bundle_names, manifest_of, plan_bundles
from app.pipeline.finish import (
    FinishContext,
    Finished,
    PhotoIn,
    ProductIn,
    finish_product,
)
from app.pipeline.options import BatchOptions
from app.pipeline.prefetch import prefetch
from app.pipeline.report import BatchResult
from app.pipeline.text import TextRequest, TextStage
from app.pipeline.work import LoadedPhoto, ProductWork
from app.project import Product, Project
from app.project.lock import ProjectLock
from app.publish.fields import bundle_fields
from app.segment import Segmenter, resolve

SegmenterFactory = Callable[[BatchOptions, EventSink], Segmenter]



def default_segmenter(options: BatchOptions, events: EventSink) -> Segmenter:
    from app.segment import load_segmenter  # torch loads here, when a photo needs the model

    return load_segmenter(options.seg_model, device=options.device, batch_size=options.batch_size,
                          events=events)


def _without(products: list[Product], held: set[str]) -> list[Product]:
    kept = []
    for product in products:
        photos = tuple(rel for rel in product.photos if rel not in held)
        if photos:
            kept.append(replace(product, photos=photos))
    return kept


class BatchRun:
    TEXT_ON_DRIVER = True  # this process describes and writes the cards (the Ray engine's actors do there)

    def __init__(self, input_dir: Path, output_dir: Path, options: BatchOptions, *,
                 events: EventSink = ignore, cancel: threading.Event | None = None,
                 segmenter_factory: SegmenterFactory | None = None,
                 text_stage: TextStage | None = None, hold_back: Collection[str] = ()) -> None:
        """``hold_back``: photos (relative paths) this run leaves alone as if they were not there
        yet — files a watch sees still being copied in."""
        self.output = Path(output_dir).resolve()
        self.options = options
        self.events = events
        self.cancel = cancel or threading.Event()
        # The model is checked first: a refused model must not leave a state folder behind.
        self.model_key = masks.model_key(options.seg_model)
        self.model_spec = resolve(options.seg_model)
        self.project = Project(Path(input_dir), exclude=(self.output,))
        if hold_back:
            self.project.scan.products = _without(self.project.scan.products, set(hold_back))
        self.canvas = self._canvas()
        self.result = BatchResult()
        factory = segmenter_factory or default_segmenter  # looked up here, so tests can swap it
        self._segmenter = masks.LazySegmenter(
            lambda: factory(options, masks.without_inner_progress(events)), events)
        self.text_marketplace = get_marketplace(options.marketplace or "wb")
        self.text = text_stage
        if self.text is None and options.text.enabled and self.TEXT_ON_DRIVER:
            self.text = TextStage(options.text, self.text_marketplace, events=events)
        self._composer: ThreadPoolExecutor | None = None
        self._mask_writer: ThreadPoolExecutor | None = None
        self._waiting_text: dict[str, ProductWork] = {}
        self._finishing: list[Future[None]] = []
        self._done_photos = 0
        self._lock = threading.Lock()
        self._first_of_hash: dict[str, str] = {}  # content hash -> the first photo with it
        self._duplicate_of: dict[str, str] = {}
        self._cache_warned = False

    def _canvas(self) -> CanvasSpec | None:
        if not self.options.marketplace:
            return None
        m = get_marketplace(self.options.marketplace)
        return CanvasSpec(width=m.canvas_width, height=m.canvas_height, fill=m.fill)

    # -- bookkeeping ------------------------------------------------------------------------
    def _row(self, row: report.ReportRow) -> None:
        with self._lock:
            self.result.rows.append(row)
            self._done_photos += 1  # one row per photo that reaches the end, whatever its outcome
            done = self._done_photos
        if row.status in (report.FAILED, report.TEXT_FAILED, report.CONFLICT, report.NEEDS_REVIEW):
            self.events(ItemFailed(item=row.file, stage="batch", message=row.message))
        self.events(Progress("photos", done, self.total, item=row.file))

    @property
    def total(self) -> int:
        return self.project.scan.photo_count

    # -- stages -----------------------------------------------------------------------------
    def _load(self, item: tuple[Product, str]) -> LoadedPhoto:
        product, rel = item
        return LoadedPhoto(**vars(masks.load(self.project, rel, self.options.max_pixels)), product=product)

    def _segment(self, batch: list[LoadedPhoto], works: dict[str, ProductWork]) -> None:
        if not batch:
            return
        try:
            alphas = self._segmenter.segment([lp.photo.rgb for lp in batch if lp.photo is not None])
        except VitrinaError as exc:
            for lp in batch:
                works[lp.product.key].failed[lp.rel] = _("segmentation failed: {error}").format(error=exc)
            return
        made = []
        for lp, mask in zip(batch, alphas, strict=True):
            works[lp.product.key].masks[lp.rel] = mask
            made.append((lp.rel, mask))
        # The PNG encode (~40 ms at 2 MP) would otherwise sit between two forwards on the model
        # thread. Resume stays safe: save_mask writes the file before it marks the state.
        assert self._mask_writer is not None
        self._mask_writer.submit(self._cache_masks, made)

    def _cache_masks(self, made: list[tuple[str, np.ndarray]]) -> None:
        for rel, mask in made:
            try:
                self.project.save_mask(rel, mask, source="model", model=self.model_key)
            except OSError as exc:
                self._cache_failed(f"{exc.strerror or exc}")
        try:
            self.project.save(force=False)
        except StateError as exc:
            self._cache_failed(str(exc))

    def _cache_failed(self, why: str) -> None:
        """The mask cache in the state folder cannot be written (disk full, read-only): the run
        goes on with the masks in memory; only the next run's resume is lost."""
        with self._lock:
            warned, self._cache_warned = self._cache_warned, True
        if not warned:
            self.events(Notice(_("Cannot save masks in {folder} ({why}); the photos are exported anyway, "
                                 "but a re-run will have to segment them again.").format(
                folder=self.project.state_dir, why=why)))

    # -- card text ----------------------------------------------------------------------------
    def _dispatch(self, ready: list[ProductWork]) -> None:
        """Send resolved products on: to the text stage when they need a card, else to finishing."""
        requests = []
        for work in ready:
            state = self.project.product(work.product.key)
            good = work.good_photos()
            if state.card and (state.card_edited or not self.options.regenerate_text):
                # The user's edits always win; a card from an earlier run is kept, not paid for again.
                self._submit_finish(work, Card.from_json(state.card), "")
            elif self.text is None or not good:
                self._submit_finish(work, None, "")
            else:
                requests.append(TextRequest(work.product.key, work.product.name,
                                            [lp.photo.rgb for lp in good if lp.photo is not None]))
                self._waiting_text[work.product.key] = work
        if requests and self.text is not None:
            self.text.submit(requests, self._on_card)

    def _on_card(self, key: str, card: Card | None, error: str) -> None:
        work = self._waiting_text.pop(key)
        state = self.project.product(key)
        if card is not None:
            if state.card_edited and state.card:
                card = Card.from_json(state.card)  # edited while we were writing: the edit wins
            else:
                state.card, state.text_error = card.to_json(), ""
        else:
            state.text_error = error
        self.project.mark_dirty()
        self._submit_finish(work, card, error)

    def _wait_for_export(self) -> None:
        """Back-pressure: when export lags behind the model, the model thread waits instead of
        piling finished photos up in memory (about 50 MB each at 12 MP)."""
        limit = 2 * self.options.compose_workers + 2
        while True:
            pending = [f for f in list(self._finishing) if not f.done()]
            if len(pending) <= limit or self.cancel.is_set():
                return
            pending[0].result()

    def _submit_finish(self, work: ProductWork, card: Card | None, text_error: str) -> None:
        assert self._composer is not None
        self._finishing.append(self._composer.submit(self._finish, work, card, text_error))

    def _finish(self, work: ProductWork, card: Card | None = None, text_error: str = "") -> None:
        """Compose every good photo of a product and write its bundle (runs on a CPU thread)."""
        state = self.project.product(work.product.key)
        photos = [PhotoIn(lp.rel, lp.photo.rgb, work.masks[lp.rel], list(lp.photo.notes),
                          self._duplicate_of.get(lp.rel, ""), lp.content_hash)
                  for lp in work.good_photos() if lp.photo is not None]
        product = ProductIn(work.product.key, work.product.name, work.bundle_name, work.replace, photos,
                            dict(work.failed), card, text_error, bool(state.card_edited),
                            bundle_fields(self.project, work.product))
        self.apply(finish_product(self.finish_context, product))

    def apply(self, finished: Finished) -> None:
        """What finishing a product decided, into the project state, the report and the events."""
        for message, item in finished.notices:
            self.events(Notice(message, item=item))
        for rel, fields in finished.photo_states.items():
            state = self.project.photo(rel)
            for name, value in fields.items():
                setattr(state, name, value)
        product = self.project.product(finished.key)
        if finished.compliance is not None:
            product.compliance = finished.compliance
        if finished.exported_to is not None:
            product.exported_to = finished.exported_to
        self.project.mark_dirty()
        for row in finished.rows:
            self._row(row)
        if finished.exported_to is not None:
            self.events(ItemDone(item=finished.key, stage="export"))

    @property
    def finish_context(self) -> FinishContext:
        return FinishContext(
            output=self.output, background=self.options.background, marketplace=self.options.marketplace,
            canvas=self.canvas, decontaminate=self.options.decontaminate,
            fix_compliance=self.options.fix_compliance, overwrite=self.options.overwrite,
            model_id=self.model_spec.model_id, model_revision=self.model_spec.revision,
            text_on=self.text is not None, text_marketplace=self.options.marketplace or "wb")

    # -- the run ----------------------------------------------------------------------------
    def _photos(self, products: list[Product]) -> Iterator[tuple[Product, str]]:
        for product in products:
            for rel in product.photos:
                yield product, rel

    def run(self) -> BatchResult:
        for message in self.project.messages:
            self.events(Notice(message))
        for rel, why in self.project.scan.skipped:
            self.result.rows.append(report.ReportRow(rel, "", report.SKIPPED, why))
            self.events(Notice(_("skipped: {why}").format(why=why), item=rel))
        self._check_folders()
        # One run per folder: a second one would race on the state and remove our bundles in progress.
        with ProjectLock(self.project.state_dir, folder=self.project.root, purpose="batch"):
            check_writable(self.output)
            return self._run()

    def _check_folders(self) -> None:
        if self.output == self.project.root:
            raise ExportError(_("the output folder must not be the input folder (the bundles would be "
                                "read as photos next time); choose another folder with -o"))
        if self.total == 0:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise VitrinaError(_("no photos found in {folder} or its subfolders (looked for {kinds}); "
                                 "a subfolder with photos is one product").format(
                folder=self.project.root, kinds=kinds))

    def _plan(self) -> tuple[dict[str, str], BundlePlan]:
        """The bundle names and which products to make; the products left as they are get their
        rows now. Both engines start here."""
        clean_partials(self.output)
        names = assign_bundle_names(self.project, self.output)
        plan = plan_bundles(self.project, self.output, names, overwrite=self.options.overwrite)
        for row in plan.rows:
            self._row(row)
        for key, change in plan.redo.items():
            self.events(Notice(change, item=key))
        return names, plan

    def _run(self) -> BatchResult:
        names, plan = self._plan()
        todo = plan.todo
        redo = set(plan.redo)
        works = {p.key: ProductWork(p, names[p.key], replace=p.key in redo) for p in todo}
        self._composer = ThreadPoolExecutor(self.options.compose_workers,
                                            thread_name_prefix="vitrina-compose")
        self._mask_writer = ThreadPoolExecutor(1, thread_name_prefix="vitrina-mask-cache")
        ahead = max(self.options.batch_size or 0, masks.GPU_CALL)
        loads = prefetch(self._photos(todo), self._load, workers=self.options.load_workers,
                         depth=ahead * 2 + 2)
        try:
            queue: list[LoadedPhoto] = []
            for lp in loads:
                if self.cancel.is_set():
                    raise Cancelled(_("cancelled by the user"))
                work = works[lp.product.key]
                work.loaded[lp.rel] = lp
                self._note_duplicate(lp)
                if lp.error:
                    work.failed[lp.rel] = lp.error
                elif (mask := self._current_mask(lp)) is not None:
                    work.masks[lp.rel] = mask
                else:
                    queue.append(lp)
                if len(queue) >= self._segmenter.call_size(self.options.batch_size):
                    self._segment(queue, works)
                    queue = []
                self._dispatch(self._pop_resolved(works))
                self._wait_for_export()
            self._segment(queue, works)
            self._dispatch(self._pop_resolved(works))
            if self.text is not None:
                self.text.wait(self.cancel)
            for future in list(self._finishing):
                future.result()
        except (Cancelled, KeyboardInterrupt):
            self.result.cancelled = True
            self.cancel.set()
        finally:
            loads.close()
            if self.text is not None:
                self.text.close(cancel=self.cancel.is_set())
            # Products already segmented are finished even on cancel: that work is cheap and kept.
            self._composer.shutdown(wait=True)
            self._mask_writer.shutdown(wait=True)  # before the final state save below
            self._close()
        works.update({w.product.key: w for w in self._waiting_text.values()})
        for work in works.values():
            for rel in work.product.photos:
                self.result.rows.append(report.ReportRow(rel, work.product.key, report.CANCELLED,
                                                         _("not processed: the run was cancelled")))
        self._write_reports(names)
        return self.result

    def _current_mask(self, lp: LoadedPhoto) -> np.ndarray | None:
        try:
            return masks.current_mask(self.project, lp, self.model_key)
        except OSError as exc:  # a cut-out's own alpha could not be cached: it is still the mask
            self._cache_failed(f"{exc.strerror or exc}")
            alpha = lp.photo.alpha if lp.photo is not None else None
            return alpha if alpha is not None and alpha.min() < 255 else None

    def _note_duplicate(self, lp: LoadedPhoto) -> None:
        if not lp.content_hash:
            return
        first = self._first_of_hash.setdefault(lp.content_hash, lp.rel)
        if first != lp.rel:
            self._duplicate_of[lp.rel] = first

    def _pop_resolved(self, works: dict[str, ProductWork]) -> list[ProductWork]:
        ready = [w for w in works.values() if w.resolved]
        for w in ready:
            del works[w.product.key]
        return ready

    def _close(self) -> None:
        try:
            self.project.save()
        except VitrinaError as exc:
            self.events(Notice(str(exc)))
        self._segmenter.close()

    def _write_reports(self, names: dict[str, str]) -> None:
        manifest = manifest_of(self.project, names, self.output)
        try:
            self.output.mkdir(parents=True, exist_ok=True)
            self.result.report_path = report.write_report(self.output, self.result.rows)
            report.write_manifest(self.output, manifest)
        except OSError as exc:
            self.events(Notice(_("Cannot write report.csv/manifest.csv in {folder}: {error}").format(
                folder=self.output, error=exc)))


def run_batch(input_dir: Path, output_dir: Path, options: BatchOptions, *, events: EventSink = ignore,
              cancel: threading.Event | None = None,
              segmenter_factory: SegmenterFactory | None = None,
              text_stage: TextStage | None = None) -> BatchResult:
    return BatchRun(input_dir, output_dir, options, events=events, cancel=cancel,
                    segmenter_factory=segmenter_factory, text_stage=text_stage).run()
