"""What the user chose for a photo or product — background, marketplace, card text — saved at once.

A photo's background is its own override, else its product's choice, else the project default.
Every change is one step of the project's undo history (``app.studio.history``); ``label`` is what
Edit → Undo calls it, in the user's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.cardtext.card import Card
from app.compose.backgrounds import BackgroundSpec, presets
from app.compose.compose import CanvasSpec
from app.marketplace.marketplaces import Marketplace
from app.marketplace.marketplaces import get as get_marketplace
from app.project import Project
from app.studio.history import PHOTO, PRODUCT, recording
from app.studio.items import all_photos, product_of

# The built-in default: the wall-and-floor plane (the user's settings may choose another).
DEFAULT_BACKGROUND = BackgroundSpec()
# Card text limits need a marketplace; Wildberries' are the strictest, as in the batch run.
TEXT_FALLBACK_MARKETPLACE = "wb"
# A product's marketplace "" follows the default; this value means "keep the photo's own size"
# even when the default is a marketplace canvas (the same word as ``--marketplace none``).
ORIGINAL_SIZE = "none"


@dataclass(frozen=True)
class Defaults:
    """What products the user has made no choice for get: from the settings, for every folder."""

    background: BackgroundSpec = DEFAULT_BACKGROUND
    marketplace: str = ""


_defaults = Defaults()


def set_defaults(defaults: Defaults) -> None:
    global _defaults
    _defaults = defaults


def defaults() -> Defaults:
    return _defaults


def background_named(name: str) -> BackgroundSpec:
    """``plane``, ``transparent`` or a preset name (as the settings store it) → a background."""
    if name == "transparent":
        return BackgroundSpec(kind="transparent")
    if name in presets():
        return BackgroundSpec(kind="preset", name=name)
    return DEFAULT_BACKGROUND


def _spec(raw: dict | None) -> BackgroundSpec | None:
    if not raw:
        return None
    try:
        return BackgroundSpec.from_json(raw)
    except (TypeError, ValueError):
        return None  # a choice this version cannot read falls back to the next level


def background_for(project: Project, rel: str) -> BackgroundSpec:
    """The background a photo is composed on: its override, its product's choice, or the default."""
    own = _spec(project.photo(rel).background)
    if own is not None:
        return own
    return product_background(project, product_of(project, rel).key)


def product_background(project: Project, key: str) -> BackgroundSpec:
    return _spec(project.product(key).background) or _defaults.background


def set_photo_background(project: Project, rels: Iterable[str], spec: BackgroundSpec | None, *,
                         label: str = "") -> int:
    """Override the background of these photos (None: follow the product again); how many changed."""
    value = spec.to_json() if spec is not None else None
    with recording(project, label) as edits:
        for rel in rels:
            edits.set(PHOTO, rel, "background", value)
    return len(edits.changes)


def set_product_background(project: Project, keys: Iterable[str], spec: BackgroundSpec, *,
                           label: str = "") -> None:
    """Set the products' background and drop their photos' overrides, so every photo shows it."""
    value = spec.to_json()
    with recording(project, label) as edits:
        for key in keys:
            edits.set(PRODUCT, key, "background", value)
            for rel in _photos_of(project, key):
                edits.set(PHOTO, rel, "background", None)


def photos_with_own_background(project: Project, spec: BackgroundSpec) -> list[str]:
    """Photos whose own background (chosen for them, not their product) is not ``spec``.

    These are what "Apply to all" would overwrite: a product's background is the folder-wide
    choice that Apply to all itself writes, so replacing it takes nobody's choice away.
    """
    own = []
    for rel in all_photos(project):
        chosen = _spec(_own_background(project, rel))
        if chosen is not None and chosen != spec:
            own.append(rel)
    return own


def set_all_backgrounds(project: Project, spec: BackgroundSpec, *, keep_own: bool = False,
                        label: str = "") -> None:
    """Every product gets ``spec``; photos with their own background get it too unless ``keep_own``.

    Only the background: each product keeps its canvas (marketplace) and card.
    """
    value = spec.to_json()
    with recording(project, label) as edits:
        for product in project.products:
            edits.set(PRODUCT, product.key, "background", value)
            for rel in product.photos:
                own = _spec(_own_background(project, rel))
                if own is not None and not (keep_own and own != spec):
                    edits.set(PHOTO, rel, "background", None)


def marketplace_of(project: Project, key: str) -> str:
    """The product's marketplace key, or "" for no canvas (the photo keeps its own size)."""
    chosen = project.product(key).marketplace
    if chosen == ORIGINAL_SIZE:
        return ""
    return chosen or _defaults.marketplace


def set_marketplace(project: Project, keys: Iterable[str], marketplace: str, *, label: str = "") -> None:
    """Choose the products' canvas: a marketplace key, ORIGINAL_SIZE, or "" (follow the default)."""
    if marketplace and marketplace != ORIGINAL_SIZE:
        get_marketplace(marketplace)  # refuse unknown keys before anything is stored
    with recording(project, label) as edits:
        for key in keys:
            edits.set(PRODUCT, key, "marketplace", marketplace)


def canvas_for(project: Project, key: str) -> CanvasSpec | None:
    market = marketplace_of(project, key)
    if not market:
        return None
    try:
        return CanvasSpec.for_marketplace(market)
    except KeyError:
        return None  # a marketplace dropped from marketplaces.json: keep the photo's size


def text_marketplace(project: Project, key: str) -> Marketplace:
    """Whose title/description limits apply to the product's card text."""
    try:
        return get_marketplace(marketplace_of(project, key) or TEXT_FALLBACK_MARKETPLACE)
    except KeyError:
        return get_marketplace(TEXT_FALLBACK_MARKETPLACE)


def card_of(project: Project, key: str) -> Card | None:
    raw = project.product(key).card
    return Card.from_json(raw) if raw else None


def set_card(project: Project, key: str, card: Card, *, label: str = "") -> None:
    """Store the user's card text; ``card_edited`` keeps any later generation from replacing it.

    Saves of one product's text made close together (the panel saves as the user pauses typing)
    are one undo step.
    """
    with recording(project, label, group=f"card:{key}") as edits:
        edits.set(PRODUCT, key, "card", card.to_json())
        edits.set(PRODUCT, key, "card_edited", True)
        edits.set(PRODUCT, key, "text_error", "")


def _own_background(project: Project, rel: str) -> dict | None:
    state = project.state.photos.get(rel)  # only looking: no state entry is made for a photo without one
    return state.background if state is not None else None


def _photos_of(project: Project, key: str) -> tuple[str, ...]:
    for product in project.products:
        if product.key == key:
            return product.photos
    return ()
