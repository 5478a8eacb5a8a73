"""GPU behaviour without a GPU: batch sizing, OOM back-off, CPU fallback and device choice.

The CPU stands in for the GPU: a segmenter is told its device is "cuda" (tensors stay on the CPU)
and the model's forward raises ``torch.cuda.OutOfMemoryError`` the way a full GPU would.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from app.errors import ModelError
from app.events import Notice
from app.segment import birefnet, device, load_segmenter
from app.segment.birefnet import BiRefNetSegmenter
from tests.tiny_birefnet import product_photo

PHOTOS = [product_photo(40 + 7 * i, 60 - 3 * i) for i in range(5)]


@pytest.fixture(scope="module")
def reference(tiny_seg_model: Path) -> list[np.ndarray]:
    return load_segmenter(tiny_seg_model, device="cpu").segment(PHOTOS)


def _pretend_cuda(seg: BiRefNetSegmenter, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make ``seg`` behave as if on a GPU; returns a log of cache releases."""
    released: list[str] = []
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: released.append("empty_cache"))
    seg.device = "cuda"
    return released


def _forward_that_ooms(seg: BiRefNetSegmenter, monkeypatch: pytest.MonkeyPatch, when) -> list[int]:
    """Patch the model's forward to raise CUDA OOM when ``when(batch, seg)``; returns batch sizes seen."""
    net = seg._net
    real = net.forward
    seen: list[int] = []

    def forward(x: torch.Tensor):
        seen.append(x.shape[0])
        if when(x.shape[0], seg):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(x)

    monkeypatch.setattr(net, "forward", forward)
    return seen


def _assert_same(masks: list[np.ndarray], reference: list[np.ndarray]) -> None:
    assert len(masks) == len(reference)
    for got, want in zip(masks, reference, strict=True):
        np.testing.assert_array_equal(got, want)


def test_oom_halves_the_batch_and_loses_no_photo(tiny_seg_model, reference, monkeypatch) -> None:
    events: list = []
    seg = load_segmenter(tiny_seg_model, device="cpu", batch_size=4, events=events.append)
    released = _pretend_cuda(seg, monkeypatch)
    seen = _forward_that_ooms(seg, monkeypatch, lambda batch, _seg: batch > 1)

    _assert_same(seg.segment(PHOTOS), reference)
    assert seen == [4, 2, 1, 1, 1, 1, 1]
    assert released, "GPU cache is released before retrying"
    assert seg.device == "cuda"
    assert not [e for e in events if isinstance(e, Notice)]

    seen.clear()  # the smaller batch is remembered: no repeated OOMs on the next call
    seg.segment(PHOTOS[:2])
    assert seen == [1, 1]


def test_oom_at_batch_one_moves_to_cpu_with_a_notice(tiny_seg_model, reference, monkeypatch) -> None:
    events: list = []
    seg = load_segmenter(tiny_seg_model, device="cpu", batch_size=2, events=events.append)
    _pretend_cuda(seg, monkeypatch)
    seen = _forward_that_ooms(seg, monkeypatch, lambda _batch, s: s.device == "cuda")

    _assert_same(seg.segment(PHOTOS), reference)
    assert seen[:2] == [2, 1] and seen[2:] == [1] * 5
    assert seg.device == "cpu"
    assert all(p.dtype == torch.float32 for p in seg._net.parameters())
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and "CPU" in notices[0].message


def test_oom_on_the_cpu_is_a_clear_error(tiny_seg_model, monkeypatch) -> None:
    seg = load_segmenter(tiny_seg_model, device="cpu")
    _forward_that_ooms(seg, monkeypatch, lambda _batch, _seg: True)
    with pytest.raises(ModelError, match="Out of memory"):
        seg.segment(PHOTOS[:1])


def test_other_model_failures_become_model_errors(tiny_seg_model, monkeypatch) -> None:
    seg = load_segmenter(tiny_seg_model, device="cpu")

    def broken(x):
        raise RuntimeError("Expected all tensors to be on the same device")

    monkeypatch.setattr(seg._net, "forward", broken)
    with pytest.raises(ModelError, match="same device"):
        seg.segment(PHOTOS[:1])


@pytest.mark.parametrize(
    ("free_gib", "expected"), [(1.0, [4, 1]), (100.0, [5]), (0.1, [1] * 5), (None, [1] * 5)]
)
def test_auto_batch_follows_free_gpu_memory(tiny_seg_model, monkeypatch, free_gib, expected) -> None:
    # 256² is budgeted at 3.5 GiB / 16 per photo, so 1 GiB free (90 % used) fits 4 photos.
    seg = load_segmenter(tiny_seg_model, device="cpu", input_size=256)
    _pretend_cuda(seg, monkeypatch)
    free = None if free_gib is None else int(free_gib * 1024**3)
    monkeypatch.setattr(birefnet, "free_vram_bytes", lambda _device: free)
    seen = _forward_that_ooms(seg, monkeypatch, lambda _batch, _seg: False)
    seg.segment(PHOTOS)
    assert seen == expected


def test_auto_batch_on_the_cpu_is_one(tiny_seg_model, monkeypatch) -> None:
    seg = load_segmenter(tiny_seg_model, device="cpu")
    seen = _forward_that_ooms(seg, monkeypatch, lambda _batch, _seg: False)
    seg.segment(PHOTOS[:3])
    assert seen == [1, 1, 1]


def test_auto_device_without_a_gpu_is_cpu(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device.choose_device("auto") == "cpu"
    assert device.choose_device("CPU") == "cpu"
    assert device.free_vram_bytes("cuda") is None


def test_asking_for_a_missing_gpu_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ModelError, match="not available"):
        device.choose_device("cuda")
    with pytest.raises(ModelError, match="Unknown device"):
        device.choose_device("tpu")


def test_auto_device_uses_a_working_gpu(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(device, "_cuda_problem", lambda _device: "")
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda _device=None: (3 * 1024**3, 8 * 1024**3))
    assert device.choose_device("auto") == "cuda"
    assert device.choose_device("cuda:1") == "cuda:1"
    assert device.free_vram_bytes("cuda") == 3 * 1024**3
    assert device.free_vram_bytes("cpu") is None


def test_a_gpu_this_build_cannot_drive_falls_back_or_fails_clearly(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(device, "_cuda_problem", lambda _device: "no kernel image is available")
    events: list = []
    assert device.choose_device("auto", events.append) == "cpu"
    assert isinstance(events[0], Notice) and "no kernel image" in events[0].message
    with pytest.raises(ModelError, match="no kernel image"):
        device.choose_device("cuda")
