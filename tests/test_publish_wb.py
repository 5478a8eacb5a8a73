"""`vitrina publish wb` against a loopback fake of the Wildberries content API (tests/fake_wb.py):
cards created, photos in order, nothing sent twice, resumes, blocks, 429/401, no token in a file."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.cli import main
from app.export.bundle import Bundle, BundlePhoto, write_bundle
from app.publish.wb import api, flow
from app.publish.wb.state import PublishState
from tests.fake_wb import CARDS_LIST, MEDIA_FILE, UPDATE, UPLOAD, FakeWB
from tests.wb_fixtures import serve_wb

MUG = 2956  # the fake's «Кружки»: Цвет and Материал изделия are required
CHARCS = {"14177449": ["красный"], "17596": ["керамика"], "17462": 350}
WB_BLOCK = {"subject_id": MUG, "subject_name": "Кружки", "brand": "Витрина",
            "dimensions": {"length": 12, "width": 9, "height": 10, "weight": 0.4}, "characteristics": CHARCS}


def _image(seed: int, size: tuple[int, int] = (1200, 1600)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    width, height = size
    image = np.full((height, width, 3), 240, np.uint8)
    image[height // 4: height * 3 // 4, width // 4: width * 3 // 4] = rng.integers(0, 255, 3, dtype=np.uint8)
    return image


def make_bundle(out: Path, name: str, *, photos: int = 2, title: str = "Кружка керамическая красная 350 мл",
                wb: dict[str, Any] | None = None, approved: bool = True, size: tuple[int, int] = (1200, 1600),
                seed: int = 0) -> Path:
    shots = []
    for n in range(photos):
        image = _image(seed * 10 + n, size)
        mask = np.zeros(image.shape[:2], np.uint8)
        shots.append(BundlePhoto(f"{name}/{n + 1}.jpg", image, np.dstack([image, mask]), mask))
    card = {"product": name, "source": name, "approved": approved,
            "card": {"title": title, "description": "Кружка из керамики с ручкой. Объём 350 мл.",
                     "attributes": {"Цвет": "красный"}, "keywords": ["кружка"]}}
    if wb is not None:
        card["wb"] = wb
    return write_bundle(out, Bundle(name=name, product_key=name, photos=shots, card=card))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def wb(monkeypatch: pytest.MonkeyPatch):
    with serve_wb(monkeypatch, polls_until_created=2) as fake:
        yield fake


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    make_bundle(folder, "mug-red", photos=3, wb=WB_BLOCK, seed=1)
    blue = {**WB_BLOCK, "characteristics": {**CHARCS, "14177449": ["синий"]}}
    make_bundle(folder, "mug-blue", photos=1, wb=blue, seed=2)
    return folder


def publish(out: Path, *extra: str) -> int:
    return main(["publish", "wb", str(out), "--writer", "none", *extra])


def test_cards_are_created_and_photos_uploaded_in_order(out: Path, wb: FakeWB, capsys) -> None:
    assert publish(out) == 0
    said = capsys.readouterr()
    assert "Published 2" in said.out, said
    for name in ("mug-red", "mug-blue"):
        assert wb.created(name) is not None
        bundle = json.loads((out / name / "card.json").read_text("utf-8"))
        assert wb.photos_of(name) == [_sha(out / name / f["image"]) for f in bundle["files"]]
        card = wb.cards[name]
        assert card["title"] == "Кружка керамическая красная 350 мл" and card["brand"] == "Витрина"
        assert card["dimensions"] == {"length": 12, "width": 9, "height": 10, "weightBrutto": 0.4}
    numbers = [(r.headers["x-nm-id"], r.headers["x-photo-number"]) for r in wb.media_requests()]
    red = str(wb.created("mug-red"))
    assert [n for nm, n in numbers if nm == red] == ["1", "2", "3"]  # in the bundle's order
    state = json.loads((out / ".vitrina" / "publish.json").read_text("utf-8"))
    red_state = state["hosts"]["production"]["mug-red"]
    assert red_state["nm_id"] == wb.created("mug-red") and red_state["status"] == "done"
    assert len(red_state["photos"]) == 3


def test_a_second_run_sends_nothing_new(out: Path, wb: FakeWB, capsys) -> None:
    assert publish(out) == 0
    sent = len(wb.upload_requests()), len(wb.media_requests())
    assert publish(out) == 0
    assert (len(wb.upload_requests()), len(wb.media_requests())) == sent
    assert "unchanged 2" in capsys.readouterr().out
    assert not wb.updates


def test_a_changed_title_is_updated_and_a_changed_photo_replaced(out: Path, wb: FakeWB) -> None:
    assert publish(out) == 0
    nm_id, media = wb.created("mug-red"), len(wb.media_requests())
    card_file = out / "mug-red" / "card.json"
    card = json.loads(card_file.read_text("utf-8"))
    card["card"]["title"] = "Кружка красная из керамики"
    card_file.write_text(json.dumps(card, ensure_ascii=False), "utf-8")
    from PIL import Image

    Image.fromarray(_image(99)).save(out / "mug-red" / "02.jpg", quality=90)
    assert publish(out) == 0
    assert len(wb.upload_requests()) == 1  # the first run's one batch; no second card
    assert [u["nmID"] for u in wb.updates] == [nm_id]
    assert wb.cards["mug-red"]["title"] == "Кружка красная из керамики"
    again = wb.media_requests()[media:]
    assert [(r.headers["x-nm-id"], r.headers["x-photo-number"]) for r in again] == [(str(nm_id), "2")]
    assert wb.photos_of("mug-red")[1] == _sha(out / "mug-red" / "02.jpg")


def test_a_run_stopped_between_card_and_photos_resumes(out: Path, wb: FakeWB, monkeypatch) -> None:
    real = api.WBClient.upload_photo
    calls = {"n": 0}

    def interrupted(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second photo goes up
        return real(self, *args, **kwargs)

    monkeypatch.setattr(api.WBClient, "upload_photo", interrupted)
    assert publish(out) == 130
    state = PublishState.open(out, sandbox=False)
    assert state.remote["mug-blue"].nm_id is not None or state.remote["mug-red"].nm_id is not None
    monkeypatch.setattr(api.WBClient, "upload_photo", real)
    uploads = len(wb.upload_requests())
    assert publish(out) == 0
    assert len(wb.upload_requests()) == uploads  # both cards were queued before the stop: none again
    for name in ("mug-red", "mug-blue"):
        bundle = json.loads((out / name / "card.json").read_text("utf-8"))
        assert wb.photos_of(name) == [_sha(out / name / f["image"]) for f in bundle["files"]]


def test_a_lost_record_finds_the_card_instead_of_creating_it_again(out: Path, wb: FakeWB) -> None:
    assert publish(out) == 0
    (out / ".vitrina" / "publish.json").unlink()
    assert publish(out) == 0
    assert len(wb.upload_requests()) == 1
    assert len([c for c in wb.cards if c.startswith("mug-")]) == 2


def test_invalid_products_are_blocked_before_any_request(tmp_path: Path, wb: FakeWB, capsys) -> None:
    folder = tmp_path / "cards"
    make_bundle(folder, "too-long", title="Кружка " * 12, wb=WB_BLOCK)
    make_bundle(folder, "tiny-photo", size=(600, 600), wb=WB_BLOCK, seed=3)
    make_bundle(folder, "no-colour", wb={**WB_BLOCK, "characteristics": {"17596": ["керамика"]}}, seed=4)
    made_up = {**WB_BLOCK, "characteristics": {**CHARCS, "14177449": ["закатный"]}}
    make_bundle(folder, "made-up-colour", wb=made_up, seed=5)
    make_bundle(folder, "no-category", wb={k: v for k, v in WB_BLOCK.items() if k != "subject_id"}, seed=6)
    assert publish(folder) == 1
    said = capsys.readouterr().out
    assert "the title has 84 characters; Wildberries takes at most 60" in said
    assert "is 600×600; Wildberries needs at least 700×900" in said
    assert "required characteristics are empty: Цвет" in said
    assert "закатный" in said
    assert "no Wildberries category" in said
    assert not wb.upload_requests() and not wb.media_requests()


def test_only_approved_leaves_the_rest_out(out: Path, wb: FakeWB, capsys) -> None:
    make_bundle(out, "mug-unreviewed", approved=False, wb=WB_BLOCK, seed=7)
    assert publish(out, "--only-approved") == 0
    assert wb.created("mug-unreviewed") is None and wb.created("mug-red") is not None
    assert "skipped 1" in capsys.readouterr().out


def test_dry_run_sends_nothing_and_shows_the_payload(out: Path, wb: FakeWB, capsys) -> None:
    assert publish(out, "--dry-run") == 0
    said = capsys.readouterr().out
    assert '"subjectID": 2956' in said and '"vendorCode": "mug-red"' in said
    assert not [r for r in wb.requests if r.method == "POST"]


def test_per_card_errors_from_the_error_list_are_shown_against_their_product(out: Path, wb: FakeWB,
                                                                             capsys) -> None:
    wb.reject_vendor("mug-blue", ["Поле Наименование не должно содержать запрещенные символы: 😈"], times=1)
    assert publish(out) == 1
    said = capsys.readouterr()
    assert "mug-blue" in said.err and "запрещенные символы" in said.err
    assert wb.created("mug-red") is not None
    state = PublishState.open(out, sandbox=False)
    assert state.remote["mug-blue"].status == "rejected" and state.remote["mug-blue"].errors
    assert publish(out) == 0  # a refused card is sent again (once fixed, WB takes it)
    assert wb.created("mug-blue") is not None


def test_429_is_retried_after_the_servers_delay(out: Path, wb: FakeWB) -> None:
    wb.throttle_next(3, retry=0.2)
    assert publish(out) == 0
    first = wb.requests[:4]
    assert len({(r.method, r.path) for r in first}) == 1  # the same request, three times refused
    # each one after the delay the server asked for
    assert all(b.at - a.at >= 0.2 for a, b in zip(first, first[1:], strict=False))
    assert wb.created("mug-red") is not None and wb.created("mug-blue") is not None


def test_401_says_what_is_wrong_with_the_token(out: Path, wb: FakeWB, monkeypatch, capsys) -> None:
    monkeypatch.setenv("WB_API_TOKEN", "not-the-token")
    assert publish(out) == 1
    err = capsys.readouterr().err
    assert "did not accept the API token" in err and "«Контент»" in err
    assert "not-the-token" not in err
    assert not wb.upload_requests()


def test_403_names_the_missing_category(out: Path, wb: FakeWB, capsys) -> None:
    wb.forbid_content = True
    assert publish(out) == 1
    assert "«Контент» (Content) category with write access" in capsys.readouterr().err


def test_the_token_is_in_no_file_or_log(out: Path, wb: FakeWB, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    assert publish(out) == 0
    said = capsys.readouterr()
    assert wb.token not in said.out + said.err + caplog.text
    for path in out.rglob("*"):
        if path.is_file():
            assert wb.token.encode() not in path.read_bytes(), path
    assert all(r.headers.get("authorization") == wb.token for r in wb.requests)


def test_sandbox_and_production_are_kept_apart(out: Path, wb: FakeWB) -> None:
    assert publish(out, "--sandbox") == 0
    state = json.loads((out / ".vitrina" / "publish.json").read_text("utf-8"))
    assert set(state["hosts"]) == {"sandbox"}


def test_requests_keep_to_the_documented_pace(tmp_path: Path, wb: FakeWB) -> None:
    """The client paces itself to WB's limits (scaled as the fake's are): no request meets a 429."""
    folder = tmp_path / "cards"
    for n in range(8):
        make_bundle(folder, f"mug-{n}", photos=1, wb=WB_BLOCK, seed=20 + n)
    assert publish(folder) == 0
    assert [r.path for r in wb.requests if r.answered != [200]] == []
    assert len(wb.requests) > 20  # past the burst of 5 in each group


def test_new_cards_go_in_one_batch(out: Path, wb: FakeWB) -> None:
    assert publish(out) == 0
    media = [r.at for r in wb.requests_to(MEDIA_FILE)]
    assert len(media) == 4 and media == sorted(media)
    assert not wb.requests_to(UPDATE) and len(wb.requests_to(UPLOAD)) == 1


def test_a_large_folder_is_looked_up_by_pages_of_the_card_list(tmp_path: Path, wb: FakeWB) -> None:
    """Past a few dozen new cards, WB is asked for its card list a page of 100 at a time instead of
    once per vendor code (at 100 requests a minute, 5,000 lookups would take 50 minutes)."""
    folder = tmp_path / "cards"
    for n in range(flow.ONE_BY_ONE + 5):
        make_bundle(folder, f"mug-{n:02d}", photos=1, wb=WB_BLOCK, seed=40 + n)
    assert publish(folder) == 0
    assert all(wb.created(f"mug-{n:02d}") is not None for n in range(flow.ONE_BY_ONE + 5))
    searches = [r for r in wb.requests_to(CARDS_LIST) if r.json()["settings"]["filter"]["textSearch"]]
    assert not searches  # no vendor code was searched one by one
    assert len(wb.upload_requests()) == 1  # 35 new cards: one request


def test_exported_bundles_carry_the_studio_verdict_and_listing(tmp_path: Path, tiny_seg_model: Path,
                                                               wb: FakeWB) -> None:
    """The batch engine writes what publishing reads: `approved` from the P/X flags, `wb` from the
    listing set in the studio; --only-approved then publishes just the approved product."""
    import shutil

    import skimage.data

    from app.project import Project
    from app.studio.flags import APPROVED, set_flag

    samples = Path(skimage.data.__file__).parent
    shoot, cards = tmp_path / "shoot", tmp_path / "cards"
    for name in ("red", "blue"):
        (shoot / name).mkdir(parents=True)
        shutil.copy(samples / "coffee.png", shoot / name / "1.png")
    project = Project(shoot)
    set_flag(project, ["red/1.png"], APPROVED)
    for name in ("red", "blue"):
        project.product(name).wb = dict(WB_BLOCK)
        project.product(name).card = {"title": f"Кружка {name}", "description": "Кружка из керамики."}
        project.product(name).card_edited = True
    project.save()
    assert main(["batch", str(shoot), "-o", str(cards), "--seg-model", str(tiny_seg_model), "--device", "cpu",
                 "--marketplace", "wb", "--no-text"]) == 0
    red = json.loads((cards / "red" / "card.json").read_text("utf-8"))
    blue = json.loads((cards / "blue" / "card.json").read_text("utf-8"))
    assert red["approved"] is True and blue["approved"] is False
    assert red["wb"]["subject_id"] == MUG and red["wb"]["brand"] == "Витрина"
    assert publish(cards, "--only-approved") == 0
    assert wb.created("red") is not None and wb.created("blue") is None


@pytest.mark.parametrize("content, says", [
    ("[1, 2]", "is not a Vitrina publishing record"),
    ('{"version": "two"}', "is not a Vitrina publishing record"),
    ('{"version": 99}', "newer Vitrina"),
    ("{not json", "cannot be read"),
])
def test_a_damaged_publishing_record_stops_the_run_with_its_reason(tmp_path: Path, content: str,
                                                                   says: str) -> None:
    record = tmp_path / ".vitrina" / "publish.json"
    record.parent.mkdir()
    record.write_text(content, encoding="utf-8")
    with pytest.raises(api.WBError, match=says):
        PublishState.open(tmp_path, sandbox=False)
    assert record.read_text(encoding="utf-8") == content  # never replaced by an empty record


def _queued(out: Path, bundle: str, seconds_ago: float) -> None:
    """A record saying ``bundle``'s card was sent that long ago and is still on its way."""
    import time

    from app.publish.wb import state as st

    record = PublishState.open(out, sandbox=False)
    remote = record.remote_of(bundle)
    remote.vendor_code, remote.status, remote.card = bundle, st.QUEUED, "x"
    remote.queued_at = time.time() - seconds_ago
    record.save()


