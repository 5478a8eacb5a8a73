"""The GigaChat writer: the real SDK against the loopback server (tests/gigachat_server.py)."""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest

from app.cardtext import credentials, registry
from app.cardtext.card import Card
from app.cardtext.gigachat_writer import GigaChatError, GigaChatSettings, GigaChatWriter
from app.describe.protocol import Description
from app.marketplace.marketplaces import get
from tests.gigachat_server import CARD, FakeGigaChat, Reply

OZON, WB = get("ozon"), get("wb")
FACTS = Description("A red ceramic mug with a white handle, 350 ml.", {"color": "red"}, model_id="tiny-vlm")


@pytest.fixture
def server() -> Iterator[FakeGigaChat]:
    with FakeGigaChat() as fake:
        yield fake


def _writer(server: FakeGigaChat, **kw: Any) -> GigaChatWriter:
    # Tiny backoff values keep the retry tests fast; the logic is the same as with real ones.
    options: dict[str, Any] = {
        "credentials": server.key,
        "base_url": server.base_url,
        "auth_url": server.auth_url,
        "timeout": 2.0,
        "max_retries": 2,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
    }
    options.update(kw)
    return GigaChatWriter(GigaChatSettings(**options))


def _write(server: FakeGigaChat, count: int = 1, marketplace: Any = OZON, **kw: Any) -> list[Card]:
    async def run() -> list[Card]:
        writer = _writer(server, **kw)
        try:
            jobs = [
                writer.write(FACTS, product_name=f"mug-{i}", marketplace=marketplace) for i in range(count)
            ]
            return list(await asyncio.gather(*jobs))
        finally:
            await writer.aclose()

    return asyncio.run(run())


def _fails(server: FakeGigaChat, **kw: Any) -> GigaChatError:
    with pytest.raises(GigaChatError) as err:
        _write(server, **kw)
    return err.value


# -- happy path and structured output ---------------------------------------------------------


def test_json_schema_mode_writes_a_card_with_provenance(server: FakeGigaChat) -> None:
    [card] = _write(server)
    assert (card.title, card.attributes, card.keywords) == (
        CARD["title"],
        CARD["attributes"],
        CARD["keywords"],
    )
    assert card.flags == []
    assert card.provenance["writer"] == "gigachat" and card.provenance["model"] == "GigaChat-2:2.0.0"
    assert card.provenance["describer"] == "tiny-vlm" and card.provenance["created_at"].endswith("+00:00")
    [oauth] = server.oauth_requests()
    assert (
        oauth.headers["authorization"] == f"Basic {server.key}" and b"scope=GIGACHAT_API_PERS" in oauth.body
    )
    [chat] = server.chat_requests()
    sent = chat.json()
    assert sent["response_format"]["type"] == "json_schema" and "functions" not in sent
    assert sent["model"] == "GigaChat-2" and not sent.get("stream")
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert FACTS.text in sent["messages"][1]["content"]


def test_falls_back_to_a_forced_function_call_and_remembers_it() -> None:
    with FakeGigaChat(response_format_supported=False, default=Reply.function()) as server:
        cards = _write(server, count=2)
        assert [c.title for c in cards] == [CARD["title"]] * 2
        sent = [r.json() for r in server.chat_requests()]
    assert len(sent) == 3  # one rejected json_schema request, then function calls only
    assert "response_format" in sent[0]
    for request in sent[1:]:
        assert "response_format" not in request
        assert request["function_call"] == {"name": "write_product_card"}
        assert request["functions"][0]["parameters"]["required"] == [
            "title",
            "description",
            "attributes",
            "keywords",
        ]


def test_json_schema_only_mode_does_not_fall_back() -> None:
    with FakeGigaChat(response_format_supported=False) as server:
        err = _fails(server, structured_mode="json_schema")
        assert err.kind == "request" and "400" in str(err) and "not supported" in str(err)
        assert len(server.chat_requests()) == 1


def test_invalid_json_gets_one_corrective_retry(server: FakeGigaChat) -> None:
    server.script(Reply(content="Конечно! Вот карточка: title — Кружка"), Reply.card())
    [card] = _write(server)
    assert card.title == CARD["title"]
    retry = server.chat_requests()[1].json()["messages"][-1]["content"]
    assert "отклонён" in retry and "not valid JSON" in retry


