"""A Wildberries category's characteristics: read from the API's JSON, values checked before upload.

Each subject (``subjectID``) has its own characteristics (``/content/v2/object/charcs/{id}``); four of
them take values from a dictionary of their own (``/content/v2/directory/...``). Values are checked
here, before a card is sent, so the user reads which value is wrong and why instead of a rejected
upload. No network: :class:`CharcCache` is handed the function that fetches.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, TypeVar

from app.atomic import write_json
from app.errors import VitrinaError
from app.i18n import _

log = logging.getLogger(__name__)
T = TypeVar("T")
Kind = Literal["strings", "number", "unused"]
Value = list[str] | float | int
_KINDS: dict[int, Kind] = {0: "unused", 1: "strings", 4: "number"}

# Characteristic name → the dictionary (``/content/v2/directory/<kind>``) its values must come from.
DICTIONARIES = {"Цвет": "colors", "Пол": "kinds", "Страна производства": "countries", "Сезон": "seasons"}

# A number, then what follows it: "350 мл", "350,5", "-2.5см".
_NUMBER = re.compile(r"\s*([-+]?\d+(?:[.,]\d+)?)\s*(.*)", re.DOTALL)


class CharcsError(VitrinaError):
    """Wildberries sent characteristics or a dictionary in a shape this version cannot read."""


@dataclass(frozen=True)
class Characteristic:
    id: int
    name: str
    required: bool = False
    unit: str = ""
    max_count: int = 0  # for "strings": at most this many values; 0 means no limit
    kind: Kind = "strings"
    popular: bool = False


def parse_charcs(payload: dict[str, Any]) -> list[Characteristic]:
    """The usable characteristics in a ``/content/v2/object/charcs/{subjectId}`` answer.

    Unused ones (``charcType`` 0) and types this version cannot send are left out."""
    charcs = []
    for item in _data(payload):
        if not isinstance(item, dict) or not isinstance(item.get("charcID"), int):
            continue
        charc_type = item.get("charcType")
        kind = _KINDS.get(charc_type, "unused") if isinstance(charc_type, int) else "unused"
        if kind == "unused":
            continue
        max_count = item.get("maxCount")
        charcs.append(Characteristic(
            id=item["charcID"],
            name=str(item.get("name") or "").strip(),
            required=bool(item.get("required")),
            unit=str(item.get("unitName") or "").strip(),
            max_count=max(0, max_count) if isinstance(max_count, int) else 0,
            kind=kind,
            popular=bool(item.get("popular")),
        ))
    return charcs


def parse_dictionary(kind: str, payload: dict[str, Any]) -> list[str]:
    """The allowed names in a ``/content/v2/directory/<kind>`` answer, without repeats.

    Colours come with their parent colour; the colours that are someone's parent (the basic ones:
    "красный", "синий") come first, so a shortened list shown to a model still covers every hue."""
    if kind not in DICTIONARIES.values():
        raise ValueError(f"unknown Wildberries dictionary {kind!r}")
    names: list[str] = []
    parents: set[str] = set()
    for item in _data(payload):
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
        if isinstance(item, dict) and isinstance(item.get("parentName"), str):
            parents.add(item["parentName"].strip())
    unique = list(dict.fromkeys(names))
    return [n for n in unique if n in parents] + [n for n in unique if n not in parents]


def _data(payload: Any) -> list[Any]:
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list):
        raise CharcsError(_("Wildberries sent an answer of an unexpected shape (no list of data)"))
    return data


def validate_values(
    charcs: list[Characteristic], values: dict[int, object], dictionaries: dict[str, list[str]]
) -> tuple[dict[int, Value], list[str]]:
    """Values fit to send, and what was wrong with the rest (one message per problem).

    ``dictionaries`` maps a dictionary kind ("colors") to its names; a characteristic whose
    dictionary is not given (or empty) is not checked against one. Empty values are dropped silently."""
    by_id = {c.id: c for c in charcs}
    clean: dict[int, Value] = {}
    problems: list[str] = []
    for charc_id, raw in values.items():
        if _is_empty(raw):
            continue
        charc = by_id.get(charc_id)
        if charc is None:
            problems.append(_("unknown characteristic id {id}; its value was dropped").format(id=charc_id))
            continue
        if charc.kind == "number":
            value, found = _number(charc, raw)
        else:
            value, found = _strings(charc, raw, dictionaries.get(DICTIONARIES.get(charc.name, "")))
        problems += found
        if value is not None:
            clean[charc_id] = value
    return clean, problems


def _number(charc: Characteristic, raw: object) -> tuple[float | int | None, list[str]]:
    if isinstance(raw, (list, tuple)):
        items = [item for item in raw if not _is_empty(item)]
        if len(items) > 1:
            return None, [_("«{name}» takes one number, not a list").format(name=charc.name)]
        raw = items[0]
    number: float | None = None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = float(raw) if abs(raw) < 1e300 else None  # a huge JSON integer overflows float()
    elif isinstance(raw, str) and (match := _NUMBER.fullmatch(raw)) and _unit_fits(match[2], charc.unit):
        number = float(match[1].replace(",", "."))
    if number is None or not math.isfinite(number):
        if charc.unit:
            return None, [_("«{name}» must be a number in {unit}").format(name=charc.name, unit=charc.unit)]
        return None, [_("«{name}» must be a number").format(name=charc.name)]
    return (int(number) if number.is_integer() else number), []


def _unit_fits(written: str, unit: str) -> bool:
    """A number may carry its unit ("350 мл" for мл), never another one ("350 г" for мл)."""
    written = _fold(written).rstrip(".")
    return not written or written == _fold(unit).rstrip(".")


def _strings(
    charc: Characteristic, raw: object, allowed: list[str] | None
) -> tuple[list[str] | None, list[str]]:
    items = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    spelled = {_fold(name): name for name in allowed or []}
    kept: dict[str, str] = {}  # folded → as sent, so "Красный" and "красный" count once
    problems: list[str] = []
    for item in items:
        if _is_empty(item):
            continue
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            problems.append(_("«{name}» must be text").format(name=charc.name))
            continue
        text = " ".join(_plain(item).split())
        if spelled:  # an empty dictionary checks nothing: it cannot be what WB allows
            if _fold(text) not in spelled:
                problems.append(_not_allowed(charc, text))
                continue
            text = spelled[_fold(text)]
        kept.setdefault(_fold(text), text)
    result = list(kept.values())
    if charc.max_count and len(result) > charc.max_count:
        result = result[: charc.max_count]
        problems.append(_("«{name}» takes at most {count} values; the first {count} were kept").format(
            name=charc.name, count=charc.max_count))
    return (result or None), problems


def _not_allowed(charc: Characteristic, value: str) -> str:
    kind = DICTIONARIES.get(charc.name)
    if kind == "colors":
        template = _("«{name}»: \"{value}\" is not one of Wildberries' colours")
    elif kind == "countries":
        template = _("«{name}»: \"{value}\" is not a country in the Wildberries list")
    else:
        template = _("«{name}»: \"{value}\" is not one of the values Wildberries allows")
    return template.format(name=charc.name, value=value)


def _plain(value: str | int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fold(text: str) -> str:
    """The form two spellings are compared in: case, spacing and ё do not matter."""
    return " ".join(text.split()).casefold().replace("ё", "е")


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return all(_is_empty(item) for item in value)
    return False


def missing_required(charcs: list[Characteristic], values: dict[int, Any]) -> list[str]:
    """Names of the required characteristics that have no value."""
    return [c.name for c in charcs if c.required and _is_empty(values.get(c.id))]


def to_api(charcs: list[Characteristic], values: dict[int, Value]) -> list[dict[str, Any]]:
    """Clean values (from :func:`validate_values`) as ``characteristics`` of a card upload."""
    sent = []
    for charc in charcs:
        value = values.get(charc.id)
        if value is not None:
            sent.append({"id": charc.id, "value": value})  # clean values already have the API's shape
    return sent


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CharcCache:
    """Characteristics and dictionaries kept as JSON files in ``folder`` for ``max_age``.

    They change seldom, and the content API allows 100 requests a minute for every seller tool at
    once: a card batch asks once a week, not once a card. A file that cannot be read is fetched
    again; a file that cannot be written only costs a fetch next time."""

    def __init__(
        self, folder: Path, *, max_age: timedelta = timedelta(days=7), now: Callable[[], datetime] = _utc_now
    ) -> None:
        self.folder = Path(folder)
        self.max_age = max_age
        self._now = now

    def get_charcs(self, subject_id: int, fetch: Callable[[int], dict[str, Any]]) -> list[Characteristic]:
        return self._get(f"subject-{int(subject_id)}.json", lambda: fetch(subject_id), parse_charcs)

    def get_dictionary(self, kind: str, fetch: Callable[[str], dict[str, Any]]) -> list[str]:
        if kind not in DICTIONARIES.values():
            raise ValueError(f"unknown Wildberries dictionary {kind!r}")
        return self._get(f"directory-{kind}.json", lambda: fetch(kind), lambda p: parse_dictionary(kind, p))

    def cached_charcs(self, subject_id: int) -> list[Characteristic] | None:
        """What the cache has, of any age, without fetching (a dry run with no token); None if nothing."""
        payload = self._fresh(self.folder / f"subject-{int(subject_id)}.json", any_age=True)
        return parse_charcs(payload) if payload is not None else None

    def cached_dictionary(self, kind: str) -> list[str] | None:
        payload = self._fresh(self.folder / f"directory-{kind}.json", any_age=True)
        return parse_dictionary(kind, payload) if payload is not None else None

    def _get(self, name: str, fetch: Callable[[], dict[str, Any]], parse: Callable[[dict[str, Any]], T]) -> T:
        path = self.folder / name
        payload = self._fresh(path)
        if payload is not None:
            try:
                return parse(payload)
            except CharcsError:
                log.warning("cached %s has an unreadable payload; fetching it again", path)
        payload = fetch()
        result = parse(payload)  # a payload that cannot be read is never cached
        try:
            write_json(path, {"fetched_at": self._now().isoformat(), "payload": payload})
        except OSError as exc:
            log.warning("cannot cache %s (%s); it will be fetched again next time", path, exc)
        return result

    def _fresh(self, path: Path, *, any_age: bool = False) -> dict[str, Any] | None:
        """The cached payload when the file is readable and young enough, else None."""
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            fetched_at = datetime.fromisoformat(stored["fetched_at"])
            payload = stored["payload"]
            age = self._now() - fetched_at
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cannot read the cached %s (%s); fetching it again", path, exc)
            return None
        # A clock set back makes the age negative: the file's date cannot be trusted either.
        if not isinstance(payload, dict) or not (any_age or timedelta(0) <= age <= self.max_age):
            return None
        return payload
