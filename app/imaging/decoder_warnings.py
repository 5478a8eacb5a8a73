"""Warnings the decoders raise while a photo loads become that photo's notes, not stray stderr lines.

Photos load on several threads at once, and ``warnings.catch_warnings`` swaps module-wide state
(it is not thread-safe before Python 3.14), so it cannot scope a capture to one photo. Instead
``warnings.warn`` is wrapped once for the whole process: on a thread that is inside
:func:`collect_warnings` a warning goes to that thread's list; every other call goes on to the
real ``warnings.warn`` unchanged. Collecting before the filters and the "once per location"
registry also means the tenth photo with corrupt EXIF gets its note just as the first did.
A showwarning hook would come too late for that, and test runners replace it while they record.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image

# Meant for developers, or for code that raises the limit again (load.py turns it off): these keep
# their usual path.
_PASSED_ON = (DeprecationWarning, PendingDeprecationWarning, Image.DecompressionBombWarning)

_local = threading.local()
_install_lock = threading.Lock()
_real_warn: Callable[..., None] | None = None


def _routed_warn(message: Any, category: type[Warning] | None = None, stacklevel: int = 1,
                 source: Any = None, **kwargs: Any) -> None:
    sink: list[str] | None = getattr(_local, "sink", None)
    if isinstance(message, Warning):
        category = type(message)
    kind = category or UserWarning
    if sink is None or issubclass(kind, _PASSED_ON):
        assert _real_warn is not None
        # One more frame (this one) lies between the caller and the real warn.
        _real_warn(message, category, stacklevel + 1, source, **kwargs)
        return
    sink.append(" ".join(str(message).split()))


def _install() -> None:
    global _real_warn
    with _install_lock:
        if _real_warn is None:
            _real_warn = warnings.warn
            warnings.warn = _routed_warn


@contextlib.contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Within the block, warnings raised on this thread are appended to the list it yields (as
    one-line texts) instead of being shown; other threads are not affected."""
    _install()
    collected: list[str] = []
    outer = getattr(_local, "sink", None)
    _local.sink = collected
    try:
        yield collected
    finally:
        _local.sink = outer
