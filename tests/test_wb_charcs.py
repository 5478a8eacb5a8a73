"""Wildberries characteristics: read from the API's JSON, values checked before upload, cached a week."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.publish.wb.charcs import (
    Characteristic,
    CharcCache,
    CharcsError,
    missing_required,
    parse_charcs,
    parse_dictionary,
    to_api,
    validate_values,
)

COLOUR, VOLUME, MATERIAL, COUNTRY, WEIGHT = 14177449, 9001, 9002, 14177451, 9003
CHARCS_PAYLOAD: dict[str, Any] = {
    "data": [
        {"charcID": COLOUR, "subjectName": "Кружки", "subjectID": 1, "name": "Цвет", "required": True,
         "unitName": "", "maxCount": 3, "popular": True, "charcType": 1},
        {"charcID": VOLUME, "subjectName": "Кружки", "subjectID": 1, "name": "Объем", "required": True,
         "unitName": "мл", "maxCount": 0, "popular": False, "charcType": 4},
        {"charcID": MATERIAL, "name": "Материал посуды", "charcType": 1},  # optional fields missing
        {"charcID": COUNTRY, "name": "Страна производства", "charcType": 1, "maxCount": 1},
        {"charcID": WEIGHT, "name": "Вес товара без упаковки (г)", "charcType": 4},
        {"charcID": 9004, "name": "Устаревшая", "charcType": 0},
    ],
    "error": False,
    "errorText": "",
    "additionalErrors": None,
}
COLOURS_PAYLOAD = {
    "data": [
        {"name": "персиковый мелок", "parentName": "оранжевый"},
        {"name": "оранжевый", "parentName": "оранжевый"},
        {"name": "темно-синий", "parentName": "синий"},
        {"name": "синий", "parentName": "синий"},
        {"name": "красный", "parentName": "красный"},
    ],
    "error": False,
}
COUNTRIES_PAYLOAD = {"data": [{"name": "Китай", "fullName": "КНР"}, {"name": "Россия", "fullName": "РФ"}]}
CHARCS = parse_charcs(CHARCS_PAYLOAD)
DICTIONARIES = {
    "colors": parse_dictionary("colors", COLOURS_PAYLOAD),
    "countries": parse_dictionary("countries", COUNTRIES_PAYLOAD),
}


def _check(values: dict[int, object]) -> tuple[dict[int, Any], list[str]]:
    return validate_values(CHARCS, values, DICTIONARIES)


def test_characteristics_are_read_with_defaults_and_unused_ones_left_out() -> None:
    assert [c.id for c in CHARCS] == [COLOUR, VOLUME, MATERIAL, COUNTRY, WEIGHT]
    assert CHARCS[0] == Characteristic(COLOUR, "Цвет", True, "", 3, "strings", True)
    assert CHARCS[1].kind == "number" and CHARCS[1].unit == "мл"
    assert CHARCS[2] == Characteristic(MATERIAL, "Материал посуды")


def test_an_answer_without_data_is_refused_not_misread() -> None:
    with pytest.raises(CharcsError):
        parse_charcs({"error": True, "errorText": "bad subject"})


def test_dictionaries_of_every_shape_give_names_basic_colours_first() -> None:
    assert DICTIONARIES["colors"] == ["оранжевый", "синий", "красный", "персиковый мелок", "темно-синий"]
    assert parse_dictionary("kinds", {"data": ["Мужской", "Женский", "Мужской"]}) == ["Мужской", "Женский"]
    assert parse_dictionary("seasons", {"data": ["лето", " зима "]}) == ["лето", "зима"]
    assert DICTIONARIES["countries"] == ["Китай", "Россия"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [(350, 350), ("350", 350), ("350 мл", 350), ("350мл.", 350), ("350,5", 350.5), (" 0.5 МЛ ", 0.5),
     (["350"], 350), (350.0, 350)],
)
def test_numbers_are_read_with_their_unit_and_a_decimal_comma(given: object, expected: float) -> None:
    assert _check({VOLUME: given}) == ({VOLUME: expected}, [])


@pytest.mark.parametrize("given", ["350 г", "около 350", "350-400", True, ["300", "400"]])
def test_a_number_in_another_unit_or_not_a_number_is_refused_with_the_unit(given: object) -> None:
    clean, problems = _check({VOLUME: given})
    assert clean == {}
    assert len(problems) == 1 and "«Объем»" in problems[0]
    assert "number" in problems[0]


def test_a_number_without_a_unit_takes_no_words() -> None:
    assert _check({WEIGHT: "120"}) == ({WEIGHT: 120}, [])
    assert _check({WEIGHT: "120 штук"})[1] == ["«Вес товара без упаковки (г)» must be a number"]


def test_dictionary_values_are_matched_loosely_and_sent_in_wildberries_spelling() -> None:
    clean, problems = _check({COLOUR: ["Синий", " ТЁМНО-СИНИЙ ", "синий"], COUNTRY: "китай"})
    assert clean == {COLOUR: ["синий", "темно-синий"], COUNTRY: ["Китай"]}
    assert problems == []


def test_an_invented_colour_is_dropped_with_a_clear_message_and_the_valid_one_kept() -> None:
    clean, problems = _check({COLOUR: ["синеватый", "красный"]})
    assert clean == {COLOUR: ["красный"]}
    assert problems == ['«Цвет»: "синеватый" is not one of Wildberries\' colours']


def test_too_many_values_keep_the_first_ones_and_say_so() -> None:
    clean, problems = _check({COLOUR: ["красный", "синий", "оранжевый", "темно-синий"]})
    assert clean == {COLOUR: ["красный", "синий", "оранжевый"]}
    assert problems == ["«Цвет» takes at most 3 values; the first 3 were kept"]


def test_free_text_is_trimmed_dedupped_and_a_single_string_becomes_a_list() -> None:
    assert _check({MATERIAL: "  керамика  "}) == ({MATERIAL: ["керамика"]}, [])
    assert _check({MATERIAL: ["керамика", "Керамика", " ", 12]}) == ({MATERIAL: ["керамика", "12"]}, [])


def test_empty_values_are_dropped_silently_and_unknown_ids_with_a_problem() -> None:
    clean, problems = _check({COLOUR: "", VOLUME: None, MATERIAL: [], 424242: "x"})
    assert clean == {}
    assert problems == ["unknown characteristic id 424242; its value was dropped"]


def test_required_characteristics_without_a_value_are_named() -> None:
    assert missing_required(CHARCS, {COLOUR: ["красный"]}) == ["Объем"]
    assert missing_required(CHARCS, {COLOUR: [], VOLUME: 350}) == ["Цвет"]
    assert missing_required(CHARCS, {COLOUR: ["красный"], VOLUME: 350}) == []


def test_clean_values_go_out_in_the_upload_shape() -> None:
    clean, _problems = _check({VOLUME: "350 мл", COLOUR: "красный", MATERIAL: ["керамика"]})
    assert to_api(CHARCS, clean) == [
        {"id": COLOUR, "value": ["красный"]},
        {"id": VOLUME, "value": 350},
        {"id": MATERIAL, "value": ["керамика"]},
    ]


# -- the cache -------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.at = datetime(2025, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.at


class _Fetcher:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload, self.calls = payload, 0

    def __call__(self, key: object) -> dict[str, Any]:
        self.calls += 1
        return self.payload


def test_the_cache_fetches_once_within_max_age_and_again_after(tmp_path: Path) -> None:
    clock, fetch = _Clock(), _Fetcher(CHARCS_PAYLOAD)
    cache = CharcCache(tmp_path, max_age=timedelta(days=7), now=clock)
    assert cache.get_charcs(1, fetch) == CHARCS
    clock.at += timedelta(days=6)
    assert CharcCache(tmp_path, now=clock).get_charcs(1, fetch) == CHARCS  # a new run reads the file
    assert fetch.calls == 1
    clock.at += timedelta(days=2)
    assert cache.get_charcs(1, fetch) == CHARCS
    assert fetch.calls == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subject-1.json"]  # no temp file left behind


def test_dictionaries_are_cached_by_kind(tmp_path: Path) -> None:
    fetch = _Fetcher(COLOURS_PAYLOAD)
    cache = CharcCache(tmp_path)
    assert cache.get_dictionary("colors", fetch) == DICTIONARIES["colors"]
    assert cache.get_dictionary("colors", fetch) == DICTIONARIES["colors"]
    assert fetch.calls == 1 and (tmp_path / "directory-colors.json").is_file()


@pytest.mark.parametrize(
    "content", ["{not json", '{"fetched_at": "yesterday", "payload": {}}', '{"payload": {"data": []}}',
                '{"fetched_at": "2025-01-01T00:00:00+00:00", "payload": {"data": 5}}', "[1, 2]", ""],
)
def test_a_corrupt_cache_file_is_fetched_again_not_a_crash(tmp_path: Path, content: str) -> None:
    (tmp_path / "subject-1.json").write_text(content, encoding="utf-8")
    fetch = _Fetcher(CHARCS_PAYLOAD)
    clock = _Clock()
    assert CharcCache(tmp_path, now=clock).get_charcs(1, fetch) == CHARCS
    assert fetch.calls == 1
    assert json.loads((tmp_path / "subject-1.json").read_text(encoding="utf-8"))["payload"] == CHARCS_PAYLOAD


def test_an_unreadable_answer_is_not_cached(tmp_path: Path) -> None:
    with pytest.raises(CharcsError):
        CharcCache(tmp_path).get_charcs(1, _Fetcher({"error": True}))
    assert list(tmp_path.iterdir()) == []
