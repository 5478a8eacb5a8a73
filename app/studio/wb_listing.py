"""A product's Wildberries listing as the studio's Card text tab edits it: category, vendor code,
brand, package, price and the category's characteristics, kept in ``ProductState.wb``.

Every change is one step of the project's undo history and is saved at once, like a card edit;
export copies the block into the bundle's card.json, where ``vitrina publish wb`` reads it. The
catalogue (categories, characteristics, dictionaries) comes from the content API with the stored
token, through the same cache as the CLI's, so a category looked at once is checked offline after.
Network and writer calls are plain (the writer's async) functions: the GUI runs them off its thread
and stores what they return with the setters here, on its own thread.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from app.cardtext.card import Card
from app.errors import VitrinaError
from app.i18n import _
from app.naming import safe_name, unique_name
from app.project import Project
from app.publish.wb import api
from app.publish.wb.charcs import DICTIONARIES, Characteristic, CharcCache
from app.publish.wb.fill import Answerer, FillResult, fill_characteristics, search_words, suggest_subject
from app.publish.wb.listing import Defaults, Dimensions, Listing
from app.publish.wb.listing import default_vendor_code as bundle_vendor_code
from app.publish.wb.token import get_token
from app.publish.wb.validate import check_listing
from app.studio.choices import card_of
from app.studio.history import PRODUCT, recording
from app.studio.publish import export_defaults

_SEPARATORS = re.compile(r"[,;\n]")
_NUMBER = re.compile(r"\s*([-+]?\d+(?:[.,]\d+)?)\s*([^\d\s].*)?", re.DOTALL)


class NoToken(VitrinaError):
    """No Wildberries token is stored, and the cache cannot answer without one."""


def no_token() -> NoToken:
    return NoToken(_("No Wildberries API token is stored: add it in Settings → Wildberries, or with "
                     "`vitrina wildberries set-token` (category «Контент»)."))


@dataclass(frozen=True)
class Subject:
    """A Wildberries category (``subjectID``) as ``/content/v2/object/all`` names it."""

    id: int
    name: str
    parent: str = ""

    def to_api(self) -> dict[str, Any]:
        return {"subjectID": self.id, "subjectName": self.name, "parentName": self.parent}


@dataclass(frozen=True)
class Category:
    """A category's characteristics and the dictionaries their values must come from."""

    subject_id: int
    charcs: tuple[Characteristic, ...]
    dictionaries: Mapping[str, list[str]] = field(default_factory=dict)  # kind ("colors") → names

    def dictionary_for(self, charc: Characteristic) -> list[str] | None:
        return self.dictionaries.get(DICTIONARIES.get(charc.name, ""))


@dataclass(frozen=True)
class Suggestion:
    picked: Subject | None  # the writer's choice among the candidates; None when it chose none
    candidates: tuple[Subject, ...]  # what Wildberries offered for the card's search words


@dataclass(frozen=True)
class WBListing:
    """``ProductState.wb`` read as values; a missing or broken entry reads as unset."""

    subject_id: int | None = None
    subject_name: str = ""
    vendor_code: str = ""  # "" = the bundle's name, as the publisher uses it
    brand: str = ""
    dimensions: Dimensions | None = None
    price: int | None = None
    characteristics: Mapping[int, Any] = field(default_factory=dict)

    @classmethod
    def from_state(cls, raw: Any) -> WBListing:
        raw = raw if isinstance(raw, dict) else {}
        charcs = raw.get("characteristics") if isinstance(raw.get("characteristics"), dict) else {}
        return cls(subject_id=_int(raw.get("subject_id")), subject_name=str(raw.get("subject_name") or ""),
                   vendor_code=str(raw.get("vendor_code") or ""), brand=str(raw.get("brand") or ""),
                   dimensions=_dimensions(raw.get("dimensions")), price=_int(raw.get("price")),
                   characteristics={int(k): v for k, v in charcs.items() if _int(k) is not None})


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _dimensions(raw: Any) -> Dimensions | None:
    # Not Dimensions.from_json alone: a package typed half-way (12 × 0 × 0) is the user's work too.
    found = Dimensions.from_json(raw)
    return found if found is not None and (found.length or found.width or found.height or found.weight) \
        else None


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return all(is_empty(item) for item in value)
    return False


# --- reading and writing the listing --------------------------------------------------------------


def listing_of(project: Project, key: str) -> WBListing:
    return WBListing.from_state(project.product(key).wb)


def default_vendor_code(project: Project, key: str) -> str:
    """What ``vitrina publish wb`` sends when none is set: the bundle's name (app/pipeline/bundles.py,
    chosen at the first export and kept for life; before that, the name it will get) as
    :func:`app.publish.wb.listing.default_vendor_code` makes a code of it."""
    own = project.product(key).bundle
    if not own:
        name = next((p.name for p in project.products if p.key == key), key)
        taken = {s.bundle for k, s in project.state.products.items() if s.bundle and k != key}
        own = unique_name(safe_name(name), taken)
    return bundle_vendor_code(own)


def vendor_code_of(project: Project, key: str) -> str:
    return listing_of(project, key).vendor_code or default_vendor_code(project, key)


