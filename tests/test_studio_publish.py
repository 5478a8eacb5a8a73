"""The studio's Publish to Wildberries (app/studio/publish.py) against the loopback fake of the content
API: the chosen products' bundles are made or brought up to date in the export folder, then become
cards with their photos; a product that cannot be published is said and left out."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from app.cardtext.card import Card
from app.errors import VitrinaError
from app.events import Event, ItemFailed
from app.project import Project
from app.publish.wb import api, flow
from app.studio import APPROVED, all_photos, process_photos, set_card, set_flag, set_marketplace
from app.studio.publish import prepare_bundles, publish, publish_keys
from tests.fake_wb import UPLOAD, FakeWB
from tests.ui.shoot import LOOSE, PRODUCT, draw_product, fake_mask, make_shoot
from tests.wb_fixtures import serve_wb

MUG = 2956  # the fake's «Кружки»: Цвет and Материал изделия are required
LISTING = {"subject_id": MUG, "subject_name": "Кружки", "brand": "Витрина",
           "dimensions": {"length": 12, "width": 9, "height": 10, "weight": 0.4},
           "characteristics": {"14177449": ["красный"], "17596": ["керамика"]}}
TITLE = "Кружка керамическая красная 350 мл"


class _Segmenter:
    model_id, revision, device = "fake", "0", "cpu"

    def segment(self, images: list[np.ndarray]) -> list[np.ndarray]:
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass


@pytest.fixture
def wb(monkeypatch: pytest.MonkeyPatch):
    with serve_wb(monkeypatch, polls_until_created=2) as fake:
        yield fake


def listed_project(root: Path) -> Project:
    """The shoot processed, both products on the WB canvas with card text and a listing; the mug's
    photos approved, the ball's not looked at yet."""
    project = Project(make_shoot(root))
    process_photos(project, all_photos(project), seg_model="birefnet", device="cpu",
                   segmenter_factory=lambda *_: _Segmenter())
    keys = [p.key for p in project.products]
    set_marketplace(project, keys, "wb")  # 1200×1600: the shoot's own photos are under WB's 700×900
    for key in keys:
        set_card(project, key, Card(title=TITLE if key == PRODUCT else "Мяч резиновый зелёный",
                                    description="Кружка из керамики с ручкой."))
        project.product(key).wb = dict(LISTING, vendor_code=f"vc-{len(key)}")
    mug = next(p for p in project.products if p.key == PRODUCT)
    set_flag(project, mug.photos, APPROVED)
    project.save()
    return project


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bundle_photos(folder: Path) -> list[str]:
    card = json.loads((folder / "card.json").read_text("utf-8"))
    return [_sha(folder / f["image"]) for f in card["files"]]


