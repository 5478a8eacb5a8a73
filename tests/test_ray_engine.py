"""`vitrina batch --engine ray` on a local Ray instance (4 logical CPUs, the tiny models): the same bundles,
reports and resume as the local engine, a killed actor loses nothing, GigaChat's limit holds."""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from app.cli import main
from app.compose.backgrounds import parse_background
from app.pipeline.batch import default_segmenter, run_batch
from app.pipeline.options import BatchOptions
from app.pipeline.ray_engine import RayOptions, run_batch_ray
from app.pipeline.text import TextOptions

ray = pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(skimage.data.__file__).parent


@pytest.fixture(scope="module")
def cluster():
    """One Ray instance for these tests; its workers import this checkout and stay offline."""
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "VITRINA_LANG": "en"}
    # 4 logical CPUs on this 2-core machine: the model actors hold theirs, and tasks need room too.
    ray.init(num_cpus=4, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False,
             runtime_env={"env_vars": env})
    yield ray
    ray.shutdown()


def _shoot(folder: Path) -> Path:
    """A product of two photos, two loose photos, a text file named .jpg and a truncated JPEG."""
    (folder / "Кофейная чашка").mkdir(parents=True)
    shutil.copy(SAMPLES / "coffee.png", folder / "Кофейная чашка" / "1.png")
    shutil.copy(SAMPLES / "rocket.jpg", folder / "Кофейная чашка" / "2.jpg")
    shutil.copy(SAMPLES / "chelsea.png", folder / "cat toy.png")
    shutil.copy(SAMPLES / "astronaut.png", folder / "astronaut.png")
    (folder / "notes.jpg").write_text("this is a text file, not a photo")
    data = (SAMPLES / "rocket.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    return folder


def _options(model: Path, **extra) -> BatchOptions:
    return BatchOptions(background=parse_background("plane"), seg_model=str(model), device="cpu",
                        marketplace="wb", **extra)


def _files(out: Path) -> dict[str, Path]:
    return {str(p.relative_to(out)): p for p in sorted(out.rglob("*")) if p.is_file()}


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text("utf-8-sig").splitlines()))


def test_ray_bundles_and_reports_equal_the_local_engines(cluster, tmp_path, tiny_seg_model) -> None:
    local_out, ray_out = tmp_path / "local-out", tmp_path / "ray-out"
    local = run_batch(_shoot(tmp_path / "a"), local_out, _options(tiny_seg_model))
    distributed = run_batch_ray(_shoot(tmp_path / "b"), ray_out, _options(tiny_seg_model), RayOptions())
    assert (local.done, local.failed) == (distributed.done, distributed.failed) == (4, 2)
    local_files, ray_files = _files(local_out), _files(ray_out)
    assert local_files.keys() == ray_files.keys()
    assert {"Кофейная чашка/01.jpg", "Кофейная чашка/02.jpg", "cat toy/card.json", "report.csv",
            "manifest.csv"} <= local_files.keys()
    assert (local_out / "report.csv").read_bytes() == (ray_out / "report.csv").read_bytes()
    assert (local_out / "manifest.csv").read_bytes() == (ray_out / "manifest.csv").read_bytes()
    for name, path in local_files.items():
        if name.endswith(".json"):
            assert json.loads(path.read_text("utf-8")) == json.loads(ray_files[name].read_text("utf-8")), name
        elif name.endswith((".jpg", ".png")):
            a = np.asarray(Image.open(path), dtype=np.int16)
            b = np.asarray(Image.open(ray_files[name]), dtype=np.int16)
            assert a.shape == b.shape and np.abs(a - b).max() <= 1, name
        else:
            assert path.read_bytes() == ray_files[name].read_bytes(), name
    statuses = {r["file"]: r["status"] for r in _csv(ray_out / "report.csv")}
    assert statuses["notes.jpg"] == statuses["truncated.jpg"] == "failed"


_MARKER = "VITRINA_TEST_DIE_ONCE"


