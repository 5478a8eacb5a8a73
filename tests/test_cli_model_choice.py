"""A CLI run with no model named uses the studio's pick for this computer and says why, once."""

from __future__ import annotations

from argparse import Namespace

import pytest

from app.cli import model_choice
from app.events import Event, Notice
from app.firstrun import hardware
from app.firstrun.hardware import GIB, Hardware


def _args(**given: str | None) -> Namespace:
    return Namespace(seg_model=given.get("seg"), vlm_model=given.get("vlm"),
                     device=given.get("device", "auto"))


def _pick(args: Namespace, describes: bool = True) -> tuple[tuple[str, str], list[str]]:
    seen: list[Event] = []
    picked = model_choice.pick(args, seen.append, describes=describes)
    return picked, [e.message for e in seen if isinstance(e, Notice)]


def test_on_the_processor_the_light_model_is_picked_and_the_reason_printed(monkeypatch) -> None:
    monkeypatch.setattr(hardware, "probe", lambda: Hardware(cpu_cores=2))
    (seg, vlm), lines = _pick(_args())
    assert (seg, vlm) == ("birefnet-lite", "qwen3-vl-2b")
    assert len(lines) == 1 and "birefnet-lite" in lines[0] and "3× faster on the processor" in lines[0]


def test_device_cpu_picks_the_light_model_without_probing_the_gpu(monkeypatch) -> None:
    monkeypatch.setattr(hardware, "probe", lambda: pytest.fail("--device cpu needs no GPU probe"))
    (seg, _vlm), lines = _pick(_args(device="cpu"), describes=False)
    assert seg == "birefnet-lite" and "--device cpu" in lines[0] and "describer" not in lines[0]


def test_a_big_gpu_gets_the_full_models(monkeypatch) -> None:
    monkeypatch.setattr(hardware, "probe", lambda: Hardware("NVIDIA GeForce RTX 4090", 24 * GIB, 16))
    (seg, vlm), lines = _pick(_args())
    assert (seg, vlm) == ("birefnet", "qwen3-vl-4b") and "RTX 4090" in lines[0]


def test_models_named_on_the_command_line_are_kept_silently(monkeypatch) -> None:
    monkeypatch.setattr(hardware, "probe", lambda: pytest.fail("nothing to pick"))
    assert _pick(_args(seg="birefnet", vlm="qwen3-vl-4b")) == (("birefnet", "qwen3-vl-4b"), [])
    assert _pick(_args(seg="birefnet"), describes=False) == (("birefnet", "qwen3-vl-2b"), [])
