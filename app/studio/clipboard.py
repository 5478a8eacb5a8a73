"""Copy a photo's settings and paste them onto others: background, canvas, placement, shadow.

A :class:`Settings` snapshot is what the photo looks like now (its background as resolved through
override → product → default, its product's canvas, its hand placement). Pasting is one undo step
and is saved at once. Shadow fields (``SHADOW_FIELDS``) travel on their own: pasting only the shadow
changes those fields of each target's own background and nothing else about it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from app.compose.backgrounds import SHADOW_FIELDS, BackgroundSpec, resolve
from app.marketplace.marketplaces import get as get_marketplace
from app.project import Project
from app.studio.choices import ORIGINAL_SIZE, background_for, marketplace_of
from app.studio.history import PHOTO, PRODUCT, Edits, recording
from app.studio.items import product_of

BACKGROUND, CANVAS, PLACEMENT, SHADOW = "background", "canvas", "placement", "shadow"
PARTS = (BACKGROUND, CANVAS, PLACEMENT, SHADOW)


@functools.lru_cache(maxsize=512)  # a selection of 5,000 photos holds a handful of distinct backgrounds
def shadow_fields(spec: BackgroundSpec) -> tuple[str, ...]:
    """The shadow/reflection fields that change how this background renders.

    A preset carries all of them, but one that stands for a solid colour or a gradient draws no
    shadow: a slider for it would do nothing, so only fields its resolved kind uses count.
    """
    try:
        concrete = resolve(spec)
    except (KeyError, ValueError):
        return ()
    own, drawn = spec.to_json(), concrete.to_json()
    return tuple(name for name in SHADOW_FIELDS if name in own and name in drawn)


@dataclass(frozen=True)
class Settings:
    """One photo's settings as the user sees them, to paste onto other photos."""

    background: BackgroundSpec
    marketplace: str  # a marketplace key, or ORIGINAL_SIZE for the photo's own size
    placement: Mapping[str, float] | None  # PhotoState.placement; None = automatic
    shadow: Mapping[str, float]  # the shadow fields the source's background uses (may be empty)

    @classmethod
    def take(cls, project: Project, rel: str) -> Settings:
        spec = background_for(project, rel)
        state = project.state.photos.get(rel)  # only looking: no state entry is made for it
        placement = state.placement if state is not None else None
        return cls(background=spec,
                   marketplace=marketplace_of(project, product_of(project, rel).key) or ORIGINAL_SIZE,
                   placement=copy.deepcopy(placement) if placement else None,
                   shadow={name: getattr(spec, name) for name in shadow_fields(spec)})


def with_shadow(spec: BackgroundSpec, values: Mapping[str, float]) -> BackgroundSpec:
    """``spec`` with those of ``values`` that it uses; the fields it has no use for are left out."""
    used = {name: float(value) for name, value in values.items() if name in shadow_fields(spec)}
    return replace(spec, **used) if used else spec


def set_shadow(project: Project, rels: Iterable[str], values: Mapping[str, float], *, label: str = "",
               group: str = "") -> int:
    """Set these shadow fields on each photo's own background, keeping the rest of it; how many changed.

    A photo that follows its product gets an override of its own, so its neighbours are untouched.
    ``group``: applications close together with the same group are one undo step (one slider drag).
    """
    with recording(project, label, group=group) as edits:
        _shadow(project, edits, rels, values)
    return len(edits.changes)


def paste(project: Project, rels: Iterable[str], snapshot: Settings, parts: Collection[str], *,
          label: str = "") -> int:
    """Paste the chosen ``parts`` of ``snapshot`` onto these photos as one undo step; fields changed.

    background: each photo's own override becomes the snapshot's background, keeping the photo's
    own shadow unless ``shadow`` is pasted too. shadow alone: only those fields of each photo's
    current background. canvas: the photos' products get the snapshot's marketplace. placement:
    the photos get the snapshot's placement.
    """
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts to paste: {sorted(unknown)}")
    rels = list(dict.fromkeys(rels))
    with recording(project, label) as edits:
        if BACKGROUND in parts:
            for rel in rels:
                spec = snapshot.background
                if SHADOW not in parts:
                    own = background_for(project, rel)
                    spec = with_shadow(spec, {name: getattr(own, name) for name in shadow_fields(own)})
                edits.set(PHOTO, rel, "background", spec.to_json())
        elif SHADOW in parts:
            _shadow(project, edits, rels, snapshot.shadow)
        if CANVAS in parts and _known_marketplace(snapshot.marketplace):
            for key in dict.fromkeys(product_of(project, rel).key for rel in rels):
                edits.set(PRODUCT, key, "marketplace", snapshot.marketplace)
        if PLACEMENT in parts:
            for rel in rels:
                placement = dict(snapshot.placement) if snapshot.placement else None
                edits.set(PHOTO, rel, "placement", placement)
    return len(edits.changes)


def _shadow(project: Project, edits: Edits, rels: Iterable[str], values: Mapping[str, float]) -> None:
    for rel in rels:
        own = background_for(project, rel)
        changed = with_shadow(own, values)
        if changed != own:
            edits.set(PHOTO, rel, "background", changed.to_json())


def _known_marketplace(key: str) -> bool:
    # A snapshot outlives the marketplace list it came from only if marketplaces.json changed under
    # a running app; a canvas this version no longer knows is not pasted rather than stored.
    if key in ("", ORIGINAL_SIZE):
        return True
    try:
        get_marketplace(key)
    except KeyError:
        return False
    return True


def available_parts(snapshot: Settings) -> tuple[str, ...]:
    """The parts this snapshot can really paste: a background that draws no shadow has none to give."""
    return tuple(part for part in PARTS if part != SHADOW or snapshot.shadow)
