"""Layout from the object: a floor to stand on (plane) or a top-down backdrop (flat).

A plane suits objects standing on a surface and looks wrong for flat-lays and hanging items (a
shirt "standing" on a horizon). The describer's words decide when they say how the object is
shown; otherwise the mask does: an object cut by the photo's bottom edge has no base to stand on,
and a very wide, low one (a belt, a scarf, a ruler) is almost always shot lying.
"""

from __future__ import annotations

import re
from typing import Literal

from app.compose.geometry import MaskGeometry

Layout = Literal["plane", "flat"]

# Width / height of the object's bbox from which it counts as lying. Side views of shoes and
# handbags (≈ 2–2.6) still stand; belts, scarves and flat-laid sets go beyond 3.
WIDE_RATIO = 3.0

_FLAT = re.compile(
    r"flat[\s-]?lay|\blying\b|\blies\b|\blaid\b|\bflat on\b|\btop[\s-]?down\b|\boverhead\b|"
    r"\bfrom above\b|\btop view\b|\bfolded\b|\bspread out\b|\bhanging (?:on|from)\b|\bhung\b|"
    r"\bon a hanger\b|лежит|лёжа|лежа|раскладк|вид сверху|на вешалке|висит",
    re.IGNORECASE,
)
_STANDING = re.compile(
    r"\bstanding\b|\bstands\b|\bupright\b|\bon its base\b|\bstood\b|стоит|вертикально", re.IGNORECASE
)


def choose_layout(geometry: MaskGeometry, hint: str | None = None) -> Layout:
    """``"flat"`` for flat-lays and hanging items, ``"plane"`` for objects standing on a surface.

    ``hint`` is free text about the photo (the describer's shape/description, or a user's note);
    a clear word there wins over the shape of the mask.
    """
    text = hint or ""
    standing, flat = _STANDING.search(text), _FLAT.search(text)
    if flat and not standing:
        return "flat"
    if standing and not flat:
        return "plane"
    if geometry.empty:
        return "plane"
    if geometry.touches_bottom:
        return "flat"
    x0, y0, x1, y1 = geometry.bbox
    return "flat" if (x1 - x0) >= WIDE_RATIO * (y1 - y0) else "plane"
