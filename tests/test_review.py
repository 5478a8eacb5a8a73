"""The "Needs review" queue: broken masks come first, with the reason a person can act on."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from app.review import ReviewScore, parse_count, rank, review_score, unsure_share
from tests.test_geometry import bottle_mask, box_mask


def blurred(mask: np.ndarray, radius: float) -> np.ndarray:
    return np.asarray(Image.fromarray(mask).filter(ImageFilter.GaussianBlur(radius)))


def two_items() -> np.ndarray:
    mask = box_mask(400, 300, box=(40, 60, 170, 260))
    mask[60:260, 230:360] = 255
    return mask


def test_broken_masks_rank_first() -> None:
    clean = {
        "bottle": review_score(bottle_mask()),
        "bottle-soft-edge": review_score(bottle_mask(soft=True)),
        "box": review_score(box_mask()),
        "big-photo": review_score(blurred(bottle_mask(1500, 2000, base=1700), 2)),
        "pair-described": review_score(two_items(), description_count=2),
    }
    inverted = 255 - box_mask(300, 300, box=(100, 100, 200, 200))
    broken = {
        "empty": review_score(np.zeros((300, 300), np.uint8)),
        "backdrop-taken": review_score(inverted),
        "blurry-guess": review_score(blurred(bottle_mask(), 10)),
        "two-blobs-one-item": review_score(two_items(), description_count=1),
        "tiny": review_score(box_mask(300, 300, box=(140, 140, 152, 160))),
        "cut-by-edge": review_score(box_mask(300, 300, box=(0, 60, 200, 250))),
    }
    order = rank({**clean, **broken})
    assert set(order[: len(broken)]) == set(broken), order
    assert all(score.score == 0 and not score.reasons for score in clean.values())
    assert all(score.score > 0 and score.reasons for score in broken.values())
    # The worst first: nothing found, then the backdrop taken for the product.
    assert order[:2] == ["empty", "backdrop-taken"]


def test_reasons_say_what_is_wrong() -> None:
    assert review_score(np.zeros((50, 50), np.uint8)).reasons == ["no object found in the mask"]
    unsure = review_score(blurred(bottle_mask(), 10))
    assert unsure.unsure > 0.4 and "unsure" in unsure.reasons[0]
    cut = review_score(box_mask(300, 300, box=(0, 60, 200, 300)))
    assert cut.reasons == ["the object is cut by the photo's bottom and left edge"]
    pair = review_score(two_items())
    assert pair.parts == 2 and pair.reasons == ["the mask holds 2 separate objects"]
    disagree = review_score(two_items(), description_count=1)
    assert disagree.reasons == ["the description counts 1 item(s), the mask holds 2"]
    as_json = {"score": 1.5, "reasons": ["x"], "unsure": 0.2, "parts": 1}
    assert ReviewScore(1.5, ["x"], 0.2, 1).to_json() == as_json


def test_unsure_share_ignores_photo_size() -> None:
    small = unsure_share(blurred(bottle_mask(300, 400, base=340), 1.0))
    large = unsure_share(blurred(bottle_mask(1500, 2000, base=1700), 5.0))  # same edge, 5× the pixels
    assert abs(small - large) < 0.05
    assert unsure_share(np.zeros((10, 10), np.uint8)) == 0.0


def test_counts_from_the_describer() -> None:
    assert parse_count("2") == 2 and parse_count("a pair of sneakers") == 2
    assert parse_count("set of 3 mugs") == 3 and parse_count("single bottle") == 1
    assert parse_count("две кружки") == 2 and parse_count("one") == 1
    assert parse_count("") is None and parse_count("unknown") is None and parse_count(None) is None
