"""Photos of a project as the studio lists them, and the one-word status each one shows."""

from __future__ import annotations

import weakref

import numpy as np

from app.i18n import _, variants
from app.project import DONE, FAILED, PENDING, Product, Project
from app.review import review_score

EDITED, ERROR, REVIEW = "edited", "error", "review"
# A run adds these notes to a photo whose model-made mask deserves a human look; the prefix is
# what makes the photo "needs review" (notes are already saved with the photo, so no new field).
REVIEW_PREFIX = "needs review: "  # in English; a note made in another language starts with its translation
# A product merely cut by the frame scores 1 (often on purpose); two such signs, or any real one
# (nothing found, backdrop taken, a blurry guess, several objects), make the photo "needs review".
REVIEW_AT = 2.0
# Masks made by the model or taken from the file's own transparency count as "done".
_MADE_MASKS = ("model", "file")

# Per project, the product list it was built from and photo -> product.
_owners: weakref.WeakKeyDictionary[Project, tuple[list[Product], dict[str, Product]]] = (
    weakref.WeakKeyDictionary())


def all_photos(project: Project) -> list[str]:
    """Every photo's relative path, product by product, in scan order."""
    return [rel for product in project.products for rel in product.photos]


def product_of(project: Project, rel: str) -> Product:
    """The product a photo belongs to (cached until the scan changes: Project.rescan, a watch)."""
    products = project.products
    cached = _owners.get(project)
    if cached is None or cached[0] is not products:
        cached = (products, {rel_: p for p in products for rel_ in p.photos})
        _owners[project] = cached
    owners = cached[1]
    try:
        return owners[rel]
    except KeyError:
        raise KeyError(f"{rel!r} is not a photo of {project.root}") from None


def mask_concerns(alpha: np.ndarray, *, description_count: int | None = None) -> tuple[float, list[str]]:
    """The review score of a model-made mask and, when it deserves a look, notes saying why."""
    review = review_score(alpha, description_count=description_count)
    if review.score < REVIEW_AT:
        return review.score, []
    return review.score, [_("needs review: ") + reason for reason in review.reasons]


def photo_status(project: Project, rel: str) -> str:
    """``pending`` | ``done`` | ``review`` | ``edited`` | ``error`` — what the gallery badge says."""
    state = project.state.photos.get(rel)
    if state is None:
        return PENDING
    if state.status == FAILED:
        return ERROR
    if state.mask_source == "edited":
        return EDITED
    if state.mask_source in _MADE_MASKS:
        if state.flag == "approved":
            return DONE  # someone looked at the result and accepted it: the review is settled
        # Notes keep the language they were made in: a prefix in any language counts.
        prefixes = variants(REVIEW_PREFIX)
        return REVIEW if any(note.startswith(prefixes) for note in state.notes) else DONE
    return PENDING
