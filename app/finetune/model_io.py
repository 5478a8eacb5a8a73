"""What training needs from BiRefNet's own code: its training-mode output, precision, checkpointing.

In training mode BiRefNet's hub code returns ``[scaled_preds, class_preds_lst]``, not the eval
list: ``scaled_preds`` are the multi-scale logit maps (coarse first, full resolution last), and
``class_preds_lst`` is ``[None]`` unless the model was built with auxiliary classification. With
``out_ref`` in its config the decoder also returns its gradient maps, as
``([gdt_preds, gdt_labels], scaled_preds)`` in the place of ``scaled_preds``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from app.errors import ModelError
from app.i18n import _


@dataclass
class TrainingOutput:
    maps: list[torch.Tensor]  # logit maps, each B×1×h×w
    gradient: tuple[list[torch.Tensor], list[torch.Tensor]] | None = None  # out_ref's (preds, labels)


def training_output(out: object, batch: int) -> TrainingOutput:
    """Unpack a training-mode forward; a ``ModelError`` naming what came back when it is not
    BiRefNet's contract (a model that ignores ``train()`` and returns the eval list, say)."""
    if not (isinstance(out, (list, tuple)) and len(out) == 2 and isinstance(out[0], (list, tuple))
            and isinstance(out[1], (list, tuple))):
        raise ModelError(_(
            "In training mode the model returned {kind}, not BiRefNet's [scaled_preds, class_preds]: "
            "this model's code cannot be fine-tuned here.").format(kind=_describe(out)))
    preds, gradient = out[0], None
    if len(preds) == 2 and isinstance(preds[0], (list, tuple)) and isinstance(preds[1], (list, tuple)):
        (gdt_preds, gdt_labels), preds = preds[0], preds[1]
        gradient = (list(gdt_preds), list(gdt_labels))
    maps = list(preds)
    for item in maps:
        if not (isinstance(item, torch.Tensor) and item.ndim == 4 and item.shape[:2] == (batch, 1)):
            raise ModelError(_("In training mode the model returned {kind} among its logit maps, "
                               "expected {count}x1xHxW maps.").format(kind=_describe(item), count=batch))
    if not maps:
        raise ModelError(_("In training mode the model returned no logit maps."))
    return TrainingOutput(maps, gradient)


def _describe(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor {tuple(value.shape)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__


def eval_logits(out: object) -> torch.Tensor:
    """The full-resolution logits of an eval-mode forward (the last map of the list)."""
    while isinstance(out, (list, tuple)):
        out = out[-1]
    if not isinstance(out, torch.Tensor):
        raise ModelError(_("The model returned {kind}, expected a mask.").format(kind=_describe(out)))
    return out


@dataclass(frozen=True)
class Precision:
    """Mixed precision on CUDA (bf16 where the card has it, else fp16 with a grad scaler); fp32 on
    the CPU, where bf16/fp16 convolutions are slow or missing."""

    dtype: torch.dtype | None  # the autocast dtype; None = plain fp32
    scaled: bool  # fp16 needs its loss scaled so small gradients do not round to zero

    @property
    def name(self) -> str:
        return {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(self.dtype, "fp32")  # type: ignore[arg-type]


def precision_for(device: str) -> Precision:
    if not device.startswith("cuda"):
        return Precision(None, False)
    if torch.cuda.is_bf16_supported():
        return Precision(torch.bfloat16, False)
    return Precision(torch.float16, True)


def enable_checkpointing(net: torch.nn.Module) -> str:
    """Turn on gradient checkpointing the way this model's code offers it; which way, or ""
    when it offers none. BiRefNet's Swin backbone layers carry a ``use_checkpoint`` flag;
    transformers models may offer ``gradient_checkpointing_enable``."""
    if getattr(net, "supports_gradient_checkpointing", False):
        try:
            net.gradient_checkpointing_enable()  # type: ignore[operator]
            return "transformers"
        except (ValueError, NotImplementedError, AttributeError):
            pass  # declared but not wired up in this model's code: try the backbone's flag
    flagged = [m for m in net.modules() if isinstance(getattr(m, "use_checkpoint", None), bool)]
    for module in flagged:
        module.use_checkpoint = True
    return "use_checkpoint" if flagged else ""


# Below this much GPU memory a BiRefNet at 1024², batch 2, does not train without checkpointing.
CHECKPOINTING_BELOW_BYTES = 16 * 1024**3


def wants_checkpointing(choice: str, device: str) -> bool:
    """``--checkpointing``: on, off, or auto (on for CUDA cards under 16 GB)."""
    if choice in ("on", "off"):
        return choice == "on"
    if not device.startswith("cuda"):
        return False
    total = torch.cuda.get_device_properties(torch.device(device)).total_memory
    return total < CHECKPOINTING_BELOW_BYTES
