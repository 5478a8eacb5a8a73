"""The first run without Qt: the models this computer gets, what is on disk, downloads that can be
cancelled and resumed, and speed/time-left figures."""

from __future__ import annotations

import threading
from pathlib import Path

import huggingface_hub
import pytest

from app import settings as app_settings
from app.errors import ModelError
from app.events import ItemDone, ItemFailed, Progress
from app.firstrun import downloads, hardware
from app.firstrun.hardware import GIB, Hardware
from app.firstrun.plan import DESCRIBER, SEGMENTATION, WRITER, classify_folder, needs_welcome, plan
from app.firstrun.rate import RateMeter
from app.segment import VARIANTS
from tests.fake_hub import FakeHub, write_segmentation_folder


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    fake = FakeHub(tmp_path / "hub")
    fake.add_segmentation("ZhengPeng7/BiRefNet_lite")
    fake.add_segmentation("ZhengPeng7/BiRefNet")
    fake.add_describer("Qwen/Qwen3-VL-2B-Instruct")
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake)
    return fake


@pytest.mark.parametrize(("found", "seg", "vlm"), [
    (Hardware(cpu_cores=2), "birefnet-lite", "qwen3-vl-2b"),
    (Hardware("GeForce GTX 1650", 4 * GIB, 8), "birefnet-lite", "qwen3-vl-2b"),
    (Hardware("GeForce RTX 3060", 12 * GIB, 8), "birefnet", "qwen3-vl-2b"),
    (Hardware("GeForce RTX 4090", 24 * GIB, 16), "birefnet", "qwen3-vl-4b"),
])
def test_models_follow_the_hardware(found: Hardware, seg: str, vlm: str) -> None:
    rec = hardware.recommend(found)
    assert (rec.seg_model, rec.vlm_model) == (seg, vlm)


def test_a_model_the_user_chose_is_not_replaced_by_the_hardware_pick() -> None:
    mine = app_settings.Settings().chosen(seg_model="birefnet")
    picked = hardware.apply(mine, hardware.recommend(Hardware(cpu_cores=2)))
    assert picked.seg_model == "birefnet" and picked.vlm_model == "qwen3-vl-2b"


def test_cpu_time_per_photo_matches_the_two_core_measurements() -> None:
    assert hardware.cpu_seconds_per_photo("birefnet", 2) == 24
    assert hardware.cpu_seconds_per_photo("birefnet-lite", 2) == 9
    assert 3 <= hardware.cpu_seconds_per_photo("birefnet-lite", 64) < 9


def test_first_run_is_when_no_model_is_on_disk_and_nothing_was_answered(hub: FakeHub, tmp_path: Path) -> None:
    fresh = app_settings.Settings()
    assert needs_welcome(fresh)
    assert not needs_welcome(fresh.chosen(welcome="skipped"))
    folder = str(write_segmentation_folder(tmp_path / "my-model"))
    assert not needs_welcome(fresh.chosen(seg_model=folder).with_seg_folder(folder))
    hub.cache("ZhengPeng7/BiRefNet_lite", VARIANTS["birefnet-lite"].revision)
    assert not needs_welcome(fresh)
    assert all(local for _repo, local in hub.calls), "the first-run check must never download"


def test_the_plan_gives_registry_sizes_and_licences(hub: FakeHub) -> None:
    items = {i.role: i for i in plan(app_settings.Settings(seg_model="birefnet-lite"))}
    assert (items[SEGMENTATION].name, items[SEGMENTATION].size_bytes, items[SEGMENTATION].licence) == (
        "birefnet-lite", 178_000_000, "MIT")
    assert (items[DESCRIBER].name, items[DESCRIBER].size_bytes, items[DESCRIBER].licence) == (
        "qwen3-vl-2b", 4_300_000_000, "Apache-2.0")
    assert items[WRITER].optional and not items[SEGMENTATION].optional
    assert items[SEGMENTATION].needs_download and items[DESCRIBER].needs_download
    # No writer chosen: the describer's own model writes, so there is nothing more to download.
    assert (items[WRITER].name, items[WRITER].same_as, items[WRITER].needs_download) == (
        "qwen3-vl-2b", DESCRIBER, False)


