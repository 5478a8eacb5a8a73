"""`vitrina gigachat …`: the key goes to the keyring (never a file) and `test` signs in for real."""

from __future__ import annotations

import io
import json

import keyring

from app.cli import main
from tests.gigachat_server import FakeGigaChat


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("none")
        del self.store[(service, username)]


def test_set_key_test_and_forget(monkeypatch, capsys) -> None:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    monkeypatch.setattr(keyring, "get_keyring", lambda: ring)
    try:
        _exercise(ring, monkeypatch, capsys)
    finally:
        keyring.set_keyring(previous)


def _exercise(ring: MemoryKeyring, monkeypatch, capsys) -> None:
    with FakeGigaChat() as server:
        monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)
        monkeypatch.setattr("sys.stdin", io.StringIO(f"Basic {server.key}\n"))
        assert main(["gigachat", "set-key"]) == 0
        assert list(ring.store.values()) == [server.key]
        assert main(["gigachat", "test"]) == 0
        assert "GigaChat-2-Pro" in capsys.readouterr().out
        assert main(["gigachat", "forget-key"]) == 0
        assert ring.store == {}
        assert main(["gigachat", "test"]) == 1
        assert "no GigaChat key" in capsys.readouterr().err


# -- `vitrina batch --describer gigachat`: GigaChat sees the photos, no local model loads -------


def _no_local_describer(*args, **kwargs):
    raise AssertionError("a local vision model was loaded")


def _gigachat_shoot(tmp_path, monkeypatch, server, names):
    import app.describe
    from tests.reliability.conftest import point_sdk_at, write_products

    monkeypatch.setattr(app.describe, "load_describer", _no_local_describer)
    monkeypatch.setattr("keyring.get_password", lambda *a: None)  # only the test key is seen
    point_sdk_at(monkeypatch, server)
    src = tmp_path / "shoot"
    write_products(src, names)
    return src


def test_batch_describes_through_gigachat_vision(tmp_path, monkeypatch, tiny_seg_model) -> None:
    from tests.gigachat_server import CARD, DESCRIPTION, Reply

    with FakeGigaChat() as server:
        src = _gigachat_shoot(tmp_path, monkeypatch, server, ["mug.png"])
        server.script(Reply.description(), Reply.card())
        code = main(["batch", str(src), "-o", str(tmp_path / "out"), "--seg-model", str(tiny_seg_model),
                     "--device", "cpu", "--text-provider", "gigachat", "--describer", "gigachat"])
        assert code == 0
        [upload] = server.files.values()
        looked, wrote = (r.json() for r in server.chat_requests())
        assert upload.content_type == "image/jpeg" and server.live_files() == []
        assert looked["model"] == "GigaChat-2-Pro" and looked["messages"][-1]["attachments"] == [upload.id]
        assert DESCRIPTION["description"] in wrote["messages"][-1]["content"]  # the writer got what it saw
    card = json.loads((tmp_path / "out" / "mug" / "card.json").read_text("utf-8"))
    assert card["card"]["title"] == CARD["title"] and card["text_status"] == "done"


def test_batch_takes_the_describer_and_the_concurrency_from_settings(tmp_path, monkeypatch,
                                                                     tiny_seg_model) -> None:
    from tests.gigachat_server import Reply

    monkeypatch.setenv("VITRINA_DESCRIBER", "gigachat")
    monkeypatch.setenv("VITRINA_GIGACHAT_CONCURRENCY", "2")
    with FakeGigaChat(default=Reply.card(delay=0.15)) as server:
        src = _gigachat_shoot(tmp_path, monkeypatch, server, ["a.png", "b.png", "c.png", "d.png"])
        code = main(["batch", str(src), "-o", str(tmp_path / "out"), "--seg-model", str(tiny_seg_model),
                     "--device", "cpu", "--text-provider", "gigachat"])
        assert code == 0
        assert len(server.files) == 4 and len(server.chat_requests()) == 8
        assert server.max_in_flight == 2
