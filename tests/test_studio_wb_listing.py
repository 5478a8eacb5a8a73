"""A product's Wildberries listing in the studio (app/studio/wb_listing.py): stored and undone like a
card edit, the catalogue through the loopback content API (tests/fake_wb.py), the category and the
characteristics from the real GigaChat writer against its loopback server (tests/gigachat_server.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image

from app.cardtext.card import Card
from app.project import Project
from app.publish.fields import bundle_fields
from app.publish.wb import api
from app.publish.wb.charcs import Characteristic
from app.publish.wb.fill import FillResult
from app.publish.wb.listing import Dimensions
from app.studio import history_of, set_card
from app.studio import wb_listing as wb
from tests.fake_wb import FakeWB
from tests.gigachat_server import FakeGigaChat, Reply
from tests.ui.shoot import LOOSE, PRODUCT, make_shoot
from tests.wb_fixtures import gigachat_writer, serve_wb

T = TypeVar("T")
MUG = wb.Subject(2956, "Кружки", "Посуда и инвентарь")
COLOUR, MATERIAL, VOLUME, COUNTRY = 14177449, 17596, 17462, 14177451
CARD = Card(title="Кружка керамическая красная 350 мл",
            description="Красная керамическая кружка с белой ручкой. Объём 350 мл.",
            attributes={"Материал": "керамика", "Цвет": "красный"})


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(make_shoot(tmp_path))
    set_card(project, PRODUCT, CARD, label="card")
    history_of(project).clear()
    return project


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the developer's keyring holds, the token comes from WB_API_TOKEN or nowhere."""
    monkeypatch.setattr("keyring.get_password", lambda _service, _user: None)
    monkeypatch.delenv("WB_API_TOKEN", raising=False)


@pytest.fixture
def fake_wb(monkeypatch: pytest.MonkeyPatch, no_keyring: None) -> Iterator[FakeWB]:
    with serve_wb(monkeypatch) as fake:
        yield fake


@pytest.fixture
def gigachat() -> Iterator[FakeGigaChat]:
    with FakeGigaChat() as server:
        yield server


_writer = gigachat_writer


def _on(make: Callable[[], Any], job: Callable[[Any], Awaitable[T]]) -> T:
    async def run() -> T:
        writer = make()
        try:
            return await job(writer)
        finally:
            await writer.aclose()

    return asyncio.run(run())


def _stored(project: Project, key: str) -> Any:
    """What state.json holds for the product's listing (saved at once, read back from disk)."""
    state = json.loads((project.root / ".vitrina" / "state.json").read_text("utf-8"))
    return state["products"][key]["wb"]


# -- the listing, stored and undone ------------------------------------------------------------


def test_each_edit_is_saved_at_once_and_undone_as_one_step(project: Project) -> None:
    wb.set_subject(project, PRODUCT, MUG, label="category")
    wb.set_brand(project, PRODUCT, "  Витрина  ", label="brand")
    wb.set_dimensions(project, PRODUCT, Dimensions(12, 9, 10, 0.4), label="package")
    wb.set_price(project, PRODUCT, 990, label="price")
    wb.set_characteristic(project, PRODUCT, COLOUR, ["красный"], label="colour")
    assert _stored(project, PRODUCT) == {
        "subject_id": 2956, "subject_name": "Кружки", "brand": "Витрина", "price": 990,
        "dimensions": {"length": 12, "width": 9, "height": 10, "weight": 0.4},
        "characteristics": {str(COLOUR): ["красный"]}}
    history = history_of(project)
    assert history.steps == 5 and history.undo_label == "colour"

    history.undo(project)
    history.undo(project)
    assert wb.listing_of(project, PRODUCT).characteristics == {}
    assert wb.listing_of(Project(project.root), PRODUCT).price is None  # the undo is saved too
    history.redo(project)
    assert wb.listing_of(project, PRODUCT).price == 990


def test_typing_into_one_field_is_one_undo_step(project: Project) -> None:
    for brand in ("В", "Ви", "Витрина"):
        wb.set_brand(project, PRODUCT, brand, label="brand")
    assert history_of(project).steps == 1
    history_of(project).undo(project)
    assert project.product(PRODUCT).wb is None  # nothing left: no empty block in card.json


