"""The Card text tab's Wildberries section, driven in the real window: search and choose a category
from the loopback content API, its characteristics appear, the card writer fills them (an invented
colour is refused and said), what blocks publishing is listed, edits are saved and undone, and a
missing token is explained while the rest stays editable."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from app import settings as app_settings
from app.cardtext.card import Card
from app.publish.wb import api
from app.studio import set_card
from tests.fake_wb import FakeWB
from tests.gigachat_server import FakeGigaChat, Reply
from tests.ui.shoot import LOOSE, PRODUCT, make_shoot
from tests.ui.test_main_window import show
from ui.main_window import MainWindow
from ui.wb_listing_panel import WBListingPanel

ONE = f"{PRODUCT}/1.png"
COLOUR, MATERIAL = 14177449, 17596
CARD = Card(title="Кружка керамическая красная 350 мл", description="Керамическая кружка с ручкой.",
            attributes={"Материал": "керамика"})
WAIT_MS = 15_000


@pytest.fixture
def fake_wb(monkeypatch: pytest.MonkeyPatch, keyring_store: dict) -> Iterator[FakeWB]:
    with FakeWB(time_scale=0.01) as fake:
        monkeypatch.setenv(api.URL_ENV, fake.url)
        monkeypatch.setenv("WB_API_TOKEN", fake.token)
        monkeypatch.setattr(api, "LIMITS", {k: (i / 100, b) for k, (i, b) in api.LIMITS.items()})
        yield fake


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGigaChat]:
    with FakeGigaChat(lifetime=120) as server:
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", server.key)
        monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)
        app_settings.update(text_provider="gigachat")
        yield server


def _open(qtbot, window: MainWindow, tmp_path) -> WBListingPanel:  # noqa: ANN001
    assert window.open_folder(make_shoot(tmp_path))
    set_card(window.project, PRODUCT, CARD)
    window.side.setCurrentWidget(window.card)
    window.card.sections.setCurrentWidget(window.card.wb)
    show(qtbot, window, [ONE])
    return window.card.wb


def _rows(panel: WBListingPanel) -> dict[str, QLineEdit]:
    """The characteristics form as the user reads it: label text → its editor."""
    rows = {}
    for row in range(panel.charcs.form.rowCount()):
        label = panel.charcs.form.itemAt(row, panel.charcs.form.ItemRole.LabelRole).widget()
        editor = panel.charcs.form.itemAt(row, panel.charcs.form.ItemRole.FieldRole).widget()
        assert isinstance(label, QLabel) and isinstance(editor, QLineEdit)
        rows[label.text().split(",")[0].split(" <")[0]] = editor
    return rows


def _completes(editor: QLineEdit, typed: str, chosen: str) -> None:
    """The completer offers the dictionary's values for the part after the last comma, and picking
    one keeps what was typed before it (the popup itself needs a focused window, which offscreen
    tests lack, so its pick is simulated)."""
    completer = editor.completer()
    editor.setText(typed)
    completer.setCompletionPrefix(typed)
    offered = [completer.completionModel().index(n, 0).data() for n in range(completer.completionCount())]
    assert offered and all("кра" in value for value in offered)
    picked: list[str] = []
    completer.activated.connect(picked.append)
    index = next(completer.completionModel().index(n, 0) for n in range(completer.completionCount())
                 if completer.completionModel().index(n, 0).data() == chosen.split(", ")[-1])
    completer.popup().clicked.emit(index)
    assert picked == [chosen]
    editor.setText("")


def _click(qtbot, panel: WBListingPanel, text: str) -> None:  # noqa: ANN001
    item = next(panel.category.results.item(n) for n in range(panel.category.results.count())
                if panel.category.results.item(n).text().startswith(text))
    qtbot.mouseClick(panel.category.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.category.results.visualItemRect(item).center())


def test_choose_a_category_fill_it_see_what_blocks_and_undo(qtbot, window: MainWindow, tmp_path,
                                                            fake_wb: FakeWB, writer: FakeGigaChat) -> None:
    panel = _open(qtbot, window, tmp_path)
    project = window.project
    assert panel.category.chosen.text().startswith("No category chosen")
    assert "no Wildberries category" in panel.blocking.text()
    assert window.card.sections.tabText(1) == "Wildberries (2)"  # no category, no package: seen from Text too
    assert panel.fields.vendor_code.placeholderText() == PRODUCT  # the bundle's name, until the user sets one

    panel.category.search.setText("кружк")
    qtbot.mouseClick(panel.category.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.category.results.count() == 2, timeout=WAIT_MS)
    assert panel.category.results.isVisible()
    _click(qtbot, panel, "Кружки — Посуда")
    qtbot.waitUntil(lambda: panel.charcs.form.rowCount() == 4, timeout=WAIT_MS)
    assert project.product(PRODUCT).wb["subject_id"] == 2956
    assert "«Кружки» (2956)" in panel.category.chosen.text() and not panel.category.results.isVisible()
    rows = _rows(panel)
    assert list(rows)[:2] == ["Цвет", "Материал изделия"]  # the required ones first
    assert rows["Объем"].placeholderText() == "a number in мл"
    _completes(rows["Цвет"], "белый, кра", "белый, красный")  # the Wildberries colours, as one types
    assert "required characteristics are empty: Цвет, Материал изделия" in panel.blocking.text()

    # Fill from card text: one writer call; the valid value is stored, the invented colour said.
    answer = {str(COLOUR): ["синеватый"], str(MATERIAL): ["керамика"]}
    writer.script(Reply(content=json.dumps(answer, ensure_ascii=False)))
    qtbot.mouseClick(panel.fill_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "синеватый" in panel.fill_note.text(), timeout=WAIT_MS)
    assert len(writer.chat_requests()) == 1
    assert project.product(PRODUCT).wb["characteristics"] == {str(MATERIAL): ["керамика"]}
    assert _rows(panel)["Материал изделия"].text() == "керамика"
    assert "is not one of Wildberries' colours" in panel.fill_note.text()
    assert "required characteristics are empty: Цвет" in panel.blocking.text()
    assert "Материал изделия" not in panel.blocking.text()

    # The user types the colour: saved when they pause, and the block is gone.
    colour = _rows(panel)["Цвет"]
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        colour.insert("красный")  # as typed (QTest cannot type Cyrillic); textEdited fires
    assert project.product(PRODUCT).wb["characteristics"][str(COLOUR)] == ["красный"]
    assert "Цвет" not in panel.blocking.text()

    # Another product shows its own (empty) listing; coming back shows this one's.
    show(qtbot, window, [LOOSE])
    assert panel.category.chosen.text().startswith("No category chosen") and panel.charcs.form.rowCount() == 0
    show(qtbot, window, [ONE])
    assert _rows(panel)["Цвет"].text() == "красный"

    # Edit → Undo takes the typed colour back, then the fill, in the form and in the saved state.
    window.acts.undo.trigger()
    assert _rows(panel)["Цвет"].text() == ""
    assert str(COLOUR) not in project.product(PRODUCT).wb["characteristics"]
    assert "required characteristics are empty: Цвет" in panel.blocking.text()
    window.acts.undo.trigger()
    assert _rows(panel)["Материал изделия"].text() == ""
    state = json.loads((project.root / ".vitrina" / "state.json").read_text("utf-8"))
    assert state["products"][PRODUCT]["wb"] == {"subject_id": 2956, "subject_name": "Кружки"}


def test_package_brand_and_price_are_saved_for_the_product_shown(qtbot, window: MainWindow, tmp_path,
                                                                 fake_wb: FakeWB) -> None:
    panel = _open(qtbot, window, tmp_path)
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        panel.fields.brand.insert("Витрина")
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        package = panel.fields.package
        for spin, value in ((package.length, 12), (package.width, 9), (package.height, 10),
                            (package.weight, 0.4)):
            spin.setValue(value)
        panel.fields.price.setValue(990)
    listing = window.project.product(PRODUCT).wb
    assert listing["brand"] == "Витрина" and listing["price"] == 990
    assert listing["dimensions"] == {"length": 12, "width": 9, "height": 10, "weight": 0.4}
    assert "no package dimensions" not in panel.blocking.text()
    assert window.project.product(LOOSE).wb is None


def test_suggest_asks_the_writer_and_chooses_its_pick(qtbot, window: MainWindow, tmp_path, fake_wb: FakeWB,
                                                      writer: FakeGigaChat) -> None:
    panel = _open(qtbot, window, tmp_path)
    writer.script(Reply(content='{"subjectID": 2956}'))
    qtbot.mouseClick(panel.category.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.charcs.form.rowCount() == 4, timeout=WAIT_MS)
    assert window.project.product(PRODUCT).wb["subject_name"] == "Кружки"
    assert "suggests «Кружки»" in panel.category_note.text()
    assert panel.category.results.count() == 2  # the other candidates, to pick another one
    assert len(writer.chat_requests()) == 1


def test_without_a_token_the_search_says_how_to_add_one(qtbot, window: MainWindow, tmp_path,
                                                        keyring_store: dict, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("WB_API_TOKEN", raising=False)
    panel = _open(qtbot, window, tmp_path)
    note = panel.category_note.text()
    assert panel.category_note.isVisible()
    assert "Settings → Wildberries" in note and "vitrina wildberries set-token" in note
    panel.category.search.setText("кружк")
    qtbot.mouseClick(panel.category.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.category.search_button.isEnabled(), timeout=WAIT_MS)
    assert "Settings → Wildberries" in panel.category_note.text() and panel.category.results.count() == 0
    with qtbot.waitSignal(window.card.saved, timeout=5_000):  # the rest is still the user's to fill
        qtbot.keyClicks(panel.fields.vendor_code, "MUG-1")
    assert window.project.product(PRODUCT).wb == {"vendor_code": "MUG-1"}


def test_no_card_writer_is_said_instead_of_a_silent_button(qtbot, window: MainWindow, tmp_path,
                                                           fake_wb: FakeWB) -> None:
    app_settings.update(text_provider="none")
    panel = _open(qtbot, window, tmp_path)
    qtbot.mouseClick(panel.category.suggest_button, Qt.MouseButton.LeftButton)
    assert "No card writer is chosen" in panel.fill_note.text() and panel.fill_note.isVisible()


class _LocalWriter:
    """A stand-in for the local card writer, whose load is what takes seconds and gigabytes."""

    async def answer(self, system: str, user: str) -> str:
        return '{"subjectID": 2956}'

    async def aclose(self) -> None:
        pass


def _suggest_twice(qtbot, window: MainWindow, tmp_path, monkeypatch, keep_minutes: int) -> list[str]:  # noqa: ANN001
    """Suggest, twice, with a local writer; returns the writer loads it took."""
    from app.pipeline import text as text_stage

    loads: list[str] = []
    monkeypatch.setattr(text_stage, "default_writer",
                        lambda options, _events: loads.append(options.provider) or _LocalWriter())
    app_settings.update(text_provider="local", keep_models_minutes=keep_minutes)
    window.models.settings_saved()  # as Settings → OK does
    panel = _open(qtbot, window, tmp_path)
    for _ in range(2):
        qtbot.mouseClick(panel.category.suggest_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "suggests «Кружки»" in panel.category_note.text(), timeout=WAIT_MS)
        qtbot.waitUntil(panel.category.suggest_button.isEnabled, timeout=WAIT_MS)
    return loads


def test_a_second_suggestion_reuses_the_local_writer_the_window_keeps(qtbot, window: MainWindow, tmp_path,
                                                                      fake_wb: FakeWB, monkeypatch) -> None:
    assert _suggest_twice(qtbot, window, tmp_path, monkeypatch, keep_minutes=10) == ["local"]
    assert window.models.kept.loaded()  # kept, and shown in the status bar, until Keep models says


def test_keep_models_off_releases_the_writer_after_each_suggestion(qtbot, window: MainWindow, tmp_path,
                                                                   fake_wb: FakeWB, monkeypatch) -> None:
    assert _suggest_twice(qtbot, window, tmp_path, monkeypatch, keep_minutes=0) == ["local", "local"]
    assert window.models.kept.loaded() == []


def test_the_export_folders_defaults_stand_for_what_the_product_lacks(qtbot, window: MainWindow, tmp_path,
                                                                      fake_wb: FakeWB) -> None:
    from app.project import ExportTarget
    from app.studio import remember_export_target

    panel = _open(qtbot, window, tmp_path)
    assert "no package dimensions" in panel.blocking.text()
    out = tmp_path / "cards"
    (out / ".vitrina").mkdir(parents=True)
    (out / ".vitrina" / "publish.json").write_text(json.dumps({"version": 1, "defaults": {
        "brand": "Витрина", "dimensions": {"length": 12, "width": 9, "height": 10, "weight": 0.4}}}), "utf-8")
    remember_export_target(window.project, ExportTarget(folder=str(out)))  # as Export to… does
    show(qtbot, window, [LOOSE])
    show(qtbot, window, [ONE])
    assert "Витрина" in panel.fields.brand.placeholderText() and panel.fields.brand.text() == ""
    assert "12 × 9 × 10 cm, 0.4 kg" in panel.fields.folder_note.text()
    assert panel.fields.folder_note.isVisible()
    assert "no package dimensions" not in panel.blocking.text()
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        panel.fields.package.length.setValue(20)  # its own package: the folder's is no longer what counts
    assert not panel.fields.folder_note.isVisible()
