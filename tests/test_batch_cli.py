"""`vitrina batch` end to end on real photographs, through the production model loader (tiny weights)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from app.cli import main
from app.compose.backgrounds import parse_background
from app.events import Progress
from app.pipeline import batch as batch_module
from app.pipeline import finish as finish_module
from app.pipeline.batch import run_batch
from app.pipeline.options import BatchOptions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(skimage.data.__file__).parent


@pytest.fixture
def shoot(tmp_path: Path) -> Path:
    """A photographer's folder: a product with two photos, two loose photos, and broken files."""
    folder = tmp_path / "shoot"
    (folder / "Кофейная чашка").mkdir(parents=True)
    shutil.copy(SAMPLES / "coffee.png", folder / "Кофейная чашка" / "1.png")
    shutil.copy(SAMPLES / "rocket.jpg", folder / "Кофейная чашка" / "2.jpg")
    shutil.copy(SAMPLES / "chelsea.png", folder / "cat toy.png")
    (folder / "notes.jpg").write_text("this is a text file, not a photo")
    data = (SAMPLES / "rocket.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    return folder


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text("utf-8-sig").splitlines()))


def _batch(shoot: Path, out: Path, model: Path, *extra: str) -> int:
    return main(["batch", str(shoot), "-o", str(out), "--seg-model", str(model), "--device", "cpu", *extra])


def test_batch_exports_bundles_reports_bad_files_and_goes_on(shoot, tmp_path, tiny_seg_model, capsys) -> None:
    out = tmp_path / "cards"
    code = _batch(shoot, out, tiny_seg_model, "--marketplace", "wb")
    err = capsys.readouterr().err
    assert code == 1  # some inputs failed, the rest exported
    assert "notes.jpg" in err and "truncated.jpg" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == [
        "cat toy",
        "manifest.csv",
        "report.csv",
        "Кофейная чашка",
    ]
    cup = out / "Кофейная чашка"
    assert sorted(p.name for p in cup.iterdir()) == [
        "01.jpg",
        "02.jpg",
        "card.json",
        "compliance.json",
        "cutout-01.png",
        "cutout-02.png",
        "mask-01.png",
        "mask-02.png",
    ]
    assert json.loads((cup / "compliance.json").read_text("utf-8"))["marketplace"] == "wb"
    with Image.open(cup / "01.jpg") as im:
        assert im.size == (1200, 1600)  # the Wildberries canvas
    with Image.open(cup / "cutout-01.png") as im:
        assert im.mode == "RGBA" and im.size == (600, 400)  # source resolution
    card = json.loads((cup / "card.json").read_text("utf-8"))
    assert card["marketplace"] == "wb"
    assert card["models"]["segmentation"]["id"] == f"local:{tiny_seg_model.resolve()}"
    assert len(card["models"]["segmentation"]["revision"]) == 64
    report = {r["file"]: r for r in _read_csv(out / "report.csv")}
    assert set(report) == {
        "Кофейная чашка/1.png",
        "Кофейная чашка/2.jpg",
        "cat toy.png",
        "notes.jpg",
        "truncated.jpg",
    }
    assert report["cat toy.png"]["status"] == "done"
    assert report["notes.jpg"]["status"] == "failed" and report["notes.jpg"]["message"]
    assert report["truncated.jpg"]["status"] == "failed"
    manifest = _read_csv(out / "manifest.csv")
    assert [(m["product"], m["bundle"], m["photos"]) for m in manifest] == [
        ("cat toy", "cat toy", "1"),
        ("Кофейная чашка", "Кофейная чашка", "2"),
    ]


def test_rerun_resumes_without_recomputing_and_keeps_bundles(
    shoot, tmp_path, tiny_seg_model, monkeypatch
) -> None:
    out = tmp_path / "cards"
    _batch(shoot, out, tiny_seg_model)
    first = (out / "cat toy" / "01.jpg").stat().st_mtime_ns

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded although every mask is cached")

    monkeypatch.setattr(batch_module, "default_segmenter", no_model)
    assert _batch(shoot, out, tiny_seg_model) == 1  # still reports the two broken files
    assert (out / "cat toy" / "01.jpg").stat().st_mtime_ns == first
    report = {r["file"]: r["status"] for r in _read_csv(out / "report.csv")}
    assert report["cat toy.png"] == "exists"
    # --overwrite redoes the images from the cached masks, still without the model.
    assert _batch(shoot, out, tiny_seg_model, "--overwrite", "--background", "white") == 1
    assert json.loads((out / "cat toy" / "card.json").read_text("utf-8"))["background"]["kind"] != "plane"


def test_a_changed_photo_is_segmented_again(shoot, tmp_path, tiny_seg_model) -> None:
    out = tmp_path / "cards"
    calls: list[int] = []
    options = BatchOptions(background=parse_background("plane"), seg_model=str(tiny_seg_model), device="cpu")

    def counting(opts, events):
        seg = batch_module.default_segmenter(opts, events)
        real = seg.segment

        def segment(images):
            calls.append(len(images))
            return real(images)

        seg.segment = segment  # type: ignore[method-assign]
        return seg

    run_batch(shoot, out, options, segmenter_factory=counting)
    assert sum(calls) == 3
    calls.clear()
    shutil.copy(SAMPLES / "astronaut.png", shoot / "cat toy.png")
    run_batch(shoot, out, BatchOptions(**{**options.__dict__, "overwrite": True}), segmenter_factory=counting)
    assert sum(calls) == 1