def test_the_vendor_code_is_the_bundle_name_until_set(project: Project) -> None:
    assert wb.vendor_code_of(project, PRODUCT) == PRODUCT  # the name export will give the bundle
    project.product(LOOSE).bundle = "мяч"
    assert wb.default_vendor_code(project, LOOSE) == "мяч"
    wb.set_vendor_code(project, PRODUCT, "MUG-RED-350")
    assert wb.vendor_code_of(project, PRODUCT) == "MUG-RED-350"
    wb.set_vendor_code(project, PRODUCT, PRODUCT)  # typed back to the default: follows the bundle again
    assert "vendor_code" not in (project.product(PRODUCT).wb or {})


def test_a_half_typed_package_is_kept_and_an_empty_one_is_unset(project: Project) -> None:
    wb.set_dimensions(project, PRODUCT, Dimensions(12, 0, 0, 0.0))
    assert wb.listing_of(project, PRODUCT).dimensions == Dimensions(12, 0, 0, 0.0)
    wb.set_dimensions(project, PRODUCT, Dimensions(0, 0, 0, 0.0))
    assert "dimensions" not in (project.product(PRODUCT).wb or {})  # the folder's default applies


def test_export_carries_the_listing_into_card_json(project: Project) -> None:
    wb.set_subject(project, PRODUCT, MUG)
    product = next(p for p in project.products if p.key == PRODUCT)
    assert bundle_fields(project, product)["wb"] == {"subject_id": 2956, "subject_name": "Кружки"}


def test_keys_this_version_does_not_know_are_kept(project: Project) -> None:
    project.product(PRODUCT).wb = {"subject_id": 2956, "future": {"x": 1}}
    wb.set_brand(project, PRODUCT, "Витрина")
    assert project.product(PRODUCT).wb == {"subject_id": 2956, "future": {"x": 1}, "brand": "Витрина"}


def test_a_broken_listing_reads_as_unset_and_never_crashes(project: Project) -> None:
    project.product(PRODUCT).wb = {"subject_id": "кружки", "dimensions": [1, 2], "price": True,
                                   "characteristics": {"abc": 1, "17596": ["керамика"]}}
    listing = wb.listing_of(project, PRODUCT)
    assert (listing.subject_id, listing.dimensions, listing.price) == (None, None, None)
    assert listing.characteristics == {MATERIAL: ["керамика"]}


def test_typed_values_become_lists_and_numbers_and_an_unreadable_number_is_kept() -> None:
    colour = Characteristic(COLOUR, "Цвет", max_count=3)
    volume = Characteristic(VOLUME, "Объем", unit="мл", kind="number")
    assert wb.parse_value(colour, " красный,  белый ; красный ") == ["красный", "белый"]
    assert wb.parse_value(volume, "350,5 мл") == 350.5
    assert wb.parse_value(volume, "350") == 350
    assert wb.parse_value(volume, "350 г") == "350 г"  # not lost: the check says what is wrong
    assert wb.parse_value(colour, " , ") is None
    assert [wb.value_text(v) for v in (["красный", "белый"], 350, 0.35, None)] == \
        ["красный, белый", "350", "0.35", ""]


# -- the catalogue ------------------------------------------------------------------------------


def test_categories_are_searched_with_the_stored_token(fake_wb: FakeWB) -> None:
    assert wb.subjects("кружк") == [MUG, wb.Subject(2957, "Кружки для пива", "Посуда и инвентарь")]
    assert wb.subjects("  ") == []
    [request] = fake_wb.requests_to("/content/v2/object/all")
    assert request.headers["authorization"] == fake_wb.token


def test_no_token_says_where_to_add_one(no_keyring: None) -> None:
    with pytest.raises(wb.NoToken) as err:
        wb.subjects("кружк")
    assert "Settings → Wildberries" in str(err.value) and "vitrina wildberries set-token" in str(err.value)
    assert not wb.has_token()


