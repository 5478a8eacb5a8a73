"""huggingface_hub's own log lines, turned into at most one line of ours per retry.

Without internet the hub library warns twice per attempt ("'…' thrown while requesting GET …" and
"Retrying in 1s [Retry 1/5].") for every request, straight to stderr: dozens of raw lines that a
seller cannot act on. While a download runs, this module takes the library's log over: a retry
becomes one ``Notice`` in the user's language, everything else goes to our log for support.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from app import formats
from app.events import EventSink, Notice
from app.i18n import _

log = logging.getLogger(__name__)
HUB_LOGGER = "huggingface_hub"
_RETRY = re.compile(r"(?:Retrying in|Waiting) (?P<seconds>[\d.]+)s.*\[Retry (?P<n>\d+)/(?P<of>\d+)\]")
_lock = threading.Lock()
_active = 0  # nested or parallel downloads share one takeover
_saved: tuple[list[logging.Handler], bool, int] | None = None


class _RetryNotices(logging.Handler):
    def __init__(self, events: EventSink, item: str) -> None:
        super().__init__(logging.DEBUG)
        self.events = events
        self.item = item

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        found = _RETRY.search(text)
        if found is None:
            log.info("huggingface_hub: %s", text)  # the request that failed: for the log, not the user
            return
        seconds = float(found["seconds"])
        words = _("Hugging Face does not answer; trying again in {seconds} s ({n} of {of})…")
        self.events(Notice(words.format(seconds=formats.decimal(seconds, 0 if seconds.is_integer() else 1),
                                        n=found["n"], of=found["of"]), item=self.item))


@contextmanager
def quiet_hub(events: EventSink, item: str = "") -> Iterator[None]:
    """Within the block, the hub library's warnings reach the user only as retry notices."""
    global _active, _saved
    hub = logging.getLogger(HUB_LOGGER)
    handler = _RetryNotices(events, item)
    with _lock:
        if _active == 0:
            _saved = (hub.handlers[:], hub.propagate, hub.level)
            for old in _saved[0]:
                hub.removeHandler(old)
            hub.propagate = False
            if hub.level == logging.NOTSET or hub.level > logging.WARNING:
                hub.setLevel(logging.WARNING)  # retries are warnings: they must reach the handler
        _active += 1
        hub.addHandler(handler)
    try:
        yield
    finally:
        with _lock:
            hub.removeHandler(handler)
            _active -= 1
            if _active == 0 and _saved is not None:
                handlers, propagate, level = _saved
                for old in handlers:
                    hub.addHandler(old)
                hub.propagate, _saved = propagate, None
                hub.setLevel(level)