def test_a_second_invalid_answer_is_a_clear_error_not_a_half_card(server: FakeGigaChat) -> None:
    server.script(Reply(content="{oops"), Reply.card({"title": "Red mug", "description": "Mug."}))
    err = _fails(server)
    assert err.kind == "invalid_answer" and "corrective retry" in str(err) and "Russian" in str(err)
    assert len(server.chat_requests()) == 2


def test_over_limit_text_goes_back_once_for_rewriting(server: FakeGigaChat) -> None:
    long_title = "Кружка керамическая красная с белой ручкой для чая и кофе объёмом 350 мл"
    server.script(
        Reply.card({**CARD, "title": long_title}), Reply.card({**CARD, "title": "Кружка красная 350 мл"})
    )
    [card] = _write(server, marketplace=WB)
    assert card.title == "Кружка красная 350 мл"
    follow_up = server.chat_requests()[1].json()["messages"]
    assert [m["role"] for m in follow_up] == ["system", "user", "assistant", "user"]
    assert "сократи название до 60 символов" in follow_up[-1]["content"]


def test_a_rewrite_that_is_still_too_long_is_trimmed_and_flagged(server: FakeGigaChat) -> None:
    long_title = "Кружка керамическая красная с белой ручкой для чая и кофе объёмом 350 мл"
    server.script(Reply.card({**CARD, "title": long_title}), Reply.card({**CARD, "title": long_title}))
    [card] = _write(server, marketplace=WB)
    assert len(card.title) <= 60 and long_title.startswith(card.title)
    assert any(f.startswith("title shortened") for f in card.flags)
    assert len(server.chat_requests()) == 2


def test_finish_reason_length_retries_shorter_then_fails(server: FakeGigaChat) -> None:
    server.script(Reply(content='{"title": "Кру', finish_reason="length"), Reply.card())
    assert _write(server)[0].title == CARD["title"]
    assert "оборвался" in server.chat_requests()[1].json()["messages"][-1]["content"]
    server.script(*[Reply(content="{", finish_reason="length")] * 2)
    assert _fails(server).kind == "truncated"


def test_blacklist_is_a_clear_refusal(server: FakeGigaChat) -> None:
    server.script(Reply(content="Не могу ответить", finish_reason="blacklist"))
    err = _fails(server)
    assert err.kind == "refused" and "GigaChat refused to answer (blacklist)" in str(err)
    assert len(server.chat_requests()) == 1


# -- errors and retries -----------------------------------------------------------------------


def test_wrong_key_says_so_without_retrying() -> None:
    with FakeGigaChat(key=base64.b64encode(b"other:other-secret").decode()) as server:
        err = _fails(server, credentials=base64.b64encode(b"mine:my-secret-value").decode())
        assert err.kind == "auth" and "the GigaChat key or scope is wrong" in str(err)
        assert len(server.oauth_requests()) == 1 and server.chat_requests() == []


def test_expired_token_is_renewed_but_a_persistent_401_is_an_auth_error(server: FakeGigaChat) -> None:
    async def run() -> tuple[Card, GigaChatError]:
        writer = _writer(server)
        try:
            await writer.write(FACTS, product_name="a", marketplace=OZON)
            server.revoke_tokens()  # the SDK must re-authenticate once and carry on
            card = await writer.write(FACTS, product_name="b", marketplace=OZON)
            server.script(Reply.error(401), Reply.error(401))
            with pytest.raises(GigaChatError) as err:
                await writer.write(FACTS, product_name="c", marketplace=OZON)
            return card, err.value
        finally:
            await writer.aclose()

    card, err = asyncio.run(run())
    assert card.title == CARD["title"] and err.kind == "auth" and "key or scope is wrong" in str(err)
    assert len(server.oauth_requests()) == 3


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (400, "request", "rejected"),
        (402, "quota", "tokens are used up"),
        (403, "auth", "denied"),
        (404, "config", "no model"),
        (413, "request", "too large"),
        (422, "request", "rejected"),
    ],
)
def test_client_errors_are_never_retried(server: FakeGigaChat, status: int, kind: str, words: str) -> None:
    server.script(Reply.error(status, "nope"))
    err = _fails(server, structured_mode="function")
    assert err.kind == kind and words in str(err)
    assert len(server.chat_requests()) == 1


def test_429_honours_retry_after(server: FakeGigaChat) -> None:
    server.script(Reply.error(429, "Too Many Requests", retry_after=0.4))
    assert _write(server)[0].title == CARD["title"]
    first, second = server.chat_requests()
    assert 0.35 <= second.at - first.at < 2.0


