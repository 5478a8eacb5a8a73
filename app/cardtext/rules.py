"""Marketplace text rules for Russian card text: pure functions, no I/O, no model calls.

``check`` lists what breaks a marketplace's rules; ``enforce`` fixes what can be fixed mechanically
(emoji, CAPS, promo words in the title, over-limit length cut at a word boundary) and flags the
rest; ``fit`` gives the writer's model one chance to rewrite the text itself before ``enforce``
cuts it, because a model shortening its own prose reads far better than a cut.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import cache

from app.cardtext.card import Card
from app.i18n import _
from app.marketplace.marketplaces import Marketplace, banned_words

# Abbreviations and sizes in capitals are fine (USB, LED, XL, ГОСТ); longer all-caps words shout.
CAPS_MAX_ABBREVIATION = 4

# Russian inflection endings, longest first, so one stem catches "скидка/скидки/скидкой/скидках".
_ENDINGS = sorted(
    {
        "а", "я", "о", "е", "и", "ы", "у", "ю", "ой", "ей", "ою", "ам", "ям", "ами", "ями", "ах",
        "ях", "ом", "ем", "ов", "ев", "ий", "ый", "ая", "яя", "ое", "ее", "ие", "ые", "ого", "его",
        "ому", "ему", "ую", "юю", "ым", "им", "ыми", "ими", "ых", "их",
    },
    key=len,
    reverse=True,
)
# Inflected forms of a banned stem that are ordinary words, not promotion ("лучше держит тепло").
_NOT_PROMO = frozenset({"лучше"})
# A crop top is a "топ": removing the word would delete the product type, so only flag it.
_FLAG_ONLY = frozenset({"топ"})

_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3\U000e0020-\U000e007f]"
)
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_SENTENCE_START = re.compile(r"(?:^|[.!?…]\s+|\n\s*)$")
# Words a trimmed text must not end on: they promise a continuation that was cut off.
_DANGLING = frozenset(
    "и или а но да с со в во на для из по к ко от без о об обо у за под над при про через что "
    "как же не ни то это его её их также а также либо".split()
)
_TAIL_JUNK = " \t\n,;:—–-/(«\"'&+|"

Rewrite = Callable[[Card, str], Awaitable["Card | None"]]


def _stem(word: str) -> str:
    if len(word) >= 4 and _CYRILLIC.search(word):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
    return word


def _word_pattern(word: str) -> str:
    word = word.casefold()
    stem = "".join("[её]" if c in "её" else re.escape(c) for c in _stem(word))
    if _CYRILLIC.search(word):
        return stem + "(?:" + "|".join(_ENDINGS) + ")?"
    return stem


@cache
def _banned_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out: dict[str, tuple[str, re.Pattern[str]]] = {}
    for phrase in banned_words():
        body = r"\s+".join(_word_pattern(w) for w in phrase.split())
        out.setdefault(body, (phrase, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
    return tuple(out.values())


def _banned_matches(text: str) -> list[tuple[str, re.Match[str]]]:
    found = []
    for phrase, pattern in _banned_patterns():
        for m in pattern.finditer(text):
            if m.group(0).casefold() not in _NOT_PROMO:
                found.append((phrase, m))
    return found


def banned_found(text: str) -> list[str]:
    """Promo words in ``text`` as written there (any case or inflection), in order, once each."""
    seen: dict[str, None] = {}
    for _phrase, m in sorted(_banned_matches(text), key=lambda pm: pm[1].start()):
        seen.setdefault(m.group(0), None)
    return list(seen)


def emoji_found(text: str) -> bool:
    return bool(_EMOJI.search(text))


def caps_words(text: str) -> list[str]:
    """All-capital words longer than an abbreviation (digits don't count: "USB3" is fine)."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        letters = [c for c in word if c.isalpha()]
        if len(letters) > CAPS_MAX_ABBREVIATION and all(c.isupper() for c in letters):
            out.append(word)
    return out


def _fix_caps(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        letters = [c for c in word if c.isalpha()]
        if len(letters) <= CAPS_MAX_ABBREVIATION or not all(c.isupper() for c in letters):
            return word
        # A Latin word in capitals is usually a brand (PHILIPS → Philips); Russian is prose.
        if not _CYRILLIC.search(word) or _SENTENCE_START.search(text[: m.start()]):
            return word.capitalize()
        return word.lower()

    return _WORD.sub(fix, text)


def _tidy(text: str) -> str:
    """Collapse the gaps that removing words leaves, keeping paragraph breaks."""
    lines = [re.sub(r"[ \t]{2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r" +([,.;:!?)»])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return text.strip()


def _clean_tail(text: str) -> str:
    for _attempt in range(4):
        text = text.rstrip(_TAIL_JUNK)
        for opener, closer in (("(", ")"), ("«", "»")):
            if text.count(opener) > text.count(closer):
                text = text[: text.rfind(opener)].rstrip(_TAIL_JUNK)
        head, _space, last = text.rpartition(" ")
        if head and last.casefold() in _DANGLING:
            text = head
            continue
        break
    return text


def _cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # text[limit] being a space means text[:limit] ends exactly on a word end.
    cut = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    if cut <= 0:  # one giant "word": no boundary exists, a hard cut is the only option
        return text[:limit]
    return _clean_tail(text[:cut]) or text[:limit]


def trim(text: str, limit: int, *, prose: bool = False) -> str:
    """Shorten ``text`` to at most ``limit`` characters, never mid-word.

    Prose (a description) prefers to end at a sentence end in the last half of the budget, and
    otherwise ends with "…" so a reader sees it was cut; a title is cut at the last whole word.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    if not prose:
        return _cut_at_word(text, limit)
    ends = [
        i + 1
        for i, c in enumerate(text[:limit])
        if c in ".!?…" and (i + 1 == len(text) or text[i + 1].isspace())
    ]
    if ends and ends[-1] >= limit // 2:
        return text[: ends[-1]]
    return _cut_at_word(text, limit - 1).rstrip(".") + "…"


@dataclass(frozen=True)
class TextProblem:
    """One broken rule: which field, what kind (for a report's severity), the message."""

    field: str  # "title" | "description"
    kind: str  # "empty" | "too_long" | "too_short" | "promo" | "emoji" | "caps"
    message: str


def problems(card: Card, marketplace: Marketplace) -> list[TextProblem]:
    """Every rule the card breaks for ``marketplace``, as values (``check`` gives the messages)."""
    name, found_problems = marketplace.name, []

    def add(field: str, kind: str, message: str) -> None:
        found_problems.append(TextProblem(field, kind, message))

    for field, text, limit in (
        ("title", card.title, marketplace.title_max),
        ("description", card.description, marketplace.description_max),
    ):
        title = field == "title"
        if not text.strip():
            add(field, "empty", _("the title is empty") if title else _("the description is empty"))
        elif len(text) > limit:
            too_long = (_("the title is {length} characters; {marketplace} allows {limit}") if title
                        else _("the description is {length} characters; {marketplace} allows {limit}"))
            add(field, "too_long", too_long.format(length=len(text), marketplace=name, limit=limit))
        if found := banned_found(text):
            promo = (_("promo words in the title: {words}") if title
                     else _("promo words in the description: {words}"))
            add(field, "promo", promo.format(words=", ".join(found)))
        if emoji_found(text):
            add(field, "emoji", _("emoji in the title") if title else _("emoji in the description"))
        if caps := caps_words(text):
            shouting = (_("words in capitals in the title: {words}") if title
                        else _("words in capitals in the description: {words}"))
            add(field, "caps", shouting.format(words=", ".join(caps)))
    n = len(card.description)
    if card.description.strip() and n < marketplace.description_min:
        least = marketplace.description_min
        add("description", "too_short",
            _("the description is {length} characters; {marketplace} asks for at least {least}").format(
                length=n, marketplace=name, least=least))
    return found_problems


def check(card: Card, marketplace: Marketplace) -> list[str]:
    """Every rule the card breaks for ``marketplace`` (empty when it is ready to publish)."""
    return [problem.message for problem in problems(card, marketplace)]


def rewrite_request(card: Card, marketplace: Marketplace) -> str | None:
    """A Russian instruction for the model when the card needs rewriting, not just cleaning.

    Over-limit length and promo words in prose cannot be fixed mechanically without harm; emoji
    and capitals can, so they never cost a model call.
    """
    asks = []
    if len(card.title) > marketplace.title_max:
        asks.append(f"сократи название до {marketplace.title_max} символов (сейчас {len(card.title)})")
    if len(card.description) > marketplace.description_max:
        asks.append(
            f"сократи описание до {marketplace.description_max} символов (сейчас {len(card.description)})"
        )
    promo = banned_found(card.title) + banned_found(card.description)
    if promo:
        asks.append("убери рекламные слова: " + ", ".join(dict.fromkeys(promo)))
    if not asks:
        return None
    return (
        "Исправь карточку: " + "; ".join(asks) + ". Сохрани факты и смысл, ничего не добавляй. "
        "Ответь тем же JSON-объектом с полями title, description, attributes, keywords."
    )


def enforce(card: Card, marketplace: Marketplace) -> Card:
    """Fix what can be fixed without a model and flag everything else; idempotent."""
    flags = list(card.flags)
    title, description = card.title, card.description
    if emoji_found(title) or emoji_found(description):
        title, description = _EMOJI.sub("", title), _EMOJI.sub("", description)
        flags.append(_("emoji removed"))
    if caps := caps_words(title) + caps_words(description):
        title, description = _fix_caps(title), _fix_caps(description)
        flags.append(_("capitals fixed: {words}").format(words=", ".join(dict.fromkeys(caps))))
    removed = []
    for phrase, m in sorted(_banned_matches(title), key=lambda pm: -pm[1].start()):
        if phrase.casefold() not in _FLAG_ONLY:
            removed.append(m.group(0))
            title = title[: m.start()] + title[m.end() :]
    if removed:
        words = ", ".join(reversed(removed))
        flags.append(_("promo words removed from the title: {words}").format(words=words))
    # A title is a label, not a sentence: no trailing period or "!", no leading separator.
    title = _tidy(title).lstrip(" ,;:—–-/|+&").rstrip(_TAIL_JUNK + ".!")
    description = _tidy(description)
    for field, limit in (("title", marketplace.title_max), ("description", marketplace.description_max)):
        text = title if field == "title" else description
        if len(text) > limit:
            cut = trim(text, limit, prose=field == "description")
            shortened = _("description shortened to {marketplace}'s {limit}-character limit (was {length})")
            if field == "title":
                shortened = _("title shortened to {marketplace}'s {limit}-character limit (was {length})")
            flags.append(shortened.format(marketplace=marketplace.name, limit=limit, length=len(text)))
            title, description = (cut, description) if field == "title" else (title, cut)
    keywords = [
        k for k in (_tidy(_EMOJI.sub("", k)) for k in card.keywords) if k and not banned_found(k)
    ]
    attributes = {k: _tidy(_EMOJI.sub("", v)) for k, v in card.attributes.items()}
    fixed = replace(card, title=title, description=description, keywords=keywords, attributes=attributes)
    flags.extend(check(fixed, marketplace))
    return replace(fixed, flags=list(dict.fromkeys(flags)))


async def fit(card: Card, marketplace: Marketplace, rewrite: Rewrite | None = None) -> Card:
    """Let ``rewrite`` fix the card once if it breaks the rules, then ``enforce`` the rest.

    ``rewrite(card, instruction)`` asks the writer's model and returns the new card, or None when
    the rewrite failed (the original card is then cut and flagged instead of failing the product).
    """
    instruction = rewrite_request(card, marketplace)
    if instruction and rewrite is not None:
        better = await rewrite(card, instruction)
        if better is not None:
            card = replace(better, provenance=card.provenance, flags=card.flags)
    return enforce(card, marketplace)
