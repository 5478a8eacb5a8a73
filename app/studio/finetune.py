"""Process → "Improve the model from my corrections…", without Qt: what there is to learn from,
how long it may take here, where the new model goes, and the run itself as a worker task."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.events import EventSink
from app.finetune.pairs import Collected, collect, safe_name
from app.finetune.trainer import MIN_PAIRS, Result, Settings, finetune

# Seconds per training step at 1024², batch 2, by where it runs: rough figures for the dialog's
# estimate until the run measures its own (the progress then shows the measured time left).
# The GPU figure is a guess from BiRefNet's published training speed (A100, bf16) scaled to a
# workstation card, not yet measured on one (docs/PERFORMANCE.md); the CPU figure is three times
# the inference time per photo (forward + backward) for two photos.
GPU_SECONDS_PER_STEP = {"birefnet": 1.2, "birefnet-lite": 0.5}
CPU_STEP_FACTOR = 3.0 * 2


@dataclass
class Corrections:
    """What the dialog shows before a run: the usable pairs and the ones left out, with reasons."""

    found: Collected

    @property
    def count(self) -> int:
        return len(self.found.pairs)

    @property
    def enough(self) -> bool:
        return self.count >= MIN_PAIRS and self.found.products >= 2


def corrections(root: Path) -> Corrections:
    """The folder's corrected masks, checked (reads every corrected photo's header: call it off
    the GUI thread for a large folder)."""
    return Corrections(collect([root]))


def default_output(root: Path, base: str) -> Path:
    """A new folder in the user's data folder, named after the project, the base and the day."""
    models = Path(platformdirs.user_data_dir("vitrina", appauthor=False)) / "finetuned"
    stem = f"{safe_name(Path(root).name)}-{safe_name(Path(base).name)}-{time.strftime('%Y%m%d-%H%M')}"
    candidate, number = models / stem, 2
    while candidate.exists():
        candidate, number = models / f"{stem}-{number}", number + 1
    return candidate


def estimate_seconds(photos: int, settings: Settings, *, on_gpu: bool, base: str, cores: int) -> float:
    """A rough duration for ``settings.epochs`` passes over ``photos`` (80 % of them train)."""
    from app.firstrun.hardware import cpu_seconds_per_photo

    steps = settings.epochs * max(1, round(photos * (1 - settings.val_fraction) / settings.batch_size))
    name = Path(base).name
    if on_gpu:
        per_step = GPU_SECONDS_PER_STEP.get(name, GPU_SECONDS_PER_STEP["birefnet"])
    else:
        per_step = cpu_seconds_per_photo(name, cores) * CPU_STEP_FACTOR
    return steps * per_step * settings.batch_size / 2


def finetune_task(found: Collected, base: str, out_dir: Path, settings: Settings):  # noqa: ANN201
    """The run as a worker task ``fn(events, cancel)``; Cancel stops after the current step."""

    def task(events: EventSink, cancel: threading.Event) -> Result:
        return finetune(found, base, out_dir, settings, events=events, should_stop=cancel.is_set)

    return task
