"""Card text from the window: write it, see it appear, keep edits, regenerate (asked), copy, cancel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app import settings as app_settings
from app.cardtext.card import Card
from app.describe import load_describer
from app.describe.protocol import Description
from app.pipeline import text as text_stage
from app.studio import TextResult, card_of
from tests.gigachat_server import CARD, FakeGigaChat, Reply
from tests.ui.answer import answer_next_question
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, make_shoot
from tests.ui.test_main_window import TASK_TIMEOUT_MS, run_task, show
from ui.main_window import MainWindow

NEW_TITLE = "Мяч зелёный резиновый"


@pytest.fixture
def gigachat(monkeypatch) -> Iterator[FakeGigaChat]:
    with FakeGigaChat(lifetime=600) as server:
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", server.key)
        monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)
        yield server


@pytest.fixture
def quick_describer(monkeypatch, tiny_vlm_model) -> None:
    """The real describer on the tiny model, told to say little (a few tokens keep the test fast)."""
    monkeypatch.setattr(text_stage, "default_describer", lambda options, events: load_describer(
        options.vlm_model, device="cpu", max_new_tokens=6, events=events))


def test_write_card_text_edit_regenerate_and_copy(qtbot, window: MainWindow, tmp_path, tiny_vlm_model,
                                                  gigachat, quick_describer) -> None:
    app_settings.update(text_provider="gigachat", vlm_model=str(tiny_vlm_model), device="cpu")
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    show(qtbot, window, [LOOSE])

    # "Write card text for all": every product gets its card; the open one shows it at once.
    with qtbot.waitSignal(window.runner.finished, timeout=TASK_TIMEOUT_MS) as done:
        window.acts.write_text_all.trigger()
    result: TextResult = done.args[1]
    assert sorted(result.written) == sorted([PRODUCT, LOOSE]) and list(result.failed) == [BROKEN]
    assert window.card.title.text() == CARD["title"]
    assert window.card.attributes.rowCount() == len(CARD["attributes"])
    assert len(gigachat.chat_requests()) == 2
    state = json.loads((shoot / ".vitrina" / "state.json").read_text("utf-8"))
    assert state["products"][LOOSE]["card"]["title"] == CARD["title"]
    assert "none of its photos" in state["products"][BROKEN]["text_error"]
    assert any(BROKEN in line for line in window.log.lines())

    # The user edits the title; writing again pays for nothing and keeps the edit.
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        window.card.title.setText("Мой мяч")
    gigachat.requests.clear()
    run_task(qtbot, window, lambda: window.text_run.write(None))
    assert gigachat.chat_requests() == [] and window.card.title.text() == "Мой мяч"

    # Regenerate asks before replacing an edit: "No" changes nothing ...
    asked = answer_next_question(QMessageBox.StandardButton.No)
    window.card.regenerate.click()
    assert asked and not window.runner.busy and window.card.title.text() == "Мой мяч"
    # ... "Yes" writes a new card over it.
    gigachat.script(Reply.card({**CARD, "title": NEW_TITLE}))
    answer_next_question(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.runner.finished, timeout=TASK_TIMEOUT_MS):
        window.card.regenerate.click()
    assert window.card.title.text() == NEW_TITLE
    assert window.project.product(LOOSE).card_edited is False
    assert len(gigachat.chat_requests()) == 1

    window.card.copy.click()
    copied = QGuiApplication.clipboard().text()
    assert NEW_TITLE in copied and CARD["description"].splitlines()[0] in copied
    assert "Материал: керамика" in copied


class _FakeDescriber:
    model_id, revision = "fake-describer", "0"

    def describe(self, products) -> list[Description]:  # noqa: ANN001
        return [Description(text="a product") for _ in products]

    def close(self) -> None:
        pass


class _SlowWriter:
    """The first card comes back at once, the rest hang like a stalled service: writes run
    concurrently, so a uniformly slow writer would finish them all in the same instant and
    the test would race the Stop button."""
    name = "slow"

    def __init__(self) -> None:
        self.calls = 0

    async def write(self, description: Description, *, product_name: str, marketplace) -> Card:  # noqa: ANN001
        self.calls += 1
        if self.calls > 1:
            await asyncio.sleep(60)
        return Card(title=f"Товар {product_name}", description="Описание товара.")

    async def aclose(self) -> None:
        pass


def test_cancel_stops_writing_and_keeps_the_cards_written(qtbot, window: MainWindow, tmp_path,
                                                          monkeypatch) -> None:
    monkeypatch.setattr(text_stage, "default_describer", lambda *_: _FakeDescriber())
    monkeypatch.setattr(text_stage, "default_writer", lambda *_: _SlowWriter())
    app_settings.update(text_provider="local")
    assert window.open_folder(make_shoot(tmp_path, extra=12))
    cancel = window.progress.cancel_button
    window.runner.item_done.connect(lambda _item, stage: stage == "text" and cancel.click())
    result = run_task(qtbot, window, lambda: window.text_run.write(None))
    assert result.cancelled and 1 <= len(result.written) < 14
    written = [p.key for p in window.project.products if card_of(window.project, p.key) is not None]
    assert sorted(written) == sorted(result.written)
    assert "Stopped" in window.statusBar().currentMessage()
    assert window.acts.write_text_all.isEnabled()


def test_card_text_switched_off_is_said_once_as_a_notice_and_starts_nothing(qtbot, window, tmp_path) -> None:
    app_settings.update(text_provider="none")
    assert window.open_folder(make_shoot(tmp_path))
    assert not window.text_run.write(None)
    assert not window.runner.busy
    said = [line for line in window.log.lines() if "Card text is off" in line]
    assert len(said) == 1 and "✖" not in said[0]  # a setting, not an error
    assert said[0].count("ard text") == 1  # not "card text: Card text is off"
    assert "Settings" in window.statusBar().currentMessage()
