"""What the fine-tuning dialog needs to know before a run, found on a pool thread: the folder's
usable corrections, whether training would run on a GPU, and an earlier run of this folder and base
that was stopped before its end (Start then continues it). Importing torch to ask about the GPU
takes seconds, so none of this runs on the GUI thread."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

log = logging.getLogger(__name__)


@dataclass
class Survey:
    """What the pool job found: the corrections, where training would run, an unfinished run."""

    corrections: Any = None  # app.studio.finetune.Corrections
    minimum: int = 8  # app.finetune.trainer.MIN_PAIRS
    on_gpu: bool = False
    unfinished: Path | None = None  # the output folder of a stopped run of this folder and base
    error: str = ""


def _on_gpu(device: str) -> bool:
    if device == "cpu":
        return False
    try:
        import torch  # on the pool thread; training imports it anyway

        return bool(torch.cuda.is_available())
    except Exception as err:  # a broken driver: the run itself says so and uses the CPU
        log.warning("cannot tell whether a GPU is there: %s", err)
        return False


def unfinished_output(root: Path, base: str) -> Path | None:
    """The output folder of the newest run of this folder and base model stopped before its end
    (its work folder beside it still holds the resume state), so a new Start continues it."""
    from app.finetune.output import work_folder
    from app.finetune.pairs import safe_name
    from app.finetune.trainer import RESUME_FILE
    from app.studio.finetune import default_output

    models = default_output(root, base).parent
    if not models.is_dir():
        return None
    stem = f"{safe_name(Path(root).name)}-{safe_name(Path(base).name)}-"
    found = []
    for entry in models.iterdir():  # ".NAME.finetune", whether or not NAME was published yet
        if not (entry.name.startswith(f".{stem}") and entry.name.endswith(".finetune")):
            continue
        out = models / entry.name[1:-len(".finetune")]
        state = entry / RESUME_FILE
        if work_folder(out) == entry and state.is_file():
            found.append((state.stat().st_mtime, out))
    return max(found)[1] if found else None


def survey(root: Path, base: str, device: str) -> Survey:
    from app.finetune.trainer import MIN_PAIRS
    from app.studio.finetune import corrections

    found = Survey(minimum=MIN_PAIRS)
    try:
        found.corrections = corrections(root)
        found.on_gpu = _on_gpu(device)
        found.unfinished = unfinished_output(root, base)
    except Exception as err:  # an unreadable folder: say so in the dialog
        log.exception("counting the corrections of %s failed", root)
        found.error = f"{type(err).__name__}: {err}"
    return found


class SurveySignals(QObject):
    done = Signal(object)  # Survey


class SurveyJob(QRunnable):
    def __init__(self, signals: SurveySignals, root: Path, base: str, device: str) -> None:
        super().__init__()
        self.signals, self.root, self.base, self.device = signals, root, base, device

    def run(self) -> None:
        self.signals.done.emit(survey(self.root, self.base, self.device))
