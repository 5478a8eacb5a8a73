"""The JSON shape a writer's model must answer with, and the hand check that turns it into a Card.

No jsonschema dependency: the shape is small, and hand-written messages are what the model reads
back in the corrective retry, so they must say exactly what is wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.cardtext.card import Card
from app.errors import VitrinaError


class CardTextError(VitrinaError):
    """Card text could not be written for one product (the message is for the user).

    Defined here because schema.py is the lowest module of the package (rules, writers,
    credentials and the registry all import it, it imports none of them).
    """


class CardSchemaError(CardTextError):
    """The model's answer is not a valid card; ``problems`` lists each fault, in English."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("the answer is not a valid card: " + "; ".join(self.problems))


TITLE_FIELD = "title"
DESCRIPTION_FIELD = "description"
ATTRIBUTES_FIELD = "attributes"
KEYWORDS_FIELD = "keywords"

CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        TITLE_FIELD: {
            "type": "string",
            "description": "Название товара на русском: сначала тип товара, затем главный признак.",
        },
        DESCRIPTION_FIELD: {
            "type": "string",
            "description": "Описание товара на русском: 2–4 коротких абзаца обычного текста.",
        },
        ATTRIBUTES_FIELD: {
            "type": "object",
            "description": "Характеристики: название → значение (строки), только из исходных фактов.",
            "additionalProperties": {"type": "string"},
        },
        KEYWORDS_FIELD: {
            "type": "array",
            "description": "Поисковые слова и фразы на русском.",
            "items": {"type": "string"},
        },
    },
    "required": [TITLE_FIELD, DESCRIPTION_FIELD, ATTRIBUTES_FIELD, KEYWORDS_FIELD],
    "additionalProperties": False,
}

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


def parse_json(text: str) -> Any:
    """Parse a JSON answer, forgiving the code fences and chatter models like to wrap it in."""
    stripped = _FENCE.sub("", text.strip()).strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        start, end = stripped.find("{"), stripped.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(stripped[start : end + 1])
            except json.JSONDecodeError:
                pass
        raise CardSchemaError([f"the answer is not valid JSON ({exc.msg} at position {exc.pos})"]) from None


def _scalar_text(value: Any) -> str | None:
    # Numbers and booleans are harmless to stringify ("Объём": 350); nested objects are not.
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v).strip() for v in value if str(v).strip())
    return None


def _attributes(value: Any, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"'attributes' must be an object of strings, got {type(value).__name__}")
        return {}
    out: dict[str, str] = {}
    for key, raw in value.items():
        text = _scalar_text(raw)
        if text is None:
            problems.append(f"attribute {str(key)!r} must be a string, got {type(raw).__name__}")
        elif str(key).strip() and text:
            out[str(key).strip()] = text
    return out


def _keywords(value: Any, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # "a, b, c" is a common slip; the meaning is clear
        value = value.split(",")
    if not isinstance(value, list):
        problems.append(f"'keywords' must be an array of strings, got {type(value).__name__}")
        return []
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            problems.append(f"every keyword must be a string, got {type(item).__name__}")
            continue
        word = item.strip()
        if word and word.casefold() not in {w.casefold() for w in out}:
            out.append(word)
    return out


def _text(obj: dict[str, Any], key: str, problems: list[str]) -> str:
    value = obj.get(key)
    if value is None:
        problems.append(f"'{key}' is missing")
        return ""
    if not isinstance(value, str):
        problems.append(f"'{key}' must be a string, got {type(value).__name__}")
        return ""
    if not value.strip():
        problems.append(f"'{key}' is empty")
    return value.strip()


def validate(obj: Any) -> Card:
    """Turn a parsed answer into a Card, or raise CardSchemaError listing every problem at once.

    ``attributes`` and ``keywords`` may be missing (a card without them is still whole); ``title``
    and ``description`` may not. The title must contain Cyrillic: a Latin-only title means the
    model answered in the wrong language.
    """
    if isinstance(obj, str):
        obj = parse_json(obj)
    if not isinstance(obj, dict):
        raise CardSchemaError([f"the answer must be a JSON object, got {type(obj).__name__}"])
    problems: list[str] = []
    title = _text(obj, TITLE_FIELD, problems)
    description = _text(obj, DESCRIPTION_FIELD, problems)
    if title and not _CYRILLIC.search(title):
        problems.append("'title' must be in Russian (no Cyrillic letters found)")
    attributes = _attributes(obj.get(ATTRIBUTES_FIELD), problems)
    keywords = _keywords(obj.get(KEYWORDS_FIELD), problems)
    if problems:
        raise CardSchemaError(problems)
    return Card(title=title, description=description, attributes=attributes, keywords=keywords)


def card_payload(card: Card) -> dict[str, Any]:
    """The answer-shaped part of a card (what the model sees when asked to fix its own answer)."""
    return {
        TITLE_FIELD: card.title,
        DESCRIPTION_FIELD: card.description,
        ATTRIBUTES_FIELD: dict(card.attributes),
        KEYWORDS_FIELD: list(card.keywords),
    }
