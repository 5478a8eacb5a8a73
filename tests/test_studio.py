"""The studio's Qt-free operations: process, preview, choices, export, thumbnails."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app import imaging
from app.cardtext.card import Card
from app.compose.backgrounds import BackgroundSpec
from app.compose.compose import CanvasSpec, compose
from app.describe.protocol import Description
from app.errors import ExportError, VitrinaError
from app.events import Event, ItemFailed, Progress
from app.marketplace.marketplaces import Marketplace
from app.pipeline.text import TextOptions
from app.project import Project
from app.settings import Settings
from app.studio import (
    DEFAULT_BACKGROUND,
    ORIGINAL_SIZE,
    Defaults,
    TextResult,
    all_photos,
    background_for,
    background_named,
    cached_thumbnail,
    canvas_for,
    card_of,
    export_products,
    marketplace_of,
    photo_status,
    process_photos,
    render_preview,
    set_card,
    set_defaults,
    set_marketplace,
    set_photo_background,
    set_product_background,
    text_options,
    write_cards,
)
from app.studio.items import REVIEW_PREFIX, mask_concerns
from app.studio.thumbs import thumbnail_path
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, draw_product, fake_mask, make_shoot

RED = BackgroundSpec(kind="solid", color="#ff0000")
BLUE = BackgroundSpec(kind="solid", color="#0000ff")


class FakeSegmenter:
    """Stands in for BiRefNet where the test is about the run, not the model."""

    def __init__(self, log: dict[str, int]) -> None:
        self.model_id, self.revision, self.device = "fake", "0", "cpu"
        self.log = log
        log["loaded"] = log.get("loaded", 0) + 1

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        self.log["photos"] = self.log.get("photos", 0) + len(images)
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        self.log["closed"] = self.log.get("closed", 0) + 1


@pytest.fixture
def shoot(tmp_path: Path) -> Path:
    return make_shoot(tmp_path)


def _process(project: Project, model: Path, log: dict[str, int], **kw) -> object:
    return process_photos(project, all_photos(project), seg_model=str(model), device="cpu",
                          segmenter_factory=lambda *_: FakeSegmenter(log), **kw)


def test_process_makes_masks_reports_bad_files_and_reuses_them(shoot, tiny_seg_model) -> None:
    project = Project(shoot)
    events: list[Event] = []
    log: dict[str, int] = {}
    result = _process(project, tiny_seg_model, log, events=events.append)
    good = [f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg", LOOSE]
    assert sorted(result.done) == sorted(good)
    assert list(result.failed) == [BROKEN]
    assert [e.item for e in events if isinstance(e, ItemFailed)] == [BROKEN]
    assert [e.done for e in events if isinstance(e, Progress)] == [1, 2, 3, 4]
    assert log == {"loaded": 1, "photos": 3, "closed": 1}  # one model per call, closed at the end
    assert {rel: photo_status(project, rel) for rel in all_photos(project)} == {
        **dict.fromkeys(good, "done"), BROKEN: "error"}
    assert project.load_mask(LOOSE).shape == (150, 200)

    again: dict[str, int] = {}
    reopened = Project(shoot)
    second = _process(reopened, tiny_seg_model, again)
    assert sorted(second.reused) == sorted(good)
    assert again == {}  # nothing to segment, so the model was never loaded


def test_an_edited_mask_survives_a_rerun_and_a_changed_photo_is_redone(shoot, tiny_seg_model) -> None:
    project = Project(shoot)
    _process(project, tiny_seg_model, {})
    edited = np.full((150, 200), 77, np.uint8)
    project.save_mask(LOOSE, edited, source="edited")
    draw_product(shoot / PRODUCT / "1.png", (10, 10, 10))  # the photographer replaced the file
    log: dict[str, int] = {}
    result = _process(Project(shoot), tiny_seg_model, log)
    assert log["photos"] == 1 and LOOSE in result.reused
    reopened = Project(shoot)
    assert np.array_equal(reopened.load_mask(LOOSE), edited)
    assert photo_status(reopened, LOOSE) == "edited"


def test_the_real_loader_runs_the_tiny_model(shoot, tiny_seg_model) -> None:
    project = Project(shoot)
    result = process_photos(project, [LOOSE], seg_model=str(tiny_seg_model), device="cpu")
    assert result.done == [LOOSE]
    mask = project.load_mask(LOOSE)
    assert mask[75, 100] > 200 and mask[5, 5] < 50  # the ellipse is in, the white corner is out
    assert project.photo(LOOSE).mask_model.startswith(f"local:{tiny_seg_model.resolve()}@")


def test_cancel_stops_between_batches_and_keeps_what_was_done(tmp_path, tiny_seg_model) -> None:
    project = Project(make_shoot(tmp_path, extra=6))
    cancel = threading.Event()

    def events(event: Event) -> None:
        if isinstance(event, Progress) and event.done == 1:
            cancel.set()

    result = _process(project, tiny_seg_model, {}, batch_size=1, events=events, cancel=cancel)
    assert result.cancelled
    assert 1 <= len(result.done) < len(all_photos(project)) - 1
    assert all(Project(project.root).load_mask(rel) is not None for rel in result.done)


def test_background_choice_falls_back_photo_then_product_then_default(shoot) -> None:
    project = Project(shoot)
    one, two = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
    assert background_for(project, one) == DEFAULT_BACKGROUND
    set_product_background(project, [PRODUCT], RED)
    set_photo_background(project, [two], BLUE)
    reopened = Project(shoot)  # saved at once
    assert background_for(reopened, one) == RED and background_for(reopened, two) == BLUE
    set_product_background(reopened, [PRODUCT], RED)  # a product choice reaches all its photos
    assert background_for(reopened, two) == RED


def test_set_card_is_saved_at_once_and_marked_edited(shoot) -> None:
    project = Project(shoot)
    set_card(project, LOOSE, Card(title="Мяч", description="Зелёный мяч", attributes={"Цвет": "зелёный"}))
    reopened = Project(shoot)
    assert card_of(reopened, LOOSE).attributes == {"Цвет": "зелёный"}
    assert reopened.product(LOOSE).card_edited


def test_preview_follows_the_choices_and_matches_the_export(shoot, tiny_seg_model, tmp_path) -> None:
    project = Project(shoot)
    assert render_preview(project, LOOSE).result is None  # not processed yet
    _process(project, tiny_seg_model, {})
    set_product_background(project, [LOOSE], RED)
    red = render_preview(project, LOOSE, max_side=100)
    assert red.original.shape == (75, 100, 3)
    assert tuple(red.result[2, 2]) == (255, 0, 0)
    set_photo_background(project, [LOOSE], BLUE)
    assert tuple(render_preview(project, LOOSE, max_side=100).result[2, 2]) == (0, 0, 255)

    set_marketplace(project, [LOOSE], "wb")  # 1200×1600 canvas
    preview = render_preview(project, LOOSE, max_side=400)
    assert preview.result.shape == (400, 300, 3)
    export_products(project, [LOOSE], tmp_path / "out")
    exported = Image.open(tmp_path / "out" / "ball" / "01.jpg").convert("RGB").resize((300, 400))
    assert np.abs(np.asarray(exported, np.int16) - preview.result).mean() < 3
    assert any("source size" in note for note in preview.notes)  # the same placement decision
    # Exported for Wildberries: the bundle carries its compliance report, and the product knows it.
    compliance = json.loads((tmp_path / "out" / "ball" / "compliance.json").read_text("utf-8"))
    assert compliance["marketplace"] == "wb" and project.product(LOOSE).compliance == compliance["status"]


def test_export_writes_bundles_reports_and_keeps_existing_ones(shoot, tiny_seg_model, tmp_path) -> None:
    project = Project(shoot)
    _process(project, tiny_seg_model, {})
    set_product_background(project, [PRODUCT], RED)
    set_card(project, PRODUCT, Card(title="Красная кружка", description="Кружка."))
    out = tmp_path / "cards"
    result = export_products(project, [p.key for p in project.products], out)
    assert sorted(result.bundles) == sorted([PRODUCT, LOOSE])
    card = json.loads((out / PRODUCT / "card.json").read_text("utf-8"))
    assert card["card"]["title"] == "Красная кружка" and card["text_status"] == "edited"
    assert card["background"] == RED.to_json()
    assert "Красная кружка" in (out / PRODUCT / "card.txt").read_text("utf-8")
    photo = imaging.load_photo(shoot / PRODUCT / "1.png")
    expected = compose(photo.rgb, project.load_mask(f"{PRODUCT}/1.png"), RED, None).image
    saved = np.asarray(Image.open(out / PRODUCT / "01.jpg").convert("RGB"), np.int16)
    assert np.abs(saved - expected).mean() < 2
    report = (out / "report.csv").read_text("utf-8-sig")
    assert f"{BROKEN},{BROKEN},failed,not processed yet" in report
    assert "Красная кружка" in (out / "manifest.csv").read_text("utf-8-sig")

    again = export_products(project, [LOOSE], out)
    assert [r.status for r in again.rows if r.product == LOOSE] == ["exists"]
    # Every other file of the folder has its row too, as in `vitrina batch`'s report.
    others = {r.file: (r.status, r.message) for r in again.rows if r.product != LOOSE}
    assert others[BROKEN][0] == "failed" and others[BROKEN][1]  # counted as failed, with why
    assert others[f"{PRODUCT}/1.png"] == ("skipped", "not exported: not in this export "
                                          "(approved only, or the selection)")
    assert again.failed == 1
    assert export_products(project, [LOOSE], out, overwrite=True).bundles == {LOOSE: out / "ball"}


def test_export_refuses_a_folder_inside_the_photos(shoot) -> None:
    with pytest.raises(ExportError, match="outside the photo folder"):
        export_products(Project(shoot), [LOOSE], shoot / "cards")


def test_export_cancel_reports_the_rest(shoot, tiny_seg_model, tmp_path) -> None:
    project = Project(shoot)
    _process(project, tiny_seg_model, {})
    cancel = threading.Event()
    cancel.set()
    result = export_products(project, [LOOSE], tmp_path / "out", cancel=cancel)
    assert result.cancelled and [r.status for r in result.rows if r.product == LOOSE] == ["cancelled"]


def test_thumbnails_are_cached_on_disk(shoot) -> None:
    project = Project(shoot)
    first = cached_thumbnail(project, LOOSE, 64)
    assert first.shape == (48, 64, 3)
    assert Path(thumbnail_path(project, LOOSE, 64)).is_file()
    assert cached_thumbnail(Project(shoot), LOOSE, 64).shape == (48, 64, 3)
    with pytest.raises(Exception, match="not"):
        cached_thumbnail(project, BROKEN, 64)


def test_preview_of_a_canvas_keeps_the_marketplace_shape(shoot, tiny_seg_model) -> None:
    project = Project(shoot)
    _process(project, tiny_seg_model, {})
    set_marketplace(project, [PRODUCT], "ym")  # 1600×1600
    result = render_preview(project, f"{PRODUCT}/2.jpg", max_side=256).result
    assert result.shape == (256, 256, 3)
    assert CanvasSpec.for_marketplace("ym").width == 1600


class _Describer:
    model_id, revision = "fake", "0"

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        return [Description(text=f"{len(photos)} photo(s)") for photos in products]

    def close(self) -> None:
        pass


class _Writer:
    """Writes "Новый <name>"; ``during`` runs inside a write (to act like a user typing meanwhile)."""

    name = "fake"

    def __init__(self, during=None) -> None:  # noqa: ANN001
        self.during, self.calls = during, []

    async def write(self, description: Description, *, product_name: str, marketplace: Marketplace) -> Card:
        self.calls.append(product_name)
        if self.during is not None:
            self.during(product_name)
        return Card(title=f"Новый {product_name}", description=f"Для {marketplace.name}.")

    async def aclose(self) -> None:
        pass


def _write(project: Project, keys: Sequence[str], writer: _Writer, **kw) -> TextResult:
    return write_cards(project, keys, TextOptions(provider="local"),
                       describer_factory=lambda *_: _Describer(), writer_factory=lambda *_: writer, **kw)


def test_cards_are_written_saved_and_user_edits_win(shoot) -> None:
    project = Project(shoot)
    set_marketplace(project, [PRODUCT], "ozon")  # its own limits: a stage of its own, same describer
    set_card(project, LOOSE, Card(title="Мой мяч", description="Мой текст."))
    writer = _Writer()
    events: list[Event] = []
    result = _write(project, [PRODUCT, LOOSE, BROKEN], writer, events=events.append)
    assert result.written == [PRODUCT] and result.kept == [LOOSE] and list(result.failed) == [BROKEN]
    reopened = Project(shoot)
    assert card_of(reopened, PRODUCT).description == "Для Ozon." and not reopened.product(PRODUCT).card_edited
    assert card_of(reopened, LOOSE).title == "Мой мяч"
    assert [e.done for e in events if isinstance(e, Progress)] == [0, 1, 2]

    # Regenerating replaces the edit — unless the user edits again while the new card is written.
    assert _write(project, [LOOSE], _Writer(), regenerate=[LOOSE]).written == [LOOSE]
    assert card_of(project, LOOSE).title == "Новый ball" and not project.product(LOOSE).card_edited
    set_card(project, LOOSE, Card(title="Правка", description=""))
    typing = _Writer(during=lambda _name: set_card(project, LOOSE, Card(title="Ещё правка", description="")))
    assert _write(project, [LOOSE], typing, regenerate=[LOOSE]).kept == [LOOSE]
    assert card_of(Project(shoot), LOOSE).title == "Ещё правка"


def test_writing_cards_needs_a_provider(shoot) -> None:
    with pytest.raises(VitrinaError, match="Settings"):
        write_cards(Project(shoot), [LOOSE], TextOptions(provider="none"))
    options = text_options(Settings(text_provider="local", vlm_model="/m", device="cpu"))
    assert (options.provider, options.vlm_model, options.device, options.writer_settings) == (
        "local", "/m", "cpu", {})


def test_defaults_from_settings_apply_until_the_user_chooses(shoot) -> None:
    project = Project(shoot)
    set_defaults(Defaults(background=background_named("pure-white"), marketplace="ozon"))
    try:
        assert background_for(project, LOOSE) == BackgroundSpec(kind="preset", name="pure-white")
        assert marketplace_of(project, LOOSE) == "ozon" and canvas_for(project, LOOSE) is not None
        set_marketplace(project, [LOOSE], ORIGINAL_SIZE)  # "the photo's own size", chosen on purpose
        set_product_background(project, [LOOSE], RED)
        assert marketplace_of(project, LOOSE) == "" and canvas_for(project, LOOSE) is None
        assert background_for(project, LOOSE) == RED
    finally:
        set_defaults(Defaults())
    assert marketplace_of(project, PRODUCT) == ""
    assert background_for(project, f"{PRODUCT}/1.png") == DEFAULT_BACKGROUND


def test_doubtful_masks_are_flagged_for_review() -> None:
    hard = np.zeros((100, 100), np.uint8)
    hard[20:80, 30:70] = 255
    assert mask_concerns(hard) == (0.0, [])
    empty_score, empty_notes = mask_concerns(np.zeros((100, 100), np.uint8))
    soft = np.tile(np.linspace(0, 255, 100).astype(np.uint8), (100, 1))  # a ramp: all edge, no body
    soft_score, soft_notes = mask_concerns(soft)
    assert empty_notes == [REVIEW_PREFIX + "no object found in the mask"]
    assert soft_notes and all(note.startswith(REVIEW_PREFIX) for note in soft_notes)
    assert empty_score > soft_score > 0  # "needs review" lists the worst first
