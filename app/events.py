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


Event = Progress | ItemStarted | ItemDone | ItemFailed | Notice
EventSink = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An event sink for callers that do not listen."""