def dying_segmenter(options, events):
    """The real model, in an actor that dies (as a killed process) on its second batch, once."""
    segmenter = default_segmenter(options, events)
    real = segmenter.segment
    calls = [0]

    def segment(images):
        calls[0] += 1
        marker = Path(os.environ.get(_MARKER, "") or options.seg_model).with_name("died-once")
        if calls[0] == 2 and not marker.exists():
            marker.write_text("died")
            os._exit(1)  # no clean-up, no exception: the process is gone
        return real(images)

    segmenter.segment = segment
    return segmenter


def test_a_killed_segmentation_actor_loses_no_photo_and_exports_none_twice(cluster, tmp_path,
                                                                           tiny_seg_model) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_seg_model, model)
    out = tmp_path / "out"
    result = run_batch_ray(_shoot(tmp_path / "shoot"), out, _options(model),
                           RayOptions(segmenter_factory=dying_segmenter))
    assert (tmp_path / "died-once").exists()  # the actor really died mid-run
    rows = _csv(out / "report.csv")
    assert len(rows) == len({r["file"] for r in rows}) == 6  # every photo once
    assert result.done == 4 and {r["status"] for r in rows if r["file"].endswith(".png")} == {"done"}
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["astronaut", "cat toy", "Кофейная чашка"]


def counting_segmenter(options, events):
    segmenter = default_segmenter(options, events)
    real = segmenter.segment
    log = Path(options.seg_model).with_name("segmented.log")

    def segment(images):
        with log.open("a") as fh:
            fh.write(f"{len(images)}\n")
        return real(images)

    segmenter.segment = segment
    return segmenter


def test_a_rerun_local_or_ray_resumes_without_segmenting_again(cluster, tmp_path, tiny_seg_model) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_seg_model, model)
    shoot, out = _shoot(tmp_path / "shoot"), tmp_path / "out"
    counted = RayOptions(segmenter_factory=counting_segmenter)
    run_batch_ray(shoot, out, _options(model), counted)
    log = tmp_path / "segmented.log"
    assert sum(int(n) for n in log.read_text().split()) == 4
    shutil.rmtree(out / "astronaut")  # its bundle is lost; its mask is still cached
    again = run_batch_ray(shoot, out, _options(model), counted)
    assert sum(int(n) for n in log.read_text().split()) == 4  # nothing segmented again
    assert again.exported_now == 1 and again.kept == 3
    local = run_batch(shoot, out, _options(model))  # the local engine reads the same cache and state
    assert local.exported_now == 0 and local.kept == 4


def test_the_cluster_keeps_gigachat_within_its_limit(cluster, tmp_path, tiny_seg_model, tiny_vlm_model,
                                                     monkeypatch) -> None:
    from tests.gigachat_server import FakeGigaChat, Reply

    shoot = tmp_path / "shoot"
    for n in range(6):
        (shoot / f"product-{n}").mkdir(parents=True)
        shutil.copy(SAMPLES / "coffee.png", shoot / f"product-{n}" / "1.png")
    # Slow answers, so that requests from two text actors overlap if nothing holds them back.
    with FakeGigaChat(default=Reply.card(delay=0.4), lifetime=600) as server:
        monkeypatch.setenv("GIGACHAT_CREDENTIALS", server.key)
        monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)
        text = TextOptions(provider="gigachat", vlm_model=str(tiny_vlm_model), device="cpu",
                           writer_settings={"max_concurrency": 2})
        result = run_batch_ray(shoot, tmp_path / "out", _options(tiny_seg_model, text=text),
                               RayOptions(gpus=1, text_actors=2))
        assert len(server.chat_requests()) == 6
    assert result.done == 6
    assert 1 <= server.max_in_flight <= 2
    for n in range(6):
        card = json.loads((tmp_path / "out" / f"product-{n}" / "card.json").read_text("utf-8"))
        assert card["text_status"] == "done"