def test_a_folder_is_recognised_or_refused_with_what_is_missing(tmp_path: Path) -> None:
    assert classify_folder(write_segmentation_folder(tmp_path / "seg")) == SEGMENTATION
    vlm = tmp_path / "vlm"
    vlm.mkdir()
    (vlm / "config.json").write_text('{"model_type": "qwen3_vl", "vision_config": {}}', "utf-8")
    assert classify_folder(vlm) == DESCRIBER
    with pytest.raises(ModelError, match="config.json"):
        classify_folder(tmp_path)


def test_downloads_report_bytes_and_resume_after_a_cancel(hub: FakeHub) -> None:
    items = [i for i in plan(app_settings.Settings(seg_model="birefnet-lite")) if i.role != WRITER]
    cancel = threading.Event()
    seen: list[object] = []

    def cancel_midway(event: object) -> None:
        seen.append(event)
        if isinstance(event, Progress) and event.done > 100_000:
            cancel.set()

    hub.delay = 0.03  # slow enough for progress to get through the throttle mid-file
    first = downloads.download_models(items, cancel_midway, cancel)
    assert first.cancelled and not first.done and not first.failed
    assert not any(isinstance(e, ItemDone) for e in seen)
    partial = hub.folder("ZhengPeng7/BiRefNet_lite", VARIANTS["birefnet-lite"].revision)
    assert (partial / "model.safetensors.incomplete").is_file()
    assert not (partial / "model.safetensors").exists()

    seen.clear()
    again = downloads.download_models(items, seen.append, threading.Event())
    assert set(again.done) == {SEGMENTATION, DESCRIBER} and not again.cancelled
    assert [e.item for e in seen if isinstance(e, ItemDone)] == [SEGMENTATION, DESCRIBER]
    bytes_seen = [e for e in seen if isinstance(e, Progress) and e.item == SEGMENTATION]
    assert bytes_seen[-1].done == bytes_seen[-1].total
    # The weights file was fetched once: the resumed run continued the .incomplete file.
    assert hub.written.count("ZhengPeng7/BiRefNet_lite/model.safetensors") == 1


def test_offline_each_model_fails_with_its_name_and_the_cache_folder(hub: FakeHub) -> None:
    hub.offline = True
    items = [i for i in plan(app_settings.Settings(seg_model="birefnet-lite")) if i.role != WRITER]
    seen: list[object] = []
    result = downloads.download_models(items, seen.append, threading.Event())
    assert set(result.failed) == {SEGMENTATION, DESCRIBER}
    assert "birefnet-lite" in result.failed[SEGMENTATION] and "cache" in result.failed[SEGMENTATION]
    assert "Qwen3-VL-2B" in result.failed[DESCRIBER] and "cache" in result.failed[DESCRIBER]
    assert len([e for e in seen if isinstance(e, ItemFailed)]) == 2


def test_speed_and_time_left_follow_the_recent_bytes() -> None:
    meter = RateMeter(window_s=4)
    meter.add(0.0, 0)
    assert meter.speed() is None  # not enough to tell
    for second in range(1, 11):
        meter.add(float(second), second * 1_000_000)
    assert meter.speed() == pytest.approx(1_000_000)
    assert meter.seconds_left(20_000_000) == pytest.approx(10)
    meter.add(11.0, 0)  # the next model began
    assert meter.speed() is None


def test_the_welcome_probe_names_a_card_torch_cannot_use_and_is_silent_without_one(monkeypatch) -> None:
    """"No NVIDIA graphics card found" only when there is none (the card is found without torch)."""
    from app.doctor import gpu

    old = gpu.NvidiaGpu("NVIDIA RTX 3060", "470.82.01", 12 * GIB, "8.6")
    monkeypatch.setattr(gpu, "probe", lambda: gpu.GpuProbe(
        gpus=[old], source="nvidia-smi", windows=False,
        torch=gpu.TorchBuild("2.14.1", "13.0", available=False)))
    found = hardware.probe()  # this machine's torch has no usable CUDA device
    assert not found.has_gpu and "RTX 3060" in found.problem and "driver 470.82.01" in found.problem
    assert "Update the NVIDIA driver" in found.problem
    monkeypatch.setattr(gpu, "probe", lambda: gpu.GpuProbe(gpus=[], source=""))
    assert hardware.probe().problem == ""
