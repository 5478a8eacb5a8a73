"""Security: the GigaChat key leaves no trace on disk or in logs; names from files and from the
model cannot escape the output folder; exported JSON and CSV survive any text."""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
import os
from pathlib import Path

import keyring
import keyring.backend

from app.naming import safe_name
from tests.gigachat_server import CARD, Reply
from tests.reliability.conftest import (
    assert_complete_bundle,
    bundles,
    point_sdk_at,
    read_csv,
    read_report,
    write_products,
)
from tests.reliability.gigachat_tools import RoutedGigaChat

CLIENT_SECRET = "Vitrina-Test-Client-Secret-0042"
KEY = base64.b64encode(f"9f1c2a77-client-id:{CLIENT_SECRET}".encode()).decode()


class _FileLessKeyring(keyring.backend.KeyringBackend):
    """The OS keyring as Vitrina sees it, kept in memory (so a file with the key can only be ours)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def _user_dirs() -> list[Path]:
    import platformdirs

    return [Path(p) for p in (platformdirs.user_data_dir("vitrina", appauthor=False),
                              platformdirs.user_config_dir("vitrina", appauthor=False),
                              platformdirs.user_cache_dir("vitrina", appauthor=False),
                              platformdirs.user_log_dir("vitrina", appauthor=False),
                              platformdirs.user_state_dir("vitrina", appauthor=False))]


def _files_holding(secrets: list[bytes], roots: list[Path]) -> list[str]:
    found = []
    for root in roots:
        for path in root.rglob("*") if root.exists() else ():
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                found += [f"{path}: {s[:6]!r}…" for s in secrets if s in data]
    return found


def test_the_key_is_nowhere_on_disk_or_in_the_logs_after_a_run(
        tmp_path, tiny_seg_model, vitrina, fast_gigachat, monkeypatch, caplog) -> None:
    backend = _FileLessKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr("keyring.get_password", backend.get_password)  # fast_gigachat had blanked it
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "gigachat", "app", "urllib3"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    src, out = tmp_path / "shoot", tmp_path / "cards"
    write_products(src, ["ok.png", "fails/1.png", "retried.png"])
    try:
        assert vitrina("gigachat", "set-key").code == 0  # into the keyring, as a user does
        assert backend.store == {("vitrina", "gigachat"): KEY}
        routes = {"fails": Reply.error(403, f"no access for {KEY}"),  # the server echoes the key back
                  "retried": [Reply.error(500), Reply.card()]}
        with RoutedGigaChat(routes, key=KEY) as server:
            point_sdk_at(monkeypatch, server)
            monkeypatch.delenv("GIGACHAT_CREDENTIALS")  # the keyring is the only source
            run = vitrina("batch", src, "-o", out, "--seg-model", tiny_seg_model, "--device", "cpu")
            assert server.oauth_requests()[0].headers["authorization"] == f"Basic {KEY}"  # it was used
    finally:
        keyring.set_keyring(previous)

    assert run.code == 1 and "Traceback" not in run.text
    assert read_report(out)["fails/1.png"]["status"] == "images only"
    assert "HTTP Request" in caplog.text  # the transport really logged at DEBUG
    secrets = [KEY, CLIENT_SECRET, base64.b64decode(KEY).decode()]
    for text in (run.out, run.err, caplog.text):
        assert not [s for s in secrets if s in text]
    roots = [out, src / ".vitrina", *_user_dirs(), *(Path(os.environ[v]) for v in (
        "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"))]
    assert _files_holding([s.encode() for s in secrets], roots) == []


# -- names --------------------------------------------------------------------------------------

# (Names starting with a dot are hidden files, ignored by design; "/" cannot occur in a POSIX name.)
HOSTILE_FOLDERS = ["CON", "lpt1.txt", "nul .jpg folder", "a\x01b\x1bc\td", "up..\\..\\evil",
                   "C:\\Windows\\system32", " spaced . ", "=cmd|' -C calc'!A0", "\u202egpj.exe", "x" * 240]
HOSTILE_FILES = ["CON.png", "aux.jpg", "x\ny.png", "-2+3.png", "@SUM(1).png", "\x1b]0;owned\x07.png",
                 '"quoted", name.png']
# Titles the model may write (Russian, or the validator rejects them before they get anywhere).
TITLES = ["../../../../tmp/кружка", "/etc/кружка", "CON кружка", "=HYPERLINK(\"http://evil\";\"кружка\")",
          'Кружка "Утро"\nвторая строка\t; и точка с запятой, запятая', "C:\\Windows\\кружка"]


def test_hostile_names_become_safe_folders_inside_the_output(tmp_path, tiny_seg_model, vitrina, fast_gigachat,
                                                            monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    names = [f"{folder}/1.png" for folder in HOSTILE_FOLDERS] + HOSTILE_FILES
    write_products(src, names)
    outside_before = sorted(p.name for p in tmp_path.iterdir())
    titles = iter(TITLES * 5)

    def hostile_title(_request: dict) -> Reply:
        return Reply.card({**CARD, "title": next(titles)})

    with RoutedGigaChat({}, default=Reply.card()) as server:
        server.default = None  # every product gets a hostile title
        server.routes = _Everything(hostile_title)
        point_sdk_at(monkeypatch, server)
        run = vitrina("batch", src, "-o", out, "--seg-model", tiny_seg_model, "--device", "cpu",
                      "--text-provider", "gigachat", "--marketplace", "ozon")

    assert "Traceback" not in run.text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*outside_before, "cards"])  # nothing escaped
    report = read_report(out)
    assert {r["status"] for r in report.values()} == {"done"}, report
    made = bundles(out)
    assert len(made) == len(names)
    for folder in made:
        assert folder.parent == out
        assert folder.name == safe_name(folder.name)  # already a harmless single component
        assert not folder.name.startswith(".") and "\\" not in folder.name and ":" not in folder.name
        assert folder.name.split(".")[0].casefold() not in {"con", "aux", "nul", "prn", "lpt1"}
        assert not any(ord(ch) < 32 for ch in folder.name)
        assert_complete_bundle(folder)
    # The terminal got escapes, never raw control characters from a file name.
    assert "\x1b" not in run.err and "\x01" not in run.err and "\\x1b]0;owned\\x07.png" in run.err


class _Everything(dict):
    """A route table that sends every product to one function."""

    def __init__(self, route: object) -> None:
        super().__init__()
        self.route = route

    def get(self, _name: str, _default: object = None) -> object:  # type: ignore[override]
        return self.route


# -- exported text ------------------------------------------------------------------------------

def test_exported_json_and_csv_parse_back_with_any_text(tmp_path, tiny_seg_model, vitrina, fast_gigachat,
                                                        monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    products = {"=formula": '=ГИПЕРССЫЛКА("http://evil";"жми")', "quotes": 'Кружка "Утро", 350 мл',
                "plus": "+7 кружек в наборе", "minus": "-20 градусов: термокружка", "at": "@кружка_бренд"}
    description = 'Первая строка; вторая, с "кавычками"\n\n=СУММ(1;2)\r\nи обратная косая \\ черта.'
    write_products(src, [f"{name}.png" for name in products])
    routes = {name: Reply.card({**CARD, "title": title, "description": description})
              for name, title in products.items()}
    with RoutedGigaChat(routes) as server:
        point_sdk_at(monkeypatch, server)
        run = vitrina("batch", src, "-o", out, "--seg-model", tiny_seg_model, "--device", "cpu",
                      "--text-provider", "gigachat", "--marketplace", "ozon")
    assert run.code == 0, run.err
    # The text rules may tidy a title (caps, a leading "+"); what they kept is in the project state,
    # and the exports must carry exactly that, whatever characters it holds.
    state = json.loads((src / ".vitrina" / "state.json").read_text("utf-8"))["products"]
    written = {Path(key).stem: product["card"] for key, product in state.items()}
    assert written["=formula"]["title"].startswith("=")  # a formula-looking title reached the export
    for folder in bundles(out):
        card = assert_complete_bundle(folder)  # json.loads succeeded
        assert card["card"]["title"] == written[card["product"]]["title"]
        assert card["card"]["description"] == written[card["product"]]["description"]
        assert "=СУММ(1;2)" in card["card"]["description"] and '"кавычками"' in card["card"]["description"]
    manifest = {row["bundle"]: row for row in read_csv(out / "manifest.csv")}
    for name, card in written.items():
        # A cell a spreadsheet would run as a formula gets a leading quote; the rest is verbatim.
        assert manifest[_cell(name)]["title"] == _cell(card["title"])
    for path in (out / "manifest.csv", out / "report.csv"):
        rows = list(csv.reader(path.read_text("utf-8-sig").splitlines(keepends=True)))
        assert len({len(r) for r in rows}) == 1  # no row torn apart by a newline, quote or comma
        for row in rows[1:]:
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert read_report(out)["'=formula.png"]["product"] == "'=formula.png"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text
