"""Wildberries' rules for one listing, checked before any request: a product that would be refused
is blocked here with the full list of what to fix, and nothing of it is sent.

The limits are the ones in ``resources/marketplaces.json`` (title ≤ 60, description ≤ the category's
maximum, photos 700×900 or more, ≤ 32 MB, JPG/PNG/BMP/GIF/WebP, at most 30), each with its source
in the reference; vendor code ≤ 72 characters and unique in the seller's account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, UnidentifiedImageError

from app.i18n import _
from app.marketplace.marketplaces import get as get_marketplace
from app.publish.wb.charcs import Characteristic, missing_required, validate_values
from app.publish.wb.listing import VENDOR_CODE_MAX, Listing

# Pillow's names for WB's formats (JPG, PNG, BMP, static GIF, WebP).
PIL_FORMATS = {"JPEG": "jpg", "PNG": "png", "BMP": "bmp", "GIF": "gif", "WEBP": "webp"}


@dataclass
class Checked:
    listing: Listing
    problems: list[str] = field(default_factory=list)
    characteristics: dict[int, Any] = field(default_factory=dict)  # the clean values to send

    @property
    def ok(self) -> bool:
        return not self.problems


def check_listing(listing: Listing, charcs: Sequence[Characteristic] | None,
                  dictionaries: dict[str, list[str]]) -> Checked:
    """Every problem of one listing; ``charcs`` None = its category's characteristics are unknown
    (no category yet, or offline in a dry run), so they are not checked."""
    rules = get_marketplace("wb")
    out = Checked(listing)
    say = out.problems.append
    if listing.subject_id is None:
        say(_("no Wildberries category: choose one (the studio's Card text tab, or --subject)"))
    if not listing.title.strip():
        say(_("no title: the product has no card text yet"))
    elif len(listing.title) > rules.title_max:
        say(_("the title has {n} characters; Wildberries takes at most {max}").format(
            n=len(listing.title), max=rules.title_max))
    if len(listing.description) > rules.description_max:
        say(_("the description has {n} characters; Wildberries takes at most {max} in most categories")
            .format(n=len(listing.description), max=rules.description_max))
    if not listing.vendor_code.strip():
        say(_("no vendor code"))
    elif len(listing.vendor_code) > VENDOR_CODE_MAX:
        say(_("the vendor code is longer than {max} characters").format(max=VENDOR_CODE_MAX))
    if listing.dimensions is None:
        say(_("no package dimensions and weight: give them for the product or as the folder's default"))
    else:
        dims = listing.dimensions
        if min(dims.length, dims.width, dims.height) <= 0 or dims.weight <= 0:
            say(_("package dimensions and weight must be above zero"))
    out.problems.extend(_photo_problems(listing, rules))
    if charcs is not None:
        clean, problems = validate_values(charcs, listing.characteristics, dictionaries)
        out.characteristics = clean
        out.problems.extend(problems)
        missing = missing_required(charcs, clean)
        if missing:
            say(_("required characteristics are empty: {names}").format(names=", ".join(missing)))
    return out


def _photo_problems(listing: Listing, rules: Any) -> list[str]:
    if not listing.photos:
        return [_("no photos in the bundle")]
    problems = []
    if len(listing.photos) > rules.max_photos:
        problems.append(_("{n} photos; Wildberries takes at most {max} a card").format(
            n=len(listing.photos), max=rules.max_photos))
    for path in listing.photos:
        try:
            size = path.stat().st_size
            with Image.open(path) as image:
                kind, (width, height) = PIL_FORMATS.get(image.format or ""), image.size
                animated = getattr(image, "is_animated", False)
        except FileNotFoundError:
            problems.append(_("{name}: the photo is missing from the bundle").format(name=path.name))
            continue
        except (OSError, UnidentifiedImageError) as exc:
            problems.append(_("{name}: cannot be read as an image ({why})").format(name=path.name, why=exc))
            continue
        if kind is None or kind not in rules.formats or animated:
            problems.append(_("{name}: Wildberries takes JPG, PNG, BMP, static GIF or WebP")
                            .format(name=path.name))
        if width < rules.min_width or height < rules.min_height:
            problems.append(_("{name} is {w}×{h}; Wildberries needs at least {mw}×{mh}").format(
                name=path.name, w=width, h=height, mw=rules.min_width, mh=rules.min_height))
        if size > rules.max_file_mb * 1024 * 1024:
            problems.append(_("{name} is {mb:.1f} MB; Wildberries takes at most {max:g} MB").format(
                name=path.name, mb=size / 1024 / 1024, max=rules.max_file_mb))
    return problems


def duplicate_vendor_codes(listings: Sequence[Listing], in_use: dict[str, str]) -> dict[str, str]:
    """bundle → the problem, for vendor codes that two products share (in this run, or with a
    product this host already has under another bundle): WB would merge or refuse them."""
    seen: dict[str, str] = {}
    problems: dict[str, str] = {}
    for listing in listings:
        code = listing.vendor_code.lower()
        other = seen.get(code) or (in_use.get(code) if in_use.get(code) != listing.bundle else None)
        if other:
            problems[listing.bundle] = _("the vendor code {code} is also {other}'s; make it unique").format(
                code=listing.vendor_code, other=other)
        seen.setdefault(code, listing.bundle)
    return problems
