"""Undo as diffs (napari's labels layer): a step is a box plus the pixels it held before.

Undo and redo are the same swap: put the stored pixels back and keep the ones they replace, which
become the step in the other direction. The history is capped in bytes; the oldest steps go first,
but the newest step is always kept, however large.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from app.maskedit.box import Box

DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Diff:
    box: Box
    pixels: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.pixels.nbytes)

    def swap_into(self, alpha: np.ndarray) -> Diff:
        """Write these pixels into ``alpha``; returns the diff that undoes that."""
        replaced = alpha[self.box.slices].copy()
        alpha[self.box.slices] = self.pixels
        return Diff(self.box, replaced)


class History:
    def __init__(self, max_bytes: int = DEFAULT_HISTORY_BYTES) -> None:
        self.max_bytes = max_bytes
        self._undo: deque[Diff] = deque()
        self._redo: list[Diff] = []

    @property
    def nbytes(self) -> int:
        return sum(d.nbytes for d in self._undo) + sum(d.nbytes for d in self._redo)

    @property
    def undo_steps(self) -> int:
        return len(self._undo)

    @property
    def redo_steps(self) -> int:
        return len(self._redo)

    def push(self, diff: Diff) -> None:
        """Record a new edit; anything that could be redone is gone."""
        self._redo.clear()
        self._undo.append(diff)
        total = self.nbytes
        while total > self.max_bytes and len(self._undo) > 1:
            total -= self._undo.popleft().nbytes

    def undo(self, alpha: np.ndarray) -> Box | None:
        if not self._undo:
            return None
        diff = self._undo.pop()
        self._redo.append(diff.swap_into(alpha))
        return diff.box

    def redo(self, alpha: np.ndarray) -> Box | None:
        if not self._redo:
            return None
        diff = self._redo.pop()
        self._undo.append(diff.swap_into(alpha))
        return diff.box
