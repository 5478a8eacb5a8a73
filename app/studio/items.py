"""Photos of a project as the studio lists them, and the one-word status each one shows."""

from __future__ import annotations

import weakref

import numpy as np

from app.project import DONE, FAILED, PENDING, Product, Project

EDITED, ERROR, REVIEW = "edited", "error", "review"
# A run adds these notes to a photo whose model-made mask deserves a human look; the prefix is
# what makes the photo "needs review" (notes are already saved with the photo, so no new field).
REVIEW_PREFIX = "needs review: "
EMPTY_MASK_NOTE = REVIEW_PREFIX + "the model found almost nothing to cut out"
SOFT_MASK_NOTE = REVIEW_PREFIX + "much of the mask is uncertain; check the edges with the mask brush"
_MIN_OBJECT = 0.003  # of the frame: less than this is "nothing found"
_MAX_UNCERTAIN = 0.5  # uncertain pixels per solid pixel above which the edges need a look
# Masks made by the model or taken from the file's own transparency count as "done".
_MADE_MASKS = ("model", "file")

_owners: weakref.WeakKeyDictionary[Project, dict[str, Product]] = weakref.WeakKeyDictionary()


def all_photos(project: Project) -> list[str]:
    """Every photo's relative path, product by product, in scan order."""
    return [rel for product in project.products for rel in product.photos]


def product_of(project: Project, rel: str) -> Product:
    """The product a photo belongs to (the scan is fixed for a project's life, so this is cached)."""
    owners = _owners.get(project)
    if owners is None:
        owners = {rel_: p for p in project.products for rel_ in p.photos}
        _owners[project] = owners
    try:
        return owners[rel]
    except KeyError:
        raise KeyError(f"{rel!r} is not a photo of {project.root}") from None


def mask_concerns(alpha: np.ndarray) -> list[str]:
    """Review notes for a model-made mask: nearly empty, or more uncertain band than object."""
    solid = int(np.count_nonzero(alpha >= 128))
    if solid < _MIN_OBJECT * alpha.size:
        return [EMPTY_MASK_NOTE]
    uncertain = int(np.count_nonzero((alpha > 25) & (alpha < 230)))
    return [SOFT_MASK_NOTE] if uncertain > _MAX_UNCERTAIN * solid else []


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
        return REVIEW if any(note.startswith(REVIEW_PREFIX) for note in state.notes) else DONE
    return PENDING
