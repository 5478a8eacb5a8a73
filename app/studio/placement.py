"""The product's size and place on its marketplace canvas, chosen by hand — saved at once, undoable.

A photo without a hand placement is placed automatically (``app.compose.compose``). The preview
and the export both read the placement here, so what the user dragged is what the bundle gets.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.compose.placement import Placement
from app.project import Project
from app.studio.history import PHOTO, recording


def placement_for(project: Project, rel: str) -> Placement | None:
    """The photo's hand placement, or None for the automatic one (also for an unreadable one)."""
    state = project.state.photos.get(rel)  # only looking: no state entry is made for a photo without one
    return Placement.from_json(state.placement) if state is not None else None


def set_placement(project: Project, rels: Iterable[str], placement: Placement | None, *, label: str = "",
                  group: str = "") -> int:
    """Place these photos' product by hand (None: automatically again) as one undo step; how many changed.

    ``group``: steps of one gesture (the turns of a mouse wheel) made close together merge into one.
    """
    value = placement.to_json() if placement is not None else None
    with recording(project, label, group=group) as edits:
        for rel in rels:
            edits.set(PHOTO, rel, "placement", value)
    return len(edits.changes)


def set_fill(project: Project, rels: Iterable[str], fill: float, *, label: str = "", group: str = "") -> int:
    """Give these photos' product the same height share of the canvas, as one undo step.

    A photo placed by hand keeps its centre; the others stay where the automatic placement puts an
    object of that size, so typing one fill for a whole product does not stack its photos.
    """
    with recording(project, label, group=group) as edits:
        for rel in rels:
            own = placement_for(project, rel)
            if own is not None and own.x is not None and own.y is not None:
                chosen = Placement.clamped(fill, own.x, own.y)
            else:
                chosen = Placement.clamped(fill)
            edits.set(PHOTO, rel, "placement", chosen.to_json())
    return len(edits.changes)