def test_characteristics_are_fetched_once_then_read_from_the_cache(fake_wb: FakeWB,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    category = wb.characteristics(MUG.id)
    assert [c.name for c in category.charcs] == ["Цвет", "Материал изделия", "Объем", "Страна производства"]
    colour = next(c for c in category.charcs if c.id == COLOUR)
    assert "красный" in (category.dictionary_for(colour) or [])
    sent = len(fake_wb.requests)
    assert wb.characteristics(MUG.id) == category and len(fake_wb.requests) == sent
    monkeypatch.delenv("WB_API_TOKEN")  # no token: the cache still answers
    assert wb.characteristics(MUG.id) == category == wb.cached_characteristics(MUG.id)
    assert wb.cached_characteristics(105) is None
    with pytest.raises(wb.NoToken):
        wb.characteristics(105)


def test_an_unreachable_wildberries_falls_back_to_an_older_cached_copy(
        fake_wb: FakeWB, monkeypatch: pytest.MonkeyPatch) -> None:
    category = wb.characteristics(MUG.id)
    for path in wb.cache_folder().glob("*.json"):  # a month old: past the week it is trusted for
        stored = json.loads(path.read_text("utf-8"))
        stored["fetched_at"] = "2000-01-01T00:00:00+00:00"
        path.write_text(json.dumps(stored, ensure_ascii=False), "utf-8")
    fake_wb.stop()
    monkeypatch.setattr(api, "MAX_SERVER_RETRIES", 0)
    assert wb.characteristics(MUG.id) == category


# -- the card writer ----------------------------------------------------------------------------


def test_the_writer_picks_a_category_among_what_wildberries_offers(project: Project, fake_wb: FakeWB,
                                                                  gigachat: FakeGigaChat) -> None:
    gigachat.script(Reply(content='{"subjectID": 2956}'))
    found = _on(_writer(gigachat), lambda w: wb.suggest(project, PRODUCT, w))
    assert found.picked == MUG and MUG in found.candidates
    [chat] = gigachat.chat_requests()
    assert "Кружки для пива" in chat.json()["messages"][1]["content"]
    assert project.product(PRODUCT).wb is None  # a suggestion; choosing it is the caller's step


def test_no_card_text_means_no_writer_call(project: Project, fake_wb: FakeWB, gigachat: FakeGigaChat) -> None:
    with pytest.raises(wb.VitrinaError, match="no card text"):
        _on(_writer(gigachat), lambda w: wb.suggest(project, LOOSE, w))
    assert gigachat.chat_requests() == []


def test_fill_stores_what_is_valid_and_reports_an_invented_colour(project: Project, fake_wb: FakeWB,
                                                                 gigachat: FakeGigaChat) -> None:
    wb.set_subject(project, PRODUCT, MUG)
    wb.set_characteristic(project, PRODUCT, COUNTRY, ["Китай"])  # the user's own: never asked for
    history_of(project).clear()
    answer = {str(COLOUR): ["синеватый", "красный"], str(MATERIAL): ["керамика"], str(VOLUME): "350 мл"}
    gigachat.script(Reply(content=json.dumps(answer, ensure_ascii=False)))
    result = _on(_writer(gigachat), lambda w: wb.fill(project, PRODUCT, w, label="filled"))
    assert result.problems == ['«Цвет»: "синеватый" is not one of Wildberries\' colours']
    assert _stored(project, PRODUCT)["characteristics"] == {
        str(COUNTRY): ["Китай"], str(COLOUR): ["красный"], str(MATERIAL): ["керамика"], str(VOLUME): 350}
    prompt = gigachat.chat_requests()[0].json()["messages"][1]["content"]
    assert "«Страна производства»" not in prompt and "«Цвет»" in prompt
    assert history_of(project).steps == 1 and history_of(project).undo_label == "filled"
    history_of(project).undo(project)
    assert wb.listing_of(project, PRODUCT).characteristics == {COUNTRY: ["Китай"]}


def test_fill_asks_nothing_when_every_characteristic_has_a_value(project: Project, fake_wb: FakeWB,
                                                                gigachat: FakeGigaChat) -> None:
    wb.set_subject(project, PRODUCT, MUG)
    own = ((COLOUR, ["белый"]), (MATERIAL, ["фарфор"]), (VOLUME, 300), (COUNTRY, ["Россия"]))
    for charc_id, value in own:
        wb.set_characteristic(project, PRODUCT, charc_id, value)
    result = _on(_writer(gigachat), lambda w: wb.fill(project, PRODUCT, w))
    assert result.values == {} and gigachat.chat_requests() == []


def test_a_value_typed_while_the_writer_answered_wins(project: Project, fake_wb: FakeWB) -> None:
    wb.set_subject(project, PRODUCT, MUG)
    wb.set_characteristic(project, PRODUCT, COLOUR, ["белый"])
    answered = FillResult({COLOUR: ["красный"], MATERIAL: ["керамика"]}, [], "{}")
    stored = wb.store_fill(project, PRODUCT, answered)
    assert stored == 1 and wb.listing_of(project, PRODUCT).characteristics[COLOUR] == ["белый"]


# -- what blocks publishing ---------------------------------------------------------------------


def test_check_lists_what_publishing_would_block_on(project: Project, fake_wb: FakeWB) -> None:
    problems = wb.check(project, PRODUCT)
    assert any("no Wildberries category" in p for p in problems)
    assert any("no package dimensions" in p for p in problems)
    assert not any("photo" in p for p in problems)  # the bundle's photos are export's to check

    category = wb.characteristics(MUG.id)
    wb.set_subject(project, PRODUCT, MUG, keep={c.id for c in category.charcs})
    wb.set_dimensions(project, PRODUCT, Dimensions(12, 9, 10, 0.4))
    wb.set_characteristic(project, PRODUCT, COLOUR, ["зелёный в горошек"])
    problems = wb.check(project, PRODUCT, category)
    assert problems == ['«Цвет»: "зелёный в горошек" is not one of Wildberries\' colours',
                        "required characteristics are empty: Цвет, Материал изделия"]
    wb.set_characteristic(project, PRODUCT, COLOUR, ["Красный"])
    wb.set_characteristic(project, PRODUCT, MATERIAL, ["керамика"])
    assert wb.check(project, PRODUCT, category) == []


def test_check_reads_the_cached_characteristics_without_a_network(project: Project, fake_wb: FakeWB,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    wb.characteristics(MUG.id)
    wb.set_subject(project, PRODUCT, MUG)
    fake_wb.stop()
    monkeypatch.delenv("WB_API_TOKEN")
    assert "required characteristics are empty: Цвет, Материал изделия" in wb.check(project, PRODUCT)


def test_an_uncached_category_is_said_to_be_unchecked(project: Project, no_keyring: None) -> None:
    wb.set_subject(project, PRODUCT, wb.Subject(105, "Кроссовки"))
    assert wb.check(project, PRODUCT)[-1] == \
        "the category's characteristics are not loaded yet, so they are not checked"


def test_a_new_category_drops_the_values_it_has_no_place_for(project: Project) -> None:
    wb.set_subject(project, PRODUCT, MUG)
    wb.set_characteristic(project, PRODUCT, COLOUR, ["красный"])
    wb.set_characteristic(project, PRODUCT, VOLUME, 350)
    wb.set_subject(project, PRODUCT, wb.Subject(105, "Кроссовки"), keep={COLOUR, 54337})
    assert wb.listing_of(project, PRODUCT).characteristics == {COLOUR: ["красный"]}
    history_of(project).undo(project)  # and the choice comes back whole
    assert wb.listing_of(project, PRODUCT).characteristics == {COLOUR: ["красный"], VOLUME: 350}


def test_the_default_vendor_code_is_what_publishing_sends(tmp_path: Path) -> None:
    """The studio shows the code the CLI would send for a bundle with blanks in its name."""
    from app.publish.wb.listing import default_vendor_code

    shoot = tmp_path / "shoot"
    (shoot / "Кружка красная").mkdir(parents=True)
    Image.new("RGB", (64, 64), (200, 30, 30)).save(shoot / "Кружка красная" / "1.png")
    project = Project(shoot)
    shown = wb.default_vendor_code(project, "Кружка красная")
    assert shown == "Кружка-красная" == default_vendor_code("Кружка красная")
