"""`vitrina gigachat …`: the key goes to the keyring (never a file) and `test` signs in for real."""

from __future__ import annotations

import io

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
