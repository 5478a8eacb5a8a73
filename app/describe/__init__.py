"""Describe products from their photos with a local vision-language model.

Importing this package is cheap: torch and transformers load only when a describer is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.describe.protocol import Describer, Description
from app.describe.registry import DEFAULT_DESCRIBER, DESCRIBERS, ModelSpec, resolve
from app.errors import ModelError
from app.events import EventSink, ignore
from app.i18n import _

__all__ = [
    "DEFAULT_DESCRIBER",
    "DESCRIBERS",
    "Describer",
    "Description",
    "ModelSpec",
    "load_describer",
]


def load_describer(
    name_or_dir: str | Path = DEFAULT_DESCRIBER,
    *,
    device: str = "auto",
    dtype: Any = None,
    batch_size: int = 4,
    events: EventSink = ignore,
    quantize: str | None = None,
    max_pixels: int | None = None,
    max_photos: int | None = None,
    max_new_tokens: int | None = None,
) -> Describer:
    """A ready describer from a registry name or a local model directory (loaded once).

    ``dtype`` is a name ("float32", "bf16"...) or a torch dtype; None picks fp32 on CPU and
    bf16/fp16 on CUDA. ``quantize`` ("8bit"/"4bit") needs CUDA and bitsandbytes.
    """
    from app.describe import vlm

    model = resolve(name_or_dir, DESCRIBERS, events=events)
    if model.family not in ("qwen3_vl", "internvl"):
        raise ModelError(_(
            "{model} is a {family!r} model, not a supported image+text model (Qwen3-VL or InternVL -hf)."
        ).format(model=model.model_id, family=model.family))
    limits = {
        "max_pixels": max_pixels or vlm.DEFAULT_MAX_PIXELS,
        "max_photos": max_photos or vlm.DEFAULT_MAX_PHOTOS,
        "max_new_tokens": max_new_tokens or vlm.DEFAULT_MAX_NEW_TOKENS,
    }
    return vlm.VLMDescriber(
        model, device=device, dtype=dtype, quantize=quantize, batch_size=batch_size, events=events, **limits
    )
