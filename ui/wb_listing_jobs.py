"""The Wildberries section's background work — a category search, a category's characteristics, the
card writer's suggestion or fill — on the global thread pool, each remembered with the product it
was asked for, so its answer is stored for that product even when another one is shown by then.

The card writer is the one of the user's settings. A local writer is borrowed from the window's
kept models (``app.studio.kept_models``): the first Suggest or Fill loads it (seconds, gigabytes),
the next one reuses it, and it is released as Settings → Keep models loaded says, as after Write
card text. GigaChat's client belongs to one event loop, so each job makes and closes its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from app import settings as app_settings
from app.events import ignore
from app.project import Project
from app.studio import text_options
from app.studio.kept_models import KeptModels, writer_factory
from ui.pool_job import PoolJobs

# Called by this name with literal strings so that pyside6-lupdate finds them; the words are the
# Wildberries section's own (its "WBListingPanel" translation context), wherever they are laid out.
translate = QCoreApplication.translate


class Kind:
    """What a job asks; its answer is taken by kind."""

    SEARCH, CATEGORY, CHOOSE, SUGGEST, FILL = "search", "category", "choose", "suggest", "fill"


def card_writer(kept: KeptModels) -> Callable[[], Any] | None:
    """How a job gets the card writer of the user's settings (made on the job's thread); None when
    Settings chose no writer."""
    options = text_options(app_settings.load())
    if not options.enabled:
        return None
    make = writer_factory(kept)
    return lambda: make(options, ignore)


def with_writer(make: Callable[[], Any], job: Callable[[Any], Any]) -> Any:
    """Run ``job(writer)`` on an event loop of this thread: an async client belongs to the loop it
    was first used on, so the writer is made, used and closed (a kept one: given back) on one."""
    async def run() -> Any:
        writer = make()
        try:
            return await job(writer)
        finally:
            close = getattr(writer, "aclose", None)
            if close is not None:
                await close()

    return asyncio.run(run())


@dataclass(frozen=True)
class Job:
    kind: str  # a Kind
    project: Project | None  # whose product it was asked for
    key: str
    extra: Any = None  # the words searched, the subject id or the Subject chosen


def _question(job: Job) -> tuple[str, Any]:
    """What makes two jobs the same question: their kind, and for CATEGORY the category too."""
    return job.kind, job.extra if job.kind == Kind.CATEGORY else None


class ListingJobs(QObject):
    answered = Signal(object, object, str)  # the Job, its result, the error ("" when it worked)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[int, Job] = {}
        self._pool = PoolJobs(self)
        self._pool.answered.connect(self._on_answer)

    def start(self, job: Job, work: Callable[[], Any]) -> bool:
        """False when the same question is on its way already: its answer comes once."""
        if any(_question(running) == _question(job) for running in self._running.values()):
            return False
        number = self._pool.start(work, what="a Wildberries panel job", unexpected=translate(
            "WBListingPanel", "That failed unexpectedly; the log has the details."))
        self._running[number] = job
        return True

    def busy(self) -> set[str]:
        """The kinds of job on their way."""
        return {job.kind for job in self._running.values()}

    def _on_answer(self, number: int, result: Any, error: str) -> None:
        job = self._running.pop(number, None)
        if job is not None:
            self.answered.emit(job, result, error)
