"""Train/validation split by product, never by photo: two shots of one product on both sides would
let validation reward memorising the product instead of cutting it out better."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from app.errors import VitrinaError
from app.finetune.pairs import Pair
from app.i18n import _


def split_by_product(pairs: Sequence[Pair], fraction: float) -> tuple[list[Pair], list[Pair]]:
    """(train, validation): about ``fraction`` of the products, chosen by a hash of their key.

    Stable: the same products land on the same side on every run and on a resume, and a product
    added later does not move the others. At least one product goes to each side.
    """
    if not 0.0 < fraction < 1.0:
        raise VitrinaError(_("--val must be a fraction between 0 and 1, not {value}.").format(value=fraction))
    products = sorted({pair.product for pair in pairs}, key=_rank)
    if len(products) < 2:
        raise VitrinaError(_(
            "All corrected photos show one product: validation needs photos of another product, "
            "so that it measures cutting out, not remembering. Correct masks of at least two products."))
    count = min(len(products) - 1, max(1, round(len(products) * fraction)))
    held_out = set(products[:count])
    train = [pair for pair in pairs if pair.product not in held_out]
    val = [pair for pair in pairs if pair.product in held_out]
    return train, val


def _rank(product: str) -> str:
    return hashlib.sha256(product.encode("utf-8")).hexdigest()
