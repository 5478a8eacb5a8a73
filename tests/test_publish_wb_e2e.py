"""From photos to Wildberries cards as a seller runs it: `vitrina batch` (tiny models, GigaChat on a
loopback server) exports bundles, then `vitrina publish wb` has GigaChat suggest each product's
category and fill its characteristics, creates the cards on the fake WB and uploads the photos."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import skimage.data

from app.cli import main
from tests.gigachat_server import FakeGigaChat, Reply
from tests.wb_fixtures import serve_wb

SAMPLES = Path(skimage.data.__file__).parent


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch):
    with FakeGigaChat(lifetime=900) as giga, serve_wb(monkeypatch, polls_until_created=1, lifetime=900) as wb:
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", giga.key)
        monkeypatch.setenv("GIGACHAT_BASE_URL", giga.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", giga.auth_url)
        yield giga, wb


def test_batch_bundles_become_cards_with_suggested_categories_and_filled_characteristics(
        tmp_path: Path, tiny_seg_model: Path, tiny_vlm_model: Path, services, capsys) -> None:
    giga, wb = services
    shoot, out = tmp_path / "shoot", tmp_path / "cards"
    (shoot / "Чашка").mkdir(parents=True)
    shutil.copy(SAMPLES / "coffee.png", shoot / "Чашка" / "1.png")
    shutil.copy(SAMPLES / "rocket.jpg", shoot / "Чашка" / "2.jpg")
    assert main(["batch", str(shoot), "-o", str(out), "--seg-model", str(tiny_seg_model), "--device",
                 "cpu", "--vlm-model", str(tiny_vlm_model), "--marketplace", "wb",
                 "--text-provider", "gigachat"]) == 0
    giga.requests.clear()
    giga.script(Reply(content='{"subjectID": 2956}'),  # the suggestion among the searched categories
                Reply(content='{"14177449": ["красный", "закатный"], "17596": ["керамика"], '
                              '"17462": "350 мл"}'))
    args = ["publish", "wb", str(out), "--writer", "gigachat", "--accept-suggested", "--brand", "Витрина",
            "--dimensions", "12x9x10", "--weight", "0.4"]
    assert main(args) == 0, capsys.readouterr()
    card = wb.cards["Чашка"]
    assert card["subjectID"] == 2956
    values = {c["id"]: c["value"] for c in card["characteristics"]}
    assert values == {14177449: ["красный"], 17596: ["керамика"], 17462: 350}  # the invented colour dropped
    bundle = json.loads((out / "Чашка" / "card.json").read_text("utf-8"))
    assert card["title"] == bundle["card"]["title"]
    digests = [hashlib.sha256((out / "Чашка" / f["image"]).read_bytes()).hexdigest() for f in bundle["files"]]
    assert len(digests) == 2 and wb.photos_of("Чашка") == digests
    chats = len(giga.chat_requests())
    assert chats == 2  # one suggestion, one fill: one extra writer call per product
    state = json.loads((out / ".vitrina" / "publish.json").read_text("utf-8"))
    assert state["products"]["Чашка"]["fill_problems"]  # «закатный» is said, not sent
    assert main(args) == 0  # again: nothing new to send, nothing asked of the writer again
    assert len(giga.chat_requests()) == chats and len(wb.upload_requests()) == 1
