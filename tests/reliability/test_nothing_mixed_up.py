"""A growing folder never swaps bundles between products, a late model result never replaces a
person's edit, renamed photos keep their work, and the summary and exit code tell the truth."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, features

from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.project.scan import STATE_DIR_NAME
from app.studio.choices import background_for, set_photo_background
from app.studio.process import process_photos
from tests.reliability.conftest import assert_complete_bundle, images_only, read_csv, read_report
from tests.tiny_birefnet import product_photo

# One colour per photo, so a bundle's cut-out shows which photo it was made from.
_COLOURS = [(200, 30, 30), (30, 150, 30), (30, 30, 200), (150, 30, 150), (30, 120, 120), (120, 120, 30),
            (90, 60, 30), (160, 80, 20)]
_FORMATS = {".bmp": "BMP", ".gif": "GIF", ".jpg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".webp": "WEBP",
            ".avif": "AVIF"}


def _save(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (48, 64)) -> None:
    pixels = product_photo(*size, grey_band=False)
    pixels[size[0] // 4: 3 * size[0] // 4, size[1] // 4: 3 * size[1] // 4] = colour
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = _FORMATS[path.suffix]
    extra = {"lossless": True} if fmt == "WEBP" else {"quality": 100} if fmt in ("JPEG", "AVIF") else {}
    Image.fromarray(pixels).save(path, format=fmt, **extra)


def _centre_colour(bundle: Path, cutout: str = "cutout.png") -> np.ndarray:
    with Image.open(bundle / cutout) as im:
        rgba = np.asarray(im.convert("RGBA"))
    h, w = rgba.shape[:2]
    return rgba[h // 2, w // 2, :3].astype(int)


def _bundle_of(out: Path) -> dict[str, Path]:
    """source (as card.json says) → the bundle folder holding it."""
    found = {}
    for folder in out.iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            card = json.loads((folder / "card.json").read_text("utf-8"))
            found[card["source"]] = folder
    return found


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot write AVIF")
def test_adding_a_file_never_swaps_bundles_between_products(tmp_path, vitrina, tiny_seg_model) -> None:
    """The reported case: Pillow's hopper in six formats and a flower, then hopper.avif is added.
    Before, the new file took bundle "hopper" (reported "exists", never exported), every other
    hopper moved one bundle down and hopper.webp was exported a second time."""
    src, out = tmp_path / "shoot", tmp_path / "cards"
    names = [*(f"hopper.{ext}" for ext in ("bmp", "gif", "jpg", "png", "tif", "webp")), "flower.jpg"]
    colours = dict(zip(names, _COLOURS, strict=False))
    for name in names:
        _save(src / name, colours[name])
    first = vitrina(*images_only(src, out, tiny_seg_model))
    assert first.code == 0, first.err
    before = _bundle_of(out)
    assert sorted(before) == sorted(names)
    folders_before = {source: folder.name for source, folder in before.items()}

    colours["hopper.avif"] = _COLOURS[7]
    _save(src / "hopper.avif", colours["hopper.avif"])
    second = vitrina(*images_only(src, out, tiny_seg_model))
    assert second.code == 0, second.err
    assert "1 photo(s) exported now, 7 already exported (kept)" in second.err
    report = read_report(out)
    assert report["hopper.avif"]["status"] == "done"
    assert {f for f, r in report.items() if r["status"] == "exists"} == set(names)
    after = _bundle_of(out)
    assert sorted(after) == sorted([*names, "hopper.avif"])  # each photo in exactly one bundle
    assert {s: after[s].name for s in names} == folders_before  # nobody moved
    for source, folder in after.items():
        assert report[source]["bundle"] == folder.name
        assert_complete_bundle(folder)
        assert np.abs(_centre_colour(folder) - colours[source]).max() < 40, source
    manifest = {row["bundle"]: row for row in read_csv(out / "manifest.csv")}
    assert sorted(manifest) == sorted(f.name for f in after.values())


def _stranger(folder: Path) -> None:
    """A bundle of another shoot's "vase" (another project exported into the same folder)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "card.json").write_text(json.dumps({"source": "other shoot/vase.png", "files": []}), "utf-8")
    (folder / "01.jpg").write_bytes(b"someone else's upload")


def test_a_new_product_never_takes_a_folder_another_product_holds(tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "vase.png", _COLOURS[0])
    _stranger(out / "vase")
    run = vitrina(*images_only(src, out, tiny_seg_model))
    assert run.code == 0, run.err
    assert read_report(out)["vase.png"]["bundle"] == "vase (2)"
    assert (out / "vase" / "01.jpg").read_bytes() == b"someone else's upload"


