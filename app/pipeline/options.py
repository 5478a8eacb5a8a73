"""What a batch run was asked to do."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from app.compose.backgrounds import BackgroundSpec
from app.pipeline.text import TextOptions


@dataclass(frozen=True)
class BatchOptions:
    background: BackgroundSpec
    marketplace: str | None = None  # None: keep each photo's own size
    seg_model: str = "birefnet"
    device: str = "auto"
    batch_size: int | None = None
    overwrite: bool = False
    max_pixels: int | None = None
    load_workers: int = 2
    # Compose and encode release the GIL (numpy, Pillow), so export scales with cores; one core is
    # left to the model thread and decoding.
    compose_workers: int = field(default_factory=lambda: max(2, (os.cpu_count() or 2) - 1))
    text: TextOptions = field(default_factory=TextOptions)
    regenerate_text: bool = False  # replace generated cards from earlier runs (never the user's edits)
    decontaminate: bool = True  # clean the old backdrop's colour out of soft edges
    fix_compliance: bool = False  # re-encode/resize/flatten images the marketplace would refuse