def test_without_ray_the_engine_names_the_command_and_exits_2(tmp_path, tiny_seg_model, monkeypatch,
                                                               capsys) -> None:
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    code = main(["batch", str(_shoot(tmp_path / "shoot")), "-o", str(tmp_path / "out"), "--engine", "ray",
                 "--seg-model", str(tiny_seg_model), "--device", "cpu", "--no-text"])
    assert code == 2
    assert "pip install 'vitrina[ray]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_stopping_leaves_whole_bundles_or_none_and_the_next_run_finishes(cluster, tmp_path,
                                                                          tiny_seg_model) -> None:
    import threading

    from app.events import ItemDone

    shoot, out = _shoot(tmp_path / "shoot"), tmp_path / "out"
    stop = threading.Event()

    def events(event) -> None:
        if isinstance(event, ItemDone):
            stop.set()  # the user presses Stop (Ctrl-C) once the first bundle is out

    first = run_batch_ray(shoot, out, _options(tiny_seg_model), RayOptions(), events=events, cancel=stop)
    assert first.cancelled
    statuses = {r["file"]: r["status"] for r in _csv(out / "report.csv")}
    assert "cancelled" in statuses.values() and "done" in statuses.values()
    # Stop ends the job's tasks: a writer killed mid-bundle leaves only its temp folder, never a
    # half bundle under the final name, and the next run removes that folder.
    from app.processes import pid_alive

    time.sleep(1.0)
    partials = [p for p in out.iterdir() if p.name.startswith(".partial-")]
    assert all(not pid_alive(int(p.name.split("-")[1])) for p in partials)
    for bundle in (p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        assert (bundle / "card.json").is_file()  # whole, never half-written
    again = run_batch_ray(shoot, out, _options(tiny_seg_model), RayOptions())
    assert not again.cancelled and again.done == 4  # exported now, or kept from the stopped run
    assert not [p for p in out.iterdir() if p.name.startswith(".partial-")]
    assert {r["status"] for r in _csv(out / "report.csv") if r["file"].endswith(".png")} <= {"done", "exists"}


def test_hashes_taken_at_decode_name_duplicates_and_catch_a_changed_file(cluster, tmp_path,
                                                                         tiny_seg_model) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_seg_model, model)
    shoot, out = _shoot(tmp_path / "shoot"), tmp_path / "out"
    shutil.copy(SAMPLES / "coffee.png", shoot / "coffee again.png")  # the same bytes as a photo of the mug
    counted = RayOptions(segmenter_factory=counting_segmenter)
    local_shoot = tmp_path / "local"
    shutil.copytree(shoot, local_shoot)
    run_batch_ray(shoot, out, _options(model), counted)
    run_batch(local_shoot, tmp_path / "local-out", _options(tiny_seg_model))
    twins = ("coffee again.png", "Кофейная чашка/1.png")
    rows = {r["file"]: r["message"] for r in _csv(out / "report.csv") if r["file"] in twins}
    local_rows = {r["file"]: r["message"] for r in _csv(tmp_path / "local-out" / "report.csv")
                  if r["file"] in twins}
    assert rows == local_rows
    assert sum(f"same picture as {other}" in rows[name] for name, other in (twins, twins[::-1])) == 1
    log = tmp_path / "segmented.log"
    assert sum(int(n) for n in log.read_text().split()) == 5
    before = json.loads((shoot / ".vitrina" / "state.json").read_text("utf-8"))
    shutil.copy(SAMPLES / "camera.png", shoot / "astronaut.png")  # another picture under the same name
    shutil.rmtree(out / "astronaut")  # its bundle is redone: its cached mask is the old picture's
    shutil.rmtree(out / "cat toy")  # this one's cached mask still fits
    again = run_batch_ray(shoot, out, _options(model), counted)
    assert sum(int(n) for n in log.read_text().split()) == 6  # that photo alone, segmented again
    assert again.exported_now == 2
    after = json.loads((shoot / ".vitrina" / "state.json").read_text("utf-8"))
    hashes = [{rel: state["photos"][rel]["content_hash"] for rel in ("astronaut.png", "cat toy.png")}
              for state in (before, after)]
    assert hashes[1]["astronaut.png"] != hashes[0]["astronaut.png"]
    assert hashes[1]["cat toy.png"] == hashes[0]["cat toy.png"]
    assert run_batch(shoot, out, _options(model)).exported_now == 0  # the local engine agrees: nothing left