def _short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cards that never appear on the fake are waited for half a second, then the run ends."""
    import functools

    monkeypatch.setattr(flow, "PublishOptions", functools.partial(flow.PublishOptions, poll_timeout=0.5))


def test_a_card_wb_dropped_without_a_word_is_sent_again(out: Path, wb: FakeWB, monkeypatch) -> None:
    _short_wait(monkeypatch)
    _queued(out, "mug-red", seconds_ago=flow.DROPPED_AFTER + 60)  # the fake never got it
    assert publish(out) == 0
    sent = [card["vendorCode"] for request in wb.upload_requests() for group in request.json()
            for card in group["variants"]]
    assert sorted(sent) == ["mug-blue", "mug-red"]
    record = PublishState.open(out, sandbox=False)
    assert record.remote["mug-red"].nm_id is not None and len(wb.photos_of("mug-red")) == 3


def test_a_card_sent_minutes_ago_is_waited_for_not_sent_twice(out: Path, wb: FakeWB, monkeypatch) -> None:
    _short_wait(monkeypatch)
    _queued(out, "mug-red", seconds_ago=600)
    publish(out)
    sent = [card["vendorCode"] for request in wb.upload_requests() for group in request.json()
            for card in group["variants"]]
    assert sent == ["mug-blue"]
