"""Fetch the chosen models one after another, with progress, cancel and resume.

Resume is the hub cache's: finished files are kept and a partly fetched one continues from its
``.incomplete`` file, so "Download" after a cancel or a dropped connection picks up where it was.
Cancel is cooperative: the next progress update raises :class:`DownloadCancelled`, and
:func:`abort_transfers` stops the hub's native (xet) transfers, which do not report through Python
often enough to be stopped that way alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.describe import registry as describers
from app.errors import VitrinaError
from app.events import Event, EventSink, ItemDone, ItemFailed, Progress
from app.firstrun.plan import DESCRIBER, SEGMENTATION, WRITER, ModelItem
from app.i18n import _
from app.segment import VARIANTS
from app.segment import download as download_segmentation
from app.segment.download import FILES_STAGE, STAGE

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.1  # byte updates arrive per chunk; the UI needs a few per second


class DownloadCancelled(VitrinaError):
    """The user pressed Cancel; what was fetched so far stays in the hub cache."""


def _writer_download(name: str, events: EventSink) -> Path:
    from app.cardtext.local_writer import WRITER_MODELS

    return describers.download(WRITER_MODELS[name], events)


FETCHERS: dict[str, Callable[[str, EventSink], Path]] = {
    SEGMENTATION: lambda name, events: download_segmentation(VARIANTS[name], events),
    DESCRIBER: lambda name, events: describers.download(describers.DESCRIBERS[name], events),
    WRITER: _writer_download,
}


@dataclass
class DownloadResult:
    done: dict[str, Path] = field(default_factory=dict)  # role -> snapshot folder
    failed: dict[str, str] = field(default_factory=dict)  # role -> message for the user
    cancelled: bool = False


def download_models(items: list[ModelItem], events: EventSink, cancel: threading.Event) -> DownloadResult:
    """Fetch ``items`` in order. Progress(STAGE, bytes done, bytes total, item=role) as it goes,
    then ItemDone(role) or ItemFailed(role); a failure does not stop the next model."""
    result = DownloadResult()
    for item in items:
        if cancel.is_set():
            result.cancelled = True
            break
        sink = _Throttled(item.role, events, cancel)
        try:
            result.done[item.role] = FETCHERS[item.role](item.name, sink)
        except Exception as err:
            if cancel.is_set():  # the cancel itself, or a transfer that the cancel aborted
                result.cancelled = True
                break
            if not isinstance(err, VitrinaError):
                raise  # a bug, not a download problem: the worker logs it with its traceback
            log.warning("download of %s failed: %s", item.name, err)
            result.failed[item.role] = str(err)
            events(ItemFailed(item.role, STAGE, str(err)))
            continue
        events(Progress(STAGE, item.size_bytes, item.size_bytes, item=item.role))
        events(ItemDone(item.role, STAGE))
    return result


def abort_transfers() -> None:
    """Stop the hub's in-flight native transfers (the hub does the same on Ctrl+C)."""
    try:
        from huggingface_hub.utils._xet import abort_xet_session  # private: guarded, may move
    except ImportError:
        return
    try:
        abort_xet_session()
    except Exception as err:  # nothing in flight, or an older hf_xet: the Python-side cancel remains
        log.debug("abort_xet_session: %s", err)


class _Throttled:
    """The hub's events for one model: renamed to its role, at most every MIN_INTERVAL_S, and the
    place where a cancel interrupts the hub's download threads."""

    def __init__(self, role: str, events: EventSink, cancel: threading.Event) -> None:
        self.role, self.events, self.cancel = role, events, cancel
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        if self.cancel.is_set():
            raise DownloadCancelled(_("The download was cancelled."))
        if not isinstance(event, Progress):
            return  # notices repeat what the dialog already shows
        if event.stage == FILES_STAGE:
            return  # bytes are what the user waits for
        now = time.monotonic()
        with self._lock:
            if event.done < event.total and now - self._last < MIN_INTERVAL_S:
                return
            self._last = now
        self.events(Progress(STAGE, event.done, event.total, item=self.role))
