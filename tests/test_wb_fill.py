"""A card writer fills Wildberries characteristics and picks the category: the real GigaChat writer
against the loopback server (tests/gigachat_server.py), the real local writer on a tiny model."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.cardtext.card import Card
from app.cardtext.gigachat_writer import GigaChatError, GigaChatWriter
from app.cardtext.local_writer import LocalWriter
from app.publish.wb.charcs import Characteristic, validate_values
from app.publish.wb.fill import (
    MAX_LISTED_VALUES,
    fill_characteristics,
    fill_prompt,
    parse_fill_answer,
    search_words,
    suggest_prompt,
    suggest_subject,
)
from tests.gigachat_server import FakeGigaChat, Reply
from tests.tiny_vlm import make_tiny_causal_lm
from tests.wb_fixtures import gigachat_writer

T = TypeVar("T")
COLOUR, VOLUME, MATERIAL = 14177449, 9001, 9002
CHARCS = [
    Characteristic(COLOUR, "Цвет", required=True, max_count=3),
    Characteristic(VOLUME, "Объем", required=True, unit="мл", kind="number"),
    Characteristic(MATERIAL, "Материал посуды"),
]
COLOURS = ["красный", "белый", "синий", "зеленый"] + [f"оттенок {i}" for i in range(100)] + ["бордовый"]
DICTIONARIES = {"colors": COLOURS}
CARD = Card(
    title="Кружка керамическая красная, 350 мл",
    description="Красная керамическая кружка с белой ручкой, бордовый ободок.",
    attributes={"Материал": "керамика", "Тип": "Кружка для чая"},
    keywords=["кружка"],
)
PHOTO = "A red ceramic mug with a white handle."
CANDIDATES = [
    {"subjectID": 2, "subjectName": "Кружки", "parentName": "Посуда и инвентарь"},
    {"subjectID": 3, "subjectName": "Кружки-термосы", "parentName": "Посуда и инвентарь"},
]


def _on(writer_factory: Callable[[], Any], job: Callable[[Any], Awaitable[T]]) -> T:
    async def run() -> T:
        writer = writer_factory()
        try:
            return await job(writer)
        finally:
            await writer.aclose()

    return asyncio.run(run())


# -- prompts and answers ---------------------------------------------------------------------


def test_the_fill_prompt_lists_every_characteristic_with_what_it_takes() -> None:
    system, user = fill_prompt(CARD, PHOTO, CHARCS, DICTIONARIES)
    assert "не выдумывай" in system.lower() or "ничего не придумывай" in system.lower()
    assert "JSON" in system
    assert f"{COLOUR} «Цвет» — список строк, не больше 3; обязательная" in user
    assert f"{VOLUME} «Объем» — число в мл; обязательная" in user
    assert f"{MATERIAL} «Материал посуды» — список строк" in user
    assert CARD.title in user and PHOTO in user and "керамика" in user


def test_a_long_colour_list_is_cut_keeping_the_mentioned_colours_and_saying_more_exist() -> None:
    _system, user = fill_prompt(CARD, PHOTO, CHARCS, DICTIONARIES)
    line = next(line for line in user.splitlines() if "«Цвет»" in line)
    listed = line.split("Допустимые значения: ")[1].split(" (")[0].split(", ")
    assert len(listed) == MAX_LISTED_VALUES
    assert listed[:3] == ["красный", "белый", "бордовый"]  # named in the card, "бордовый" from the far end
    assert "другие значения из списка Wildberries" in line


def test_the_answer_is_read_leniently_by_id_or_name() -> None:
    text = (
        "Вот характеристики:\n```json\n"
        f'{{"{COLOUR}": ["красный"], "Объем": 350, "«Материал посуды»": "керамика", "Бренд": "Noname",}}\n'
        "```\nГотово."
    )
    assert parse_fill_answer(text, CHARCS) == {COLOUR: ["красный"], VOLUME: 350, MATERIAL: "керамика"}
    # An answer cut off at the output limit is closed; its last value then meets the same checks.
    cut_off = parse_fill_answer(f'{{"{VOLUME} Объем": 350, "{COLOUR}": ["кра', CHARCS)
    assert cut_off == {VOLUME: 350, COLOUR: ["кра"]}
    assert validate_values(CHARCS, cut_off, DICTIONARIES)[0] == {VOLUME: 350}
    assert parse_fill_answer("не знаю", CHARCS) == {}


def test_search_words_come_from_the_title_and_the_type() -> None:
    assert search_words(CARD) == ["кружк", "кружка керамическа"]
    card = Card(title="Футболка «Лето» хлопок!", description="", attributes={"Вид": "Майка спортивная"})
    assert search_words(card) == ["футболк", "футболка лет", "майк"]
    assert search_words(Card(title="", description="")) == []


def test_the_suggest_prompt_offers_every_candidate() -> None:
    system, user = suggest_prompt(CARD, CANDIDATES)
    assert "subjectID" in system and "null" in system
    assert "- 2: Кружки (раздел «Посуда и инвентарь»)" in user and "- 3: Кружки-термосы" in user


# -- the GigaChat writer, end to end ----------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FakeGigaChat]:
    with FakeGigaChat() as fake:
        yield fake


_gigachat = gigachat_writer


def test_gigachat_fills_valid_values_and_an_invented_colour_is_refused(server: FakeGigaChat) -> None:
    answer = {str(COLOUR): ["синеватый", "Красный"], str(VOLUME): "350 мл", str(MATERIAL): "керамика"}
    server.script(Reply(content="```json\n" + json.dumps(answer, ensure_ascii=False) + "\n```"))
    result = _on(_gigachat(server), lambda w: fill_characteristics(w, CARD, PHOTO, CHARCS, DICTIONARIES))
    assert result.values == {COLOUR: ["красный"], VOLUME: 350, MATERIAL: ["керамика"]}
    assert result.problems == ['«Цвет»: "синеватый" is not one of Wildberries\' colours']
    assert "синеватый" in result.raw
    [chat] = server.chat_requests()
    sent = chat.json()
    assert "response_format" not in sent and "functions" not in sent  # a plain completion
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert "«Объем»" in sent["messages"][1]["content"]


def test_an_answer_without_json_fills_nothing_and_says_so(server: FakeGigaChat) -> None:
    server.script(Reply(content="Не могу определить характеристики."))
    result = _on(_gigachat(server), lambda w: fill_characteristics(w, CARD, PHOTO, CHARCS, DICTIONARIES))
    assert result.values == {}
    assert result.problems == ["the model's answer held no JSON object; no characteristics were filled"]


def test_gigachat_failures_reach_the_user_in_words(server: FakeGigaChat) -> None:
    server.script(Reply.error(402))
    with pytest.raises(GigaChatError) as err:
        _on(_gigachat(server), lambda w: fill_characteristics(w, CARD, PHOTO, CHARCS, DICTIONARIES))
    assert err.value.kind == "quota" and "tokens are used up" in str(err.value)


def test_gigachat_picks_an_offered_subject_and_one_not_offered_is_refused(server: FakeGigaChat) -> None:
    server.script(Reply(content='{"subjectID": 2}'), Reply(content='{"subjectID": 999}'),
                  Reply(content='{"subjectID": null}'), Reply(content="3"))

    async def four(writer: GigaChatWriter) -> list[int | None]:
        return [await suggest_subject(writer, CARD, CANDIDATES) for _i in range(4)]

    assert _on(_gigachat(server), four) == [2, None, None, 3]
    assert "Кружки-термосы" in server.chat_requests()[0].json()["messages"][1]["content"]


def test_no_candidates_means_no_question(server: FakeGigaChat) -> None:
    assert _on(_gigachat(server), lambda w: suggest_subject(w, CARD, [])) is None
    assert server.chat_requests() == []


# -- the local writer, end to end -------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_lm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_causal_lm(tmp_path_factory.mktemp("models") / "tiny-lm")


def _local(tiny_lm_dir: Path) -> Callable[[], LocalWriter]:
    return lambda: LocalWriter(str(tiny_lm_dir), device="cpu", max_new_tokens=8)


def _canned(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """The model's generate step answers ``answers`` in turn (after the "{" prefill); returns prompts."""
    prompts: list[str] = []

    def generate(self: LocalWriter, prompt: str) -> tuple[str, bool]:
        prompts.append(prompt)
        return answers[len(prompts) - 1], False

    monkeypatch.setattr(LocalWriter, "_generate", generate)
    return prompts


