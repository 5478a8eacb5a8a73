"""Photos of a project as the studio lists them, and the one-word status each one shows."""

from __future__ import annotations

import weakref

from app.project import DONE, FAILED, PENDING, Product, Project

EDITED, ERROR = "edited", "error"
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


def photo_status(project: Project, rel: str) -> str:
    """``pending`` | ``done`` | ``edited`` | ``error`` — what the gallery badge says."""
    state = project.state.photos.get(rel)
    if state is None:
        return PENDING
    if state.status == FAILED:
        return ERROR
    if state.mask_source == "edited":
        return EDITED
    if state.mask_source in _MADE_MASKS:
        return DONE
    return PENDING
