"""The user's verdict on each result — approved, rejected or not yet looked at — as Lightroom's P / X / U.

A flag is a choice like a background: one step of the project's undo history. Approving a photo
whose model-made mask was marked "needs review" settles that review (``items.photo_status``); a
rejected photo is left out of every bundle the studio exports (``export.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.project import Product, Project
from app.studio.history import PHOTO, Edits, history_of
from app.studio.items import product_of

APPROVED, REJECTED, UNFLAGGED = "approved", "rejected", ""
FLAGS = (APPROVED, REJECTED, UNFLAGGED)


def flag_of(project: Project, rel: str) -> str:
    """``approved`` | ``rejected`` | "" — without making a state entry for a photo that has none."""
    state = project.state.photos.get(rel)
    return state.flag if state is not None and state.flag in FLAGS else UNFLAGGED


def set_flag(project: Project, rels: Iterable[str], flag: str, *, label: str = "", save: bool = True) -> int:
    """Flag these photos (UNFLAGGED clears); one undo step; how many photos changed.

    ``save=False`` leaves the state marked unsaved for the caller to write soon: a folder of 5,000
    photos takes ~0.2 s to save, too long for every key press of someone flagging photo after
    photo. Photos that are not in the project are ignored.
    """
    if flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}; expected one of {FLAGS}")
    edits = Edits(project)
    try:
        with project.lock:
            for rel in rels:
                if not _known(project, rel) or flag_of(project, rel) == flag:
                    continue  # "clear" on a photo without state must not create state for it
                edits.set(PHOTO, rel, "flag", flag)
    finally:  # as app.studio.history.recording: whatever did change is one undoable step
        history_of(project).record(label, edits.changes)
        if edits.changes:
            project.mark_dirty()
    if save and edits.changes:
        project.save()
    return len(edits.changes)


def approved_products(project: Project) -> list[str]:
    """Products reviewed and accepted: every photo flagged, at least one of them approved.

    A product with a photo nobody has looked at yet is not approved, whatever its other photos say.
    """
    return [product.key for product in project.products if product_approved(project, product)]


def product_approved(project: Project, product: Product) -> bool:
    flags = [flag_of(project, rel) for rel in product.photos]
    return bool(flags) and UNFLAGGED not in flags and APPROVED in flags


def is_rejected(project: Project, rel: str) -> bool:
    return flag_of(project, rel) == REJECTED


def _known(project: Project, rel: str) -> bool:
    try:
        product_of(project, rel)
    except KeyError:
        return False
    return True