def test_the_local_writer_fills_through_its_prefilled_answer(
    tiny_lm_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = _canned(monkeypatch, [f'"{COLOUR}": ["белый", "перламутровый"], "{VOLUME}": "0,35 л"}}'])
    result = _on(_local(tiny_lm_dir), lambda w: fill_characteristics(w, CARD, PHOTO, CHARCS, DICTIONARIES))
    assert result.values == {COLOUR: ["белый"]}
    assert result.problems == ['«Цвет»: "перламутровый" is not one of Wildberries\' colours',
                               "«Объем» must be a number in мл"]
    assert prompts[0].endswith("{") and "«Цвет»" in prompts[0]


def test_the_local_writer_suggests_only_offered_subjects(
    tiny_lm_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _canned(monkeypatch, ['"subjectID": 3}', '"subjectID": 7}'])

    async def two(writer: LocalWriter) -> list[int | None]:
        return [await suggest_subject(writer, CARD, CANDIDATES) for _i in range(2)]

    assert _on(_local(tiny_lm_dir), two) == [3, None]


def test_random_weights_never_fill_an_unchecked_value(tiny_lm_dir: Path) -> None:
    result = _on(_local(tiny_lm_dir), lambda w: fill_characteristics(w, CARD, PHOTO, CHARCS, DICTIONARIES))
    assert result.raw.startswith("{")
    assert set(result.values) <= {COLOUR, VOLUME, MATERIAL}
    assert all(v in COLOURS for v in result.values.get(COLOUR, []))
