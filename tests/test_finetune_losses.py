"""BiRefNet's training losses: they rank predictions right, supervise every map and stay finite."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from app.finetune.losses import PIXEL_WEIGHTS, gradient_loss, pixel_loss


def _target(batch: int = 2, size: int = 32) -> torch.Tensor:
    """A centred square of foreground on background."""
    t = torch.zeros(batch, 1, size, size)
    t[:, :, size // 4 : 3 * size // 4, size // 4 : 3 * size // 4] = 1.0
    return t


def _logits_for(target: torch.Tensor, confidence: float) -> torch.Tensor:
    """Logits that agree with ``target``, more sharply the larger ``confidence``."""
    return (target * 2 - 1) * confidence


def test_weights_are_birefnets_general_task() -> None:
    assert PIXEL_WEIGHTS == {"bce": 30.0, "iou": 0.5, "ssim": 10.0, "mae": 100.0}


def test_a_prediction_closer_to_the_target_costs_less() -> None:
    t = _target()
    good, _ = pixel_loss([_logits_for(t, 4.0)], t)
    vague, _ = pixel_loss([_logits_for(t, 0.5)], t)
    wrong, _ = pixel_loss([_logits_for(1 - t, 4.0)], t)
    assert good < vague < wrong


def test_gradients_reach_every_map() -> None:
    t = _target(size=32)
    maps = [torch.randn(2, 1, s, s, requires_grad=True) for s in (8, 16, 32)]
    loss, _ = pixel_loss(maps, t)
    loss.backward()
    for m in maps:
        assert m.grad is not None and torch.isfinite(m.grad).all() and m.grad.abs().sum() > 0


def test_a_wrong_coarse_map_raises_the_loss() -> None:
    t = _target(size=32)
    fine = _logits_for(t, 4.0)
    coarse_right = _logits_for(F.interpolate(t, size=(8, 8), mode="area"), 4.0)
    coarse_wrong = -coarse_right
    right, _ = pixel_loss([coarse_right, fine], t)
    wrong, _ = pixel_loss([coarse_wrong, fine], t)
    assert wrong > right + 1.0


def test_the_log_splits_the_loss_by_criterion_averaged_over_maps() -> None:
    t = _target()
    maps = [torch.randn(2, 1, 16, 16), torch.randn(2, 1, 32, 32)]
    loss, parts = pixel_loss(maps, t)
    assert set(parts) == set(PIXEL_WEIGHTS)
    assert all(isinstance(v, float) for v in parts.values())
    assert sum(parts.values()) * len(maps) == pytest.approx(loss.item(), rel=1e-5)


def test_bce_alone_is_weighted_bce_on_the_probabilities() -> None:
    t = _target()
    logits = torch.randn(2, 1, 32, 32)
    loss, parts = pixel_loss([logits], t, weights={"bce": 30.0})
    expected = F.binary_cross_entropy(torch.sigmoid(logits), t) * 30.0
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    assert set(parts) == {"bce"}


def test_iou_is_summed_over_the_batch_like_birefnet() -> None:
    t = _target(batch=1)
    logits = torch.randn(1, 1, 32, 32)
    one, _ = pixel_loss([logits], t, weights={"iou": 1.0})
    two, _ = pixel_loss([logits.repeat(2, 1, 1, 1)], t.repeat(2, 1, 1, 1), weights={"iou": 1.0})
    assert two.item() == pytest.approx(2 * one.item(), rel=1e-5)


def test_ssim_and_mae_vanish_for_a_perfect_soft_prediction() -> None:
    logits = torch.randn(2, 1, 32, 32)
    t = torch.sigmoid(logits)
    _, parts = pixel_loss([logits], t)
    assert parts["ssim"] == pytest.approx(0.0, abs=1e-5)
    assert parts["mae"] == pytest.approx(0.0, abs=1e-5)


def test_extreme_logits_stay_finite() -> None:
    t = _target()
    logits = _logits_for(1 - t, 50.0).requires_grad_()  # confidently wrong everywhere
    loss, parts = pixel_loss([logits], t)
    loss.backward()
    assert torch.isfinite(loss) and all(math.isfinite(v) for v in parts.values())
    assert torch.isfinite(logits.grad).all()
    right, _ = pixel_loss([_logits_for(t, 50.0)], t)
    assert torch.isfinite(right) and right < loss


def test_empty_prediction_on_an_empty_target_is_finite() -> None:
    t = torch.zeros(1, 1, 16, 16)
    loss, _ = pixel_loss([torch.full((1, 1, 16, 16), -200.0)], t)
    assert torch.isfinite(loss)


def test_bf16_inputs_are_computed_in_float32() -> None:
    t = _target()
    logits = torch.randn(2, 1, 16, 16) * 10
    full, _ = pixel_loss([logits], t)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        half, _ = pixel_loss([logits.bfloat16()], t.bfloat16())
    assert half.dtype == torch.float32 and torch.isfinite(half)
    # Only the logits' bf16 rounding differs, not the arithmetic.
    assert half.item() == pytest.approx(full.item(), rel=2e-2)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        pixel_loss([], _target())
    with pytest.raises(ValueError):
        pixel_loss([torch.zeros(2, 1, 32, 32)], _target(), weights={"dice": 1.0})


def test_gradient_loss_is_bce_of_the_sigmoids_summed_over_pairs() -> None:
    preds = [torch.randn(2, 1, 8, 8), torch.randn(2, 1, 16, 16)]
    labels = [torch.randn(2, 1, 16, 16), torch.randn(2, 1, 16, 16)]
    expected = sum(
        F.binary_cross_entropy(
            torch.sigmoid(F.interpolate(p, size=lab.shape[2:], mode="bilinear", align_corners=True)),
            torch.sigmoid(lab),
        )
        for p, lab in zip(preds, labels, strict=True)
    )
    assert gradient_loss(preds, labels).item() == pytest.approx(float(expected), rel=1e-5)


def test_gradient_loss_trains_the_prediction_and_stays_finite() -> None:
    pred = (torch.randn(1, 1, 8, 8) * 50).requires_grad_()
    label = torch.randn(1, 1, 16, 16) * 50
    loss = gradient_loss([pred], [label])
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
    with torch.autocast("cpu", dtype=torch.bfloat16):
        half = gradient_loss([pred.detach().bfloat16()], [label.bfloat16()])
    assert half.dtype == torch.float32 and torch.isfinite(half)


def test_gradient_loss_wants_pairs() -> None:
    with pytest.raises(ValueError):
        gradient_loss([torch.zeros(1, 1, 4, 4)], [])
    with pytest.raises(ValueError):
        gradient_loss([], [])
