"""The stroke in progress: its coverage so far and the pixels it started from.

Coverage is the maximum of the dabs' coverages (not their sum), and every written pixel is
recomputed from its pre-stroke value: ``new = old + (target − old) · coverage · strength`` in
float32, rounded once. So overlapping dabs never build up past the brush's strength, going over
the same spot again within a stroke is idempotent, and restore never lowers a soft alpha (nor
erase raise it).

Both buffers cover only a growing box around the dabs so far, never the whole 12 MP mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.maskedit.box import Box, bbox_of
from app.maskedit.dab import dab_box, dab_coverage

MODES = ("restore", "erase")
_TARGET = {"restore": 255.0, "erase": 0.0}
# Slack added whenever the buffers grow, so a long drag re-allocates O(log n) times, not per dab.
_MIN_GROW_PX = 64


@dataclass(frozen=True)
class Brush:
    mode: str = "restore"
    radius: float = 20.0
    hardness: float = 0.5
    strength: float = 1.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"brush mode must be one of {MODES}, not {self.mode!r}")
        if not self.radius > 0:
            raise ValueError(f"brush radius must be positive, not {self.radius}")
        if not (0.0 <= self.hardness <= 1.0 and 0.0 <= self.strength <= 1.0):
            raise ValueError(f"hardness and strength must lie in 0..1 ({self.hardness}, {self.strength})")


class Stroke:
    def __init__(self, alpha: np.ndarray, brush: Brush) -> None:
        self._alpha = alpha
        self.brush = brush
        self.region: Box | None = None
        self._original = np.empty((0, 0), np.uint8)
        self._coverage = np.empty((0, 0), np.float32)

    def stamp(self, cx: float, cy: float) -> Box | None:
        """Apply one dab centred at ``(cx, cy)``; returns the box it rewrote (None: off the image)."""
        b = self.brush
        box = dab_box(cx, cy, b.radius, self._alpha.shape)
        if box is None:
            return None
        self._make_room(box)
        assert self.region is not None
        inside = box.relative_to(self.region)
        coverage = self._coverage[inside]
        np.maximum(coverage, dab_coverage(cx, cy, b.radius, b.hardness, box), out=coverage)
        old = self._original[inside].astype(np.float32)
        new = old + (np.float32(_TARGET[b.mode]) - old) * (coverage * np.float32(b.strength))
        self._alpha[box.slices] = np.floor(new + 0.5).astype(np.uint8)
        return box

    def changes(self) -> tuple[Box, np.ndarray] | None:
        """The tight box of pixels that differ from before the stroke, and their old values."""
        if self.region is None:
            return None
        changed = self._alpha[self.region.slices] != self._original
        box = bbox_of(changed, self.region)
        if box is None:
            return None
        return box, self._original[box.relative_to(self.region)].copy()

    def revert(self) -> Box | None:
        if self.region is None:
            return None
        self._alpha[self.region.slices] = self._original
        return self.region

    def _make_room(self, box: Box) -> None:
        if self.region is not None and self.region.contains(box):
            return
        grown = box.union(self.region)
        slack = max(_MIN_GROW_PX, max(grown.width, grown.height) // 2)
        region = grown.grown(slack, self._alpha.shape)
        # Outside the old region this stroke has written nothing, so the mask there is still original.
        original = self._alpha[region.slices].copy()
        coverage = np.zeros((region.height, region.width), np.float32)
        if self.region is not None:
            old = self.region.relative_to(region)
            original[old] = self._original
            coverage[old] = self._coverage
        self.region, self._original, self._coverage = region, original, coverage
