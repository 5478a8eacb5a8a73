"""Where the user put the product on a marketplace canvas, in shares of the canvas.

Relative values, so a placement made on one canvas size survives a change of marketplace and a
preview's scaled-down canvas lands the product exactly where the export does. ``fill`` is the
object's height as a share of the canvas height; ``x`` and ``y`` are the object's centre as shares
of the canvas width and height. No centre (``x``/``y`` None) means "where the automatic placement
puts an object of that size": the fill typed for many photos at once keeps each one's own place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# Below this the product is a speck; above, its top and bottom would be cut.
MIN_FILL = 0.01
MAX_FILL = 1.0


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@dataclass(frozen=True)
class Placement:
    fill: float
    x: float | None = None
    y: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fill) and MIN_FILL <= self.fill <= MAX_FILL):
            raise ValueError(f"fill {self.fill} is outside {MIN_FILL}..{MAX_FILL}")
        if (self.x is None) != (self.y is None):
            raise ValueError("a centre needs both x and y")
        for share in (self.x, self.y):
            # The centre stays on the canvas, so at least a quarter of the product always shows.
            if share is not None and not (math.isfinite(share) and 0.0 <= share <= 1.0):
                raise ValueError(f"centre share {share} is outside 0..1")

    @classmethod
    def clamped(cls, fill: float, x: float | None = None, y: float | None = None) -> Placement:
        """The nearest valid placement: a drag past the canvas edge or a huge wheel turn just stops."""
        fill = _clamp(fill if math.isfinite(fill) else MAX_FILL, MIN_FILL, MAX_FILL)
        if x is None or y is None:
            return cls(fill)
        return cls(fill, _clamp(x if math.isfinite(x) else 0.5, 0.0, 1.0),
                   _clamp(y if math.isfinite(y) else 0.5, 0.0, 1.0))

    @property
    def centred(self) -> bool:
        """True when the user chose the centre too, not only the size."""
        return self.x is not None

    def to_json(self) -> dict[str, float]:
        data = {"fill": self.fill}
        if self.x is not None and self.y is not None:
            data |= {"x": self.x, "y": self.y}
        return data

    @classmethod
    def from_json(cls, raw: Any) -> Placement | None:
        """A stored placement, clamped into range; None (automatic) for anything unreadable."""
        if not isinstance(raw, dict):
            return None
        try:
            fill = float(raw["fill"])
            x, y = raw.get("x"), raw.get("y")
            centre = None if x is None or y is None else (float(x), float(y))
        except (KeyError, TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in (fill, *(centre or ()))):
            return None
        return cls.clamped(fill) if centre is None else cls.clamped(fill, *centre)
