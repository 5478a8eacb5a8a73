"""A card writer's model fills a Wildberries category's characteristics and picks the category.

The model sees the card and the photo description and answers with JSON; every value it gives is
checked by :func:`charcs.validate_values`, so an invented colour is dropped and reported rather than
sent. The prompts say it plainly: no value is better than a wrong one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

from app.cardtext.card import Card
from app.describe.jsonish import first_json_object
from app.i18n import _
from app.publish.wb.charcs import DICTIONARIES, Characteristic, Value, validate_values

log = logging.getLogger(__name__)
# The most allowed values one characteristic lists in a prompt (WB has hundreds of colours).
MAX_LISTED_VALUES = 60
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_TYPE_ATTRIBUTES = ("тип", "вид", "тип товара", "вид товара")

FILL_SYSTEM = """\
Ты заполняешь характеристики карточки товара на Wildberries по тексту карточки и описанию фотографий.

Правила:
1. Указывай значение, только если его прямо подтверждают текст карточки или описание фотографий. \
Ничего не придумывай и не угадывай: лучше оставить характеристику пустой, чем указать неверное значение.
2. Список строк — JSON-массив строк на русском, не длиннее указанного. Число — JSON-число без единицы \
измерения, в указанных единицах.
3. Если у характеристики есть список допустимых значений, пиши значения точно как в списке.
4. Ответ — только JSON-объект {"<id характеристики>": значение}, без пояснений. Характеристики без \
значения в ответ не включай. Если ничего не известно, ответь {}.
"""

SUGGEST_SYSTEM = """\
Ты выбираешь предмет (категорию) Wildberries для товара из предложенного списка.
Выбери один предмет, к которому товар точно относится. Если ни один не подходит, ответь null.
Ответ — только JSON-объект {"subjectID": <число или null>}, без пояснений.
"""


class Answerer(Protocol):
    """A card writer that can also answer a plain prompt (GigaChatWriter, LocalWriter)."""

    async def answer(self, system: str, user: str) -> str: ...


@dataclass(frozen=True)
class FillResult:
    values: dict[int, Value]  # checked, ready for charcs.to_api
    problems: list[str]  # what the model gave that could not be used, in the user's words
    raw: str  # the model's answer as it came, for the log and "Details…"


def _card_text(card: Card) -> str:
    lines = [f"Название: {card.title}", f"Описание: {card.description}"]
    if card.attributes:
        lines.append("Характеристики:\n" + "\n".join(f"- {k}: {v}" for k, v in card.attributes.items()))
    if card.keywords:
        lines.append("Ключевые слова: " + ", ".join(card.keywords))
    return "\n".join(lines)


def fill_prompt(
    card: Card, description: str, charcs: list[Characteristic], dictionaries: dict[str, list[str]]
) -> tuple[str, str]:
    """The (system, user) prompts asking for the values of ``charcs`` as a JSON object by id."""
    context = f"{_card_text(card)}\n{description}"
    lines = [
        _charc_line(charc, dictionaries.get(DICTIONARIES.get(charc.name, "")), context) for charc in charcs
    ]
    user = "\n\n".join([
        "Карточка товара:\n" + _card_text(card),
        "Описание фотографий (может быть на английском):\n" + (description.strip() or "нет"),
        "Характеристики категории:\n" + "\n".join(lines),
        'Ответь JSON-объектом {"<id>": значение}.',
    ])
    return FILL_SYSTEM, user


def _charc_line(charc: Characteristic, allowed: list[str] | None, context: str) -> str:
    if charc.kind == "number":
        kind = "число" + (f" в {charc.unit}" if charc.unit else "")
    else:
        kind = "список строк" + (f", не больше {charc.max_count}" if charc.max_count else "")
        if charc.unit:
            kind += f", единица: {charc.unit}"
    line = f"- {charc.id} «{charc.name}» — {kind}" + ("; обязательная" if charc.required else "")
    if allowed:
        listed = _listed_values(allowed, context)
        line += ". Допустимые значения: " + ", ".join(listed)
        if len(listed) < len(allowed):
            line += " (подходят и другие значения из списка Wildberries)"
    return line


def _listed_values(allowed: list[str], context: str) -> list[str]:
    """At most MAX_LISTED_VALUES of ``allowed``: those the text seems to mention first, then the
    dictionary's own order (for colours: the basic ones). "Mentions" is a rough stem match
    ("красн" in "красная"), enough to put the likely values in front of the model."""
    text = context.casefold().replace("ё", "е")

    def mentioned(value: str) -> bool:
        folded = value.casefold().replace("ё", "е")
        stem = folded[:-2] if " " not in folded and len(folded) > 4 else folded
        return stem in text

    ordered = [v for v in allowed if mentioned(v)] + [v for v in allowed if not mentioned(v)]
    return ordered[:MAX_LISTED_VALUES]


def parse_fill_answer(text: str, charcs: list[Characteristic]) -> dict[int, object]:
    """The values in a model's answer by characteristic id. Keys may be ids ("12", "12 Цвет") or
    names ("Цвет"); a key that is neither is dropped (it names nothing that can be sent). An answer cut
    off at the output limit is closed, and its last value goes through the same checks as any other."""
    obj = first_json_object(text) or {}
    ids = {c.id for c in charcs}
    by_name = {c.name.casefold(): c.id for c in charcs}
    values: dict[int, object] = {}
    for key, value in obj.items():
        key = key.strip().strip("«»\"'").strip()
        if key.isdecimal():
            values[int(key)] = value
        elif key.casefold() in by_name:
            values[by_name[key.casefold()]] = value
        elif known := [int(n) for n in re.findall(r"\d+", key) if int(n) in ids]:
            values[known[0]] = value
        else:
            log.info("the model's answer names no characteristic as %r; dropped", key)
    return values


async def fill_characteristics(
    writer: Answerer,
    card: Card,
    description: str,
    charcs: list[Characteristic],
    dictionaries: dict[str, list[str]],
) -> FillResult:
    """One model call for the values of ``charcs``; invalid values are dropped and reported."""
    system, user = fill_prompt(card, description, charcs, dictionaries)
    raw = await writer.answer(system, user)
    values, problems = validate_values(charcs, parse_fill_answer(raw, charcs), dictionaries)
    if first_json_object(raw) is None:
        problems.insert(0, _("the model's answer held no JSON object; no characteristics were filled"))
    return FillResult(values, problems, raw)


def suggest_prompt(card: Card, candidates: list[dict[str, Any]]) -> tuple[str, str]:
    """The (system, user) prompts asking which of ``candidates`` (``/content/v2/object/all`` items)
    the card belongs to."""
    options = "\n".join(
        f"- {c.get('subjectID')}: {c.get('subjectName', '')}"
        + (f" (раздел «{c['parentName']}»)" if c.get("parentName") else "")
        for c in candidates
    )
    user = "\n\n".join([
        "Товар:\n" + _card_text(card),
        "Предметы Wildberries:\n" + options,
        'Ответь JSON-объектом {"subjectID": ...}.',
    ])
    return SUGGEST_SYSTEM, user


async def suggest_subject(writer: Answerer, card: Card, candidates: list[dict[str, Any]]) -> int | None:
    """The subjectID the model picks for ``card``; None when it picks none or one not offered."""
    if not candidates:
        return None
    raw = await writer.answer(*suggest_prompt(card, candidates))
    obj = first_json_object(raw)
    picked: object = raw.strip()  # a model may answer with the bare number
    if obj is not None:
        picked = next((v for k, v in obj.items() if k.strip().casefold() in ("subjectid", "id")), None)
    if isinstance(picked, str) and picked.strip().isdecimal():
        picked = int(picked)
    offered = {c.get("subjectID") for c in candidates}
    if isinstance(picked, bool) or not isinstance(picked, int) or picked not in offered:
        log.info("the model picked no offered subject (answer %r)", raw[:200])
        return None
    return picked


def search_words(card: Card) -> list[str]:
    """Up to three queries for ``/content/v2/object/all?name=``: the title's first word, its first
    two words, and the first word of a «Тип»/«Вид» attribute, lowercased, without punctuation.

    WB matches a substring of the subject's name, and names subjects in the plural ("Кружки"), so
    the last word loses a final vowel, й or ь: "кружка" → "кружк" finds "Кружки"."""
    title = _WORD.findall(card.title.casefold())
    kind = next((v for k, v in card.attributes.items() if k.strip().casefold() in _TYPE_ATTRIBUTES), "")
    queries = [title[:1], title[:2], _WORD.findall(kind.casefold())[:1]]
    return list(dict.fromkeys(_query(words) for words in queries if words))


def _query(words: list[str]) -> str:
    last = words[-1]
    if len(last) > 3 and last[-1] in "аяоеёиыуюйь":
        words = [*words[:-1], last[:-1]]
    return " ".join(words)
