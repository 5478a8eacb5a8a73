"""Training losses for BiRefNet, matching the objective its public weights were trained with.

Fine-tuning with a different objective than pre-training pulls the weights somewhere else than the
photographer's corrections ask for, so the criteria, their weights and their quirks (IoU summed over
the batch, SSIM with a Gaussian window) follow BiRefNet's own PixLoss and gradient supervision.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

# BiRefNet config.py `lambdas_pix_last` for task 'General' (the task the general-purpose BiRefNet
# weights were trained for), with the criteria it switches off (weight 0) left out.
PIXEL_WEIGHTS: dict[str, float] = {"bce": 30.0, "iou": 0.5, "ssim": 10.0, "mae": 100.0}

# Keeps log(p) and log(1 - p) finite in the gradient loss, whose probabilities come from a sigmoid
# that saturates to exactly 0 or 1 in float32 for logits beyond about ±17.
_PROB_EPS = 1e-6

_SSIM_WINDOW = 11
_SSIM_SIGMA = 1.5
_SSIM_C1 = 0.01**2
_SSIM_C2 = 0.03**2


@contextlib.contextmanager
def _full_precision(device: torch.device) -> Iterator[None]:
    """Switch autocast off: under it conv2d would run in bf16/fp16 again despite float32 inputs."""
    try:
        guard = torch.autocast(device_type=device.type, enabled=False)
    except RuntimeError:  # a device type autocast does not know: then it cannot be on either
        guard = contextlib.nullcontext()
    with guard:
        yield


def _resized(logits: Tensor, size: torch.Size | tuple[int, int]) -> Tensor:
    """Logits as float32 at ``size``; BiRefNet resizes logits (not probabilities) with align_corners."""
    logits = logits.float()
    if tuple(logits.shape[-2:]) != tuple(size):
        logits = F.interpolate(logits, size=tuple(size), mode="bilinear", align_corners=True)
    return logits


def _gaussian_window(device: torch.device) -> Tensor:
    """The 11×11 Gaussian (σ = 1.5) SSIM averages over, normalised to sum 1, shaped for conv2d."""
    centre = _SSIM_WINDOW // 2
    g = torch.tensor(
        [math.exp(-((x - centre) ** 2) / (2 * _SSIM_SIGMA**2)) for x in range(_SSIM_WINDOW)],
        dtype=torch.float32,
        device=device,
    )
    g = g / g.sum()
    return torch.outer(g, g)[None, None]


def _bce(logits: Tensor, prob: Tensor, target: Tensor) -> Tensor:
    # Same value as BCE on sigmoid(logits), but computed from the logits so it never takes log(0).
    return F.binary_cross_entropy_with_logits(logits, target)


def _iou(logits: Tensor, prob: Tensor, target: Tensor) -> Tensor:
    inter = (prob * target).sum(dim=(1, 2, 3))
    union = target.sum(dim=(1, 2, 3)) + prob.sum(dim=(1, 2, 3)) - inter
    # BiRefNet sums the per-image losses over the batch instead of averaging them, so this term's
    # weight grows with the batch size; kept as is because the 0.5 weight was tuned that way.
    # The tiny floor only matters for an empty target with a prediction that underflowed to 0.
    return (1.0 - inter / union.clamp_min(1e-12)).sum()


def _ssim(logits: Tensor, prob: Tensor, target: Tensor) -> Tensor:
    window = _gaussian_window(prob.device).expand(prob.shape[1], 1, -1, -1)
    pad = _SSIM_WINDOW // 2

    def blur(x: Tensor) -> Tensor:
        return F.conv2d(x, window, padding=pad, groups=prob.shape[1])

    mu_p, mu_t = blur(prob), blur(target)
    var_p = blur(prob * prob) - mu_p * mu_p
    var_t = blur(target * target) - mu_t * mu_t
    cov = blur(prob * target) - mu_p * mu_t
    ssim = ((2 * mu_p * mu_t + _SSIM_C1) * (2 * cov + _SSIM_C2)) / (
        (mu_p * mu_p + mu_t * mu_t + _SSIM_C1) * (var_p + var_t + _SSIM_C2)
    )
    # SSIM is in [-1, 1]; BiRefNet maps it to a loss in [0, 1].
    return 1.0 - (1.0 + ssim.mean()) / 2.0


def _mae(logits: Tensor, prob: Tensor, target: Tensor) -> Tensor:
    return F.l1_loss(prob, target)


_CRITERIA = {"bce": _bce, "iou": _iou, "ssim": _ssim, "mae": _mae}


def pixel_loss(
    logit_maps: Sequence[Tensor],
    target: Tensor,
    weights: Mapping[str, float] = PIXEL_WEIGHTS,
) -> tuple[Tensor, dict[str, float]]:
    """BiRefNet's PixLoss: every criterion on every decoder map, weighted and summed.

    ``logit_maps`` are B×1×h×w logits of any sizes (the final map and the coarser multi-scale
    supervision maps); each is resized to ``target`` (B×1×H×W, values in 0..1) before the criteria.
    Returns the float32 loss and, per criterion, its weighted value averaged over the maps (for the
    progress log).
    """
    if not logit_maps:
        raise ValueError("pixel_loss needs at least one logit map")
    unknown = set(weights) - set(_CRITERIA)
    if unknown:
        raise ValueError(f"unknown loss criteria: {sorted(unknown)}; known: {sorted(_CRITERIA)}")
    active = {name: float(w) for name, w in weights.items() if w}
    with _full_precision(target.device):
        target = target.float()
        total = target.new_zeros(())
        parts = {name: target.new_zeros(()) for name in active}
        for logits in logit_maps:
            logits = _resized(logits, target.shape[-2:])
            prob = torch.sigmoid(logits)
            for name, weight in active.items():
                term = _CRITERIA[name](logits, prob, target) * weight
                total = total + term
                parts[name] = parts[name] + term.detach()
    # One host sync per criterion, not one per criterion and map.
    return total, {name: float(value) / len(logit_maps) for name, value in parts.items()}


def gradient_loss(pred_maps: Sequence[Tensor], label_maps: Sequence[Tensor]) -> Tensor:
    """BiRefNet's gradient supervision ("out_ref"): BCE between each gradient prediction and its label.

    In training mode with out_ref the decoder returns ``([gdt_preds, gdt_labels], maps)``. Both are
    logits: each prediction is resized to its label's size, both are sigmoid'ed, and the BCE of the
    pairs is summed, as BiRefNet's train.py does. The labels are the ground-truth gradient times the
    model's own coarse map, and, as in BiRefNet, they are not detached.
    """
    if len(pred_maps) != len(label_maps):
        raise ValueError(f"{len(pred_maps)} gradient predictions but {len(label_maps)} labels")
    if not pred_maps:
        raise ValueError("gradient_loss needs at least one prediction/label pair")
    with _full_precision(label_maps[0].device):
        total = label_maps[0].new_zeros((), dtype=torch.float32)
        for pred, label in zip(pred_maps, label_maps, strict=True):
            label = label.float()
            p = torch.sigmoid(_resized(pred, label.shape[-2:])).clamp(_PROB_EPS, 1.0 - _PROB_EPS)
            total = total + F.binary_cross_entropy(p, torch.sigmoid(label))
    return total