def _update(project: Project, key: str, label: str, group: str, **changes: Any) -> None:
    """One undo step that sets (or, with an empty value, removes) these keys of the listing.

    Keys this version does not know stay as they are; the stored dict is never changed in place,
    so the history's "before" stays what it was."""
    with recording(project, label, group=group) as edits:
        listing = copy.deepcopy(project.product(key).wb) or {}
        for name, value in changes.items():
            if value is None or value == "" or value == {}:
                listing.pop(name, None)
            else:
                listing[name] = value
        edits.set(PRODUCT, key, "wb", listing or None)
        project.mark_dirty()


def set_subject(project: Project, key: str, subject: Subject | None, *,
                keep: Collection[int] | None = None, label: str = "") -> None:
    """Choose the category (None: none). ``keep``, the new category's characteristic ids, drops the
    values of characteristics it does not have: Wildberries refuses a card that sends them."""
    values = dict(listing_of(project, key).characteristics)
    if keep is not None:
        values = {k: v for k, v in values.items() if k in set(keep)}
    _update(project, key, label, "", subject_id=subject.id if subject else None,
            subject_name=subject.name if subject else None,
            characteristics={str(k): v for k, v in values.items()})


def set_vendor_code(project: Project, key: str, code: str, *, label: str = "") -> None:
    """"" (or the bundle's name itself) goes back to the default: the bundle's name."""
    code = " ".join(code.split())
    if code == default_vendor_code(project, key):
        code = ""
    _update(project, key, label, f"wb:{key}:vendor_code", vendor_code=code)


def set_brand(project: Project, key: str, brand: str, *, label: str = "") -> None:
    _update(project, key, label, f"wb:{key}:brand", brand=" ".join(brand.split()))


def set_dimensions(project: Project, key: str, dimensions: Dimensions | None, *, label: str = "") -> None:
    """All four zero is "not given": the folder's default (``--dimensions``) then applies."""
    value = dimensions.to_json() if dimensions is not None and _dimensions(dimensions.to_json()) else None
    _update(project, key, label, f"wb:{key}:dimensions", dimensions=value)


def set_price(project: Project, key: str, price: int | None, *, label: str = "") -> None:
    _update(project, key, label, f"wb:{key}:price", price=price if price and price > 0 else None)


def set_characteristic(project: Project, key: str, charc_id: int, value: Any, *, label: str = "") -> None:
    """A value as :func:`parse_value` makes it; an empty one removes the characteristic."""
    values = {str(k): v for k, v in listing_of(project, key).characteristics.items()}
    if is_empty(value):
        values.pop(str(charc_id), None)
    else:
        values[str(charc_id)] = value
    _update(project, key, label, f"wb:{key}:charc:{charc_id}", characteristics=values)


def parse_value(charc: Characteristic, text: str) -> Any:
    """What the user typed, as the listing keeps it: a number for a number ("350", "350,5 мл"), a
    list for text (separated by commas). A number that cannot be read is kept as typed, so the
    check says what is wrong and the text is not lost."""
    text = " ".join(text.split())
    if not text:
        return None
    if charc.kind == "number":
        match = _NUMBER.fullmatch(text)
        if match and (not match[2] or match[2].strip().rstrip(".").casefold() ==
                      charc.unit.strip().rstrip(".").casefold()):
            number = float(match[1].replace(",", "."))
            return int(number) if number.is_integer() else number
        return text
    parts = [" ".join(p.split()) for p in _SEPARATORS.split(text)]
    return list(dict.fromkeys(p for p in parts if p)) or None


def value_text(value: Any) -> str:
    """A stored value as the user edits it: "красный, белый", "350", "0.35"."""
    if is_empty(value):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if not is_empty(v))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --- the catalogue ------------------------------------------------------------------------------


def cache_folder() -> Path:
    """The CLI's cache too (app/cli/publish.py): what one looked up, the other reads."""
    return Path(platformdirs.user_cache_dir("vitrina")) / "wildberries"


def _cache() -> CharcCache:
    return CharcCache(cache_folder())


def has_token() -> bool:
    return get_token() is not None


def _client() -> api.WBClient:
    token = get_token()
    if token is None:
        raise no_token()
    return api.WBClient(token)


def subjects(name: str, *, limit: int = 30) -> list[Subject]:
    """Categories whose name contains ``name`` (a network call)."""
    name = " ".join(name.split())
    if not name:
        return []
    with _client() as client:
        found = client.subjects(name, limit=limit)
    return [Subject(s["subjectID"], str(s.get("subjectName") or ""), str(s.get("parentName") or ""))
            for s in found if isinstance(s, dict) and _int(s.get("subjectID")) is not None]


def characteristics(subject_id: int) -> Category:
    """The category's characteristics and dictionaries: from the cache while it is fresh, else
    fetched; without a token or a network, an older cached copy is better than nothing."""
    token, cache = get_token(), _cache()
    if token is None:
        found = cached_characteristics(subject_id)
        if found is None:
            raise no_token()
        return found
    try:
        with api.WBClient(token) as client:
            charcs = cache.get_charcs(subject_id, client.charcs)
            kinds = dict.fromkeys(DICTIONARIES[c.name] for c in charcs if c.name in DICTIONARIES)
            return Category(subject_id, tuple(charcs),
                            {kind: cache.get_dictionary(kind, client.directory) for kind in kinds})
    except api.WBAuthError:
        raise
    except api.WBError:
        found = cached_characteristics(subject_id)
        if found is None:
            raise
        return found


