"""The mask being touched up: brush strokes, each one undo step, plus reset to the model's mask."""

from __future__ import annotations

import numpy as np

from app.maskedit.box import Box, bbox_of, union
from app.maskedit.dab import dab_spacing, spaced_points
from app.maskedit.history import DEFAULT_HISTORY_BYTES, Diff, History
from app.maskedit.stroke import Brush, Stroke


def _as_mask(alpha: np.ndarray) -> np.ndarray:
    array = np.asarray(alpha)
    if array.ndim != 2 or array.dtype != np.uint8:
        raise ValueError(f"a mask is a 2-D uint8 array, not {array.dtype} of shape {array.shape}")
    return array


class MaskDocument:
    """Holds a private copy of the mask and edits it in place.

    The working array is allocated once and never replaced, so a view may wrap its memory (see
    :attr:`alpha`) and only repaint :attr:`changed_bbox` after each call.
    """

    def __init__(self, alpha: np.ndarray, *, history_bytes: int = DEFAULT_HISTORY_BYTES) -> None:
        self._alpha = np.array(_as_mask(alpha), dtype=np.uint8, order="C", copy=True)
        self._history = History(history_bytes)
        self._stroke: Stroke | None = None
        self._last: tuple[float, float] | None = None
        self._to_next = 0.0
        self._stamped_last = True
        self.changed_bbox: Box | None = None

    # -- reading --------------------------------------------------------------------------------
    @property
    def alpha(self) -> np.ndarray:
        """The live mask, read-only: it changes as the document is edited (copy it to keep it)."""
        view = self._alpha.view()
        view.flags.writeable = False
        return view

    @property
    def shape(self) -> tuple[int, int]:
        return self._alpha.shape  # type: ignore[return-value]

    @property
    def stroking(self) -> bool:
        return self._stroke is not None

    @property
    def can_undo(self) -> bool:
        return self._history.undo_steps > 0 or self._stroke is not None

    @property
    def can_redo(self) -> bool:
        return self._history.redo_steps > 0 and self._stroke is None

    @property
    def history_bytes(self) -> int:
        return self._history.nbytes

    # -- strokes --------------------------------------------------------------------------------
    def begin_stroke(self, mode: str, radius: float, hardness: float, strength: float = 1.0) -> None:
        brush = Brush(mode, float(radius), float(hardness), float(strength))  # validates first
        if self._stroke is not None:
            self.end_stroke()
        self._stroke = Stroke(self._alpha, brush)
        self._last = None
        self.changed_bbox = None

    def stroke_to(self, x: float, y: float) -> None:
        """Extend the stroke to ``(x, y)`` in image coordinates (pixel centres at ``i + 0.5``)."""
        stroke = self._require_stroke()
        point = (float(x), float(y))
        if self._last is None:
            points, self._to_next = [point], dab_spacing(stroke.brush.radius)
        else:
            points, self._to_next = spaced_points(
                self._last, point, dab_spacing(stroke.brush.radius), self._to_next
            )
        self._last = point
        self._stamped_last = bool(points) and points[-1] == point
        changed: Box | None = None
        for cx, cy in points:
            changed = union(changed, stroke.stamp(cx, cy))
        self.changed_bbox = changed

    def end_stroke(self) -> bool:
        """Finish the stroke as one undo step; False (and no step) when no pixel changed."""
        stroke = self._require_stroke()
        tail = None
        if self._last is not None and not self._stamped_last:
            tail = stroke.stamp(*self._last)  # the drag's end point is always painted
        self._stroke = None
        changes = stroke.changes()
        if changes is None:
            self.changed_bbox = tail
            return False
        box, old_pixels = changes
        self._history.push(Diff(box, old_pixels))
        self.changed_bbox = union(box, tail)
        return True

    def cancel_stroke(self) -> None:
        """Drop the stroke in progress and put its pixels back; no undo step."""
        stroke = self._require_stroke()
        self._stroke = None
        self.changed_bbox = stroke.revert()

    # -- history --------------------------------------------------------------------------------
    def undo(self) -> bool:
        if self._stroke is not None:
            self.end_stroke()
        self.changed_bbox = self._history.undo(self._alpha)
        return self.changed_bbox is not None

    def redo(self) -> bool:
        if self._stroke is not None:
            self.end_stroke()
        self.changed_bbox = self._history.redo(self._alpha)
        return self.changed_bbox is not None

    def reset(self, alpha: np.ndarray) -> bool:
        """Replace the whole mask (e.g. with the model's) as one undoable step."""
        target = _as_mask(alpha)
        if target.shape != self._alpha.shape:
            raise ValueError(f"mask shape {target.shape} differs from the document's {self._alpha.shape}")
        if self._stroke is not None:
            self.end_stroke()
        box = bbox_of(self._alpha != target)
        self.changed_bbox = box
        if box is None:
            return False
        self._history.push(Diff(box, self._alpha[box.slices].copy()))
        self._alpha[box.slices] = target[box.slices]
        return True

    def _require_stroke(self) -> Stroke:
        if self._stroke is None:
            raise RuntimeError("no stroke in progress: call begin_stroke() first")
        return self._stroke
