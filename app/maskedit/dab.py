"""One soft round dab and the spacing of dabs along a path: small pure functions of numbers.

Coordinates are continuous image coordinates: pixel ``(col, row)`` covers ``[col, col + 1) ×
[row, row + 1)``, so its centre is ``(col + 0.5, row + 0.5)``. A widget maps a mouse position to
this space by undoing zoom and pan only; no half-pixel fix-ups elsewhere.
"""

from __future__ import annotations

import math

import numpy as np

from app.maskedit.box import Box

# A hard brush still gets this much of a soft rim (in pixels) so its edge is not jagged.
_MIN_SOFT_PX = 1.0
# Dabs closer than this add nothing visible but cost time on a tiny brush.
_MIN_SPACING_PX = 0.25


def dab_box(cx: float, cy: float, radius: float, shape: tuple[int, int]) -> Box | None:
    """The pixels whose centres may lie within ``radius`` of ``(cx, cy)``, clipped to the image."""
    rows, cols = shape
    box = Box(
        max(0, math.floor(cx - radius)),
        max(0, math.floor(cy - radius)),
        min(cols, math.ceil(cx + radius)),
        min(rows, math.ceil(cy + radius)),
    )
    return None if box.empty else box


def dab_coverage(cx: float, cy: float, radius: float, hardness: float, box: Box) -> np.ndarray:
    """Coverage 0..1 (float32) of a dab over ``box``: 1 inside ``hardness·radius``, a smoothstep to
    0 at ``radius``; exactly 0 for every pixel centre at distance ≥ ``radius``."""
    xs = np.arange(box.x0, box.x1, dtype=np.float32) + np.float32(0.5 - cx)
    ys = np.arange(box.y0, box.y1, dtype=np.float32) + np.float32(0.5 - cy)
    dist = np.sqrt(ys[:, None] ** 2 + xs[None, :] ** 2)
    soft = max((1.0 - hardness) * radius, min(_MIN_SOFT_PX, radius))
    inner = radius - soft
    t = np.clip((dist - np.float32(inner)) / np.float32(soft), 0.0, 1.0)
    coverage = 1.0 - t * t * (3.0 - 2.0 * t)
    coverage[dist >= radius] = 0.0  # float slop must not leak a dab past its radius
    return coverage.astype(np.float32, copy=False)


def dab_spacing(radius: float) -> float:
    return max(_MIN_SPACING_PX, radius / 4.0)


def spaced_points(
    start: tuple[float, float], end: tuple[float, float], spacing: float, to_next: float
) -> tuple[list[tuple[float, float]], float]:
    """Dab centres on the segment ``start → end``, the first ``to_next`` along it, then every
    ``spacing``; also returns the distance from ``end`` to the next dab, so spacing stays even
    across the many short segments a mouse drag is made of."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    points: list[tuple[float, float]] = []
    t = to_next
    while t <= length:
        f = t / length if length > 0 else 0.0
        points.append((start[0] + dx * f, start[1] + dy * f))
        t += spacing
    return points, t - length
