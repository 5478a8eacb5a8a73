"""Models the studio keeps loaded from one task to the next (Process, Write card text).

Loading BiRefNet or a describer takes seconds to minutes; a photographer presses Process, fixes a
mask, presses it again. So each role's model stays loaded under the key it was loaded for (name,
device, precision) and is released when:
- the key changes (another model or device was chosen): the old one goes before the new loads;
- it was not used for the idle time the user set (``release_idle``, called by a timer);
- loading another model runs out of memory: the others are released and the load is tried again;
- the studio closes (``release_all``).
A task borrows a model: its ``close`` only ends the borrow, so a task's clean-up never unloads it,
and an idle release never takes a model a task is using.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from app.events import EventSink

log = logging.getLogger(__name__)

SEGMENTER, DESCRIBER, WRITER = "segmenter", "describer", "writer"


@dataclass
class _Kept:
    key: Hashable
    model: Any
    name: str
    last_used: float
    borrowed: int = 0


class KeptModels:
    def __init__(self, idle_s: float = 600.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s = idle_s
        self._clock = clock
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()
        self.changed: Callable[[], None] = lambda: None  # the studio's status bar listens

    def borrow(self, role: str, key: Hashable, name: str, load: Callable[[], Any],
               events: EventSink | None = None) -> Any:
        """The model for ``role`` loaded under ``key`` (loaded now if needed), as a borrow.

        ``events`` is this task's sink: a model kept from an earlier task reports to it now.
        """
        with self._lock:
            kept = self._kept.get(role)
            if kept is not None and kept.key != key and not kept.borrowed:
                self._release(role)  # the choice changed: free its memory before the new one loads
                kept = None
            if kept is not None and kept.key == key:
                kept.borrowed += 1
                kept.last_used = self._clock()
                if events is not None and hasattr(kept.model, "_events"):
                    kept.model._events = events
                return _Borrowed(self, role, kept.model)
        model = self._load(role, load)
        with self._lock:
            self._kept[role] = _Kept(key, model, name, self._clock(), borrowed=1)
        self.changed()
        return _Borrowed(self, role, model)

    def give_back(self, role: str, model: Any) -> None:
        with self._lock:
            kept = self._kept.get(role)
            if kept is not None and kept.model is model:
                kept.borrowed = max(0, kept.borrowed - 1)
                kept.last_used = self._clock()
        if self.idle_s <= 0:
            self.release_idle()

    def release_idle(self) -> list[str]:
        """Release what was not used for ``idle_s``; returns the names released."""
        now = self._clock()
        with self._lock:
            idle = [role for role, k in self._kept.items()
                    if not k.borrowed and now - k.last_used >= self.idle_s]
            names = [self._kept[role].name for role in idle]
            for role in idle:
                self._release(role)
        if idle:
            self.changed()
        return names

    def release_all(self, *, except_role: str = "") -> None:
        with self._lock:
            for role in [r for r, k in self._kept.items() if r != except_role and not k.borrowed]:
                self._release(role)
        self.changed()

    def loaded(self) -> list[str]:
        with self._lock:
            return [k.name for k in self._kept.values()]

    def memory_bytes(self) -> int:
        """The weights' bytes of the models kept (what releasing them would free)."""
        with self._lock:
            models = [k.model for k in self._kept.values()]
        return sum(_weight_bytes(m) for m in models)

    def _load(self, role: str, load: Callable[[], Any]) -> Any:
        from app.describe.loading import free_memory, is_out_of_memory

        failed = False
        try:
            return load()
        except Exception as err:
            if not is_out_of_memory(err):
                raise
            failed = True
        if failed:  # outside the except block, so the failed load's tensors are gone
            log.info("out of memory loading the %s: releasing the other models and trying again", role)
            self.release_all(except_role=role)
            free_memory()
        return load()

    def _release(self, role: str) -> None:
        kept = self._kept.pop(role)
        close = getattr(kept.model, "really_close", None) or getattr(kept.model, "close", None)
        try:
            if close is not None:
                close()
        except Exception:  # a model that fails to close must not keep the others loaded
            log.exception("closing the %s failed", role)
        try:
            from app.describe.loading import free_memory

            free_memory()
        except ImportError:
            pass


class _Borrowed:
    """A kept model as a task sees it: everything passes through, ``close`` ends the borrow."""

    def __init__(self, owner: KeptModels, role: str, model: Any) -> None:
        self._owner, self._role, self._model = owner, role, model
        self._returned = False

    def close(self) -> None:
        if not self._returned:
            self._returned = True
            self._owner.give_back(self._role, self._model)

    async def aclose(self) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def _weight_bytes(model: Any) -> int:
    for attr in ("_net", "_model"):
        net = getattr(model, attr, None)
        params = getattr(net, "parameters", None)
        if params is not None:
            try:
                return sum(p.numel() * p.element_size() for p in params())
            except Exception:  # a stand-in model in a test, or one being closed
                return 0
    return 0


def segmenter_factory(kept: KeptModels) -> Callable[[str, str, int | None, EventSink], Any]:
    """``process_photos``'s factory that borrows the segmenter from ``kept``."""
    from app.studio import process

    def make(seg_model: str, device: str, batch_size: int | None, events: EventSink) -> Any:
        def load() -> Any:  # looked up now, not at import: tests stand a model in
            return process.load_default_segmenter(seg_model, device, batch_size, events)

        return kept.borrow(SEGMENTER, (seg_model, device, batch_size), seg_model, load, events)

    return make


def describer_factory(kept: KeptModels) -> Callable[[Any, EventSink], Any]:
    """``write_cards``'s describer factory that borrows from ``kept``."""
    from app.pipeline.text import default_describer

    def make(options: Any, events: EventSink) -> Any:
        if options.describer == "gigachat":  # no model to keep, and its client and settings are per run
            return default_describer(options, events)
        key = (options.vlm_model, options.device, options.quantize)
        return kept.borrow(DESCRIBER, key, options.vlm_model, lambda: default_describer(options, events),
                           events)

    return make


def writer_factory(kept: KeptModels) -> Callable[[Any, EventSink], Any]:
    """``write_cards``'s writer factory: a local writer is kept (its model stays loaded); GigaChat's
    client belongs to one run's event loop, so it is made fresh each time."""
    from app.pipeline.text import default_writer

    def make(options: Any, events: EventSink) -> Any:
        if options.provider != "local":
            return default_writer(options, events)
        key = (options.writer_model, options.vlm_model, options.device, options.quantize)
        name = options.writer_model or options.vlm_model
        return kept.borrow(WRITER, key, name, lambda: default_writer(options, events), events)

    return make
