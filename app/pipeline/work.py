"""Per-photo and per-product work items as they move through a run."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.pipeline.masks import Loaded
from app.project import Product


@dataclass
class LoadedPhoto(Loaded):
    product: Product | None = None


@dataclass
class ProductWork:
    product: Product
    bundle_name: str
    loaded: dict[str, LoadedPhoto] = field(default_factory=dict)
    masks: dict[str, np.ndarray] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # rel -> message
    replace: bool = False  # its bundle is there but no longer shows its photos: rewrite it

    @property
    def resolved(self) -> bool:
        if len(self.loaded) < len(self.product.photos):
            return False
        return all(rel in self.masks or rel in self.failed for rel in self.product.photos)

    def good_photos(self) -> list[LoadedPhoto]:
        return [self.loaded[rel] for rel in self.product.photos if rel in self.masks]
