"""What a batch run was asked to do."""

from __future__ import annotations

from dataclasses import dataclass

from app.backgrounds import BackgroundSpec


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
    compose_workers: int = 2
