"""Make masks for chosen photos: reuse what is still valid, segment the rest in batches.

Runs on the caller's thread, which owns the segmentation model (the GUI's one worker thread).
Photos are decoded a little ahead on CPU threads. Everything is saved in the project as it is
made, so a cancelled or crashed run loses at most the batch in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.errors import Cancelled, StateError, VitrinaError
from app.events import EventSink, ItemDone, ItemFailed, ItemStarted, Notice, Progress, ignore
from app.i18n import _
from app.pipeline.masks import (
    LazySegmenter,
    Loaded,
    current_mask,
    load,
    model_key,
    without_inner_progress,
)
from app.pipeline.prefetch import prefetch
from app.project import DONE, FAILED, Project
from app.segment import Segmenter
from app.studio.items import mask_concerns

STAGE = "photos"
DEFAULT_BATCH = 4

SegmenterFactory = Callable[[str, str, int | None, EventSink], Segmenter]


def load_default_segmenter(seg_model: str, device: str, batch_size: int | None,
                           events: EventSink) -> Segmenter:
    from app.segment import load_segmenter  # torch loads here, only when a photo needs the model

    return load_segmenter(seg_model, device=device, batch_size=batch_size, events=events)


@dataclass
class ProcessResult:
    done: list[str] = field(default_factory=list)  # photos that have a mask now
    reused: list[str] = field(default_factory=list)  # ... of which the mask was already there
    failed: dict[str, str] = field(default_factory=dict)  # rel -> message for the user
    cancelled: bool = False


def process_photos(
    project: Project,
    rels: Sequence[str],
    *,
    seg_model: str = "birefnet",
    device: str = "auto",
    batch_size: int | None = None,
    events: EventSink = ignore,
    cancel: threading.Event | None = None,
    max_pixels: int | None = None,
    segmenter_factory: SegmenterFactory | None = None,
) -> ProcessResult:
    """Give every photo in ``rels`` a current mask; raises ModelError only for an unknown model."""
    key = model_key(seg_model)

    def make_segmenter() -> Segmenter:
        factory = segmenter_factory or load_default_segmenter  # looked up late: tests swap it
        return factory(seg_model, device, batch_size, without_inner_progress(events))

    run = _Run(project, list(rels), key, make_segmenter, events, cancel or threading.Event())
    ahead = max(batch_size or 0, DEFAULT_BATCH)
    loads = prefetch(run.rels, lambda rel: load(project, rel, max_pixels), workers=2, depth=ahead * 2 + 2)
    queue: list[Loaded] = []
    try:
        for loaded in loads:
            run.check_cancel()
            if loaded.error:
                run.fail(loaded.rel, loaded.error)
            elif (mask := current_mask(project, loaded, run.key)) is not None:
                run.succeed(loaded.rel, reused=True, notes=_notes(project, loaded, mask))
            else:
                queue.append(loaded)
            if queue and len(queue) >= run.call_size(batch_size):  # no model load for reused masks
                run.segment(queue)
                queue = []
        run.segment(queue)
    except Cancelled:
        run.result.cancelled = True
    finally:
        loads.close()
        run.close()
    return run.result


class _Run:
    def __init__(self, project: Project, rels: list[str], key: str, make_segmenter: Callable[[], Segmenter],
                 events: EventSink, cancel: threading.Event) -> None:
        self.project, self.rels, self.key, self.events, self.cancel = project, rels, key, events, cancel
        self.result = ProcessResult()
        self._segmenter = LazySegmenter(make_segmenter, events)
        self._count = 0

    def call_size(self, requested: int | None) -> int:
        """Photos per model call: one at a time on the CPU (a photo there takes seconds, and Cancel,
        the progress and the first result must not wait for a batch), ``DEFAULT_BATCH`` on a GPU,
        where the gallery shows the batch the model is on; ``requested`` when the user set one."""
        if not requested:
            self._segmenter.load()  # the device decides: the first call is already the right size
        return min(self._segmenter.call_size(requested), requested or DEFAULT_BATCH)

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled(_("cancelled by the user"))

    def _progress(self, rel: str) -> None:
        self._count += 1
        self.events(Progress(STAGE, self._count, len(self.rels), item=rel))

    def succeed(self, rel: str, *, reused: bool = False, notes: Sequence[str] = ()) -> None:
        state = self.project.photo(rel)
        state.status, state.error, state.notes = DONE, "", list(notes)
        self.project.mark_dirty()
        self.result.done.append(rel)
        if reused:
            self.result.reused.append(rel)
        self.events(ItemDone(item=rel, stage="segment"))
        self._progress(rel)

    def fail(self, rel: str, message: str) -> None:
        state = self.project.photo(rel)
        state.status, state.error = FAILED, message
        self.project.mark_dirty()
        self.result.failed[rel] = message
        self.events(ItemFailed(item=rel, stage="segment", message=message))
        self._progress(rel)

    def segment(self, batch: list[Loaded]) -> None:
        if not batch:
            return
        self.check_cancel()
        for lp in batch:  # the GUI shows which photos the model is on, not just how many are done
            self.events(ItemStarted(item=lp.rel, stage="segment"))
        try:
            masks = self._segmenter.segment([lp.photo.rgb for lp in batch if lp.photo is not None])
        except VitrinaError as exc:
            for lp in batch:
                self.fail(lp.rel, _("segmentation failed: {error}").format(error=exc))
            return
        for lp, mask in zip(batch, masks, strict=True):
            try:
                self.project.save_mask(lp.rel, mask, source="model", model=self.key)
            except OSError as exc:
                self.fail(lp.rel, _("the mask cannot be saved: {why}").format(why=exc.strerror or exc))
                continue
            self.succeed(lp.rel, notes=_notes(self.project, lp, mask))
        self._save(force=False)

    def _save(self, *, force: bool) -> None:
        try:
            self.project.save(force=force)
        except StateError as exc:
            self.events(Notice(str(exc)))

    def close(self) -> None:
        self._save(force=True)
        self._segmenter.close()


def _notes(project: Project, loaded: Loaded, mask: np.ndarray) -> list[str]:
    """The photo's decoding notes, plus review notes when the model's mask looks doubtful."""
    notes = list(loaded.photo.notes) if loaded.photo else []
    if project.photo(loaded.rel).mask_source != "model":
        project.photo(loaded.rel).review = 0.0
        return notes  # the user's own mask, or the file's transparency: nothing to doubt
    score, concerns = mask_concerns(mask)
    project.photo(loaded.rel).review = score
    return notes + concerns
