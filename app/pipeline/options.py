"""What a batch run was asked to do."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from app.compose.backgrounds import BackgroundSpec
from app.pipeline.text import TextOptions


def usable_cores() -> int:
    """The cores this process may run on (its affinity / cgroup share), not the machine's count."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class BatchOptions:
    background: BackgroundSpec
    marketplace: str | None = None  # None: keep each photo's own size
    seg_model: str = "birefnet"
    device: str = "auto"
    batch_size: int | None = None
    overwrite: bool = False
    max_pixels: int | None = None
    # A 12 MP decode costs ~80 ms of CPU, compose + encode ~4x that: a quarter of the cores decode,
    # the rest (less one for the model thread) compose. Both release the GIL (libjpeg, numpy, ISA-L).
    load_workers: int = field(default_factory=lambda: max(2, usable_cores() // 4))
    compose_workers: int = field(default_factory=lambda: max(2, usable_cores() - 1 - usable_cores() // 4))
    text: TextOptions = field(default_factory=TextOptions)
    regenerate_text: bool = False  # replace generated cards from earlier runs (never the user's edits)
    decontaminate: bool = True  # clean the old backdrop's colour out of soft edges
    fix_compliance: bool = False  # re-encode/resize/flatten images the marketplace would refuse
