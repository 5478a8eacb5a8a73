"""Bad inputs: the whole generated corpus plus file-system oddities in one folder, through `vitrina batch`.

The batch goes on; each bad file gets one clear, specific line in report.csv and on stderr; no
traceback reaches the user; every valid file in the same folder is exported.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.imaging import files as imaging_files
from tests import photo_corpus as pc
from tests.reliability.conftest import (
    assert_complete_bundle,
    bundles,
    images_only,
    leftovers,
    read_report,
    snapshot,
)

FAILED = {
    "empty.jpg": "file is empty (0 bytes)",
    "truncated.jpg": "truncated JPEG (the file ends early; copy or export it again)",
    "truncated.png": "truncated PNG (the file ends early; copy or export it again)",
    "notes.jpg": "not an image (looks like a text file)",
    "page.png": "not an image (looks like an HTML page)",
    "transparent.png": "image is fully transparent (nothing visible)",
    "bomb.png": "image is 100.0\u00a0MP (10000×10000); the limit is 80\u00a0MP "
                "(set VITRINA_MAX_MEGAPIXELS to "
                "change it)",
    "huge_bomb.png": "image is 200.0\u00a0MP (20000×10000); the limit is 80\u00a0MP "
                     "(set VITRINA_MAX_MEGAPIXELS to "
                     "change it)",
    "locked.jpg": "cannot read the file: permission denied",
}
SKIPPED = {
    "loop.jpg": "link loop: the link leads back to itself",
    "dangling.jpg": "broken link: the file it points to is missing",
    "pipe.jpg": "not a regular file (a pipe, socket or device)",
    "linked folder": "linked folder not followed (could loop)",
}
# Exported, with a note saying what was changed on the way in.
NOTED = {
    "animated.gif": "animated: first frame used",
    "animated.webp": "animated: first frame used",
    "cmyk.jpg": "converted from CMYK",
    "gray16.png": "16-bit reduced to 8-bit",
    "rgb48.png": "16-bit reduced to 8-bit",
    "linear_icc.jpg": "ICC profile converted to sRGB",
    "broken_icc.jpg": "ICC profile unreadable",
    "photo.png": "same picture as photo copy.png",  # the copy sorts first, so it is the original
}
NEEDS_REVIEW = {"blank.png", "la.png", "one.png"}
IGNORED = (".hidden.jpg", "._photo.jpg", ".DS_Store", "Thumbs.db", "desktop.ini")
ODD_NAMES = ("Кружка керамическая.png", "чай 🍵 «лучший».png", 'say "cheese" \'now\'.png', "x" * 210 + ".png")


def _odd_folder(src: Path) -> None:
    """Everything a photographer's folder can hold besides photos, next to the generated corpus."""
    os.symlink("loop.jpg", src / "loop.jpg")
    os.symlink(src / "gone.jpg", src / "dangling.jpg")
    os.symlink(src, src / "linked folder")
    os.mkfifo(src / "pipe.jpg")
    pc.write_image(src / "locked.jpg", pc.gradient_rgb())
    for name in ODD_NAMES:
        pc.write_image(src / name, pc.gradient_rgb())
    shutil.copy(src / "photo.png", src / "photo copy.png")
    for name in IGNORED:
        (src / name).write_bytes(b"\x00 not a photo")
    pc.write_image(src / "blank.png", np.full((40, 60, 3), 255, np.uint8))  # nothing on it
    pc.write_image(src / "dark.png", np.full((40, 60, 3), 20, np.uint8))  # all "object"


def _deny_reading(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The test runs as root, who reads any file whatever its mode: refuse one the way the OS does."""
    real_open = open

    def guarded(path: object, *args: object, **kwargs: object):  # noqa: ANN202 - open()'s type
        if Path(str(path)).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(imaging_files, "open", guarded, raising=False)


@pytest.mark.skipif(os.name != "posix", reason="symlinks and named pipes as a POSIX user makes them")
def test_the_whole_bad_input_corpus_in_one_folder(tmp_path, tiny_seg_model, vitrina, monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    corpus = pc.build_corpus(src)
    _odd_folder(src)
    _deny_reading(monkeypatch, "locked.jpg")
    before = snapshot(src)

    run = vitrina(*images_only(src, out, tiny_seg_model))

    assert run.code == 1  # some inputs failed, the rest were exported
    assert "Traceback" not in run.text
    report = read_report(out)
    lines = run.err.splitlines()
    for name, message in FAILED.items():
        assert (report[name]["status"], report[name]["message"]) == ("failed", message)
        assert lines.count(f"✗ {name}: {message}") == 1, name
    for name, why in SKIPPED.items():
        assert (report[name]["status"], report[name]["message"]) == ("skipped", why)
        assert lines.count(f"! {name}: skipped: {why}") == 1, name
    for name, note in NOTED.items():
        assert report[name]["status"] == "done" and note in report[name]["message"], name
    # No object in the mask (nothing on it, a uniform 24 % alpha, a single pixel): an image of the
    # backdrop alone is not exported, a person has to look.
    for name in NEEDS_REVIEW:
        assert report[name]["status"] == "needs review", name
        assert "no object found in the mask" in report[name]["message"]
    for name in IGNORED:
        assert name not in report  # system droppings are not photos, and not noise either
    # Every photo file of the corpus and every odd name has its row; all others were exported.
    photos = {p.name for p in corpus.values()} | set(ODD_NAMES) | {"photo copy.png", "dark.png", "blank.png"}
    assert photos <= set(report)
    done = {name for name, row in report.items() if row["status"] == "done"}
    assert done == photos - set(FAILED) - NEEDS_REVIEW
    assert len(bundles(out)) == len(done) and not leftovers(out)
    for folder in bundles(out):
        assert_complete_bundle(folder)
    assert snapshot(src) == before  # originals untouched


def test_every_exif_orientation_is_upright_in_the_exported_cut_out(tmp_path, tiny_seg_model, vitrina) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    src.mkdir()
    for n in range(1, 9):
        pc.write_oriented_jpeg(src / f"orient_{n}.jpg", n)
    assert vitrina(*images_only(src, out, tiny_seg_model)).code == 0
    for n in range(1, 9):
        with Image.open(out / f"orient_{n}" / "cutout.png") as im:
            rgb = np.asarray(im.convert("RGB")).astype(int)
        assert (rgb.shape[1], rgb.shape[0]) == pc.UPRIGHT_SIZE, n
        # The three coloured corners are "product" to the tiny model; the white one is background.
        for (y, x), colour in (((2, 2), pc.TOP_LEFT), ((2, -3), pc.TOP_RIGHT), ((-3, 2), pc.BOTTOM_LEFT)):
            assert np.abs(rgb[y, x] - colour).max() < 40, (n, colour)


@pytest.mark.parametrize("layout", ["empty", "empty subfolders and no photos"])
def test_a_folder_without_photos_is_a_clear_usage_error(tmp_path, tiny_seg_model, vitrina, layout) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    src.mkdir()
    if layout != "empty":
        for sub in ("Кружка", "Ваза/фон", "пусто"):
            (src / sub).mkdir(parents=True)
        (src / "Кружка" / "shot list.txt").write_text("1. front\n2. side\n")
        (src / "Thumbs.db").write_bytes(b"\x00")

    run = vitrina(*images_only(src, out, tiny_seg_model))

    assert run.code == 2
    assert f"vitrina: error: no photos found in {src.resolve()} or its subfolders" in run.err
    assert ".jpg" in run.err and "Traceback" not in run.text
    assert not out.exists()  # nothing was created for nothing
