"""GigaChat faults through `vitrina batch --text-provider gigachat` (the real SDK, a loopback server):
each fault is retried or ends as a clear per-product error in report.csv while the images export;
a late answer never replaces the user's edit; Stop during a call leaves nothing running."""

from __future__ import annotations

import gc
import json
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest

from app.cardtext import registry
from app.cardtext.card import Card
from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter
from app.compose.backgrounds import parse_background
from app.pipeline.batch import BatchRun, run_batch
from app.pipeline.options import BatchOptions
from app.pipeline.text import TextOptions
from app.studio import set_card
from tests.gigachat_server import CARD, Reply
from tests.reliability.conftest import assert_complete_bundle, point_sdk_at, read_report, write_products
from tests.reliability.gigachat_tools import RoutedGigaChat, cut_reply
from tests.test_tls import self_signed  # noqa: F401  (the fixture: a certificate nobody trusts)

# product name -> (its replies, what report.csv must say; "" = the card was written after retries)
FAULTS: dict[str, tuple[object, str]] = {
    "ok": (Reply.card(), ""),
    "auth-401": (Reply.error(401, "Unauthorized"), "the GigaChat key or scope is wrong"),
    "quota-402": (Reply.error(402, "Payment Required"), "GigaChat tokens are used up (402)"),
    "denied-403": (Reply.error(403, "Forbidden for this scope"),
                   "GigaChat denied access (403): Forbidden for this scope"),
    "busy-429": ([Reply.error(429, "Too Many Requests", retry_after=0.2), Reply.card()], ""),
    "busy-429-long": (Reply.error(429, "Too Many Requests", retry_after=600),
                      "GigaChat is rate-limiting requests (429, asked to wait 600 s)"),
    "glitch-500": ([Reply.error(500), Reply.card()], ""),
    "down-503": (Reply.error(503, "Service Unavailable"), "GigaChat server error (503) (after 2 attempts)"),
    "timeout": (Reply(delay=5), "GigaChat did not answer within 0.5 s (after 2 attempts)"),
    "cut-stream": (cut_reply(), "(after 2 attempts): the connection was broken"),
    "garbled": (Reply(body=b"<html>502 Bad Gateway</html>"), "GigaChat sent a malformed response"),
    "invalid-json": (Reply(content="Конечно! Вот карточка: {oops"),
                     "GigaChat did not return a valid card for 'invalid-json' even after a corrective retry"),
    "refusal": (Reply(content="Не могу ответить", finish_reason="blacklist"),
                "GigaChat refused to answer (blacklist)"),
}


def _argv(src: Path, out: Path, model: Path) -> list[str]:
    return ["batch", str(src), "-o", str(out), "--seg-model", str(model), "--device", "cpu",
            "--text-provider", "gigachat"]


def _card(out: Path, product: str) -> dict:
    return assert_complete_bundle(out / product)