def test_a_bundle_folder_taken_over_by_another_product_is_a_conflict_and_is_left_alone(
        tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "vase.png", _COLOURS[0])
    _save(src / "bag.jpg", _COLOURS[1])
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 0
    _stranger(out / "vase")  # our "vase" bundle was replaced by someone else's since
    for extra in ((), ("--overwrite",)):  # not even --overwrite replaces another product's work
        run = vitrina(*images_only(src, out, tiny_seg_model, *extra))
        assert run.code == 1, run.err
        report = read_report(out)
        assert report["vase.png"]["status"] == "conflict"
        assert "holds another product (other shoot/vase.png)" in report["vase.png"]["message"]
        assert report["bag.jpg"]["status"] in ("exists", "done")
        assert (out / "vase" / "01.jpg").read_bytes() == b"someone else's upload"
        assert [row["bundle"] for row in read_csv(out / "manifest.csv")] == ["bag"]


def test_lost_state_finds_each_product_its_own_bundle_by_card_json(tmp_path, vitrina, tiny_seg_model) -> None:
    """Without the stored names (state deleted, or bundles of an older version) a product adopts
    the bundle whose card.json names it, instead of one derived from today's scan order."""
    src, out = tmp_path / "shoot", tmp_path / "cards"
    for name, colour in zip(["hopper.jpg", "hopper.png"], _COLOURS, strict=False):
        _save(src / name, colour)
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 0
    before = {s: f.name for s, f in _bundle_of(out).items()}
    shutil.rmtree(src / STATE_DIR_NAME)
    _save(src / "hopper.bmp", _COLOURS[2])  # sorts first: it would have taken "hopper"
    run = vitrina(*images_only(src, out, tiny_seg_model))
    assert run.code == 0, run.err
    after = _bundle_of(out)
    assert {s: after[s].name for s in before} == before
    assert np.abs(_centre_colour(after["hopper.bmp"]) - _COLOURS[2]).max() < 40
    assert read_report(out)["hopper.bmp"]["status"] == "done"


def test_an_empty_cutout_needs_review_and_is_not_exported(tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "bag.png", _COLOURS[0])
    Image.new("RGB", (64, 48), "white").save(src / "blank.png")  # nothing on it: the mask is empty
    for background in ("plane", "transparent"):
        shutil.rmtree(out, ignore_errors=True)
        run = vitrina(*images_only(src, out, tiny_seg_model, "--background", background))
        assert run.code == 1, run.err
        report = read_report(out)
        assert report["blank.png"]["status"] == "needs review"
        assert "no object found in the mask" in report["blank.png"]["message"]
        assert report["bag.png"]["status"] == "done"
        assert not (out / "blank").exists()
        assert [row["bundle"] for row in read_csv(out / "manifest.csv")] == ["bag"]
        assert "1 need review" in run.err


