"""Typed pipeline events. The core emits them; the CLI prints them and the GUI turns them into signals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units finished in ``stage`` (e.g. "segment", "download")."""

    stage: str
    done: int
    total: int
    item: str = ""


@dataclass(frozen=True)
class ItemStarted:
    """Work on one input began in ``stage``; an ItemDone or ItemFailed for it follows."""

    item: str
    stage: str


@dataclass(frozen=True)
class ItemDone:
    item: str
    stage: str


@dataclass(frozen=True)
class ItemFailed:
    """One input failed; the run goes on. ``message`` is for the user."""

    item: str
    stage: str
    message: str


@dataclass(frozen=True)
class Notice:
    """Something the user should see but that is not a failure (CPU fallback, upscaling...)."""

    message: str
    item: str = ""


@dataclass(frozen=True)
class TrainingStep:
    """Fine-tuning moved on (app/finetune): ``step`` of ``steps`` optimiser steps over the whole run.

    ``loss`` is the mean training loss of the epoch so far; ``val_iou`` the last validation's IoU
    (None before the first); ``seconds_left`` the estimate for the remaining steps (None until a
    few steps tell)."""

    epoch: int
    epochs: int
    step: int
    steps: int
    loss: float
    val_iou: float | None = None
    seconds_left: float | None = None


Event = Progress | ItemStarted | ItemDone | ItemFailed | Notice | TrainingStep
EventSink = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An event sink for callers that do not listen."""
