"""The Ray engine's stages: the local engine's functions, run as Ray Data tasks and actors.

One row is one product (``ProductJob``), so a bundle's photos travel together and a product is
finished as soon as its own photos are ready. Nothing here holds the project: the driver
(app/pipeline/ray_engine.py) owns its state and lock, and applies what comes back. The stages:

- ``decode`` (CPU task): the photos (``masks.load_path``) and their content hashes, from the same
  read; the cached mask when the file is unchanged and the mask fits the model, or a cut-out's own
  alpha;
- ``Segment`` (actor, one model per GPU): the photos without a mask, batched as the model likes;
  it does nothing but run the model, because its process is the GPU's only feeder;
- ``Text`` (actor): the card text through the local ``TextStage``; GigaChat's requests at once are
  bounded for the whole cluster by one small limiter actor (``GigaChatLimiter``);
- ``finish`` (CPU task): each new mask into the project's mask cache on the shared storage first
  (a run killed after that does not segment the photo again), then ``finish_product``, the same
  function the local engine calls.

A row's pixels do not travel inside its pickled job: the photos of a product are one flat uint8
column (``RGB``) and their masks another (``MASK``). Ray Data keeps such columns as Arrow tensors,
which a stage reads straight from the object store without a copy and a stage that leaves them
alone passes on as they are. Pickled, a 12 MP photo was copied five times per hop, and the copies
on the segmentation actor kept the GPU waiting (docs/PERFORMANCE.md, "ray").
"""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.cardtext.card import Card
from app.errors import VitrinaError
from app.i18n import _
from app.pipeline import masks
from app.pipeline.finish import FinishContext, Finished, PhotoIn, ProductIn, finish_product

ITEM = "item"  # a ProductJob without its pixels, pickled (see ``pack``)
RGB = "rgb"  # the product's decoded photos, flat, one after another (see ``to_row``)
MASK = "mask"  # their masks, likewise
LIMITER_NAME = "vitrina-gigachat-limiter"


@dataclass
class PhotoJob:
    rel: str
    path: str
    content_hash: str  # "" until decode reads the file (the driver hashed only possible duplicates)
    mask_file: str  # where this photo's mask is cached (the project's state folder, shared)
    known_hash: str = ""  # the file's hash when the state last saw it
    file_key: str = ""  # its size and mtime when decode read it (the driver records it)
    mask_fits: bool = False  # the cached mask fits the model; it is the mask if the file is unchanged
    duplicate_of: str = ""
    error: str = ""
    rgb: np.ndarray | None = None  # in a stage only: between stages the pixels are the row's RGB
    mask: np.ndarray | None = None  # likewise, MASK
    rgb_shape: tuple[int, ...] | None = None  # where this photo's pixels sit in RGB (None: not decoded)
    mask_shape: tuple[int, ...] | None = None
    notes: list[str] = field(default_factory=list)
    made_by_model: bool = False  # the mask was made in this run (the driver records it)
    from_file: bool = False  # the photo's own transparency is the mask (the driver records it)


@dataclass
class ProductJob:
    key: str
    name: str
    bundle_name: str
    replace: bool
    photos: list[PhotoJob]
    card: dict[str, Any] | None = None  # a card to keep (edited, or from an earlier run)
    card_edited: bool = False
    wants_text: bool = False
    text_error: str = ""
    publishing: dict[str, Any] = field(default_factory=dict)  # card.json's "approved" and "wb"
    finished: Finished | None = None


def pack(job: ProductJob) -> bytes:
    """A job (its pixels left out) as the bytes of its row. Ray Data would try (and fail) to turn the
    object into Arrow columns for every block, then pickle it anyway; bytes are a column Arrow takes
    as they are."""
    import pickle

    held = [(photo.rgb, photo.mask) for photo in job.photos]
    for photo in job.photos:
        photo.rgb = photo.mask = None
    try:
        return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        for photo, (rgb, mask) in zip(job.photos, held, strict=True):
            photo.rgb, photo.mask = rgb, mask


def unpack(data: bytes) -> ProductJob:
    import pickle

    return pickle.loads(data)


def to_row(job: ProductJob, rgb: np.ndarray | None = None) -> dict[str, Any]:
    """A job as its row: the job pickled, its photos and masks each one flat column. ``rgb``: the RGB
    column the job came with, passed on as it is when the stage left the photos alone."""
    if rgb is None:
        for photo in job.photos:
            photo.rgb_shape = None if photo.rgb is None else tuple(photo.rgb.shape)
        rgb = _flat([photo.rgb for photo in job.photos])
    for photo in job.photos:
        photo.mask_shape = None if photo.mask is None else tuple(photo.mask.shape)
    return {ITEM: pack(job), RGB: rgb, MASK: _flat([photo.mask for photo in job.photos])}


