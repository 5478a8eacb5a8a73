"""A describer on GigaChat's vision (GigaChat-2-Pro / -Max), so no local model has to run.

Each photo goes up through the SDK's file upload as a JPEG under the service's 15 MB limit, one
photo per message; the answer is the JSON the local describer asks for, parsed the same way.
Uploaded files are deleted after the answer (best effort: a failed delete is logged, not fatal).
Requests go through the account's gate, shared with the GigaChat writer.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from gigachat.models import Chat, ChatCompletion, Messages, MessagesRole

from app.cardtext.gigachat_client import (
    SERVICE_ERRORS,
    Connection,
    ConnectionSettings,
    GigaChatError,
    RetriesExhausted,
)
from app.describe.protocol import Description, PartlyDescribed
from app.describe.vlm import PROMPT, parse_description
from app.errors import VitrinaError
from app.events import EventSink, Progress, ignore
from app.i18n import _

log = logging.getLogger(__name__)

DEFAULT_MODEL = "GigaChat-2-Pro"  # GigaChat-2 (Lite) does not see images
MAX_UPLOAD_BYTES = 15 * 1000 * 1000  # the service's limit per file (docs/gigachat.md)
# More detail does not help a description and every byte is uploaded: about 4 MP is plenty.
DEFAULT_MAX_PIXELS = 2048 * 2048
_QUALITIES = (90, 80, 70)
_SHRINK = 0.7  # side factor per step once even the lowest quality is too big


@dataclass
class GigaChatDescriberSettings(ConnectionSettings):
    model: str = DEFAULT_MODEL
    max_photos: int = 3
    max_pixels: int | None = DEFAULT_MAX_PIXELS  # None: only the byte limit shrinks a photo
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_tokens: int | None = 512


def vision_model(name: str | None) -> str:
    """``name`` when it is a model that sees images (Pro, Max), else the default vision model."""
    if name and any(tier in name.lower() for tier in ("-pro", "-max")):
        return name
    return DEFAULT_MODEL


def settings_for(gigachat_model: str | None, settings: dict[str, Any]) -> GigaChatDescriberSettings:
    """The describer's settings from the text options: an explicit ``model`` wins, else the writer's
    GigaChat model when it can see images."""
    values = {"model": vision_model(gigachat_model), **settings}
    try:
        return GigaChatDescriberSettings(**values)
    except TypeError as exc:  # an unknown key in the settings dict
        raise GigaChatError(_("bad settings for the GigaChat describer: {error}").format(error=exc),
                            "config") from None


class GigaChatDescriber:
    """The ``Describer`` on GigaChat. ``describe`` blocks its caller (the pipeline's worker) while
    the requests run on the describer's own event loop, which owns the SDK's async client."""

    def __init__(self, settings: GigaChatDescriberSettings | None = None, *,
                 events: EventSink = ignore) -> None:
        self.settings = s = settings or GigaChatDescriberSettings()
        self.model_id, self.revision = s.model, ""
        # The pipeline describes this many products per call: as many as may run at once.
        self.batch_size = s.max_concurrency
        self._events = events
        self._conn: Connection | None = Connection(s)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="vitrina-gigachat-describer",
                                        daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"GigaChatDescriber(model={self.settings.model!r}, base_url={self.settings.base_url!r})"

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        if self._conn is None:
            raise GigaChatError(_("The GigaChat describer was closed; start it again."), "config")
        return asyncio.run_coroutine_threadsafe(self._describe_all(self._conn, products), self._loop).result()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(conn.aclose(), self._loop).result(timeout=30)
        except Exception as exc:  # closing must not fail a finished run
            log.info("closing the GigaChat describer's client failed (%s)", type(exc).__name__)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    async def _describe_all(self, conn: Connection,
                            products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        done = 0

        async def one(photos: Sequence[np.ndarray]) -> Description:
            nonlocal done
            try:
                return await self._describe_one(conn, photos)
            finally:
                done += 1
                self._events(Progress("describe", done, len(products)))

        # Every product runs to its end (and deletes its files) before a failure is raised; one
        # product GigaChat refuses (or that meets an error of its own) takes no other's text with it.
        results = await asyncio.gather(*(one(p) for p in products), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if not failed:
            return list(results)  # type: ignore[arg-type]
        unexpected = [r for r in failed if not isinstance(r, VitrinaError)]
        if unexpected or len(results) == 1:
            raise (unexpected or failed)[0]
        raise PartlyDescribed(results)  # type: ignore[arg-type]

    async def _describe_one(self, conn: Connection, photos: Sequence[np.ndarray]) -> Description:
        s = self.settings
        jpegs = []
        for photo in list(photos)[: max(1, s.max_photos)]:
            # Encoding a large photo takes a while: off the loop, so other products keep talking.
            data = await asyncio.to_thread(jpeg_for_upload, photo, max_pixels=s.max_pixels,
                                           max_bytes=s.max_upload_bytes)
            if data is not None:
                jpegs.append(data)
        if not jpegs:
            return Description("", {}, self.model_id, self.revision)
        file_ids: list[str] = []
        try:
            for number, data in enumerate(jpegs, 1):
                upload = (f"photo-{number}.jpg", data, "image/jpeg")
                uploaded = await conn.call(lambda upload=upload: conn.client.aupload_file(upload))
                file_ids.append(uploaded.id_)
            completion = await conn.call(lambda: conn.client.achat(self._chat(file_ids)))
        except (*SERVICE_ERRORS, RetriesExhausted) as exc:
            raise conn.translate(exc) from exc
        finally:
            await _forget(conn, file_ids)
        return self._description(completion)

    def _chat(self, file_ids: list[str]) -> Chat:
        count = len(file_ids)
        lead = "" if count == 1 else f"The {count} photos show the same product from different sides. "
        messages = [
            # The service takes one image per message; the task comes with the last one.
            Messages(role=MessagesRole.USER, attachments=[file_id],
                     content=lead + PROMPT if number == count else f"Photo {number} of {count}.")
            for number, file_id in enumerate(file_ids, 1)
        ]
        return Chat(model=self.settings.model, messages=messages, max_tokens=self.settings.max_tokens)

    def _description(self, completion: ChatCompletion) -> Description:
        if not completion.choices or not (completion.choices[0].message.content or "").strip():
            raise GigaChatError(_("GigaChat sent an empty description of the photos"), "invalid_answer")
        choice = completion.choices[0]
        if choice.finish_reason == "blacklist":
            raise GigaChatError(_("GigaChat refused to describe the photos (blacklist)"), "refused")
        return parse_description(choice.message.content, self.model_id, completion.model or "")


async def _forget(conn: Connection, file_ids: list[str]) -> None:
    """Delete uploaded files, best effort: a leftover file costs nothing but storage on the service."""
    for file_id in file_ids:
        try:
            async with conn.gate.slot():
                await conn.client.adelete_file(file_id)
        except Exception as exc:
            log.info("could not delete an uploaded photo from GigaChat (%s)", type(exc).__name__)


def jpeg_for_upload(photo: np.ndarray, *, max_pixels: int | None = DEFAULT_MAX_PIXELS,
                    max_bytes: int = MAX_UPLOAD_BYTES) -> bytes | None:
    """The photo as a JPEG of at most ``max_bytes`` (lower quality first, then smaller), or None
    when the array is not an image at all."""
    from PIL import Image

    image = _rgb_image(photo)
    if image is None:
        return None
    if max_pixels and image.width * image.height > max_pixels:
        scale = (max_pixels / (image.width * image.height)) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))),
                             Image.Resampling.LANCZOS)
    while True:
        for quality in _QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
        if max(image.size) <= 64:  # cannot get smaller in any useful way; the service will say so
            return buffer.getvalue()
        image = image.resize((max(1, int(image.width * _SHRINK)), max(1, int(image.height * _SHRINK))),
                             Image.Resampling.LANCZOS)


def _rgb_image(photo: np.ndarray) -> Any:
    from PIL import Image

    try:
        array = np.asarray(photo)
        if array.size == 0 or array.ndim not in (2, 3):
            raise ValueError(f"shape {array.shape}")
        if array.dtype != np.uint8:
            array = np.clip(np.nan_to_num(array.astype(np.float64)), 0, 255).astype(np.uint8)
        if array.ndim == 3 and array.shape[2] == 1:
            array = array[..., 0]
        image = Image.fromarray(array)
    except (TypeError, ValueError) as exc:
        log.warning("a photo could not be prepared for GigaChat (%s); it is left out", exc)
        return None
    if image.mode in ("RGBA", "LA"):
        # A cut-out's transparent parts would turn black; white is what a marketplace shows.
        backdrop = Image.new("RGB", image.size, (255, 255, 255))
        backdrop.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return backdrop
    return image.convert("RGB")
