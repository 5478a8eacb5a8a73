"""Card text in `vitrina batch`: a real describer (tiny Qwen3-VL) and the real GigaChat SDK on loopback."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import skimage.data

from app.cli import main
from app.project import Project
from tests.gigachat_server import CARD, FakeGigaChat, Reply

SAMPLES = Path(skimage.data.__file__).parent


@pytest.fixture
def shoot(tmp_path: Path) -> Path:
    folder = tmp_path / "shoot"
    (folder / "Чашка").mkdir(parents=True)
    shutil.copy(SAMPLES / "coffee.png", folder / "Чашка" / "1.png")
    shutil.copy(SAMPLES / "chelsea.png", folder / "cat.png")
    return folder


@pytest.fixture
def gigachat(monkeypatch):
    # A long watchdog: describing on a busy 2-core CI machine can take a minute before any call.
    with FakeGigaChat(lifetime=900) as server:
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", server.key)
        monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)
        yield server


def _run(shoot: Path, out: Path, seg: Path, vlm: Path, *extra: str) -> int:
    return main(["batch", str(shoot), "-o", str(out), "--seg-model", str(seg), "--device", "cpu",
                 "--vlm-model", str(vlm), "--marketplace", "wb", *extra])


def _report(out: Path) -> dict[str, dict[str, str]]:
    return {r["file"]: r for r in csv.DictReader((out / "report.csv").read_text("utf-8-sig").splitlines())}


def test_cards_are_written_into_each_bundle(shoot, tmp_path, tiny_seg_model, tiny_vlm_model,
                                            gigachat) -> None:
    out = tmp_path / "cards"
    assert _run(shoot, out, tiny_seg_model, tiny_vlm_model, "--text-provider", "gigachat") == 0
    card = json.loads((out / "Чашка" / "card.json").read_text("utf-8"))
    assert card["text_status"] == "done"
    assert card["card"]["title"] == CARD["title"]
    assert card["card"]["provenance"]["writer"] == "gigachat"
    assert tiny_vlm_model.name in card["card"]["provenance"]["describer"]
    text = (out / "Чашка" / "card.txt").read_text("utf-8")
    assert CARD["title"] in text and "Характеристики:" in text
    manifest = list(csv.DictReader((out / "manifest.csv").read_text("utf-8-sig").splitlines()))
    assert {m["title"] for m in manifest} == {CARD["title"]}
    assert len(gigachat.chat_requests()) == 2  # one card per product


def test_a_failed_card_still_exports_the_images(shoot, tmp_path, tiny_seg_model, tiny_vlm_model, gigachat,
                                                capsys) -> None:
    gigachat.default = Reply.error(402, "Payment Required")
    out = tmp_path / "cards"
    assert _run(shoot, out, tiny_seg_model, tiny_vlm_model, "--text-provider", "gigachat") == 1
    assert (out / "Чашка" / "01.jpg").exists()
    row = _report(out)["Чашка/1.png"]
    assert row["status"] == "images only" and "token" in row["message"].lower()
    card = json.loads((out / "Чашка" / "card.json").read_text("utf-8"))
    assert card["card"] is None and card["text_status"].startswith("card text failed")
    assert gigachat.key not in capsys.readouterr().err


def test_user_edits_win_and_earlier_cards_are_not_paid_for_again(shoot, tmp_path, tiny_seg_model,
                                                                  tiny_vlm_model, gigachat) -> None:
    out = tmp_path / "cards"
    _run(shoot, out, tiny_seg_model, tiny_vlm_model, "--text-provider", "gigachat")
    project = Project(shoot)
    edited = {**CARD, "title": "Чашка кофейная белая"}
    project.product("Чашка").card, project.product("Чашка").card_edited = edited, True
    project.save()
    gigachat.requests.clear()
    # Redo the bundles: no new card is bought for either product.
    assert _run(shoot, out, tiny_seg_model, tiny_vlm_model, "--text-provider", "gigachat", "--overwrite") == 0
    assert gigachat.chat_requests() == []
    # Even when asked to regenerate, the user's edited card stays; the other one is rewritten.
    assert _run(shoot, out, tiny_seg_model, tiny_vlm_model, "--text-provider", "gigachat", "--overwrite",
                "--regenerate-text") == 0
    assert len(gigachat.chat_requests()) == 1
    card = json.loads((out / "Чашка" / "card.json").read_text("utf-8"))
    assert card["card"]["title"] == "Чашка кофейная белая" and card["text_status"] == "edited"


def test_without_a_key_text_is_off_with_a_notice(shoot, tmp_path, tiny_seg_model, tiny_vlm_model,
                                                 monkeypatch, capsys) -> None:
    monkeypatch.setattr("keyring.get_password", lambda *a: None)
    out = tmp_path / "cards"
    assert _run(shoot, out, tiny_seg_model, tiny_vlm_model) == 0
    assert "Card text is off" in capsys.readouterr().err
    card = json.loads((out / "cat" / "card.json").read_text("utf-8"))
    assert card["card"] is None and card["text_status"] == "off"
