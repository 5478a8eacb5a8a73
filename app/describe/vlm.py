"""A vision-language describer: product photos in, factual English description + attributes out.

Native transformers classes only (Qwen3-VL, InternVL "-hf"), loaded once. Several products go
through one batched greedy ``generate`` with left padding, so a batch gives the same text as
single runs. Cost is visual tokens, so photos are capped in number and in pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.describe.jsonish import first_json_object
from app.describe.loading import (
    GPU_LOCK,
    free_memory,
    is_out_of_memory,
    pick_device,
    pick_dtype,
    place,
    pretrained_kwargs,
)
from app.describe.protocol import Description
from app.describe.registry import ResolvedModel
from app.errors import ModelError
from app.events import EventSink, Progress, ignore
from app.i18n import _

DEFAULT_MAX_PIXELS = 512 * 512  # Qwen3-VL: one visual token per 32x32 px, so at most ~256 per photo
DEFAULT_MAX_PHOTOS = 3
DEFAULT_MAX_NEW_TOKENS = 384
INTERNVL_TILE = 448

ATTRIBUTE_KEYS = ("product_type", "colors", "material", "visible_text", "shape", "count", "features")
_EMPTY = {"", "unknown", "none", "n/a", "na", "null", "not visible", "not applicable", "-"}

PROMPT = (
    "You are cataloguing a product for an online marketplace from its photos. "
    "Describe only what is actually visible. Do not guess anything you cannot see (brand, size, "
    "weight, material, purpose, price): leave such a field as an empty string or an empty list. "
    "Copy text printed on the product or its packaging exactly, in its original language.\n"
    "Reply with one JSON object and nothing else, with exactly these keys:\n"
    '{"description": "2-4 factual sentences", "product_type": "", "colors": [], "material": "", '
    '"visible_text": "", "shape": "", "count": "", "features": []}'
)

# Modules left unquantised: the vision tower is small and quantising it costs quality.
_SKIP_QUANT = {
    "qwen3_vl": ["visual", "lm_head"],
    "internvl": ["vision_tower", "multi_modal_projector", "lm_head"],
}


class VLMDescriber:
    """The ``Describer`` for local vision-language models."""

    def __init__(
        self,
        model: ResolvedModel,
        *,
        device: str = "auto",
        dtype: Any = None,
        quantize: str | None = None,
        batch_size: int = 4,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_photos: int = DEFAULT_MAX_PHOTOS,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
        events: EventSink = ignore,
    ) -> None:
        self.model_id = model.model_id
        self.revision = model.revision
        self.family = model.family
        self.batch_size = max(1, batch_size)
        self.max_pixels = max_pixels
        self.max_photos = max(1, max_photos)
        self.max_new_tokens = max_new_tokens
        self._events = events
        self._device = pick_device(device, events)
        self._model, self._processor = self._load(model, dtype, quantize)

    def _load(self, model: ResolvedModel, dtype: Any, quantize: str | None) -> tuple[Any, Any]:
        from transformers import AutoModelForImageTextToText, AutoProcessor

        torch_dtype = pick_dtype(self._device, dtype)
        kwargs = pretrained_kwargs(
            self._device, torch_dtype, quantize, _SKIP_QUANT.get(self.family, ["lm_head"])
        )
        try:
            processor = AutoProcessor.from_pretrained(model.path, trust_remote_code=False)
            net = AutoModelForImageTextToText.from_pretrained(model.path, **kwargs)
        except (OSError, ValueError, KeyError, RuntimeError, ImportError) as err:
            raise ModelError(_("Could not load the describer from {path}: {error}").format(
                path=model.path, error=err)) from err
        # Decoder-only batching: pad on the left so every row's new tokens start at the same column.
        processor.tokenizer.padding_side = "left"
        _cap_processor(processor, self.family, self.max_pixels)
        return place(net, self._device, quantize), processor

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        if self._model is None:
            raise ModelError(_("The describer was closed; load it again."))
        results: list[Description] = []
        for start in range(0, len(products), self.batch_size):
            batch = products[start : start + self.batch_size]
            with GPU_LOCK:
                results.extend(self._describe_batch(batch))
            self._events(Progress("describe", len(results), len(products)))
        return results

    def _describe_batch(self, batch: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        """One generate call; on GPU out-of-memory, halve the batch and try again."""
        with_photos = [i for i, photos in enumerate(batch) if len(photos)]
        out = [Description("", {}, self.model_id, self.revision) for _ in batch]
        if not with_photos:
            return out
        raws: list[str] | None = None
        try:
            raws = self._generate([batch[i] for i in with_photos])
        except Exception as err:
            if not is_out_of_memory(err):
                raise
        if raws is None:
            # Out of memory. Freed here, past the except block: inside it the traceback still holds
            # the failed generate's frames and their tensors, so the retry would start with that
            # memory taken.
            free_memory()
            if len(batch) == 1:
                raise ModelError(_(
                    "The GPU ran out of memory describing one product; lower the photo cap, "
                    "use a smaller model or 4-bit precision, or run on the CPU."
                ))
            half = len(batch) // 2
            return self._describe_batch(batch[:half]) + self._describe_batch(batch[half:])
        for i, raw in zip(with_photos, raws, strict=True):
            out[i] = parse_description(raw, self.model_id, self.revision)
        return out

    def _generate(self, batch: Sequence[Sequence[np.ndarray]]) -> list[str]:
        import torch

        texts, images = [], []
        for photos in batch:
            kept = [_to_image(p, self.max_pixels) for p in list(photos)[: self.max_photos]]
            images.extend(kept)
            texts.append(self._prompt(len(kept)))
        inputs = self._processor(text=texts, images=images, padding=True, return_tensors="pt")
        inputs = inputs.to(self._model.device)
        if "pixel_values" in inputs:
            inputs["pixel_values"] = inputs["pixel_values"].to(self._model.dtype)
        tokenizer = self._processor.tokenizer
        with torch.inference_mode():
            generated = self._model.generate(
                **inputs,
                max_new_tokens=self.max_new_tokens,
                do_sample=False,
                num_beams=1,
                pad_token_id=tokenizer.pad_token_id,
            )
        new_tokens = generated[:, inputs["input_ids"].shape[1] :]
        return tokenizer.batch_decode(new_tokens, skip_special_tokens=True)

    def _prompt(self, n_photos: int) -> str:
        lead = "" if n_photos == 1 else f"The {n_photos} photos show the same product from different sides. "
        content: list[dict[str, str]] = [{"type": "image"} for _ in range(n_photos)]
        content.append({"type": "text", "text": lead + PROMPT})
        messages = [{"role": "user", "content": content}]
        return self._processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def close(self) -> None:
        self._model = None
        self._processor = None
        free_memory()


def parse_description(raw: str, model_id: str = "", revision: str = "") -> Description:
    """The model's JSON as a Description; unparseable output is kept as plain text, never raised."""
    obj = first_json_object(raw)
    if obj is None:
        return Description(raw.strip(), {}, model_id, revision)
    attributes: dict[str, str] = {}
    for key, value in obj.items():
        text = _flatten(value)
        if key != "description" and text.lower() not in _EMPTY:
            attributes[str(key)] = text
    summary = _flatten(obj.get("description", ""))
    if not summary:
        summary = "; ".join(f"{k}: {v}" for k, v in attributes.items())
    return Description(summary, attributes, model_id, revision)


