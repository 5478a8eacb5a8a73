"""A half-open pixel rectangle: the unit of change for dabs, undo diffs and repaints."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """Pixels ``x0 <= x < x1``, ``y0 <= y < y1`` (column/row indices, like numpy slices)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def empty(self) -> bool:
        return self.x1 <= self.x0 or self.y1 <= self.y0

    @property
    def slices(self) -> tuple[slice, slice]:
        """Index a ``(rows, cols)`` array with ``array[box.slices]``."""
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    def relative_to(self, outer: Box) -> tuple[slice, slice]:
        """Slices of this box inside an array that holds ``outer``."""
        return (
            slice(self.y0 - outer.y0, self.y1 - outer.y0),
            slice(self.x0 - outer.x0, self.x1 - outer.x0),
        )

    def contains(self, other: Box) -> bool:
        return self.x0 <= other.x0 and self.y0 <= other.y0 and other.x1 <= self.x1 and other.y1 <= self.y1

    def union(self, other: Box | None) -> Box:
        if other is None:
            return self
        return Box(
            min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1)
        )

    def grown(self, margin: int, shape: tuple[int, int]) -> Box:
        """This box widened by ``margin`` on every side, clipped to an array of ``shape``."""
        rows, cols = shape
        return Box(
            max(0, self.x0 - margin),
            max(0, self.y0 - margin),
            min(cols, self.x1 + margin),
            min(rows, self.y1 + margin),
        )


def union(a: Box | None, b: Box | None) -> Box | None:
    if a is None:
        return b
    return a.union(b)


def bbox_of(flags: np.ndarray, origin: Box | None = None) -> Box | None:
    """The tight box around the True pixels of a 2-D bool array, or None when there are none.

    ``origin`` is the box the array covers, so the result is in image coordinates.
    """
    rows = np.flatnonzero(flags.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(flags[rows[0] : rows[-1] + 1].any(axis=0))
    dx, dy = (origin.x0, origin.y0) if origin is not None else (0, 0)
    return Box(int(cols[0]) + dx, int(rows[0]) + dy, int(cols[-1]) + 1 + dx, int(rows[-1]) + 1 + dy)