def test_429_with_a_long_retry_after_fails_now(server: FakeGigaChat) -> None:
    server.script(Reply.error(429, retry_after=600))
    err = _fails(server)
    assert err.kind == "rate_limit" and "600" in str(err)
    assert len(server.chat_requests()) == 1


def test_server_errors_are_retried_with_backoff_then_reported(server: FakeGigaChat) -> None:
    server.script(Reply.error(500))
    assert _write(server)[0].title == CARD["title"]
    assert len(server.chat_requests()) == 2
    server.script(*[Reply.error(503)] * 3)
    err = _fails(server)
    assert err.kind == "server" and "503" in str(err) and "after 3 attempts" in str(err)
    assert len(server.chat_requests()) == 5


def test_timeouts_and_dropped_connections_are_retried(server: FakeGigaChat) -> None:
    server.script(Reply(delay=3), Reply(drop=True))
    assert _write(server, timeout=0.3)[0].title == CARD["title"]
    server.script(*[Reply(delay=3)] * 3)
    started = time.monotonic()
    err = _fails(server, timeout=0.3)
    assert err.kind == "network" and "did not answer within 0.3 s (after 3 attempts)" in str(err)
    assert time.monotonic() - started < 2.5
    assert len(server.chat_requests()) == 6


def test_a_closed_port_is_a_clear_network_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = GigaChatSettings(
        credentials="a2V5OnNlY3JldA==",
        base_url=f"{base}/api/v1",
        auth_url=f"{base}/api/v2/oauth",
        max_retries=1,
        backoff_base=0.01,
    )

    async def run() -> None:
        writer = GigaChatWriter(settings)
        try:
            await writer.write(FACTS, product_name="a", marketplace=OZON)
        finally:
            await writer.aclose()

    with pytest.raises(GigaChatError) as err:
        asyncio.run(run())
    assert err.value.kind == "network" and f"cannot reach GigaChat at 127.0.0.1:{port} (after 2" in str(
        err.value
    )


@pytest.mark.parametrize("limit", [1, 2])
def test_concurrency_never_exceeds_the_limit(limit: int) -> None:
    with FakeGigaChat(default=Reply.card(delay=0.15)) as server:
        assert len(_write(server, count=4, max_concurrency=limit)) == 4
        assert server.max_in_flight == limit


def test_models_are_listed(server: FakeGigaChat) -> None:
    async def run() -> list[str]:
        writer = _writer(server)
        try:
            return await writer.list_models()
        finally:
            await writer.aclose()

    assert asyncio.run(run()) == ["GigaChat-2", "GigaChat-2-Max", "GigaChat-2-Pro"]


def test_sdk_retries_stay_off_and_tls_stays_on(monkeypatch: pytest.MonkeyPatch, server: FakeGigaChat) -> None:
    monkeypatch.setenv("GIGACHAT_MAX_RETRIES", "7")
    monkeypatch.setenv("GIGACHAT_VERIFY_SSL_CERTS", "false")
    sdk = _writer(server)._conn.client._settings
    assert sdk.max_retries == 0 and sdk.verify_ssl_certs is True and sdk.ssl_context is not None


# -- the key stays secret ---------------------------------------------------------------------


def test_the_key_never_appears_in_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    secret_part = "very-secret-client-secret"
    key = base64.b64encode(f"client-id:{secret_part}".encode()).decode()
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "gigachat", "app"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    texts = []
    with FakeGigaChat(key=key) as server:
        server.script(Reply.error(500), Reply.error(429, retry_after=0.01))
        _write(server, credentials=key)
        texts.append(repr(_writer(server, credentials=key)) + repr(GigaChatSettings(credentials=key)))
    with FakeGigaChat() as server:  # the server expects another key: an auth failure
        err = _fails(server, credentials=key)
        texts += [str(err), repr(err), str(err.__cause__)]
    texts.append(caplog.text)
    assert "HTTP Request" in caplog.text  # httpx really logged at DEBUG/INFO
    for text in texts:
        assert key not in text and secret_part not in text
    assert credentials.redact(f"Basic {key} / {secret_part}", key) == "Basic *** / ***"


# -- credentials and registry -----------------------------------------------------------------


