"""Every Russian translation (Qt UI and core messages) follows docs/GLOSSARY.md: none uses a word
the glossary's «Не использовать» column bans, so one thing keeps one name across the product."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
TRANSLATIONS = ROOT / "resources" / "translations"
# Latin text in parentheses names the original ("(GIGACHAT_API_PERS)", "(Authorization key)"),
# and a placeholder ("{scope}") is code: neither is wording.
NOT_WORDING = re.compile(r"\([A-Za-z0-9_ ,.@/-]+\)|\{[^{}]*\}")


@dataclass(frozen=True)
class Ban:
    term: str  # the glossary's word to use instead
    stem: str
    pattern: re.Pattern[str]
    only_if: tuple[str, ...]  # English words that make the ban apply; () = always

    def hits(self, english: str, russian: str) -> bool:
        if self.only_if and not any(word in english.lower() for word in self.only_if):
            return False
        return bool(self.pattern.search(NOT_WORDING.sub(" ", russian)))


def stem_pattern(stem: str) -> re.Pattern[str]:
    """Words that start with the stem's words, in a row: Russian endings vary, the stem does not."""
    words = [re.escape(word) for word in stem.split()]
    return re.compile(r"(?<!\w)" + r"\w*\s+".join(words) + r"\w*", re.IGNORECASE)


def bans() -> list[Ban]:
    """The rows of the glossary's table, read the way the doc says they are read."""
    found = []
    for line in GLOSSARY.read_text("utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("Термин", "---"):
            continue
        only_if = tuple(word.strip().lower() for word in cells[4].split(",") if word.strip())
        for stem in re.findall(r"`([^`]+)`", cells[3]):
            found.append(Ban(cells[0], stem, stem_pattern(stem), only_if))
    return found


def translations() -> list[tuple[str, str, str]]:
    """(where, English, Russian) for every finished translation, plural forms included."""
    found = []
    for context in ET.parse(TRANSLATIONS / "vitrina_ru.ts").getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            english = message.findtext("source", "")
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("obsolete", "vanished"):
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            found += [(f"vitrina_ru.ts [{name}]", english, form) for form in forms]
    core = json.loads((TRANSLATIONS / "core_ru.json").read_text("utf-8"))
    found += [("core_ru.json", english, russian) for english, russian in core.items()]
    return found


def test_the_glossary_bans_the_known_drift() -> None:
    # If the table stops parsing, every translation would "pass": make sure it is read.
    stems = {ban.stem for ban in bans()}
    assert {"объект", "кадр", "плоскост", "хаб", "загруз", "област доступ", "Authorization key"} <= stems


@pytest.mark.parametrize(("english", "russian", "banned"), [
    ("the object is tiny", "объекты совсем маленькие", "объект"),
    ("fills the frame", "товар занимает 80 % Кадра", "кадр"),
    ("Downloaded", "Загружена", "загруж"),
    ("Scope:", "Область доступа:", "област доступ"),
    ("paste the Authorization key here", "вставьте сюда Authorization key", "Authorization key"),
])
def test_stems_catch_russian_word_forms(english: str, russian: str, banned: str) -> None:
    assert any(ban.hits(english, russian) for ban in bans() if ban.stem == banned)


def test_a_ban_limited_to_an_english_word_leaves_other_meanings_alone() -> None:
    # «загрузить» is right for *load* (into memory), wrong only for *download*.
    download = [ban for ban in bans() if ban.stem == "загруз"]
    assert download and not any(ban.hits("Could not load the model", "Не удалось загрузить модель")
                                for ban in download)
    # Latin references in parentheses are the original names, not drift.
    assert not any(ban.hits("Authorization key", "ключ авторизации (Authorization key)") for ban in bans())


def test_no_translation_uses_a_word_the_glossary_bans() -> None:
    drift = [f"{where}: «{russian}» uses «{ban.stem}…» (glossary: {ban.term}) — for {english!r}"
             for where, english, russian in translations() for ban in bans() if ban.hits(english, russian)]
    assert not drift, "\n".join(drift)
