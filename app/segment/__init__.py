"""Segmentation: a product photo → a soft alpha mask (BiRefNet through its pinned hub code).

Importing this package is cheap (no torch); the backend loads torch on first use of
``load_segmenter`` / ``BiRefNetSegmenter``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# device and download import torch / huggingface_hub inside their functions, so they are cheap here.
# Importing the function after its module also keeps ``app.segment.download`` the function.
from app.segment.device import choose_device, free_vram_bytes
from app.segment.download import cached_path, download
from app.segment.protocol import Segmenter
from app.segment.registry import VARIANTS, LocalModel, ModelSpec, Variant, resolve, validate_layout

if TYPE_CHECKING:
    from app.segment.birefnet import BiRefNetSegmenter, load_segmenter

__all__ = [
    "VARIANTS",
    "BiRefNetSegmenter",
    "LocalModel",
    "ModelSpec",
    "Segmenter",
    "Variant",
    "cached_path",
    "choose_device",
    "download",
    "free_vram_bytes",
    "load_segmenter",
    "resolve",
    "validate_layout",
]

_LAZY = {"BiRefNetSegmenter": "app.segment.birefnet", "load_segmenter": "app.segment.birefnet"}


def __getattr__(name: str) -> Any:
    # Lazy so that listing variants in the GUI does not pay for importing torch.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'app.segment' has no attribute {name!r}")