def _flatten(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        parts = (_flatten(v) for v in value)
        return ", ".join(p for p in parts if p.lower() not in _EMPTY)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_flatten(v)}" for k, v in value.items())
    if value is None:
        return ""
    return str(value).strip()


def _to_image(photo: np.ndarray, max_pixels: int) -> Any:
    """An RGB PIL image no larger than ``max_pixels`` (downscaled here: cheaper than in the processor)."""
    from PIL import Image

    array = np.asarray(photo)
    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    image = Image.fromarray(array).convert("RGB")
    w, h = image.size
    if w * h > max_pixels:
        scale = (max_pixels / (w * h)) ** 0.5
        image = image.resize((max(1, int(w * scale)), max(1, int(h * scale))), Image.Resampling.BICUBIC)
    return image


def _cap_processor(processor: Any, family: str, max_pixels: int) -> None:
    """Bound the visual tokens per photo in the processor itself, whatever its saved defaults."""
    image_processor = processor.image_processor
    if family == "qwen3_vl":
        size = image_processor.size  # a dict, or transformers 5's SizeDict: both take item assignment
        size["longest_edge"] = max_pixels
        size["shortest_edge"] = min(size.get("shortest_edge") or max_pixels, max_pixels)
        # Older (4.x) slow processors also read these attributes.
        for attribute, value in (("max_pixels", max_pixels), ("min_pixels", size["shortest_edge"])):
            if getattr(image_processor, attribute, None) is not None:
                setattr(image_processor, attribute, value)
    elif family == "internvl":
        # InternVL tiles at 448 px (up to 12 + a thumbnail, ~3,300 tokens); keep a few tiles.
        image_processor.max_patches = max(1, max_pixels // (INTERNVL_TILE * INTERNVL_TILE))
