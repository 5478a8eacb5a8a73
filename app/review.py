"""Which photos a person should look at first: a score from the mask and the describer's count.

Each sign of trouble adds to the score and says why in plain words. The weights rank a broken mask
(nothing found, the backdrop taken for the product, a blurry guess) above a cosmetic doubt (a cut
edge on a product that is meant to be cropped), and any doubt above a clean mask (score 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from app.compose.geometry import geometry_of, part_areas
from app.i18n import _
from app.maskedit.band import BAND_HI, BAND_LO

# The unsure share is measured on a copy sampled (not averaged: averaging would invent soft
# pixels) down to about this side, where a clean matting edge is 1–2 px wide whatever the photo
# size — the segmenter predicts at ~1 k and its mask is upsampled with the photo.
_SAMPLE_SIDE = 512
UNSURE_OK = 0.12  # a clean mask of a compact object stays below this
UNSURE_BAD = 0.40  # from here on the mask is mostly a guess
TINY = 0.03  # object area / frame area
HUGE = 0.85  # likely the backdrop taken for the product

_EMPTY, _HUGE, _UNSURE, _PARTS, _DISAGREE, _TINY, _EDGE = 10.0, 6.0, 4.0, 2.0, 3.0, 2.0, 1.0


@dataclass(frozen=True)
class ReviewScore:
    score: float  # 0: nothing to look at; higher: look first
    reasons: list[str] = field(default_factory=list)
    unsure: float = 0.0  # share of the object's band the mask is unsure about
    parts: int = 0  # separate objects in the mask

    def to_json(self) -> dict:
        return {"score": round(self.score, 3), "reasons": list(self.reasons), "unsure": round(self.unsure, 4),
                "parts": self.parts}


def review_score(alpha: np.ndarray, *, description_count: int | None = None) -> ReviewScore:
    """How much this mask needs a person's eye, and why.

    ``description_count``: how many items the describer or writer saw (e.g. parsed with
    ``parse_count`` from its "count" attribute); a mismatch with the mask's parts is a reason.
    """
    geometry = geometry_of(alpha)
    if geometry.empty:
        return ReviewScore(_EMPTY, [_("no object found in the mask")])
    score, reasons = 0.0, []
    unsure = unsure_share(alpha)
    if unsure > UNSURE_OK:
        score += _UNSURE * min(1.0, (unsure - UNSURE_OK) / (UNSURE_BAD - UNSURE_OK))
        reasons.append(_("the mask is unsure about {share:.0%} of the object's outline and area").format(
            share=unsure))
    edges = _edges_touched(geometry.bbox, geometry.width, geometry.height)
    if geometry.area_fraction > HUGE or len(edges) == 4:
        # A product photo never has the product running off all four sides: the mask is inverted
        # or took the backdrop.
        score += _HUGE
        reasons.append(
            _("the mask covers {share:.0%} of the photo and reaches {count} of its edges: "
              "backdrop taken for the product?").format(share=geometry.area_fraction, count=len(edges))
        )
    else:
        if geometry.area_fraction < TINY:
            score += _TINY * (1.0 - geometry.area_fraction / TINY)
            tiny = _("the object is tiny: {share:.1%} of the photo")
            reasons.append(tiny.format(share=geometry.area_fraction))
        if edges:
            score += _EDGE
            named = _listed([_edge_name(edge) for edge in edges])
            reasons.append(_("the object is cut by the photo's {edges} edge").format(edges=named))
    parts = len(part_areas(alpha))
    if description_count is not None and description_count != parts:
        score += _DISAGREE
        reasons.append(_("the description counts {count} item(s), the mask holds {parts}").format(
            count=description_count, parts=parts))
    elif description_count is None and parts > 1:
        score += _PARTS
        reasons.append(_("the mask holds {parts} separate objects").format(parts=parts))
    return ReviewScore(float(score), reasons, float(unsure), parts)


def unsure_share(alpha: np.ndarray) -> float:
    """Share of the object's band (alpha ≥ 10 %) where alpha is between 10 % and 90 %."""
    step = max(1, math.ceil(max(alpha.shape) / _SAMPLE_SIDE))
    sample = alpha[step // 2 :: step, step // 2 :: step]
    band = np.count_nonzero(sample >= BAND_LO)
    if band == 0:
        return 0.0
    return float(np.count_nonzero((sample >= BAND_LO) & (sample <= BAND_HI)) / band)


def rank(scores: Mapping[str, ReviewScore]) -> list[str]:
    """Keys by descending score ("Needs review" order); ties keep the mapping's order."""
    return sorted(scores, key=lambda key: -scores[key].score)


def _edge_name(edge: str) -> str:
    """How "the photo's … edge" names an edge, in the user's language."""
    return {"top": _("top"), "bottom": _("bottom"), "left": _("left"), "right": _("right")}[edge]


def _listed(words: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return _("{first} and {last}").format(first=", ".join(words[:-1]), last=words[-1])


def _edges_touched(bbox: tuple[int, int, int, int], width: int, height: int) -> list[str]:
    x0, y0, x1, y1 = bbox
    return [name for name, touched in (("top", y0 <= 0), ("bottom", y1 >= height), ("left", x0 <= 0),
                                        ("right", x1 >= width)) if touched]


_WORDS = {
    "one": 1, "single": 1, "a single": 1, "an item": 1, "two": 2, "pair": 2, "a pair": 2, "both": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "пара": 2, "три": 3, "четыре": 4, "пять": 5,
}
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")\b", re.I)


def parse_count(text: str | None) -> int | None:
    """Items counted in a describer's "count" text ("2", "two", "a pair of shoes", "set of 3")."""
    if not text:
        return None
    if m := _NUMBER.search(text):
        return int(m.group(0)) or None
    if m := _WORD.search(text):
        return _WORDS[m.group(1).lower()]
    return None
