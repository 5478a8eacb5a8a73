"""BiRefNet: load its own hub code the robust way, then batched inference with OOM back-off.

``from_pretrained(trust_remote_code=True)`` breaks for BiRefNet's code on transformers 4.49+/5.x
(meta tensors, config checks, fp16 default), so the classes are resolved from the folder's
auto_map and the weights are loaded strictly by hand. See docs/models.md.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from app.errors import ModelError
from app.events import EventSink, Notice, Progress, ignore
from app.gpu_gate import gate
from app.i18n import _
from app.segment.device import choose_device, free_vram_bytes
from app.segment.download import cached_path, download, require_pin
from app.segment.registry import (
    CONFIG_AUTO_CLASS,
    MODEL_AUTO_CLASS,
    WEIGHTS_FILE,
    LocalModel,
    ModelSpec,
    Variant,
    as_size,
    code_refs,
    resolve,
    validate_layout,
)

log = logging.getLogger(__name__)

STAGE = "segment"
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
# Official figure: 3.45 GB at 1024², fp16, batch 1 (weights included): a safe per-image budget.
VRAM_PER_IMAGE_AT_1024 = 3.5 * 1024**3
MAX_AUTO_BATCH = 16
# Keys the hub writes into config.json that are not constructor arguments of the model's config.
_HUB_CONFIG_KEYS = {
    "auto_map", "architectures", "transformers_version", "_name_or_path", "custom_pipelines",
    "torch_dtype", "dtype",
}


def load_segmenter(
    model: str | Path | ModelSpec = "birefnet",
    *,
    device: str = "auto",
    batch_size: int | None = None,
    input_size: int | tuple[int, int] | None = None,
    events: EventSink = ignore,
    allow_download: bool = True,
) -> BiRefNetSegmenter:
    """Resolve, fetch if needed (pinned only), and load a BiRefNet model once for a whole run."""
    spec = model if isinstance(model, (Variant, LocalModel)) else resolve(model, input_size)
    folder = model_folder(spec, events, allow_download=allow_download)
    size = as_size(input_size) if input_size is not None else spec.input_size
    if isinstance(spec, Variant) and spec.dynamic_range:
        low, high = spec.dynamic_range
        if not all(low <= side <= high for side in size):
            raise ModelError(_("{name} works at sizes from {low} to {high}, not {height}x{width}.").format(
                name=spec.name, low=low, high=high, height=size[0], width=size[1]))
    chosen = choose_device(device, events)
    net = load_model(folder, chosen)
    return BiRefNetSegmenter(
        net, model_id=spec.model_id, revision=spec.revision, device=chosen, input_size=size,
        batch_size=batch_size, events=events,
    )


def model_folder(spec: ModelSpec, events: EventSink = ignore, *, allow_download: bool = True) -> Path:
    """The folder holding ``spec``'s files: a local one as given, a hub one from the cache at its pin
    (downloaded first when allowed)."""
    if isinstance(spec, LocalModel):
        return spec.path
    require_pin(spec)
    folder = cached_path(spec)
    if folder is not None:
        return folder
    if not allow_download:
        raise ModelError(_(
            "Segmentation model {name!r} is not downloaded yet: run "
            "`vitrina models download {name}`, or pass a local model directory."
        ).format(name=spec.name))
    return download(spec, events)


def load_model(folder: Path, device: str = "cpu") -> torch.nn.Module:
    """Build the model from the folder's own code and weights: eval mode, fp16 on CUDA, fp32 on CPU."""
    net = build_model(folder)
    # CPU stays fp32: bf16/fp16 on CPU are either unsupported (deform_conv2d) or ~100x slower.
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    return net.eval().to(device=device, dtype=dtype)


def build_model(folder: Path) -> torch.nn.Module:
    """The model class from the folder's own code (dynamic class), its weights loaded strictly, in
    fp32 on the CPU: what inference (``load_model``) and fine-tuning (app/finetune) both start from."""
    config = validate_layout(folder)
    refs = code_refs(config)
    with _model_code_warnings_logged(folder):
        model_cls = _dynamic_class(refs[MODEL_AUTO_CLASS], folder)
        config_cls = _dynamic_class(refs[CONFIG_AUTO_CLASS], folder) if CONFIG_AUTO_CLASS in refs else None
        config_cls = config_cls or getattr(model_cls, "config_class", None)
        try:
            hf_config = _build_config(config_cls, config) if config_cls is not None else None
            net = _build_model(model_cls, hf_config)
        except Exception as err:
            raise ModelError(_("The model code in {folder} failed to build the model: {error}").format(
                folder=folder, error=_brief(err))) from err
    _load_weights(net, folder / WEIGHTS_FILE)
    return net.float()


_logged_warnings: set[str] = set()


