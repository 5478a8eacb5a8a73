"""Faults in models: CUDA out of memory mid-batch, a model that cannot be downloaded, unpinned hub code."""

from __future__ import annotations

import pytest
import torch

import app.segment
from app.segment import birefnet
from app.segment.download import cache_dir
from tests.reliability.conftest import (
    assert_complete_bundle,
    bundles,
    images_only,
    read_report,
    write_products,
)

PHOTOS = [f"item{i}.png" for i in range(1, 7)]


def test_cuda_out_of_memory_halves_the_batch_then_uses_the_cpu_and_loses_nothing(
        tmp_path, tiny_seg_model, vitrina, monkeypatch) -> None:
    """The CPU stands in for a GPU that runs out of memory at every size (as in test_segment_batching)."""
    seen: list[int] = []
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: None)

    def gpu_that_runs_out(*args, **kwargs) -> birefnet.BiRefNetSegmenter:  # noqa: ANN002, ANN003
        seg = birefnet.load_segmenter(*args, **kwargs)
        seg.device = "cuda"
        forward = seg._net.forward

        def oom_on_the_gpu(x: torch.Tensor):  # noqa: ANN202
            seen.append(x.shape[0])
            if seg.device == "cuda":
                raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            return forward(x)

        monkeypatch.setattr(seg._net, "forward", oom_on_the_gpu)
        return seg

    monkeypatch.setattr(app.segment, "load_segmenter", gpu_that_runs_out)
    src, out = tmp_path / "shoot", tmp_path / "cards"
    write_products(src, PHOTOS)

    run = vitrina(*images_only(src, out, tiny_seg_model, "--batch-size", "4"))

    assert run.code == 0 and "Traceback" not in run.text
    assert seen[:3] == [4, 2, 1]  # halved, halved, then the CPU
    assert run.err.count("switched to the CPU, which is much slower") == 1  # said once, visibly
    assert {r["status"] for r in read_report(out).values()} == {"done"}
    assert len(bundles(out)) == len(PHOTOS)
    for folder in bundles(out):
        assert_complete_bundle(folder)


def test_downloading_a_model_offline_names_the_model_and_the_cache(vitrina) -> None:
    run = vitrina("models", "download", "birefnet-lite")  # the suite runs with HF_HUB_OFFLINE=1
    assert run.code == 1
    assert "Could not download segmentation model birefnet-lite (ZhengPeng7/BiRefNet_lite@" in run.err
    assert f"The download cache is {cache_dir()}" in run.err
    assert "pass that local directory" in run.err and "Traceback" not in run.text


def test_a_batch_with_a_model_that_is_not_downloaded_fails_each_photo_clearly(shoot, tmp_path,
                                                                              vitrina) -> None:
    out = tmp_path / "cards"
    run = vitrina("batch", shoot, "-o", out, "--seg-model", "birefnet-lite", "--device", "cpu", "--no-text")
    assert run.code == 2 and "Traceback" not in run.text  # every photo failed: nothing exported
    assert "Nothing exported: 4 failed" in run.err
    assert run.err.count("The segmentation model could not be loaded") == 1  # said once, not per photo
    assert str(cache_dir()) in run.err
    report = read_report(out)
    assert len(report) == 4 and not bundles(out)
    for row in report.values():
        assert row["status"] == "failed"
        assert row["message"].startswith(
            "segmentation failed: Could not download segmentation model birefnet-lite")


@pytest.mark.parametrize("name", ["birefnet-hr", "rmbg-2.0"])
def test_hub_code_without_a_pinned_commit_never_runs(shoot, tmp_path, vitrina, monkeypatch, name) -> None:
    def no_download(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("nothing may be fetched for an unpinned model")

    monkeypatch.setattr("huggingface_hub.snapshot_download", no_download)
    run = vitrina("batch", shoot, "-o", tmp_path / "cards", "--seg-model", name, "--no-text")
    assert run.code == 2
    assert f"vitrina: error: {name} (" in run.err and "has no commit accepted on this computer" in run.err
    assert "--trust" in run.err
    assert not (tmp_path / "cards").exists() and not (shoot / ".vitrina").exists()
    assert vitrina("models", "download", name).code == 1