def from_row(row: dict[str, Any]) -> ProductJob:
    """The job of a row, its photos and masks as views on the row's columns (read-only: the object
    store's memory)."""
    job = unpack(row[ITEM])
    _attach(job, row.get(RGB), "rgb")
    _attach(job, row.get(MASK), "mask")
    return job


def jobs_of(batch: dict[str, np.ndarray]) -> list[ProductJob]:
    columns = [name for name in (ITEM, RGB, MASK) if name in batch]
    return [from_row({name: batch[name][i] for name in columns}) for i in range(len(batch[ITEM]))]


def to_batch(jobs: list[ProductJob], rgb: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The jobs as a batch's columns. ``rgb``: the batch's own RGB column, when the stage left the
    photos alone: passed on as the very same array, which Ray Data stores with one copy."""
    rows = [to_row(job, None if rgb is None else rgb[i]) for i, job in enumerate(jobs)]
    return {ITEM: np.array([row[ITEM] for row in rows], dtype=object),
            RGB: _column([row[RGB] for row in rows]) if rgb is None else rgb,
            MASK: _column([row[MASK] for row in rows])}


def _flat(arrays: list[np.ndarray | None]) -> np.ndarray:
    parts = [np.ascontiguousarray(a, dtype=np.uint8).reshape(-1) for a in arrays if a is not None]
    if len(parts) == 1:
        return parts[0]  # a view: the object store's copy is the only one
    return np.concatenate(parts) if parts else np.zeros(0, np.uint8)


def _column(arrays: list[np.ndarray]) -> np.ndarray:
    """One column of flat arrays. Ray Data stores a 2-D array as it is (one copy into the object
    store) but first concatenates a column of arrays of different lengths (one copy more)."""
    if len({len(array) for array in arrays}) == 1:
        return arrays[0][None] if len(arrays) == 1 else np.stack(arrays)
    column = np.empty(len(arrays), dtype=object)
    for i, array in enumerate(arrays):
        column[i] = array
    return column


def _attach(job: ProductJob, flat: np.ndarray | None, name: str) -> None:
    offset = 0
    for photo in job.photos:
        shape = getattr(photo, f"{name}_shape")
        if shape is None or flat is None:
            continue
        size = int(np.prod(shape))
        setattr(photo, name, np.asarray(flat[offset:offset + size]).reshape(shape))
        offset += size


# -- decode ------------------------------------------------------------------------------------
def decode(row: dict[str, Any], max_pixels: int | None) -> dict[str, Any]:
    job = from_row(row)
    for photo in job.photos:
        if photo.error:
            continue
        loaded = masks.load_path(Path(photo.path), photo.rel, max_pixels, content_hash=photo.content_hash)
        if loaded.error or loaded.photo is None:
            photo.error = loaded.error
            continue
        photo.rgb, photo.notes = loaded.photo.rgb, list(loaded.photo.notes)
        photo.content_hash, photo.file_key = loaded.content_hash, loaded.file_key  # the driver records them
        if photo.mask_fits and photo.content_hash == photo.known_hash:
            photo.mask = _read_cached(photo.mask_file, loaded.photo.rgb.shape[:2])
        alpha = loaded.photo.alpha
        if photo.mask is None and alpha is not None and alpha.min() < 255:
            photo.mask, photo.from_file = alpha, True  # already a cut-out: its transparency is the mask
    return to_row(job)


def _read_cached(path: str, shape: tuple[int, ...]) -> np.ndarray | None:
    from PIL import Image

    try:
        with Image.open(path) as im:
            mask = np.asarray(im.convert("L"))
    except (OSError, ValueError):
        return None
    return mask if mask.shape == shape else None


# -- segment -----------------------------------------------------------------------------------
class Segment:
    """One segmentation model per actor (per GPU), loaded once. Nothing else happens here: the
    photos come as views on the object store and pass on as they are; the masks are cached by
    ``finish``, on the CPU nodes."""

    def __init__(self, seg_model: str, device: str, batch_size: int | None, factory: Any = None) -> None:
        from app.pipeline.batch import default_segmenter
        from app.pipeline.options import BatchOptions

        options = BatchOptions(background=None, seg_model=seg_model, device=device,  # type: ignore[arg-type]
                               batch_size=batch_size)
        self._segmenter = (factory or default_segmenter)(options, lambda event: None)
        self._model = threading.Lock()  # one model call at a time, whatever Ray Data overlaps

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        jobs = jobs_of(batch)
        todo = [p for job in jobs for p in job.photos if not p.error and p.mask is None and p.rgb is not None]
        if todo:
            try:
                with self._model:
                    made = self._segmenter.segment([p.rgb for p in todo])
            except VitrinaError as exc:
                for photo in todo:
                    photo.error = _("segmentation failed: {error}").format(error=exc)
            else:
                for photo, mask in zip(todo, made, strict=True):
                    photo.mask, photo.made_by_model = mask, True
        return to_batch(jobs, batch.get(RGB))


def _cache_mask(photo: PhotoJob) -> None:
    """Into the project's mask cache: a run killed after this photo does not segment it again."""
    from app import atomic
    from app.imaging.png import encode_png

    assert photo.mask is not None
    try:
        data = encode_png(np.ascontiguousarray(photo.mask, dtype=np.uint8))
        atomic.write_bytes(Path(photo.mask_file), data)
    except OSError:
        # Not cached: the driver must not record a mask that is not there.
        photo.made_by_model = photo.from_file = False


# -- card text ---------------------------------------------------------------------------------
class Text:
    """The card text of each product that needs one, through the local engine's ``TextStage``."""

    def __init__(self, text_options: Any, marketplace: str, limiter: Any = None) -> None:
        from app.marketplace.marketplaces import get as get_marketplace
        from app.pipeline.text import TextStage

        if limiter is not None:
            use_cluster_gate(limiter)
        self._stage = TextStage(text_options, get_marketplace(marketplace))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from app.pipeline.text import TextRequest

        jobs = jobs_of(batch)
        wanted = [job for job in jobs if job.wants_text and any(_good(job))]
        results: dict[str, tuple[Card | None, str]] = {}
        self._stage.submit([TextRequest(job.key, job.name, [p.rgb for p in _good(job)]) for job in wanted],
                           lambda key, card, error: results.__setitem__(key, (card, error)))
        self._stage.wait()
        for job in wanted:
            card, error = results.get(job.key, (None, _("card text failed: no answer")))
            job.card, job.text_error = (card.to_json() if card is not None else None), error
        return to_batch(jobs, batch.get(RGB))


def _good(job: ProductJob) -> list[PhotoJob]:
    return [p for p in job.photos if not p.error and p.mask is not None]


class GigaChatLimiter:
    """At most ``limit`` GigaChat requests in flight across the cluster (the account's limit is per
    key, not per node), and a Retry-After holds every node off. A Ray actor; tiny."""

    def __init__(self, limit: int) -> None:
        self.limit, self.in_flight, self.not_before = limit, 0, 0.0

    def try_acquire(self) -> float:
        """0 when a slot was taken; else how long to wait before asking again."""
        wait = self.not_before - time.time()
        if wait > 0:
            return wait
        if self.in_flight >= self.limit:
            return 0.02
        self.in_flight += 1
        return 0.0

    def release(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)

    def hold_off(self, seconds: float) -> None:
        self.not_before = max(self.not_before, time.time() + seconds)


class ClusterGate:
    """``gigachat_client.AccountGate``'s interface over the cluster's limiter actor."""

    def __init__(self, limiter: Any, limit: int) -> None:
        self.limiter, self.limit = limiter, limit

    @asynccontextmanager
    async def slot(self):  # noqa: ANN201 - an async context manager
        while (wait := await self.limiter.try_acquire.remote()) > 0:
            await asyncio.sleep(wait)
        try:
            yield
        finally:
            await self.limiter.release.remote()

    def hold_off(self, seconds: float) -> None:
        self.limiter.hold_off.remote(seconds)

    def wait_left(self) -> float:
        return 0.0  # slot() waits out a hold-off before it hands the slot over


def use_cluster_gate(limiter: Any) -> None:
    """Every GigaChat connection made in this worker process draws from the cluster's limiter."""
    from app.cardtext import gigachat_client

    gigachat_client.set_gate_factory(lambda limit: ClusterGate(limiter, limit))


# -- finish ------------------------------------------------------------------------------------
def finish(row: dict[str, Any], ctx: FinishContext) -> dict[str, Any]:
    job = from_row(row)
    for photo in job.photos:
        if photo.made_by_model or photo.from_file:
            _cache_mask(photo)  # before the bundle: the driver records only masks that are there
    card = Card.from_json(job.card) if job.card else None
    photos = [PhotoIn(p.rel, p.rgb, p.mask, p.notes, p.duplicate_of, p.content_hash)  # type: ignore[arg-type]
              for p in _good(job)]
    failed = {p.rel: p.error for p in job.photos if p.error}
    product = ProductIn(job.key, job.name, job.bundle_name, job.replace, photos, failed, card, job.text_error,
                        job.card_edited, job.publishing)
    job.finished = finish_product(ctx, product)
    return {ITEM: pack(job)}  # the pixels have done their work: only the outcome goes back
