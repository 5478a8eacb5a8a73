"""Device, dtype and quantisation choices shared by the local models (describer and writer).

One place decides them, so both models behave the same: fp32 on CPU (half precision on CPU is
slow or unsupported), bf16 on Ampere+ GPUs, fp16 on older ones (T4 has no bf16), and
bitsandbytes 8/4-bit only on CUDA, only when asked, to fit memory.
"""

from __future__ import annotations

import gc
import importlib.util
from typing import Any

from app.errors import ModelError
from app.events import EventSink, Notice

# The GPU runs one model call at a time: the segmenter, the describer and the local writer share it.
from app.gpu_gate import GPU_LOCK  # noqa: F401  (re-exported for the describer and the writer)
from app.i18n import _

QUANTIZE_CHOICES = ("8bit", "4bit")
_DTYPE_NAMES = {
    "float32": "float32",
    "fp32": "float32",
    "float16": "float16",
    "fp16": "float16",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
}


def pick_device(device: str, events: EventSink) -> str:
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        events(Notice(_("No CUDA GPU found: the local model runs on the CPU (much slower).")))
        return "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(_("Device {device!r} was asked for, but no CUDA GPU is available.").format(
            device=device))
    return device


def pick_dtype(device: str, dtype: Any = None) -> Any:
    """A torch dtype from a name (``"bf16"``, ``"float32"``...), a torch dtype, or the device."""
    import torch

    if dtype is not None:
        if isinstance(dtype, torch.dtype):
            return dtype
        name = _DTYPE_NAMES.get(str(dtype).lower())
        if name is None:
            raise ModelError(_("Unknown dtype {dtype!r}; use one of: {choices}.").format(
                dtype=dtype, choices=", ".join(sorted(_DTYPE_NAMES))))
        return getattr(torch, name)
    if not device.startswith("cuda"):
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def pretrained_kwargs(device: str, dtype: Any, quantize: str | None, skip_modules: list[str]) -> dict:
    """Keyword arguments for ``from_pretrained``: never remote code; quantisation only on CUDA."""
    kwargs: dict[str, Any] = {"dtype": dtype, "trust_remote_code": False}
    if quantize is None:
        return kwargs
    if quantize not in QUANTIZE_CHOICES:
        raise ModelError(_("Unknown quantisation {quantize!r}; use one of: {choices}.").format(
            quantize=quantize, choices=", ".join(QUANTIZE_CHOICES)))
    check_quantize_possible(quantize, device)
    from transformers import BitsAndBytesConfig

    if quantize == "8bit":
        config = BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules=skip_modules)
    else:
        config = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=dtype,
            llm_int8_skip_modules=skip_modules,
        )
    # bitsandbytes weights are placed at load time; they cannot be moved with .to() afterwards.
    kwargs.update(quantization_config=config, device_map={"": device})
    return kwargs


def check_quantize_possible(quantize: str, device: str) -> None:
    """Raise a plain ModelError unless ``quantize`` can work on ``device`` ("auto" looks for CUDA)."""
    if quantize not in QUANTIZE_CHOICES:
        raise ModelError(_("Unknown quantisation {quantize!r}; use one of: {choices}.").format(
            quantize=quantize, choices=", ".join(QUANTIZE_CHOICES)))
    on_cuda = device.startswith("cuda")
    if device == "auto":
        import torch

        on_cuda = torch.cuda.is_available()
    if not on_cuda:
        raise ModelError(_("{quantize} precision needs an NVIDIA GPU (CUDA); on the processor the models "
                           "run at full precision. Choose “auto” precision.").format(quantize=quantize))
    missing = [pkg for pkg in ("bitsandbytes", "accelerate") if importlib.util.find_spec(pkg) is None]
    if missing:
        raise ModelError(_("{quantize} precision needs {missing}: pip install 'vitrina[gpu]'").format(
            quantize=quantize, missing=_(" and ").join(missing)))


def place(model: Any, device: str, quantize: str | None) -> Any:
    """Move an unquantised model to its device (quantised ones were placed while loading)."""
    if quantize is None:
        model = model.to(device)
    return model.eval()


def free_memory() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def is_out_of_memory(err: BaseException) -> bool:
    import torch

    return isinstance(err, torch.cuda.OutOfMemoryError) or "out of memory" in str(err).lower()
