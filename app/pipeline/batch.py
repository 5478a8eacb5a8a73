"""``vitrina batch``: a folder of photos → masks → composed images → one bundle per product.

One thread (the caller's) owns the segmentation model — the GPU worker. Photos are decoded ahead
of it on CPU threads, and finished products are composed and written on other CPU threads, so
the model rarely waits. Everything the run computes is saved in the project's sidecar, so a
re-run (after a crash, Ctrl-C or cancel) redoes nothing that is still valid.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app import __version__, imaging
from app.compose import CanvasSpec, compose
from app.errors import Cancelled, ModelError, VitrinaError
from app.events import EventSink, ItemDone, ItemFailed, Notice, Progress, ignore
from app.export import Bundle, BundlePhoto, clean_partials, write_bundle
from app.marketplaces import get as get_marketplace
from app.naming import safe_name, unique_name
from app.pipeline import report
from app.pipeline.options import BatchOptions
from app.pipeline.prefetch import prefetch
from app.pipeline.work import LoadedPhoto, ProductWork
from app.project import DONE, FAILED, Product, Project
from app.segment import Segmenter, load_segmenter, resolve

SegmenterFactory = Callable[[BatchOptions, EventSink], Segmenter]


def _default_segmenter(options: BatchOptions, events: EventSink) -> Segmenter:
    return load_segmenter(options.seg_model, device=options.device, batch_size=options.batch_size,
                          events=events)


@dataclass
class BatchResult:
    rows: list[report.ReportRow] = field(default_factory=list)
    cancelled: bool = False
    report_path: Path | None = None

    @property
    def failed(self) -> int:
        return sum(r.status == report.FAILED for r in self.rows)

    @property
    def done(self) -> int:
        return sum(r.status in (report.DONE, report.EXISTS) for r in self.rows)


def bundle_names(products: list[Product]) -> dict[str, str]:
    """Stable, unique folder names (the scan order is sorted, so re-runs get the same names)."""
    taken: set[str] = set()
    names = {}
    for product in products:
        name = unique_name(safe_name(product.name), taken)
        taken.add(name)
        names[product.key] = name
    return names


class BatchRun:
    def __init__(self, input_dir: Path, output_dir: Path, options: BatchOptions, *,
                 events: EventSink = ignore, cancel: threading.Event | None = None,
                 segmenter_factory: SegmenterFactory = _default_segmenter) -> None:
        self.output = Path(output_dir).resolve()
        self.options = options
        self.events = events
        self.cancel = cancel or threading.Event()
        self.segmenter_factory = segmenter_factory
        self.project = Project(Path(input_dir), exclude=(self.output,))
        self.model_spec = resolve(options.seg_model)
        self.model_key = f"{self.model_spec.model_id}@{self.model_spec.revision}"
        self.canvas = self._canvas()
        self.result = BatchResult()
        self._segmenter: Segmenter | None = None
        self._model_error = ""
        self._done_photos = 0
        self._lock = threading.Lock()

    def _canvas(self) -> CanvasSpec | None:
        if not self.options.marketplace:
            return None
        m = get_marketplace(self.options.marketplace)
        return CanvasSpec(width=m.canvas_width, height=m.canvas_height, fill=m.fill)

    # -- bookkeeping ------------------------------------------------------------------------
    def _row(self, row: report.ReportRow) -> None:
        with self._lock:
            self.result.rows.append(row)
            if row.status in (report.DONE, report.FAILED, report.EXISTS):
                self._done_photos += 1
            done = self._done_photos
        if row.status == report.FAILED:
            self.events(ItemFailed(item=row.file, stage="batch", message=row.message))
        self.events(Progress("photos", done, self.total, item=row.file))

    @property
    def total(self) -> int:
        return self.project.scan.photo_count

    # -- stages -----------------------------------------------------------------------------
    def _load(self, item: tuple[Product, str]) -> LoadedPhoto:
        product, rel = item
        path = self.project.photo_path(rel)
        try:
            return LoadedPhoto(product, rel, imaging.load_photo(path, max_pixels=self.options.max_pixels),
                               imaging.content_hash(path))
        except VitrinaError as exc:
            return LoadedPhoto(product, rel, error=str(exc))
        except OSError as exc:
            return LoadedPhoto(product, rel, error=f"cannot be read: {exc.strerror or exc}")

    def _existing_mask(self, lp: LoadedPhoto) -> np.ndarray | None:
        assert lp.photo is not None
        state = self.project.photo(lp.rel)
        if state.content_hash != lp.content_hash:
            # A changed file invalidates everything derived from it, even an edited mask.
            state.content_hash, state.mask_source, state.mask_model, state.status = lp.content_hash, "", "", ""
        if self.project.has_current_mask(lp.rel, lp.content_hash, self.model_key):
            mask = self.project.load_mask(lp.rel)
            if mask is not None and mask.shape == lp.photo.rgb.shape[:2]:
                return mask
        alpha = lp.photo.alpha
        if alpha is not None and alpha.min() < 255:
            # The photo is already a cut-out: its own transparency is the mask.
            self.project.save_mask(lp.rel, alpha, source="file")
            return alpha
        return None

    def _segment(self, batch: list[LoadedPhoto], works: dict[str, ProductWork]) -> None:
        if not batch:
            return
        try:
            if self._model_error:
                raise ModelError(self._model_error)
            if self._segmenter is None:
                try:
                    self._segmenter = self.segmenter_factory(self.options, self.events)
                except ModelError as exc:
                    # Said once, then every photo that needed the model fails with the same reason.
                    self._model_error = str(exc)
                    self.events(Notice(f"The segmentation model could not be loaded: {exc}"))
                    raise
            masks = self._segmenter.segment([lp.photo.rgb for lp in batch if lp.photo is not None])
        except VitrinaError as exc:
            for lp in batch:
                works[lp.product.key].failed[lp.rel] = f"segmentation failed: {exc}"
            return
        for lp, mask in zip(batch, masks, strict=True):
            self.project.save_mask(lp.rel, mask, source="model", model=self.model_key)
            works[lp.product.key].masks[lp.rel] = mask
        self.project.save(force=False)

    def _finish(self, work: ProductWork) -> None:
        """Compose every good photo of a product and write its bundle (runs on a CPU thread)."""
        product = work.product
        for rel, message in work.failed.items():
            self.project.photo(rel).status, self.project.photo(rel).error = FAILED, message
            self._row(report.ReportRow(rel, product.key, report.FAILED, message))
        good = work.good_photos()
        if not good:
            return
        try:
            photos = [self._compose(lp, work.masks[lp.rel]) for lp in good]
            write_bundle(self.output, self._bundle(work, photos), overwrite=self.options.overwrite)
        except VitrinaError as exc:
            for lp in good:
                self._row(report.ReportRow(lp.rel, product.key, report.FAILED, f"export failed: {exc}"))
            return
        for lp in good:
            state = self.project.photo(lp.rel)
            state.status, state.error = DONE, ""
            self._row(report.ReportRow(lp.rel, product.key, report.DONE, "; ".join(state.notes),
                                       work.bundle_name))
        self.project.product(product.key).exported_to = str(self.output / work.bundle_name)
        self.project.mark_dirty()
        self.events(ItemDone(item=product.key, stage="export"))

    def _compose(self, lp: LoadedPhoto, mask: np.ndarray) -> BundlePhoto:
        assert lp.photo is not None
        composed = compose(lp.photo.rgb, mask, self.options.background, self.canvas)
        notes = [*lp.photo.notes, *composed.notes]
        self.project.photo(lp.rel).notes = notes
        for note in composed.notes:
            self.events(Notice(note, item=lp.rel))
        return BundlePhoto(lp.rel, composed.image, composed.cutout, mask, notes)

    def _bundle(self, work: ProductWork, photos: list[BundlePhoto]) -> Bundle:
        card = {
            "product": work.product.name,
            "source": work.product.key,
            "background": self.options.background.to_json(),
            "marketplace": self.options.marketplace or "",
            "models": {"segmentation": {"id": self.model_spec.model_id,
                                        "revision": self.model_spec.revision}},
            "app": {"name": "vitrina", "version": __version__},
        }
        return Bundle(name=work.bundle_name, product_key=work.product.key, photos=photos, card=card)

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
        clean_partials(self.output)
        names = bundle_names(self.project.products)
        todo: list[Product] = []
        for product in self.project.products:
            if (self.output / names[product.key]).exists() and not self.options.overwrite:
                for rel in product.photos:
                    self._row(report.ReportRow(rel, product.key, report.EXISTS,
                                               "bundle already exported (use --overwrite to redo it)",
                                               names[product.key]))
            else:
                todo.append(product)
        works = {p.key: ProductWork(p, names[p.key]) for p in todo}
        finishing: list[Future[None]] = []
        composer = ThreadPoolExecutor(self.options.compose_workers, thread_name_prefix="vitrina-compose")
        batch_size = max(1, self.options.batch_size or 4)
        loads = prefetch(self._photos(todo), self._load, workers=self.options.load_workers,
                         depth=batch_size * 2 + 2)
        try:
            queue: list[LoadedPhoto] = []
            for lp in loads:
                if self.cancel.is_set():
                    raise Cancelled("cancelled by the user")
                work = works[lp.product.key]
                work.loaded[lp.rel] = lp
                if lp.error:
                    work.failed[lp.rel] = lp.error
                elif (mask := self._existing_mask(lp)) is not None:
                    work.masks[lp.rel] = mask
                else:
                    queue.append(lp)
                if len(queue) >= batch_size:
                    self._segment(queue, works)
                    queue = []
                finishing += [composer.submit(self._finish, w) for w in self._pop_resolved(works)]
            self._segment(queue, works)
            finishing += [composer.submit(self._finish, w) for w in self._pop_resolved(works)]
            for future in finishing:
                future.result()
        except (Cancelled, KeyboardInterrupt):
            self.result.cancelled = True
            self.cancel.set()
        finally:
            loads.close()
            # Products already segmented are finished even on cancel: that work is cheap and kept.
            composer.shutdown(wait=True)
            self._close()
        for work in works.values():
            for rel in work.product.photos:
                self.result.rows.append(report.ReportRow(rel, work.product.key, report.CANCELLED,
                                                         "not processed: the run was cancelled"))
        self._write_reports(names)
        return self.result

    def _pop_resolved(self, works: dict[str, ProductWork]) -> list[ProductWork]:
        ready = [w for w in works.values() if len(w.loaded) == len(w.product.photos) and w.resolved]
        for w in ready:
            del works[w.product.key]
        return ready

    def _close(self) -> None:
        try:
            self.project.save()
        except VitrinaError as exc:
            self.events(Notice(str(exc)))
        if self._segmenter is not None:
            self._segmenter.close()
            self._segmenter = None

    def _write_reports(self, names: dict[str, str]) -> None:
        manifest = []
        for product in self.project.products:
            card_path = self.output / names[product.key] / "card.json"
            try:
                card = json.loads(card_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            text = card.get("card") or {}
            manifest.append(report.ManifestRow(
                product=product.name, bundle=names[product.key], photos=len(card.get("files", [])),
                images=" ".join(f["image"] for f in card.get("files", [])),
                background=json.dumps(card.get("background", {}), ensure_ascii=False),
                marketplace=card.get("marketplace", ""), title=text.get("title", ""),
                text_status=card.get("text_status", ""),
            ))
        try:
            self.output.mkdir(parents=True, exist_ok=True)
            self.result.report_path = report.write_report(self.output, self.result.rows)
            report.write_manifest(self.output, manifest)
        except OSError as exc:
            self.events(Notice(f"Cannot write report.csv/manifest.csv in {self.output}: {exc}"))


def run_batch(input_dir: Path, output_dir: Path, options: BatchOptions, *, events: EventSink = ignore,
              cancel: threading.Event | None = None,
              segmenter_factory: SegmenterFactory = _default_segmenter) -> BatchResult:
    return BatchRun(input_dir, output_dir, options, events=events, cancel=cancel,
                    segmenter_factory=segmenter_factory).run()