def test_every_service_fault_is_retried_or_one_clear_error_per_product(tmp_path, tiny_seg_model, vitrina,
                                                                      fast_gigachat, monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    write_products(src, [f"{name}.png" for name in FAULTS])
    routes = {name: replies for name, (replies, _) in FAULTS.items()}
    with RoutedGigaChat(routes, lifetime=120) as server:
        point_sdk_at(monkeypatch, server)
        run = vitrina(*_argv(src, out, tiny_seg_model))

    assert run.code == 1 and "Traceback" not in run.text
    report = read_report(out)
    for name, (_replies, says) in FAULTS.items():
        row, card = report[f"{name}.png"], _card(out, name)  # images exported whatever the text did
        if not says:
            assert row["status"] == "done", (name, row["message"])
            assert card["card"]["title"] == CARD["title"] and card["text_status"] == "done"
            continue
        assert row["status"] == "images only", name
        message = row["message"]
        assert message.startswith("card text failed: ") and says in message, (name, message)
        assert card["card"] is None and card["text_status"].startswith("card text failed")
        assert run.err.count(f"✗ {name}.png: card text failed") == 1, name
    assert server.attempts["quota-402"] == server.attempts["denied-403"] == 1  # never retried
    assert server.attempts["down-503"] == 2 and server.attempts["busy-429-long"] == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("fault", ["connection refused", "untrusted certificate", "wrong key"])
def test_a_service_that_cannot_be_used_at_all_still_exports_every_image(
        fault, shoot, tmp_path, tiny_seg_model, vitrina, fast_gigachat, monkeypatch, request) -> None:
    out = tmp_path / "cards"
    if fault == "connection refused":
        base = f"http://127.0.0.1:{_closed_port()}"
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", "dGVzdDpzZWNyZXQ=")
        monkeypatch.setenv("GIGACHAT_BASE_URL", f"{base}/api/v1")
        monkeypatch.setenv("GIGACHAT_AUTH_URL", f"{base}/api/v2/oauth")
        says = "cannot reach GigaChat at 127.0.0.1:"
        run = vitrina(*_argv(shoot, out, tiny_seg_model))
    else:
        tls = None
        if fault == "untrusted certificate":
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(*request.getfixturevalue("self_signed"))
        with RoutedGigaChat({}, tls=tls) as server:
            point_sdk_at(monkeypatch, server, key="b3RoZXI6a2V5" if fault == "wrong key" else None)
            run = vitrina(*_argv(shoot, out, tiny_seg_model))
            assert server.chat_requests() == []  # nothing was sent without trust or a valid key
        says = "is not trusted" if tls else "the GigaChat key or scope is wrong"
    assert run.code == 1 and "Traceback" not in run.text
    report = read_report(out)
    assert {r["status"] for r in report.values()} == {"images only"}
    assert all(says in r["message"] for r in report.values())
    for product in ("Кружка", "vase", "bag"):
        assert _card(out, product)["card"] is None


def _options(model: Path) -> BatchOptions:
    return BatchOptions(background=parse_background("plane"), seg_model=str(model), device="cpu",
                        text=TextOptions(provider="gigachat"))


def test_a_late_answer_never_replaces_the_users_edit(tmp_path, tiny_seg_model, fast_gigachat,
                                                     monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    write_products(src, ["mug.png"])
    mine = Card(title="Кружка «Моя», 300 мл", description="Текст, который я поправил сам.")
    run = BatchRun(src, out, _options(tiny_seg_model))

    def edit_while_writing(_request: dict) -> Reply:
        set_card(run.project, "mug.png", mine)  # the user saves an edit while the request is out
        return Reply.card()

    with RoutedGigaChat({"mug": edit_while_writing}) as server:
        point_sdk_at(monkeypatch, server)
        run.run()
        assert len(server.chat_requests()) == 1
    card = _card(out, "mug")
    assert card["card"]["title"] == mine.title and card["text_status"] == "edited"
    saved = json.loads((src / ".vitrina" / "state.json").read_text("utf-8"))["products"]["mug.png"]
    assert saved["card_edited"] and saved["card"]["title"] == mine.title


def test_stop_during_a_call_returns_at_once_and_leaves_nothing_running(
        tmp_path, tiny_seg_model, fast_gigachat, monkeypatch, caplog) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    write_products(src, ["mug.png"])
    cancel, asked = threading.Event(), threading.Event()
    # A patient client (30 s timeout) facing a slow service: only Stop can end the wait early.
    monkeypatch.setitem(registry.WRITERS, "gigachat",
                        lambda **s: GigaChatWriter(GigaChatSettings(timeout=30.0, max_retries=0, **s)))

    def stop_while_waiting(_request: dict) -> Reply:
        asked.set()
        cancel.set()  # the user presses Stop while GigaChat is thinking
        return Reply.card(delay=20)

    threads_before = {t.ident for t in threading.enumerate()}
    with RoutedGigaChat({"mug": stop_while_waiting}, lifetime=60) as server:
        point_sdk_at(monkeypatch, server)
        started = time.monotonic()
        result = run_batch(src, out, _options(tiny_seg_model), cancel=cancel)
        took = time.monotonic() - started
    assert asked.is_set() and result.cancelled
    assert took < 10  # not the 20 s answer, nor the 30 s timeout
    assert {r.status for r in result.rows} == {"cancelled"}
    gc.collect()
    leftover = [t.name for t in threading.enumerate() if t.ident not in threads_before and t.is_alive()]
    assert leftover == []  # no text loop, compose, decode or HTTP thread survives the run
    assert "Task was destroyed but it is pending" not in caplog.text
    assert not (out / "mug").exists()
    # The next run picks the product up again.
    with RoutedGigaChat({}) as server:
        point_sdk_at(monkeypatch, server)
        assert not run_batch(src, out, _options(tiny_seg_model)).cancelled
    assert _card(out, "mug")["card"]["title"] == CARD["title"]