@contextmanager
def _model_code_warnings_logged(folder: Path) -> Iterator[None]:
    """Deprecation warnings raised while the model's own code is imported and built (BiRefNet's
    code imports timm paths that timm has since moved) are the model author's business, not the
    user's: they go to the log, each once per process, instead of the console. Other warnings pass."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        warnings.simplefilter("always", FutureWarning)
        yield
    for warning in caught:
        if not issubclass(warning.category, (DeprecationWarning, FutureWarning)):
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
            continue
        text = f"{warning.category.__name__}: {warning.message}"
        if text not in _logged_warnings:
            _logged_warnings.add(text)
            log.info("model code in %s: %s (%s:%s)", folder, text, warning.filename, warning.lineno)


def _dynamic_class(ref: str, folder: Path) -> type:
    from transformers.dynamic_module_utils import get_class_from_dynamic_module

    try:
        return get_class_from_dynamic_module(ref, str(folder), local_files_only=True)
    except ImportError as err:
        message = _("The model code in {folder} needs Python packages that are missing: {error}")
        raise ModelError(message.format(folder=folder, error=_brief(err))) from err
    except Exception as err:
        raise ModelError(_("The model code {ref!r} in {folder} could not be loaded: {error}").format(
            ref=ref, folder=folder, error=_brief(err))) from err


def _build_config(config_cls: type, config: dict) -> Any:
    # bb_pretrained=False: otherwise the backbone fetches ImageNet weights we overwrite anyway.
    kwargs = {k: v for k, v in config.items() if k not in _HUB_CONFIG_KEYS} | {"bb_pretrained": False}
    try:
        hf_config = config_cls(**kwargs)
    except TypeError:
        hf_config = config_cls()
    # Some versions read the flag from the config, not the constructor: set it on both.
    hf_config.bb_pretrained = False
    return hf_config


def _build_model(model_cls: type, hf_config: Any) -> torch.nn.Module:
    params = inspect.signature(model_cls.__init__).parameters
    kwargs: dict[str, Any] = {"bb_pretrained": False} if "bb_pretrained" in params else {}
    if hf_config is not None:
        kwargs["config"] = hf_config
    return model_cls(**kwargs)


def _load_weights(net: torch.nn.Module, path: Path) -> None:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        state = load_file(str(path))
    except (SafetensorError, OSError) as err:
        raise ModelError(_(
            "The weights file {path} is damaged or incomplete ({error}); delete it and download again."
        ).format(path=path, error=_brief(err))) from err
    expected = set(net.state_dict())
    missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
    if missing or unexpected:
        raise ModelError(_(
            "The weights in {path} do not match the model code next to them "
            "(missing {missing_count}: {missing}; unexpected {unexpected_count}: {unexpected}). "
            "The folder mixes files from different model versions."
        ).format(path=path, missing_count=len(missing), missing=_few(missing),
                 unexpected_count=len(unexpected), unexpected=_few(unexpected)))
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as err:  # same names, different shapes
        raise ModelError(_("The weights in {path} do not fit the model code: {error}").format(
            path=path, error=_brief(err))) from err


class BiRefNetSegmenter:
    """Photos in, soft alpha masks out (see ``Segmenter``). Holds the model until ``close()``."""

    def __init__(
        self, net: torch.nn.Module, *, model_id: str, revision: str, device: str,
        input_size: tuple[int, int], batch_size: int | None = None, events: EventSink = ignore,
    ) -> None:
        self.model_id = model_id
        self.revision = revision
        self.device = device
        self.input_size = input_size
        self._net: torch.nn.Module | None = net
        # Where tensors go; equal to ``device`` except when a test stands the CPU in for a GPU.
        self._tensor_device = torch.device(device)
        self._dtype = next(net.parameters()).dtype
        self._batch_size = batch_size
        self._batch_cap: int | None = None  # learnt from OOMs, kept for later calls
        self._events = events

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        if self._net is None:
            raise ModelError(_("The segmentation model was closed; load it again."))
        for index, image in enumerate(images):
            _check_image(image, index)
        masks: list[np.ndarray] = []
        batch = self._first_batch_size()
        while len(masks) < len(images):
            chunk = images[len(masks) : len(masks) + batch]
            try:
                with gate(self.device):  # one model on the GPU at a time (app.gpu_gate)
                    masks.extend(self._run(chunk))
            except ModelError:
                raise
            except Exception as err:
                if not is_oom(err):
                    raise ModelError(_("Segmentation failed on {device}: {error}").format(
                        device=self.device, error=_brief(err))) from err
                out_of_memory = True
            else:
                out_of_memory = False
                self._events(Progress(STAGE, len(masks), len(images)))
            if out_of_memory:
                # Outside the except block, so the failed batch's tensors are already released.
                batch = self._back_off(batch)
        return masks

    def close(self) -> None:
        self._net = None
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()

    def _first_batch_size(self) -> int:
        if self._batch_size is not None:
            wanted = max(1, self._batch_size)
        elif not self.device.startswith("cuda"):
            wanted = 1  # CPU: batching gains nothing and delays the first result
        else:
            free = free_vram_bytes(self.device)
            height, width = self.input_size
            per_image = VRAM_PER_IMAGE_AT_1024 * height * width / 1024**2
            wanted = 1 if free is None else max(1, min(MAX_AUTO_BATCH, int(free * 0.9 // per_image)))
        return min(wanted, self._batch_cap) if self._batch_cap else wanted

    def _back_off(self, batch: int) -> int:
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()
        if batch > 1:
            self._batch_cap = batch // 2
            return self._batch_cap
        if self.device == "cpu":
            raise ModelError(_(
                "Out of memory while segmenting on the CPU. Close other programs, or choose birefnet-lite."
            ))
        self._events(Notice(_(
            "Not enough GPU memory for {model} even one photo at a time; "
            "switched to the CPU, which is much slower."
        ).format(model=self.model_id)))
        assert self._net is not None
        self._net.to(device="cpu", dtype=torch.float32)
        self._tensor_device, self._dtype, self.device = torch.device("cpu"), torch.float32, "cpu"
        self._batch_cap = None
        return 1

    def _run(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        assert self._net is not None
        with torch.inference_mode():
            x = torch.cat([self._preprocess(image) for image in images]).to(self._dtype)
            out = self._net(x)
            while isinstance(out, (list, tuple)):  # a list of side outputs; the last is full resolution
                out = out[-1]
            if not isinstance(out, torch.Tensor) or out.ndim != 4 or out.shape[:2] != (len(images), 1):
                shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
                raise ModelError(_("{model} returned {shape}, expected a {count}x1xHxW mask.").format(
                    model=self.model_id, shape=shape, count=len(images)))
            probs = out.float().sigmoid()
            return [_to_uint8(probs[i : i + 1], image.shape[:2]) for i, image in enumerate(images)]

    def _preprocess(self, image: np.ndarray) -> torch.Tensor:
        if self._tensor_device.type == "cuda":
            # One copy, straight into pinned memory; uint8 goes up (a quarter of float32's bytes)
            # without blocking the host, so the next photo of the batch is staged meanwhile. Not yet
            # measured on a GPU (docs/PERFORMANCE.md).
            staged = torch.empty(image.shape, dtype=torch.uint8, pin_memory=True)
            staged.numpy()[...] = image
            x = staged.to(self._tensor_device, non_blocking=True)
        else:
            # torch warns on read-only arrays (shared photos are frozen); a copy is cheap next to the model.
            array = np.ascontiguousarray(image) if image.flags.writeable else np.array(image)
            x = torch.from_numpy(array).to(self._tensor_device)
        x = x.permute(2, 0, 1)[None]
        # antialias when shrinking (photos are usually far larger than the model input; plain
        # bilinear would alias); enlarging needs none.
        shrink = image.shape[0] > self.input_size[0] or image.shape[1] > self.input_size[1]
        if x.device.type == "cpu":
            # Resizing the uint8 photo first is ~8x faster on the CPU than resizing floats
            # (measured 26 vs 208 ms for 12 MP → 1024²); the rounding is far below the model's noise.
            x = F.interpolate(x, size=self.input_size, mode="bilinear", align_corners=False, antialias=shrink)
            x = x.float() / 255.0
        else:
            x = x.float() / 255.0
            x = F.interpolate(x, size=self.input_size, mode="bilinear", align_corners=False, antialias=shrink)
        mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
        std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
        return (x - mean) / std


def _to_uint8(prob: torch.Tensor, size: tuple[int, int]) -> np.ndarray:
    shrink = size[0] < prob.shape[-2] or size[1] < prob.shape[-1]  # enlarging needs no antialias
    prob = F.interpolate(prob, size=size, mode="bilinear", align_corners=False, antialias=shrink)
    return prob[0, 0].mul(255.0).round_().clamp_(0, 255).to(torch.uint8).cpu().numpy()


def _check_image(image: np.ndarray, index: int) -> None:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        got = f"{image.dtype} {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
        raise ValueError(f"Photo {index} must be an RGB uint8 HxWx3 array, got {got}.")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"Photo {index} is empty ({image.shape}).")


def is_oom(err: Exception) -> bool:
    # cuDNN/cuBLAS and the CPU allocator report memory exhaustion as plain RuntimeErrors.
    text = str(err).lower()
    return isinstance(err, torch.cuda.OutOfMemoryError) or (
        isinstance(err, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)
    )


def _few(keys: list[str], limit: int = 3) -> str:
    return ", ".join(keys[:limit]) + (", ..." if len(keys) > limit else "") if keys else "none"


def _brief(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0] if text else 'no details'}"
