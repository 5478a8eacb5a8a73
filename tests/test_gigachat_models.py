"""The GigaChat model picker offers chat models only: /models also lists Embeddings and GigaCheck,
which can neither write a card nor describe a photo. Checked at every place that lists models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from app.cardtext.gigachat_client import chat_model_names
from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter
from app.cli import main
from tests.gigachat_server import FakeGigaChat

# What the service lists for a personal key (types as the API reports them).
MIXED = ("GigaChat-2", ("Embeddings", "embedder"), ("EmbeddingsGigaR", "embedder"),
         ("GigaCheckClassification", "aicheck"), ("GigaCheckDetection", "aicheck"),
         "GigaChat-2-Max", "GigaChat-2-Pro")
CHAT = ["GigaChat-2", "GigaChat-2-Max", "GigaChat-2-Pro"]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGigaChat]:
    with FakeGigaChat(models=MIXED) as fake:
        monkeypatch.setattr("keyring.get_password", lambda *a: None)  # no developer's key leaks in
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", fake.key)
        monkeypatch.setenv("GIGACHAT_BASE_URL", fake.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", fake.auth_url)
        yield fake


def test_the_writer_lists_chat_models_only(server: FakeGigaChat) -> None:
    async def run() -> list[str]:
        writer = GigaChatWriter(GigaChatSettings(max_retries=0))
        try:
            return await writer.list_models()
        finally:
            await writer.aclose()

    assert asyncio.run(run()) == CHAT


def test_the_models_type_decides_when_the_sdk_keeps_it() -> None:
    models = [SimpleNamespace(id_="GigaChat-3-Ultra", type="chat"),
              SimpleNamespace(id_="Giga-Vector", type="embedder"),  # no telltale name: the type decides
              SimpleNamespace(id_="EmbeddingsGigaR"), SimpleNamespace(id_="GigaChat-2"),
              SimpleNamespace(id_="")]
    assert chat_model_names(models) == ["GigaChat-2", "GigaChat-3-Ultra"]


def test_vitrina_gigachat_test_prints_chat_models_only(server: FakeGigaChat, capsys) -> None:
    assert main(["gigachat", "test"]) == 0
    out = capsys.readouterr().out
    assert "Connected. Models: GigaChat-2, GigaChat-2-Max, GigaChat-2-Pro" in out
    assert "Embeddings" not in out and "GigaCheck" not in out


def test_the_connection_test_feeds_the_picker_chat_models_only(server: FakeGigaChat, qtbot) -> None:
    from ui.connection_test import ConnectionTest

    tester = ConnectionTest()
    with qtbot.waitSignal(tester.finished, timeout=15000) as done:
        tester.start(server.key, "GIGACHAT_API_PERS")
    assert done.args == [CHAT, ""]


def test_the_welcome_page_shows_chat_models_only(server: FakeGigaChat, qtbot) -> None:
    from ui.welcome.gigachat_page import GigaChatPage

    page = GigaChatPage()
    qtbot.addWidget(page)
    page.key.setText(server.key)
    with qtbot.waitSignal(page.tester.finished, timeout=15000):
        page.test_connection()
    assert page.result.text() == "Connected. Models: " + ", ".join(CHAT)
