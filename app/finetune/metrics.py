"""How close a predicted mask is to the photographer's corrected one: IoU and boundary F-measure.

IoU is dominated by the product's bulk, which BiRefNet already gets right; the corrections that
fine-tuning is for are mostly along the outline, which the boundary F-measure sees. numpy only, so
the validation report can be computed (and tested) without torch.
"""

from __future__ import annotations

import math

import numpy as np


def _binary(mask: np.ndarray, threshold: int) -> np.ndarray:
    return np.asarray(mask) >= threshold


def _check_pair(pred: np.ndarray, truth: np.ndarray) -> None:
    if np.shape(pred) != np.shape(truth):
        raise ValueError(f"mask sizes differ: prediction {np.shape(pred)}, truth {np.shape(truth)}")
    if np.ndim(pred) != 2:
        raise ValueError(f"masks must be 2-D (H×W), got shape {np.shape(pred)}")


def iou(pred: np.ndarray, truth: np.ndarray, threshold: int = 128) -> float:
    """Intersection over union of two 0..255 masks binarised at ``>= threshold``; 1.0 if both are empty."""
    _check_pair(pred, truth)
    p, t = _binary(pred, threshold), _binary(truth, threshold)
    union = int(np.count_nonzero(p | t))
    if union == 0:
        return 1.0
    return int(np.count_nonzero(p & t)) / union


def _shifted(a: np.ndarray, dy: int, dx: int, fill: bool) -> np.ndarray:
    """``a`` moved by (dy, dx) without wrapping around; uncovered pixels get ``fill``."""
    out = np.full_like(a, fill)
    h, w = a.shape
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = a[
        max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


def _boundary(mask: np.ndarray) -> np.ndarray:
    """Mask pixels with a 4-neighbour outside the mask.

    Outside the image counts as inside the mask, so a product cut by the photo's edge has no
    boundary along that edge: there is no outline there for the model to get right.
    """
    inner = mask.copy()
    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        inner &= _shifted(mask, dy, dx, fill=True)
    return mask & ~inner


def _dilate_disc(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` grown by a Euclidean disc of ``radius``.

    The disc is a stack of horizontal runs, so each run width is built once by widening the previous
    one by a pixel each side, then every row of the disc is one vertical shift: O(radius) whole-image
    operations instead of O(radius²) for one shift per disc pixel.
    """
    if radius <= 0:
        return mask.copy()
    runs = [mask]  # runs[w]: mask grown horizontally by w pixels each side
    for w in range(1, radius + 1):
        runs.append(runs[-1] | _shifted(mask, 0, w, fill=False) | _shifted(mask, 0, -w, fill=False))
    out = runs[radius].copy()
    for dy in range(1, radius + 1):
        half = math.isqrt(radius * radius - dy * dy)
        out |= _shifted(runs[half], dy, 0, fill=False)
        out |= _shifted(runs[half], -dy, 0, fill=False)
    return out


def boundary_f(pred: np.ndarray, truth: np.ndarray, tolerance: int = 3, threshold: int = 128) -> float:
    """Boundary F-measure: how much of each outline lies within ``tolerance`` px of the other one.

    Precision is the share of predicted boundary pixels within ``tolerance`` (Euclidean) of a true
    boundary pixel, recall the converse; F = 2PR / (P + R). Both outlines empty gives 1.0, only one
    empty gives 0.0.
    """
    _check_pair(pred, truth)
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    bp = _boundary(_binary(pred, threshold))
    bt = _boundary(_binary(truth, threshold))
    n_pred, n_truth = int(np.count_nonzero(bp)), int(np.count_nonzero(bt))
    if n_pred == 0 and n_truth == 0:
        return 1.0
    if n_pred == 0 or n_truth == 0:
        return 0.0
    precision = np.count_nonzero(bp & _dilate_disc(bt, tolerance)) / n_pred
    recall = np.count_nonzero(bt & _dilate_disc(bp, tolerance)) / n_truth
    if precision + recall == 0:
        return 0.0
    return float(2 * precision * recall / (precision + recall))
