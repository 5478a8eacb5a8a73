"""Run a function over items on worker threads, a bounded distance ahead, yielding in order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def prefetch(items: Iterable[T], fn: Callable[[T], R], *, workers: int = 2, depth: int = 8) -> Iterator[R]:
    """Decoding runs on CPU threads while the caller (the GPU worker) is busy with earlier items.

    ``depth`` bounds memory: at most that many results wait, decoded, for the consumer. When the
    consumer stops early, queued work is cancelled and running work is waited for.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vitrina-load")
    pending: deque[Future[R]] = deque()
    source = iter(items)
    try:
        for item in source:
            pending.append(pool.submit(fn, item))
            if len(pending) >= depth:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
