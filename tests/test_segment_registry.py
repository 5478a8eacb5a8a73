"""Which models exist and how they are fetched: pins, refusals, local folders, offline errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import huggingface_hub
import pytest
from huggingface_hub.errors import LocalEntryNotFoundError

from app.errors import ModelError
from app.events import Progress
from app.segment import VARIANTS, LocalModel, Variant, cached_path, download, load_segmenter, resolve
from app.segment.download import DownloadProgress

ROOT = Path(__file__).resolve().parent.parent
PINNED = {
    "birefnet": ("ZhengPeng7/BiRefNet", "e2bf8e4460fc8fa32bba5ea4d94b3233d367b0e4"),
    "birefnet-lite": ("ZhengPeng7/BiRefNet_lite", "7838f1c3472f827cd8ce13ab5ccc2ce48077360f"),
}
UNPINNED = ["birefnet-hr", "birefnet-lite-2k", "birefnet-dynamic", "birefnet-matting", "rmbg-2.0"]


def test_known_pins() -> None:
    for name, (repo, sha) in PINNED.items():
        assert (VARIANTS[name].repo, VARIANTS[name].revision) == (repo, sha)
        assert VARIANTS[name].input_size == (1024, 1024)
    for variant in VARIANTS.values():
        assert variant.revision is None or re.fullmatch(r"[0-9a-f]{40}", variant.revision), variant.name
        assert all(side % 32 == 0 for side in variant.input_size), variant.name
    assert set(UNPINNED) <= set(VARIANTS)


def test_the_non_commercial_model_is_flagged() -> None:
    rmbg = VARIANTS["rmbg-2.0"]
    assert not rmbg.commercial_use
    assert "NC" in rmbg.licence and "NON-COMMERCIAL" in rmbg.note
    assert all(v.commercial_use for n, v in VARIANTS.items() if n != "rmbg-2.0")


@pytest.mark.parametrize("name", UNPINNED)
def test_unpinned_variants_refuse_to_download_or_load(name: str, monkeypatch) -> None:
    def never(*_args, **_kwargs):
        raise AssertionError("unpinned hub code must never be fetched")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", never)
    for attempt in (lambda: download(VARIANTS[name]), lambda: load_segmenter(name)):
        with pytest.raises(ModelError, match="no commit accepted.*vitrina models download.*folder"):
            attempt()
    assert cached_path(VARIANTS[name]) is None


def test_unknown_name_lists_the_choices(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelError, match="Unknown segmentation model 'birefnet-xl'.*birefnet-lite"):
        resolve("birefnet-xl")


def test_a_folder_resolves_to_a_local_model(tiny_seg_model: Path) -> None:
    spec = resolve(tiny_seg_model)
    assert isinstance(spec, LocalModel)
    assert spec.model_id == f"local:{tiny_seg_model.resolve()}"
    assert re.fullmatch(r"[0-9a-f]{64}", spec.revision)
    assert spec.input_size == (64, 64)
    assert resolve(str(tiny_seg_model)) == spec == resolve(spec.model_id)
    assert resolve(tiny_seg_model, input_size=(96, 160)).input_size == (96, 160)
    assert download(spec) == spec.path  # nothing to fetch


@pytest.mark.parametrize(
    ("remove", "complaint"),
    [
        (["config.json"], "no config.json"),
        (["birefnet.py"], "missing birefnet.py"),
        (["model.safetensors"], "missing model.safetensors"),
        (["BiRefNet_config.py", "model.safetensors"], "missing BiRefNet_config.py, model.safetensors"),
    ],
)
def test_an_incomplete_folder_names_what_is_missing(tiny_seg_model, tmp_path, remove, complaint) -> None:
    folder = Path(shutil.copytree(tiny_seg_model, tmp_path / "copy"))
    for name in remove:
        (folder / name).unlink()
    with pytest.raises(ModelError, match=complaint):
        resolve(folder)


def test_a_folder_without_the_segmentation_auto_map_is_refused(tiny_seg_model, tmp_path) -> None:
    folder = Path(shutil.copytree(tiny_seg_model, tmp_path / "copy"))
    config = json.loads((folder / "config.json").read_text())
    del config["auto_map"]["AutoModelForImageSegmentation"]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="no auto_map entry for AutoModelForImageSegmentation"):
        resolve(folder)
    (folder / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="cannot be read as JSON"):
        resolve(folder)
    with pytest.raises(ModelError, match="does not exist"):
        resolve(tmp_path / "copy" / "model.safetensors")


@pytest.mark.parametrize(
    "failure",
    [
        LocalEntryNotFoundError("Cannot find an appropriate cached snapshot folder"),
        ConnectionError("[Errno 101] Network is unreachable"),
    ],
)
def test_offline_download_error_says_what_to_do(failure, monkeypatch) -> None:
    def offline(*_args, **_kwargs):
        raise failure

    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    with pytest.raises(ModelError) as caught:
        download(VARIANTS["birefnet-lite"])
    message = str(caught.value)
    assert "birefnet-lite" in message and "ZhengPeng7/BiRefNet_lite" in message
    assert str(huggingface_hub.constants.HF_HUB_CACHE) in message
    assert "local directory" in message


def test_the_real_hub_client_offline_gives_the_same_advice(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelError, match=r"could not be reached.*local directory"):
        download(VARIANTS["birefnet"])


def test_download_reports_byte_progress_and_uses_the_pin(tiny_seg_model, monkeypatch, capsys) -> None:
    calls: list[dict] = []

    def fake_snapshot(repo_id, **kwargs):
        # What huggingface_hub >= 1 does: a file-count bar plus two byte bars (network, disk).
        calls.append({"repo_id": repo_id, **kwargs})
        bar_class = kwargs["tqdm_class"]
        files = bar_class(total=2, desc="Fetching 2 files")
        transfer = bar_class(total=1000, desc="Downloading bytes", unit="B", name="hub-internal")
        written = bar_class(total=1000, desc="Reconstructing", unit="B")
        for step in (400, 500):
            transfer.update(step)
            written.update(step)
            files.update(1)
        for bar in (files, transfer, written):
            bar.close()
        return str(tiny_seg_model)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot)
    events: list = []
    assert download(VARIANTS["birefnet"], events.append) == tiny_seg_model
    assert calls[0]["repo_id"] == "ZhengPeng7/BiRefNet"
    assert calls[0]["revision"] == PINNED["birefnet"][1]
    assert [e for e in events if e.stage == "download"] == [
        Progress("download", 400, 1000, "birefnet"),
        Progress("download", 900, 1000, "birefnet"),
        Progress("download", 1000, 1000, "birefnet"),  # finished, though transfer saw 900 bytes
    ]
    files = [e for e in events if e.stage == "download-files"]
    assert files[-1] == Progress("download-files", 2, 2, "birefnet")
    assert capsys.readouterr().err == ""  # no console bars in a GUI app


def test_progress_adapter_works_with_tqdms_thread_map() -> None:
    # huggingface_hub < 1 drives tqdm_class only through tqdm.contrib.concurrent.thread_map.
    from tqdm.contrib.concurrent import thread_map

    events: list = []
    progress = DownloadProgress(events.append, "m")
    thread_map(lambda x: x, range(3), tqdm_class=progress.tqdm_class, desc="Fetching 3 files")
    assert Progress("download-files", 3, 3, "m") in events


def test_a_cached_pinned_snapshot_loads_without_network(tiny_seg_model, tmp_path, monkeypatch) -> None:
    hub = tmp_path / "hub"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    variant = VARIANTS["birefnet-lite"]
    assert cached_path(variant) is None
    with pytest.raises(ModelError, match="not downloaded"):
        load_segmenter("birefnet-lite", device="cpu", allow_download=False)

    snapshot = hub / "models--ZhengPeng7--BiRefNet_lite" / "snapshots" / variant.revision
    shutil.copytree(tiny_seg_model, snapshot)
    assert cached_path(variant) == snapshot
    seg = load_segmenter("birefnet-lite", device="cpu", input_size=64, allow_download=False)
    assert (seg.model_id, seg.revision) == ("ZhengPeng7/BiRefNet_lite", variant.revision)

    (snapshot / "model.safetensors").unlink()  # an interrupted download is not "cached"
    assert cached_path(variant) is None


def test_importing_the_package_and_listing_models_needs_no_torch() -> None:
    code = (
        "import sys, app.segment as s; s.resolve('birefnet'); list(s.VARIANTS);"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_dynamic_variant_only_runs_inside_its_trained_range(tiny_seg_model, tmp_path, monkeypatch) -> None:
    hub = tmp_path / "hub"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    dynamic = Variant(
        name="dyn", repo="vitrina/dyn", revision="0" * 40, input_size=(256, 256), download_mb=1,
        licence="MIT", commercial_use=True, note="", dynamic_range=(256, 512),
    )
    shutil.copytree(tiny_seg_model, hub / "models--vitrina--dyn" / "snapshots" / dynamic.revision)
    assert load_segmenter(dynamic, device="cpu", input_size=(512, 288)).input_size == (512, 288)
    with pytest.raises(ModelError, match="from 256 to 512"):
        load_segmenter(dynamic, device="cpu", input_size=1024)