def test_nothing_exported_exits_2_and_says_so(tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    src.mkdir()
    Image.new("RGB", (64, 48), "white").save(src / "blank.png")
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    run = vitrina(*images_only(src, out, tiny_seg_model))
    assert run.code == 2, run.err
    assert "Nothing exported: 1 failed, 1 need review" in run.err


def test_a_rerun_keeps_each_files_notes_and_counts_what_it_kept(tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "a.png", _COLOURS[0])
    shutil.copy(src / "a.png", src / "b.png")  # b's row notes "same picture as a.png"
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 0
    first = read_report(out)["b.png"]["message"]
    assert "same picture as a.png" in first
    again = vitrina(*images_only(src, out, tiny_seg_model))
    assert again.code == 0
    assert "0 photo(s) exported now, 2 already exported (kept)" in again.err
    row = read_report(out)["b.png"]
    assert row["status"] == "exists" and "same picture as a.png" in row["message"]


class _EditsWhileSegmenting:
    """A segmenter during whose forward pass the user brushes the photo (the studio's UI thread
    saving an edit while its worker thread waits for the GPU)."""

    def __init__(self, project: Project, rel: str, edit: np.ndarray) -> None:
        self.project, self.rel, self.edit = project, rel, edit
        self.model_mask: np.ndarray | None = None

    def segment(self, images: list[np.ndarray]) -> list[np.ndarray]:
        self.project.save_mask(self.rel, self.edit, source="edited")
        masks = [np.where(image.mean(axis=2) < 200, 255, 0).astype(np.uint8) for image in images]
        self.model_mask = masks[0]
        return masks

    def close(self) -> None:
        pass


def test_an_edit_made_while_the_model_runs_is_kept(tmp_path) -> None:
    _save(tmp_path / "a.png", _COLOURS[0])
    project = Project(tmp_path)
    edit = np.zeros((48, 64), np.uint8)
    edit[5:40, 5:60] = 255  # the person's stroke: much larger than the model's object
    segmenter = _EditsWhileSegmenting(project, "a.png", edit)
    result = process_photos(project, ["a.png"], seg_model="birefnet-lite",
                            segmenter_factory=lambda *a: segmenter)
    assert result.done == ["a.png"]
    reopened = Project(tmp_path)
    assert np.array_equal(reopened.load_mask("a.png"), edit)
    assert reopened.photo("a.png").mask_source == "edited"
    assert segmenter.model_mask is not None
    assert np.array_equal(reopened.load_model_mask("a.png"), segmenter.model_mask)  # what Reset restores


def test_a_renamed_photo_and_a_renamed_folder_keep_their_work(tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "IMG_1.png", _COLOURS[0])
    _save(src / "Кружка" / "1.png", _COLOURS[1])
    _save(src / "Кружка" / "2.png", _COLOURS[2])
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 0
    project = Project(src)
    edit = np.zeros((48, 64), np.uint8)
    edit[10:30, 10:30] = 255
    project.save_mask("IMG_1.png", edit, source="edited")
    set_photo_background(project, ["IMG_1.png"], BackgroundSpec(kind="preset", name="mint"))
    project.product("Кружка").card = {"title": "Кружка керамическая"}
    project.save()
    del project

    (src / "IMG_1.png").rename(src / "ваза.png")
    (src / "Кружка").rename(src / "Кружка красная")
    moved = Project(src)
    assert any("IMG_1.png was renamed or moved to ваза.png" in m for m in moved.messages)
    assert np.array_equal(moved.load_mask("ваза.png"), edit)
    assert background_for(moved, "ваза.png") == BackgroundSpec(kind="preset", name="mint")
    assert moved.product("Кружка красная").card == {"title": "Кружка керамическая"}
    del moved
    run = vitrina(*images_only(src, out, tiny_seg_model))
    report = read_report(out)
    # The folder's bundle came with it: updated in place to the new paths, not made again beside it.
    assert report["Кружка красная/1.png"]["status"] == "done", run.err
    assert report["Кружка красная/1.png"]["bundle"] == "Кружка"
    assert sorted(f.name for f in out.iterdir() if f.is_dir()) == ["IMG_1", "Кружка"]
    assert json.loads((out / "Кружка" / "card.json").read_text("utf-8"))["source"] == "Кружка красная"


def test_a_photo_added_to_an_exported_product_updates_its_bundle(tmp_path, vitrina, tiny_seg_model) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "Кружка" / "1.png", _COLOURS[0])
    (src / "Кружка" / "3.jpg").write_bytes(b"\xff\xd8\xff broken")  # fails every time: no endless redo
    _save(src / "bag.png", _COLOURS[1])
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 1
    _save(src / "Кружка" / "2.png", _COLOURS[2])
    run = vitrina(*images_only(src, out, tiny_seg_model))
    assert "bundle updated: photo added (Кружка/2.png)" in run.err
    report = read_report(out)
    assert report["Кружка/2.png"]["status"] == "done" and report["bag.png"]["status"] == "exists"
    card = assert_complete_bundle(out / "Кружка")
    assert [f["source"] for f in card["files"]] == ["Кружка/1.png", "Кружка/2.png"]
    again = vitrina(*images_only(src, out, tiny_seg_model))
    assert read_report(out)["Кружка/1.png"]["status"] == "exists", again.err


def test_a_photo_shot_again_under_the_same_name_updates_its_bundle(tmp_path, vitrina, tiny_seg_model,
                                                                   monkeypatch) -> None:
    import hashlib

    from app import imaging

    src, out = tmp_path / "shoot", tmp_path / "cards"
    _save(src / "Кружка" / "1.png", _COLOURS[0])
    _save(src / "bag.png", _COLOURS[1])
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 0
    card = json.loads((out / "Кружка" / "card.json").read_text("utf-8"))
    digest = hashlib.sha256((src / "Кружка" / "1.png").read_bytes()).hexdigest()
    assert card["files"][0]["source_hash"] == digest  # what the bundle was made from
    _save(src / "Кружка" / "1.png", _COLOURS[2])  # the photographer shot it again
    run = vitrina(*images_only(src, out, tiny_seg_model))
    assert "bundle updated: photo replaced by another picture (Кружка/1.png)" in run.err
    report = read_report(out)
    assert report["Кружка/1.png"]["status"] == "done" and report["bag.png"]["status"] == "exists"
    assert np.abs(_centre_colour(out / "Кружка") - _COLOURS[2]).max() < 40  # the new picture's cut-out
    reads = []
    real = imaging.content_hash
    monkeypatch.setattr(imaging, "content_hash", lambda path: reads.append(path) or real(path))
    vitrina(*images_only(src, out, tiny_seg_model))
    report = read_report(out)
    assert report["Кружка/1.png"]["status"] == report["bag.png"]["status"] == "exists"
    assert reads == []  # unchanged files are known by their size and time, not read again