def test_the_approved_products_become_cards_with_their_photos(tmp_path: Path, wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    keys = publish_keys(project, "approved", [])
    assert keys == [PRODUCT]
    out = tmp_path / "cards"
    result = publish(project, keys, out)
    assert [(o.bundle, o.status) for o in result.outcomes] == [("Кружка", flow.PUBLISHED)]
    assert result.products == {"Кружка": PRODUCT} and not result.left_out
    vendor = f"vc-{len(PRODUCT)}"
    assert wb.created(vendor) == result.outcomes[0].nm_id
    assert wb.photos_of(vendor) == _bundle_photos(out / "Кружка") and result.outcomes[0].photos_sent == 2
    assert wb.cards[vendor]["title"] == TITLE
    assert not (out / "ball").exists()  # not approved: neither exported nor sent


def test_selected_scope_takes_the_selections_products(tmp_path: Path) -> None:
    project = listed_project(tmp_path)
    assert publish_keys(project, "selected", [LOOSE, PRODUCT]) == [p.key for p in project.products
                                                                   if p.key in (LOOSE, PRODUCT)]
    assert publish_keys(project, "selected", []) == []


def test_a_kept_bundle_gets_the_projects_text_and_listing_without_a_new_export(tmp_path: Path,
                                                                                wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    out = tmp_path / "cards"
    publish(project, [PRODUCT], out)
    image = out / "Кружка" / "01.jpg"
    before = image.stat().st_mtime_ns
    set_card(project, PRODUCT, Card(title="Кружка красная из керамики", description="Новое описание."))
    project.product(PRODUCT).wb = dict(LISTING, vendor_code=f"vc-{len(PRODUCT)}", brand="Другой")
    project.save()

    result = publish(project, [PRODUCT], out)
    assert [o.status for o in result.outcomes] == [flow.UNCHANGED]  # photos the same: none sent again
    assert image.stat().st_mtime_ns == before  # the images were not made again
    card = json.loads((out / "Кружка" / "card.json").read_text("utf-8"))
    assert card["card"]["title"] == "Кружка красная из керамики" and card["wb"]["brand"] == "Другой"
    assert card["files"] and card["approved"] is True  # the rest of card.json is kept
    assert len(wb.upload_requests()) == 1  # the card was updated, not made twice
    assert wb.cards[f"vc-{len(PRODUCT)}"]["title"] == "Кружка красная из керамики"

    project.product(PRODUCT).wb = None  # the listing cleared in the studio: the bundle drops it too
    prepare_bundles(project, [PRODUCT], out)
    assert "wb" not in json.loads((out / "Кружка" / "card.json").read_text("utf-8"))


def test_export_again_remakes_the_images(tmp_path: Path, wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    out = tmp_path / "cards"
    prepare_bundles(project, [PRODUCT], out)
    first = (out / "Кружка" / "01.jpg").stat().st_mtime_ns
    prepare_bundles(project, [PRODUCT], out, reexport=True)
    assert (out / "Кружка" / "01.jpg").stat().st_mtime_ns != first


def test_a_photo_added_since_the_export_redoes_the_bundle(tmp_path: Path) -> None:
    project = listed_project(tmp_path)
    out = tmp_path / "cards"
    prepare_bundles(project, [PRODUCT], out)
    draw_product(project.root / PRODUCT / "3.png", (200, 200, 40))
    project = Project(project.root)
    process_photos(project, all_photos(project), seg_model="birefnet", device="cpu",
                   segmenter_factory=lambda *_: _Segmenter())
    prepare_bundles(project, [PRODUCT], out)
    card = json.loads((out / "Кружка" / "card.json").read_text("utf-8"))
    assert len(card["files"]) == 3


def test_a_product_without_a_processed_photo_is_said_and_left_out(tmp_path: Path, wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    draw_product(project.root / "new.png", (90, 30, 160))
    project = Project(project.root)  # rescanned: new.png is a product with nothing processed
    events: list[Event] = []
    result = publish(project, [PRODUCT, "new.png"], tmp_path / "cards", events=events.append)
    assert "no processed photo" in result.left_out["new.png"]
    assert any(isinstance(e, ItemFailed) and e.item == "new.png" for e in events)
    assert [o.bundle for o in result.outcomes] == ["Кружка"]


def test_no_token_stops_before_anything(tmp_path: Path, wb: FakeWB, monkeypatch) -> None:
    monkeypatch.delenv("WB_API_TOKEN")
    monkeypatch.setattr("keyring.get_password", lambda *_: None)
    project = listed_project(tmp_path)
    with pytest.raises(VitrinaError, match="No Wildberries API token"):
        publish(project, [PRODUCT], tmp_path / "cards")
    assert not (tmp_path / "cards").exists() and not wb.requests


def test_check_only_sends_nothing(tmp_path: Path, wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    result = publish(project, [PRODUCT], tmp_path / "cards", dry_run=True)
    assert [o.status for o in result.outcomes] == [flow.PLANNED]
    assert result.outcomes[0].payload["variants"][0]["title"] == TITLE
    assert not [r for r in wb.requests if r.method == "POST"]


def test_blocked_products_say_why_and_nothing_of_them_is_sent(tmp_path: Path, wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    project.product(PRODUCT).wb = dict(LISTING, characteristics={})
    set_card(project, PRODUCT, Card(title="Кружка " * 12, description=""))
    result = publish(project, [PRODUCT], tmp_path / "cards")
    (outcome,) = result.outcomes
    assert outcome.status == flow.BLOCKED
    text = " ".join(outcome.problems)
    assert "Wildberries takes at most 60" in text and "Цвет" in text
    assert not wb.requests_to(UPLOAD)


def test_stopped_then_published_again_makes_no_second_card(tmp_path: Path, wb: FakeWB, monkeypatch) -> None:
    project = listed_project(tmp_path)
    out = tmp_path / "cards"
    stop = {"now": False}
    real = api.WBClient.upload_photo

    def upload_then_stop(self, *args, **kwargs):
        stop["now"] = True  # Cancel pressed while the first photo goes up
        return real(self, *args, **kwargs)

    monkeypatch.setattr(api.WBClient, "upload_photo", upload_then_stop)
    first = publish(project, [PRODUCT], out, cancelled=lambda: stop["now"])
    assert first.cancelled
    monkeypatch.setattr(api.WBClient, "upload_photo", real)
    again = publish(project, [PRODUCT], out)
    assert [o.status for o in again.outcomes] == [flow.PUBLISHED]
    assert len(wb.upload_requests()) == 1
    vendor = f"vc-{len(PRODUCT)}"
    assert wb.photos_of(vendor) == _bundle_photos(out / "Кружка")


def test_stopped_during_the_export_publishes_nothing(tmp_path: Path, wb: FakeWB) -> None:
    project = listed_project(tmp_path)
    result = publish(project, [PRODUCT], tmp_path / "cards", cancelled=lambda: True)
    assert result.cancelled and not result.outcomes and not wb.requests
    assert "stopped" in result.left_out[PRODUCT]


def test_a_bundle_edited_since_the_export_is_made_again_and_the_others_are_kept(tmp_path: Path) -> None:
    from app.compose.placement import Placement
    from app.studio import background_named, set_photo_background, set_placement
    from app.studio.export import export_products

    project = listed_project(tmp_path)
    out = tmp_path / "cards"
    prepare_bundles(project, [PRODUCT, LOOSE], out)
    mug, ball = out / "Кружка" / "01.jpg", out / "ball" / "01.jpg"
    stamps = {path: path.stat().st_mtime_ns for path in (mug, ball)}
    first = next(p for p in project.products if p.key == PRODUCT).photos[0]
    brushed = project.load_mask(first).copy()
    brushed[: brushed.shape[0] // 3] = 0  # the top third brushed away
    project.save_mask(first, brushed, source="edited")
    prepare_bundles(project, [PRODUCT, LOOSE], out)  # publishing: the mug's bundle shows the old mask
    assert mug.stat().st_mtime_ns != stamps[mug] and ball.stat().st_mtime_ns == stamps[ball]
    from PIL import Image

    files = json.loads((out / "Кружка" / "card.json").read_text("utf-8"))["files"]
    mask_name = next(f["mask"] for f in files if f["source"] == first)
    saved = np.asarray(Image.open(out / "Кружка" / mask_name))
    assert saved[: brushed.shape[0] // 3].max() == 0  # the brushed mask is the bundle's now

    for change in (lambda: set_photo_background(project, [LOOSE], background_named("transparent")),
                   lambda: set_placement(project, [LOOSE], Placement(0.5, 0.5, 0.5))):
        before = ball.stat().st_mtime_ns if ball.exists() else None
        change()
        events: list[Event] = []
        export_products(project, [LOOSE], out, overwrite=False, events=events.append)
        remade = next((out / "ball").glob("01.*"))
        assert remade.stat().st_mtime_ns != before  # the studio's own Export redoes it too
        assert any("changed since the export" in str(getattr(e, "message", "")) for e in events)
        ball = remade
    kept: list[Event] = []
    export_products(project, [LOOSE], out, overwrite=False, events=kept.append)
    assert not any("changed since the export" in str(getattr(e, "message", "")) for e in kept)