class _MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, broken: bool = False) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.broken = broken

    def _check(self) -> None:
        if self.broken:
            raise keyring.errors.KeyringLocked("the wallet is locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring() -> Iterator[_MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = _MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_key_lives_in_the_keyring_with_env_fallback(
    memory_keyring: _MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert credentials.get_key() is None
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "ZW52OmtleQ==")
    assert credentials.get_key() == "ZW52OmtleQ=="
    credentials.set_key("  Basic c3RvcmVkOmtleQ==\n")
    assert memory_keyring.store == {("vitrina", "gigachat"): "c3RvcmVkOmtleQ=="}
    assert credentials.get_key() == "c3RvcmVkOmtleQ=="
    credentials.delete_key()
    credentials.delete_key()  # deleting twice is fine
    assert credentials.get_key() == "ZW52OmtleQ=="


def test_a_broken_keyring_is_a_clear_message_not_a_crash(
    memory_keyring: _MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory_keyring.broken = True
    assert credentials.get_key() is None
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "ZW52OmtleQ==")
    assert credentials.get_key() == "ZW52OmtleQ=="
    with pytest.raises(credentials.CredentialsError, match="password store") as saved:
        credentials.set_key("c3RvcmVkOmtleQ==")
    assert "GIGACHAT_CREDENTIALS" in saved.value.detail  # the headless way out, for the log and Details
    with pytest.raises(credentials.CredentialsError, match="could not be removed"):
        credentials.delete_key()


def test_no_key_anywhere_is_a_clear_error(memory_keyring: _MemoryKeyring) -> None:
    with pytest.raises(GigaChatError, match="no GigaChat key"):
        GigaChatWriter(GigaChatSettings())


def test_registry_makes_writers_by_name(server: FakeGigaChat) -> None:
    writer = registry.make_writer("gigachat", credentials=server.key, base_url=server.base_url)
    assert isinstance(writer, GigaChatWriter) and writer.name == "gigachat"
    with pytest.raises(registry.UnknownWriterError, match="unknown card writer .nope.; known: .*gigachat"):
        registry.make_writer("nope")
    with pytest.raises(registry.UnknownWriterError, match="bad settings"):
        registry.make_writer("gigachat", colour="red")
    sentinel = object()
    registry.register("test-only", lambda **kw: sentinel)  # type: ignore[arg-type, return-value]
    try:
        assert registry.make_writer("test-only") is sentinel
    finally:
        del registry.WRITERS["test-only"]


def test_a_garbled_response_body_is_retried_as_a_server_glitch(server: FakeGigaChat) -> None:
    server.script(Reply(body=b"<html>502 Bad Gateway</html>"))
    assert _write(server)[0].title == CARD["title"]
    assert len(server.chat_requests()) == 2


def test_the_loopback_server_takes_file_uploads(server: FakeGigaChat) -> None:
    from gigachat import GigaChat

    async def run() -> str:
        client = GigaChat(
            credentials=server.key, base_url=server.base_url, auth_url=server.auth_url, model="GigaChat-2-Pro"
        )
        try:
            uploaded = await client.aupload_file(("mug.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg"))
            return uploaded.id_
        finally:
            await client.aclose()

    assert asyncio.run(run())
    [upload] = [r for r in server.requests if r.path == "/api/v1/files"]
    assert b'name="purpose"' in upload.body and b"general" in upload.body


# -- a wrong base URL -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 200])
def test_a_wrong_base_url_says_wrong_api_address_without_retrying(status: int) -> None:
    """A web server that is not the API: its 404 page, or its front page on every path."""
    with FakeGigaChat(not_api=status) as server:
        err = _fails(server)  # _writer allows two retries: none may be used
        assert err.kind == "config" and str(err).startswith(f"wrong API address: {server.base_url} ")
        assert "malformed" not in str(err)
        assert len(server.chat_requests()) == 1

        async def models() -> None:
            writer = _writer(server)
            try:
                await writer.list_models()
            finally:
                await writer.aclose()

        with pytest.raises(GigaChatError, match="wrong API address") as listed:
            asyncio.run(models())
        assert listed.value.kind == "config"
        assert len([r for r in server.requests if r.path.endswith("/models")]) == 1


def test_a_wrong_auth_url_names_that_address() -> None:
    with FakeGigaChat() as server:
        wrong = server.auth_url.replace("/oauth", "/no-oauth-here")
        err = _fails(server, auth_url=wrong)
        assert err.kind == "config" and f"wrong API address: {wrong} " in str(err)
        assert server.chat_requests() == []