def test_cancel_stops_cleanly_and_a_rerun_finishes(shoot, tmp_path, tiny_seg_model) -> None:
    out = tmp_path / "cards"
    cancel = threading.Event()
    options = BatchOptions(
        background=parse_background("plane"), seg_model=str(tiny_seg_model), device="cpu", batch_size=1
    )

    def cancel_after_first(event) -> None:
        if isinstance(event, Progress) and event.done >= 1:
            cancel.set()

    result = run_batch(shoot, out, options, events=cancel_after_first, cancel=cancel)
    assert result.cancelled
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no half-written bundle
    assert any(r.status == "cancelled" for r in result.rows)
    again = run_batch(shoot, out, options)
    assert not again.cancelled
    assert {r.file for r in again.rows if r.status in ("done", "exists")} == {
        "Кофейная чашка/1.png",
        "Кофейная чашка/2.jpg",
        "cat toy.png",
    }


def test_usage_errors_exit_2(tmp_path, capsys) -> None:
    assert main(["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert "not found" in capsys.readouterr().err
    (tmp_path / "in").mkdir()
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--background", "sparkles"]) == 2
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--seg-model", "no-such"]) == 2
    assert "Unknown segmentation model" in capsys.readouterr().err


def test_console_entry_point_runs_as_a_module(shoot, tmp_path, tiny_seg_model) -> None:
    out = tmp_path / "cards"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "batch",
            str(shoot),
            "-o",
            str(out),
            "--seg-model",
            str(tiny_seg_model),
            "--device",
            "cpu",
            "--background",
            "transparent",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "3 photo(s) exported now, 0 already exported (kept), 2 failed" in proc.stderr
    with Image.open(out / "cat toy" / "01.png") as im:
        alpha = np.asarray(im)[..., 3]
    assert im.mode == "RGBA" and alpha.min() < 255


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and "vitrina 0.1.0" in capsys.readouterr().out


def test_the_model_waits_when_export_lags_behind(tmp_path, tiny_seg_model, monkeypatch) -> None:
    """Back-pressure: finished masks do not pile up in memory while compose/export is slower."""
    shoot = tmp_path / "many"
    shoot.mkdir()
    for i in range(10):
        Image.new("RGB", (60, 80), (200, 40 + i * 10, 40)).save(shoot / f"item{i:02d}.png")
    real_compose = finish_module.compose
    composed: list[int] = []
    gaps: list[int] = []

    def slow_compose(*args, **kwargs):
        import time

        time.sleep(0.15)
        composed.append(1)
        return real_compose(*args, **kwargs)

    def counting(opts, events):
        seg = batch_module.default_segmenter(opts, events)
        real = seg.segment
        segmented = [0]

        def segment(images):
            segmented[0] += len(images)
            gaps.append(segmented[0] - len(composed))
            return real(images)

        seg.segment = segment  # type: ignore[method-assign]
        return seg

    monkeypatch.setattr(finish_module, "compose", slow_compose)
    options = BatchOptions(background=parse_background("white"), seg_model=str(tiny_seg_model), device="cpu",
                           batch_size=1, compose_workers=1)
    result = run_batch(shoot, tmp_path / "out", options, segmenter_factory=counting)
    assert result.done == 10
    limit = 2 * options.compose_workers + 2
    assert max(gaps) <= limit + 2, gaps  # without back-pressure all 10 are segmented before any export


def test_mask_cache_is_written_off_the_model_thread_and_complete_at_the_end(
    tmp_path, tiny_seg_model, monkeypatch
) -> None:
    """The model thread only runs the model; the sidecar mask PNGs (what a re-run resumes from)
    are all on disk and in the state when the run returns."""
    from app.project.store import Project

    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for i in range(5):
        Image.new("RGB", (64, 48), (220, 30 + i * 30, 40)).save(shoot / f"item{i}.png")
    model_threads: set[int] = set()
    writer_threads: set[int] = set()
    real_save = Project.save_mask

    def slow_save(project, *args, **kwargs):
        import time

        writer_threads.add(threading.get_ident())
        time.sleep(0.05)  # a slow disk: the model must not wait for it
        return real_save(project, *args, **kwargs)

    def recording(opts, events):
        seg = batch_module.default_segmenter(opts, events)
        real = seg.segment

        def segment(images):
            model_threads.add(threading.get_ident())
            return real(images)

        seg.segment = segment  # type: ignore[method-assign]
        return seg

    monkeypatch.setattr(Project, "save_mask", slow_save)
    options = BatchOptions(background=parse_background("white"), seg_model=str(tiny_seg_model), device="cpu",
                           batch_size=1)
    assert run_batch(shoot, tmp_path / "out", options, segmenter_factory=recording).done == 5
    assert model_threads and not model_threads & writer_threads
    project = Project(shoot)
    for i in range(5):
        rel = f"item{i}.png"
        assert project.mask_path(rel).exists()
        assert project.state.photos[rel].mask_source == "model"
