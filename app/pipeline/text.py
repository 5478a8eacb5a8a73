"""The card-text stage: describe on the GPU worker, write cards concurrently on an event loop.

The describer runs on the caller's thread — the pipeline's single GPU worker — between
segmentation batches. Writers are async (HTTP for GigaChat); they run on a private event loop
thread so several products are written while the GPU keeps segmenting later photos.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from app.cardtext.card import Card, CardWriter
from app.describe.protocol import Describer, Description, PartlyDescribed
from app.errors import Cancelled, VitrinaError
from app.events import EventSink, Notice, ignore
from app.i18n import _
from app.marketplace.marketplaces import Marketplace

log = logging.getLogger(__name__)

PROVIDERS = ("gigachat", "local", "none")


@dataclass(frozen=True)
class TextOptions:
    provider: str = "none"
    describer: str = "local"  # "local": a VLM on this computer | "gigachat": GigaChat looks at the photos
    vlm_model: str = "qwen3-vl-2b"
    writer_model: str | None = None  # the local writer's model (name or folder)
    gigachat_model: str | None = None
    device: str = "auto"
    quantize: str | None = None  # "8bit" | "4bit" for the describer and the local writer (CUDA only)
    writer_settings: dict[str, Any] = field(default_factory=dict)
    describer_settings: dict[str, Any] = field(default_factory=dict)  # GigaChat's, for its describer

    @property
    def enabled(self) -> bool:
        return self.provider != "none"


@dataclass(frozen=True)
class TextRequest:
    key: str
    name: str
    photos: Sequence[np.ndarray]


TextDone = Callable[[str, Card | None, str], None]  # (product key, card or None, error message)
DescriberFactory = Callable[[TextOptions, EventSink], Describer]
WriterFactory = Callable[[TextOptions, EventSink], CardWriter]


def default_describer(options: TextOptions, events: EventSink) -> Describer:
    if options.describer == "gigachat":  # GigaChat sees the photos: no local model is loaded
        from app.describe.gigachat_describer import GigaChatDescriber, settings_for

        settings = settings_for(options.gigachat_model, options.describer_settings)
        return GigaChatDescriber(settings, events=events)
    from app.describe import load_describer

    return load_describer(options.vlm_model, device=options.device, quantize=options.quantize, events=events)


def default_writer(options: TextOptions, events: EventSink) -> CardWriter:
    from app.cardtext.registry import make_writer

    settings = dict(options.writer_settings)
    if options.provider == "gigachat" and options.gigachat_model:
        settings.setdefault("model", options.gigachat_model)
    if options.provider == "local":
        from app.cardtext.local_writer import default_writer_model

        settings.setdefault("model", options.writer_model or default_writer_model(options.vlm_model))
        settings.setdefault("device", options.device)
        settings.setdefault("quantize", options.quantize)
    return make_writer(options.provider, **settings)


def _describe(describer: Describer, chunk: list[TextRequest]) -> list[Description | VitrinaError]:
    """Each request's description, or the error that request alone meets: a batch that fails as a
    whole is described again one product at a time, so one bad product (a photo the model chokes
    on, a refusal) does not take its batch-mates' text with it."""
    try:
        return list(describer.describe([r.photos for r in chunk]))
    except PartlyDescribed as exc:
        return exc.results
    except VitrinaError as exc:
        if len(chunk) == 1:
            return [exc]
    return [_describe(describer, [request])[0] for request in chunk]


class TextStage:
    def __init__(self, options: TextOptions, marketplace: Marketplace, *, events: EventSink = ignore,
                 describer_factory: DescriberFactory = default_describer,
                 writer_factory: WriterFactory = default_writer) -> None:
        self.options = options
        self.marketplace = marketplace
        self.events = events
        self._describer_factory = describer_factory
        self._writer_factory = writer_factory
        self._describer: Describer | None = None
        self._writer: CardWriter | None = None
        self._load_error = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="vitrina-text", daemon=True)
        self._thread.start()
        self._pending: set[Future[None]] = set()

    def _models(self) -> tuple[Describer, CardWriter]:
        if self._load_error:
            raise VitrinaError(self._load_error)
        try:
            if self._describer is None:
                self._describer = self._describer_factory(self.options, self.events)
            if self._writer is None:
                self._writer = self._writer_factory(self.options, self.events)
        except VitrinaError as exc:
            self._load_error = str(exc)
            self.events(Notice(_("Card text is off for this run: {error}").format(error=exc)))
            raise
        return self._describer, self._writer

    def submit(self, requests: list[TextRequest], on_done: TextDone) -> None:
        """Describe ``requests`` now (this thread owns the GPU), then write their cards concurrently."""
        if not requests:
            return
        try:
            describer, writer = self._models()
        except VitrinaError as exc:
            for r in requests:
                on_done(r.key, None, _("card text failed: {error}").format(error=exc))
            return
        # Describe one describer batch at a time and start its writes at once, so the writers
        # work while the next batch is described (measured: +35 % wall time when all of a large
        # submit was described first; see docs/PERFORMANCE.md).
        step = max(1, int(getattr(describer, "batch_size", 4) or 4))
        for start in range(0, len(requests), step):
            chunk = requests[start:start + step]
            for request, outcome in zip(chunk, _describe(describer, chunk), strict=True):
                if isinstance(outcome, VitrinaError):
                    on_done(request.key, None, _("card text failed: {error}").format(error=outcome))
                    continue
                future = asyncio.run_coroutine_threadsafe(
                    self._write(writer, request, outcome, on_done), self._loop)
                self._pending.add(future)
                future.add_done_callback(self._pending.discard)

    async def _write(self, writer: CardWriter, request: TextRequest, description: Description,
                     on_done: TextDone) -> None:
        try:
            card = await writer.write(description, product_name=request.name, marketplace=self.marketplace)
        except VitrinaError as exc:
            on_done(request.key, None, _("card text failed: {error}").format(error=exc))
        except Exception:  # a writer bug must not take the batch down
            log.exception("card text for %s failed unexpectedly", request.key)  # the type and trace
            on_done(request.key, None, _("card text failed unexpectedly; the log has the details"))
        else:
            # The describer's view of pose and count travels with the card: layout (plane vs
            # flat-lay) and the review queue read them later.
            seen = {k: description.attributes[k] for k in ("shape", "count") if description.attributes.get(k)}
            if seen:
                card = replace(card, provenance={**card.provenance, **seen})
            on_done(request.key, card, "")

    def wait(self, cancel: threading.Event | None = None) -> None:
        """Wait for the writes in flight; raise Cancelled as soon as ``cancel`` is set (a slow or
        hanging service must not hold the user's Stop for a whole HTTP timeout)."""
        for future in list(self._pending):
            while True:
                if cancel is not None and cancel.is_set():
                    raise Cancelled(_("cancelled by the user"))
                try:
                    future.result(timeout=0.1)
                except FutureTimeout:
                    continue
                break

    def close(self, *, cancel: bool = False) -> None:
        """Finish (or cancel) the writes in flight, close the writer and the describer."""
        if cancel:
            for future in list(self._pending):
                future.cancel()
        else:
            self.wait()
        if self._writer is not None:
            asyncio.run_coroutine_threadsafe(self._writer.aclose(), self._loop).result(timeout=30)
            self._writer = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()
        if self._describer is not None:
            self._describer.close()
            self._describer = None
