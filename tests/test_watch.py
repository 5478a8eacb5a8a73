"""``vitrina watch``: a photo copied into the folder is exported once it is whole, never while it
is still arriving, and never twice."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from PIL import Image

from app.compose.backgrounds import parse_background
from app.events import ItemFailed
from app.pipeline import batch as batch_module
from app.pipeline.options import BatchOptions
from app.pipeline.watch import FolderWatch, watch_folder
from tests.tiny_birefnet import product_photo

ROOT = Path(__file__).resolve().parent.parent


def _jpeg(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    pixels = product_photo(48, 64, grey_band=False)
    pixels[12:36, 16:48] = colour
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_file_counts_once_it_stopped_changing_and_only_once(tmp_path) -> None:
    clock = _Clock()
    watch = FolderWatch(tmp_path, settle=2.0, clock=clock)
    photo = tmp_path / "a.jpg"
    data = _jpeg()
    photo.write_bytes(data[:100])
    assert watch.poll() == (set(), {"a.jpg"})
    clock.now = 3.0
    with photo.open("ab") as fh:  # still growing: the clock starts again
        fh.write(data[100:500])
    assert watch.poll() == (set(), {"a.jpg"})
    photo.write_bytes(data)
    clock.now = 4.0
    assert watch.poll() == (set(), {"a.jpg"})
    clock.now = 6.5
    assert watch.poll() == ({"a.jpg"}, set())
    watch.mark_done({"a.jpg"})
    clock.now = 10.0
    assert watch.poll() == (set(), set())
    photo.write_bytes(_jpeg((30, 30, 200)))  # replaced by a retake: a new photo to export
    os.utime(photo, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert watch.poll() == (set(), {"a.jpg"})
    clock.now = 13.0
    assert watch.poll() == ({"a.jpg"}, set())
    (tmp_path / ".hidden.jpg").write_bytes(data)
    (tmp_path / "notes.txt").write_text("not a photo")
    clock.now = 20.0
    assert watch.poll() == ({"a.jpg"}, set())


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_watch_exports_new_photos_never_a_partial_copy_and_never_twice(tmp_path, tiny_seg_model) -> None:
    shoot, out = tmp_path / "shoot", tmp_path / "cards"
    shoot.mkdir()
    (shoot / "first.jpg").write_bytes(_jpeg())
    options = BatchOptions(background=parse_background("plane"), seg_model=str(tiny_seg_model), device="cpu")
    segmented: list[int] = []
    loads: list[int] = []

    def counting(opts, events):
        loads.append(1)
        model = batch_module.default_segmenter(opts, events)
        real = model.segment

        def segment(images):
            segmented.append(len(images))
            return real(images)

        model.segment = segment
        return model

    failures: list[ItemFailed] = []
    stop = threading.Event()
    results = []

    def events(event) -> None:
        if isinstance(event, ItemFailed):
            failures.append(event)

    worker = threading.Thread(target=lambda: results.append(watch_folder(
        shoot, out, options, stop=stop, events=events, interval=0.05, settle=0.6,
        segmenter_factory=counting)))
    worker.start()
    try:
        _wait_for(lambda: (out / "first" / "card.json").exists())
        data = _jpeg((30, 150, 30))
        with (shoot / "second.jpg").open("wb") as fh:  # a slow copy: a quarter of the file at a time
            for start in range(0, len(data), len(data) // 4 + 1):
                fh.write(data[start:start + len(data) // 4 + 1])
                fh.flush()
                time.sleep(0.3)
        _wait_for(lambda: (out / "second" / "card.json").exists())
        time.sleep(1.0)  # a few more polls: nothing is done again
    finally:
        stop.set()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert failures == []  # the half-copied file was never read
    assert sum(segmented) == 2 and loads == [1]  # each photo once; the model loaded once
    (result,) = results
    assert result.exported == 2
    card = json.loads((out / "second" / "card.json").read_text("utf-8"))
    assert [f["source"] for f in card["files"]] == ["second.jpg"]


def test_vitrina_watch_runs_until_ctrl_c(tmp_path, tiny_seg_model) -> None:
    shoot, out = tmp_path / "shoot", tmp_path / "cards"
    shoot.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "watch", str(shoot), "-o", str(out), "--seg-model", str(tiny_seg_model),
         "--device", "cpu", "--no-text", "--interval", "0.1", "--settle", "0.3"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ, "VITRINA_LANG": "en"})
    try:
        (shoot / "cup.jpg").write_bytes(_jpeg())
        _wait_for(lambda: (out / "cup" / "card.json").exists(), timeout=120)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Watching" in err
    assert "Stopped watching: 1 photo(s) exported, 0 failed or need review." in err


def test_a_photo_added_to_an_exported_product_counts_each_file_once(tmp_path, tiny_seg_model) -> None:
    # The product's bundle is redone with both photos; the first photo must not count as exported twice.
    shoot, out = tmp_path / "shoot", tmp_path / "cards"
    (shoot / "mug").mkdir(parents=True)
    (shoot / "mug" / "front.jpg").write_bytes(_jpeg())
    options = BatchOptions(background=parse_background("plane"), seg_model=str(tiny_seg_model), device="cpu")
    stop = threading.Event()
    results = []
    worker = threading.Thread(target=lambda: results.append(watch_folder(
        shoot, out, options, stop=stop, interval=0.05, settle=0.3)))
    worker.start()
    try:
        _wait_for(lambda: (out / "mug" / "card.json").exists())
        (shoot / "mug" / "side.jpg").write_bytes(_jpeg((30, 150, 30)))

        def both() -> bool:
            try:
                card = json.loads((out / "mug" / "card.json").read_text("utf-8"))
            except (OSError, ValueError):
                return False
            return len(card["files"]) == 2

        _wait_for(both)
    finally:
        stop.set()
        worker.join(timeout=60)
    (result,) = results
    assert len(result.runs) == 2
    assert result.exported == 2 and result.failed == 0
