"""The local card writer on tiny random-weight models: JSON contract, one corrective retry, provenance."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cardtext.card import Card
from app.cardtext.local_writer import WRITER_MODELS, LocalWriter
from app.cardtext.registry import make_writer
from app.cardtext.schema import CardTextError
from app.describe.protocol import Description
from app.errors import ModelError
from app.marketplace import marketplaces
from tests.tiny_vlm import make_tiny_causal_lm, make_tiny_qwen3_vl

DESCRIPTION = Description(
    "A red ceramic mug with a white handle.",
    {"product_type": "mug", "colors": "red, white", "material": "ceramic"},
    model_id="tiny-vlm",
    revision="abc123",
)
VALID = {
    "title": "Кружка керамическая красная с белой ручкой",
    "description": "Красная керамическая кружка с белой ручкой.\n\nПодходит для чая и кофе.",
    "attributes": {"Цвет": "красный, белый", "Материал": "керамика"},
    "keywords": ["кружка", "керамическая кружка", "красная кружка"],
}


@pytest.fixture(scope="module")
def tiny_lm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_causal_lm(tmp_path_factory.mktemp("models") / "tiny-lm")


@pytest.fixture
def writer(tiny_lm_dir: Path) -> Iterator[LocalWriter]:
    w = LocalWriter(str(tiny_lm_dir), device="cpu", max_new_tokens=12)
    yield w
    asyncio.run(w.aclose())


def _count_calls(monkeypatch: pytest.MonkeyPatch, writer: LocalWriter) -> list[list[dict[str, str]]]:
    """Wrap the real model call; returns the list of chats it was asked."""
    calls: list[list[dict[str, str]]] = []
    real = writer._complete

    def counted(messages: list[dict[str, str]]) -> tuple[str, bool]:
        calls.append(messages)
        return real(messages)

    monkeypatch.setattr(writer, "_complete", counted)
    return calls


def _answers(monkeypatch: pytest.MonkeyPatch, writer: LocalWriter, answers: list[str]) -> list[str]:
    """Replace the generate step with canned answers (after the "{" prefill); returns prompts seen."""
    prompts: list[str] = []

    def fake_generate(prompt: str) -> tuple[str, bool]:
        prompts.append(prompt)
        return answers[len(prompts) - 1], False

    monkeypatch.setattr(writer, "_generate", fake_generate)
    return prompts


def _write(writer: LocalWriter, market: str = "ozon") -> Card:
    return asyncio.run(writer.write(DESCRIPTION, product_name="Кружка", marketplace=marketplaces.get(market)))


def test_random_weights_fail_the_product_after_exactly_one_corrective_retry(
    writer: LocalWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_calls(monkeypatch, writer)
    with pytest.raises(CardTextError, match="Кружка.*corrective retry"):
        _write(writer)
    assert len(calls) == 2
    first, retry = (chat[-1]["content"] for chat in calls)
    assert "Предыдущий ответ" in retry and "Предыдущий ответ" not in first


def test_a_valid_answer_becomes_a_validated_card_with_provenance(
    writer: LocalWriter, monkeypatch: pytest.MonkeyPatch, tiny_lm_dir: Path
) -> None:
    prompts = _answers(monkeypatch, writer, [json.dumps(VALID, ensure_ascii=False)[1:]])
    card = _write(writer)
    assert len(prompts) == 1
    assert prompts[0].endswith("{")  # the answer is prefilled
    assert "A red ceramic mug" in prompts[0] and "Ozon" in prompts[0]
    assert (card.title, card.attributes, card.keywords) == (
        VALID["title"],
        VALID["attributes"],
        VALID["keywords"],
    )
    assert card.provenance.pop("created_at")
    assert card.provenance == {
        "writer": "local",
        "model": str(tiny_lm_dir.resolve()),
        "revision": "local",
        "describer": "tiny-vlm",
        "describer_revision": "abc123",
    }
    assert card.flags == []


def test_a_bad_first_answer_is_corrected_by_the_retry(
    writer: LocalWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = json.dumps(VALID, ensure_ascii=False)  # a full object after the prefill still parses
    prompts = _answers(monkeypatch, writer, ['"title": "Mug", "description": ""}', fixed])
    card = _write(writer)
    assert len(prompts) == 2
    assert "must be in Russian" in prompts[1] and "'description' is empty" in prompts[1]
    assert card.title == VALID["title"]


def test_a_card_over_the_marketplace_limits_gets_one_rewrite(
    writer: LocalWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = marketplaces.get("wb")
    long_text = "Красная керамическая кружка с белой ручкой для чая и кофе. " * 30
    too_long = {**VALID, "title": "Кружка " * 20, "description": long_text}
    short = {**too_long, "title": VALID["title"]}
    prompts = _answers(
        monkeypatch, writer, [json.dumps(a, ensure_ascii=False)[1:] for a in (too_long, short)]
    )
    card = _write(writer, "wb")
    assert len(prompts) == 2
    assert "сократи название" in prompts[1]
    assert card.title == VALID["title"] and len(card.title) <= wb.title_max


def test_a_vlm_can_write_the_card_from_text_alone(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = make_tiny_qwen3_vl(tmp_path_factory.mktemp("models") / "tiny-qwen3-vl")
    w = LocalWriter(str(directory), device="cpu", max_new_tokens=6)
    calls = _count_calls(monkeypatch, w)
    with pytest.raises(CardTextError):
        _write(w)
    assert len(calls) == 2
    assert w.model_id == str(directory.resolve())
    asyncio.run(w.aclose())


def test_the_default_writer_works_by_name_and_allows_commercial_use() -> None:
    from app.cardtext.local_writer import DEFAULT_WRITER_MODEL

    spec = WRITER_MODELS[DEFAULT_WRITER_MODEL]
    assert spec.revision and len(spec.revision) == 40 and spec.commercial_use
    assert LocalWriter().name == "local"  # no "no pinned revision": nothing more to choose


def test_an_unpinned_writer_is_refused_with_the_way_to_pin_it() -> None:
    with pytest.raises(ModelError, match="vitrina models download vikhr-qwen2.5-1.5b"):
        LocalWriter("vikhr-qwen2.5-1.5b")


def test_the_writer_registry_makes_it_by_name(tiny_lm_dir: Path) -> None:
    w = make_writer("local", model=str(tiny_lm_dir), device="cpu")
    assert isinstance(w, LocalWriter) and w.name == "local"


def test_aclose_releases_the_model(writer: LocalWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    _answers(monkeypatch, writer, [json.dumps(VALID, ensure_ascii=False)[1:]])
    _write(writer)
    model = weakref.ref(writer._net)
    asyncio.run(writer.aclose())
    assert model() is None
