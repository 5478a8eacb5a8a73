"""The one gate in front of the GPU: the segmenter, the describer and the local writer take turns.

Without it an LLM allocation made while BiRefNet runs can push BiRefNet out of memory, and its
back-off would then run the rest of the batch one photo at a time. Re-entrant, because the
pipeline's GPU worker describes between its own segmentation calls on the same thread.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext

GPU_LOCK = threading.RLock()


def gate(device: str) -> ContextManager[object]:
    """The lock for a model call on ``device``; CPU calls need no turn (the OS shares the cores)."""
    return GPU_LOCK if str(device).startswith("cuda") else nullcontext()
