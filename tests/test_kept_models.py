"""The studio keeps models loaded between tasks, and lets them go when it should."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.project import Project
from app.studio import all_photos, process_photos
from app.studio import process as studio_process
from app.studio.kept_models import DESCRIBER, SEGMENTER, KeptModels, segmenter_factory
from tests.ui.shoot import LOOSE, PRODUCT, make_shoot


class Model:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log
        log.append(f"load {name}")

    def close(self) -> None:
        self.log.append(f"close {self.name}")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_model_stays_loaded_across_tasks_and_a_task_close_only_ends_its_borrow() -> None:
    log: list[str] = []
    kept = KeptModels(idle_s=600)
    first = kept.borrow(SEGMENTER, "birefnet", "birefnet", lambda: Model("birefnet", log))
    first.close()
    second = kept.borrow(SEGMENTER, "birefnet", "birefnet", lambda: Model("birefnet", log))
    second.close()
    assert log == ["load birefnet"] and kept.loaded() == ["birefnet"]


def test_a_changed_choice_releases_the_old_model_before_the_new_one_loads() -> None:
    log: list[str] = []
    kept = KeptModels()
    kept.borrow(SEGMENTER, "birefnet", "birefnet", lambda: Model("birefnet", log)).close()
    kept.borrow(SEGMENTER, "birefnet-lite", "birefnet-lite", lambda: Model("birefnet-lite", log)).close()
    assert log == ["load birefnet", "close birefnet", "load birefnet-lite"]


def test_idle_models_are_released_after_the_set_time_but_never_while_in_use() -> None:
    log: list[str] = []
    clock = Clock()
    kept = KeptModels(idle_s=300, clock=clock)
    busy = kept.borrow(DESCRIBER, "vlm", "qwen3-vl-2b", lambda: Model("vlm", log))
    clock.now = 1000
    assert kept.release_idle() == []  # a task is using it
    busy.close()
    clock.now = 1200
    assert kept.release_idle() == []  # used 200 s ago
    clock.now = 1300
    assert kept.release_idle() == ["qwen3-vl-2b"] and log[-1] == "close vlm" and kept.loaded() == []


def test_zero_idle_time_releases_as_soon_as_the_task_ends() -> None:
    log: list[str] = []
    kept = KeptModels(idle_s=0)
    kept.borrow(SEGMENTER, "a", "a", lambda: Model("a", log)).close()
    assert log == ["load a", "close a"]


def test_out_of_memory_on_load_releases_the_other_models_and_tries_again() -> None:
    import torch

    log: list[str] = []
    kept = KeptModels()
    kept.borrow(SEGMENTER, "seg", "seg", lambda: Model("seg", log)).close()
    tries = []

    def load() -> Model:
        tries.append(1)
        if len(tries) == 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return Model("vlm", log)

    kept.borrow(DESCRIBER, "vlm", "vlm", load).close()
    assert log == ["load seg", "close seg", "load vlm"] and kept.loaded() == ["vlm"]


def test_two_process_runs_load_the_real_tiny_model_once(tmp_path: Path, tiny_seg_model: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    real = studio_process.load_default_segmenter

    def counted(*args):  # noqa: ANN002, ANN202
        loads.append(args[0])
        return real(*args)

    monkeypatch.setattr(studio_process, "load_default_segmenter", counted)
    project = Project(make_shoot(tmp_path))
    kept = KeptModels()
    factory = segmenter_factory(kept)
    first = process_photos(project, [LOOSE], seg_model=str(tiny_seg_model), device="cpu",
                           segmenter_factory=factory)
    rels = [rel for rel in all_photos(project) if rel.startswith(PRODUCT)][:1]
    second = process_photos(project, rels, seg_model=str(tiny_seg_model), device="cpu",
                            segmenter_factory=factory)
    assert first.done == [LOOSE] and second.done == rels
    assert loads == [str(tiny_seg_model)] and kept.memory_bytes() > 0
    kept.release_all()
    assert kept.loaded() == [] and kept.memory_bytes() == 0


def test_a_gigachat_describer_is_made_per_run_and_a_local_one_is_kept(monkeypatch) -> None:  # noqa: ANN001
    from app.pipeline import text as text_stage
    from app.pipeline.text import TextOptions
    from app.studio.kept_models import describer_factory

    log: list[str] = []
    monkeypatch.setattr(text_stage, "default_describer",
                        lambda options, _events: Model(options.describer, log))
    kept = KeptModels(idle_s=600)
    make = describer_factory(kept)
    for _ in range(2):
        make(TextOptions(describer="gigachat", vlm_model="qwen3-vl-2b"), lambda _e: None).close()
        make(TextOptions(describer="local", vlm_model="qwen3-vl-2b"), lambda _e: None).close()
    # GigaChat's describer holds no model, and its concurrency or model may change between runs
    assert log.count("load gigachat") == 2 and log.count("close gigachat") == 2
    assert log.count("load local") == 1 and "close local" not in log
    kept.release_all()
