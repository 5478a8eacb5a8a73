"""On a CPU a photo takes seconds: the first bundle, the progress, the ETA and Ctrl-C must follow
each photo, not a call of eight.

The model is the tiny BiRefNet in the real hub layout, loaded the real way, whose forward sleeps
``DELAY`` seconds per photo as a slow CPU would take.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from PIL import Image

from app.cli import progress as progress_module
from app.compose.backgrounds import parse_background
from app.events import Progress
from app.pipeline import batch as batch_module
from app.pipeline.batch import run_batch
from app.pipeline.options import BatchOptions
from app.segment import birefnet
from app.segment.birefnet import load_model
from tests.tiny_birefnet import make_tiny_birefnet, product_photo

ROOT = Path(__file__).resolve().parent.parent
DELAY = 2.0  # seconds per photo, as the slow stand-in


@pytest.fixture(scope="module")
def slow_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Its own folder name: transformers caches hub code by folder name, and this code differs.
    return make_tiny_birefnet(tmp_path_factory.mktemp("slow") / "slow-birefnet", delay=DELAY)


def _shoot(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        pixels = product_photo(48, 64, grey_band=False)
        pixels[12:36, 16:48] = (40 * i, 30, 200 - 40 * i)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
        (folder / f"item{i}.jpg").write_bytes(buffer.getvalue())
    return folder


def test_the_first_photo_is_exported_after_one_photos_time(tmp_path: Path, slow_model: Path) -> None:
    shoot = _shoot(tmp_path / "shoot", 3)
    loaded_at: list[float] = []
    first_done: list[float] = []

    def factory(options, events):
        model = batch_module.default_segmenter(options, events)
        loaded_at.append(time.monotonic())
        return model

    def events(event) -> None:
        if isinstance(event, Progress) and event.stage == "photos" and event.done == 1:
            first_done.append(time.monotonic())

    options = BatchOptions(background=parse_background("plane"), seg_model=str(slow_model), device="cpu")
    result = run_batch(shoot, tmp_path / "cards", options, events=events, segmenter_factory=factory)
    assert result.exported_now == 3 and result.failed == 0
    # A call of all three photos would take 3 × DELAY before the first bundle.
    assert first_done[0] - loaded_at[0] <= 1.5 * DELAY


def test_ctrl_c_stops_a_cpu_run_within_seconds_and_reports_every_photo(tmp_path: Path,
                                                                       slow_model: Path) -> None:
    shoot, out = _shoot(tmp_path / "shoot", 6), tmp_path / "cards"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "batch", str(shoot), "-o", str(out), "--seg-model", str(slow_model),
         "--device", "cpu", "--no-text"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ, "VITRINA_LANG": "en"})
    try:
        deadline = time.monotonic() + 120
        while not (out / "item0" / "card.json").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the first bundle never came"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        asked = time.monotonic()
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - asked
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert took <= 3.0, f"stopped {took:.1f} s after Ctrl-C"
    report = (out / "report.csv").read_text("utf-8")
    assert all(f"item{i}.jpg" in report for i in range(6))  # every photo accounted for
    assert "cancelled" in report


def test_the_eta_follows_the_current_per_photo_time(monkeypatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    stream = io.StringIO()
    printer = progress_module.ProgressPrinter(stream, interval=0.0)
    clock[0] = 60.0  # a minute to load the model, and no photo done yet
    for done in range(1, 6):
        clock[0] += DELAY
        printer(Progress("photos", done, 100))
    last = stream.getvalue().strip().splitlines()[-1]
    # 95 photos left at 2 s each: 3:10, not the 25 minutes an average over the load would say.
    assert "ETA 3:10" in last, last


def test_model_code_deprecation_warnings_are_logged_once_not_shown(tmp_path: Path, caplog,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr(birefnet, "_logged_warnings", set())  # once per process: earlier tests loaded models
    caplog.set_level(logging.INFO, logger="app.segment.birefnet")
    first = make_tiny_birefnet(tmp_path / "warns-once-a")
    second = make_tiny_birefnet(tmp_path / "warns-once-b")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        load_model(first)
        load_model(second)
    assert not [w for w in shown if issubclass(w.category, FutureWarning)]
    logged = [r for r in caplog.records if "timm.models.layers is deprecated" in r.getMessage()]
    assert len(logged) == 1


def test_a_gpu_run_still_hands_the_model_a_batch() -> None:
    from app.pipeline.masks import GPU_CALL, LazySegmenter

    class OnGpu:
        device = "cuda"

        def segment(self, images):
            return [None] * len(images)

        def close(self) -> None:
            pass

    lazy = LazySegmenter(OnGpu, events=lambda event: None)
    assert lazy.call_size(None) == 1  # not loaded yet: the first photo goes alone
    lazy.segment([])
    assert lazy.call_size(None) == GPU_CALL
    assert lazy.call_size(3) == 3  # the user's --batch-size wins


@pytest.mark.parametrize(("device", "calls"), [("cpu", [1, 1, 1, 1, 1, 1]), ("cuda:0", [4, 2])])
def test_the_studio_hands_a_cpu_model_one_photo_per_call_and_a_gpu_a_batch(tmp_path: Path, device: str,
                                                                            calls: list[int]) -> None:
    """Studio Process: on the CPU, Cancel and the first result wait for one photo, not four."""
    import numpy as np

    from app.project import Project
    from app.studio import all_photos, process_photos

    sizes: list[int] = []

    class Model:
        model_id, revision = "stand-in", "0"

        def __init__(self) -> None:
            self.device = device

        def segment(self, images):  # noqa: ANN001, ANN202
            sizes.append(len(images))
            return [np.full(im.shape[:2], 255, np.uint8) for im in images]

        def close(self) -> None:
            pass

    project = Project(_shoot(tmp_path / "shoot", 6))
    result = process_photos(project, all_photos(project), segmenter_factory=lambda *_: Model())
    assert len(result.done) == 6 and sizes == calls
