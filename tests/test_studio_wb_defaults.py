"""An export folder's defaults for products without their own brand and package, in the studio: the
Publish dialog's values are kept in the folder's publish.json as the CLI's ``--brand --dimensions
--weight`` are, a product without its own is published with them, the Card text tab's check does
not call them missing, and a publish.json that cannot be read is said in words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cardtext.card import Card
from app.errors import VitrinaError
from app.project import ExportTarget, Project
from app.publish.wb import flow
from app.publish.wb.listing import Dimensions
from app.studio import all_photos, process_photos, remember_export_target, set_card, set_marketplace
from app.studio import wb_listing as wb
from app.studio.publish import PackageDefaults, folder_defaults, publish
from tests.fake_wb import FakeWB
from tests.ui.shoot import PRODUCT, FakeSegmenter, make_shoot
from tests.wb_fixtures import serve_wb

MUG = 2956  # the fake's «Кружки»: Цвет and Материал изделия are required
OWN = {"subject_id": MUG, "subject_name": "Кружки", "vendor_code": "mug-350",  # no brand, no package
       "characteristics": {"14177449": ["красный"], "17596": ["керамика"]}}
PACKAGE = Dimensions(12, 9, 10, 0.4)


@pytest.fixture
def fake_wb(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWB]:
    monkeypatch.setattr("keyring.get_password", lambda _service, _user: None)
    with serve_wb(monkeypatch) as fake:
        yield fake


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(make_shoot(tmp_path))
    set_card(project, PRODUCT, Card(title="Кружка керамическая красная 350 мл", description="Кружка."))
    project.product(PRODUCT).wb = dict(OWN)
    project.save()
    return project


def _write_publish_json(out: Path, content: str) -> Path:
    path = out / ".vitrina" / "publish.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_the_dialogs_defaults_are_kept_for_the_folder_and_used_for_products_without_their_own(
        project: Project, tmp_path: Path, fake_wb: FakeWB) -> None:
    process_photos(project, all_photos(project), seg_model="birefnet", device="cpu",
                   segmenter_factory=lambda *_: FakeSegmenter())
    set_marketplace(project, [PRODUCT], "wb")
    out = tmp_path / "cards"
    # The CLI gave the folder a price; the dialog's brand and package join it, the price stays.
    _write_publish_json(out, json.dumps({"version": 1, "defaults": {"price": 990}}))
    result = publish(project, [PRODUCT], out, dry_run=True, defaults=PackageDefaults(" Витрина ", PACKAGE))
    (outcome,) = result.outcomes
    assert outcome.status == flow.PLANNED, outcome.problems
    variant = outcome.payload["variants"][0]
    assert variant["brand"] == "Витрина"
    assert variant["dimensions"] == {"length": 12, "width": 9, "height": 10, "weightBrutto": 0.4}
    assert variant["sizes"] == [{"price": 990}]
    kept = folder_defaults(out)
    assert (kept.brand, kept.dimensions, kept.price) == ("Витрина", PACKAGE, 990)

    # A product's own brand and package win over the folder's.
    project.product(PRODUCT).wb = dict(OWN, brand="Своя", dimensions={"length": 5, "width": 5, "height": 5,
                                                                       "weight": 0.1})
    result = publish(project, [PRODUCT], out, dry_run=True)
    variant = result.outcomes[0].payload["variants"][0]
    assert variant["brand"] == "Своя" and variant["dimensions"]["length"] == 5
    assert folder_defaults(out).brand == "Витрина"  # no defaults given: the folder's stay


def test_defaults_given_while_nothing_can_be_published_are_kept_all_the_same(project: Project,
                                                                             tmp_path: Path) -> None:
    out = tmp_path / "cards"  # the shoot is not processed: no product can have a bundle
    result = publish(project, [PRODUCT], out, dry_run=True, defaults=PackageDefaults("Витрина", PACKAGE))
    assert not result.outcomes and PRODUCT in result.left_out
    assert folder_defaults(out).dimensions == PACKAGE


def test_a_folder_without_publish_json_has_no_defaults(tmp_path: Path) -> None:
    assert folder_defaults(tmp_path / "never exported") == folder_defaults(tmp_path)
    assert folder_defaults(tmp_path).brand == "" and folder_defaults(tmp_path).dimensions is None


def test_an_unreadable_publish_json_is_said_and_publishes_nothing(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "cards"
    path = _write_publish_json(out, "{ not json")
    with pytest.raises(VitrinaError, match="cannot be read") as said:
        folder_defaults(out)
    assert str(path) in str(said.value)
    with pytest.raises(VitrinaError, match="cannot be read"):
        publish(project, [PRODUCT], out, dry_run=True, defaults=PackageDefaults("Витрина", PACKAGE))
    assert path.read_text("utf-8") == "{ not json"  # never replaced: it records what WB already has
    assert not (out / PRODUCT).exists()


def test_the_check_takes_the_export_folders_defaults_for_what_the_product_lacks(project: Project,
                                                                               tmp_path: Path) -> None:
    missing = "no package dimensions"
    assert any(missing in p for p in wb.check(project, PRODUCT))
    out = tmp_path / "cards"
    remember_export_target(project, ExportTarget(folder=str(out)))
    assert any(missing in p for p in wb.check(project, PRODUCT))  # exported there, but no defaults yet
    _write_publish_json(out, json.dumps({"version": 1, "defaults": {"brand": "Витрина",
                                                                   "dimensions": PACKAGE.to_json()}}))
    assert not any(missing in p for p in wb.check(project, PRODUCT))


def test_an_unreadable_publish_json_is_listed_as_what_blocks_publishing(project: Project,
                                                                        tmp_path: Path) -> None:
    out = tmp_path / "cards"
    remember_export_target(project, ExportTarget(folder=str(out)))
    _write_publish_json(out, "{ not json")
    assert any("publish.json cannot be read" in p for p in wb.check(project, PRODUCT))