def cached_characteristics(subject_id: int) -> Category | None:
    """What the cache holds for the category, of any age; never a network call."""
    cache = _cache()
    charcs = cache.cached_charcs(subject_id)
    if charcs is None:
        return None
    dictionaries = {}
    for kind in dict.fromkeys(DICTIONARIES[c.name] for c in charcs if c.name in DICTIONARIES):
        names = cache.cached_dictionary(kind)
        if names is not None:
            dictionaries[kind] = names
    return Category(subject_id, tuple(charcs), dictionaries)


# --- the card writer ----------------------------------------------------------------------------


def _card(project: Project, key: str) -> Card:
    card = card_of(project, key)
    if card is None or not card.title.strip():
        raise VitrinaError(_("The product has no card text yet: write or type its title first."))
    return card


async def suggest(project: Project, key: str, writer: Answerer) -> Suggestion:
    """The categories Wildberries has for the card's search words, and the writer's pick among
    them (one writer call; none when nothing was found). Nothing is stored."""
    card = _card(project, key)
    candidates: dict[int, Subject] = {}
    for word in search_words(card):
        for subject in subjects(word):
            candidates.setdefault(subject.id, subject)
    if not candidates:
        return Suggestion(None, ())
    picked = await suggest_subject(writer, card, [s.to_api() for s in candidates.values()])
    return Suggestion(candidates.get(picked) if picked is not None else None, tuple(candidates.values()))


async def ask_fill(project: Project, key: str, writer: Answerer, category: Category) -> FillResult:
    """The writer's values for the characteristics that are still empty (one call; none when every
    one has a value: the user's own values are never replaced). Nothing is stored."""
    card = _card(project, key)
    own = listing_of(project, key).characteristics
    empty = [c for c in category.charcs if is_empty(own.get(c.id))]
    if not empty:
        return FillResult({}, [], "")
    # The studio keeps no photo description; the card text is what the writer goes by.
    return await fill_characteristics(writer, card, "", empty, dict(category.dictionaries))


def store_fill(project: Project, key: str, result: FillResult, *, label: str = "") -> int:
    """Store the filled values as one undo step; a value the user typed meanwhile wins. How many."""
    values = {str(k): v for k, v in listing_of(project, key).characteristics.items()}
    added = {str(k): v for k, v in result.values.items() if is_empty(values.get(str(k)))}
    if added:
        _update(project, key, label, "", characteristics={**values, **added})
    return len(added)


async def fill(project: Project, key: str, writer: Answerer, *, category: Category | None = None,
               label: str = "") -> FillResult:
    """:func:`ask_fill` then :func:`store_fill`: for callers that own the project's thread."""
    listing = listing_of(project, key)
    if listing.subject_id is None:
        raise VitrinaError(_("Choose the Wildberries category first: its characteristics are what is "
                             "filled."))
    category = category or characteristics(listing.subject_id)
    result = await ask_fill(project, key, writer, category)
    store_fill(project, key, result, label=label)
    return result


# --- what would block publishing ----------------------------------------------------------------


def check(project: Project, key: str, category: Category | None = None) -> list[str]:
    """What ``vitrina publish wb`` would block this product on, in words; never a network call.

    A brand, package or price the product lacks is the remembered export folder's default, as the
    publisher takes it. ``category`` is the one the caller has loaded; else the cache's. Photos are
    left out: they are checked in the bundle export writes (its compliance check), not here."""
    listing = listing_of(project, key)
    card = card_of(project, key)
    if category is not None and category.subject_id != listing.subject_id:
        category = None
    if category is None and listing.subject_id is not None:
        category = cached_characteristics(listing.subject_id)
    try:
        folder, unreadable = export_defaults(project), ""
    except VitrinaError as exc:  # publishing there would stop on it too
        folder, unreadable = Defaults(), str(exc)
    name = next((p.name for p in project.products if p.key == key), key)
    as_published = Listing(
        bundle=name, folder=Path(), product=name, vendor_code=vendor_code_of(project, key),
        title=card.title if card else "", description=card.description if card else "", photos=[],
        subject_id=listing.subject_id, subject_name=listing.subject_name,
        brand=listing.brand or folder.brand, dimensions=listing.dimensions or folder.dimensions,
        price=listing.price or folder.price, characteristics=dict(listing.characteristics))
    charcs = list(category.charcs) if category is not None else None
    checked = check_listing(as_published, charcs, dict(category.dictionaries) if category else {})
    photos = _("no photos in the bundle")
    problems = [p for p in checked.problems if p != photos]
    if category is None and listing.subject_id is not None:
        problems.append(_("the category's characteristics are not loaded yet, so they are not checked"))
    if unreadable:
        problems.append(unreadable)
    return problems

