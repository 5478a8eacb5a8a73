"""Undo and redo of the user's choices — backgrounds, canvases, card text — across the whole project.

A step records, for each state field it touched, the value before and after, and nothing else: a
background applied to 5,000 photos costs a few hundred kilobytes, never a copy of the state. Undo
writes the before values back and saves; redo writes the after values back. A field that something
else has changed since (the text run wrote a new card, say) is left alone: undo only takes back
what its own step did, so it never throws away work it did not make.
"""

from __future__ import annotations

import copy
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from app.project import Project

PHOTO, PRODUCT = "photo", "product"
DEPTH = 100  # steps kept; the oldest is forgotten first
MAX_CHANGES = 500_000  # fields kept over all steps (~50 MB): a few huge bulk steps must not pile up
MERGE_S = 10.0  # edits of one group (one product's card) this close together are one step


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # PHOTO | PRODUCT
    key: str  # the photo's relative path or the product's key
    field: str  # a PhotoState / ProductState attribute
    before: Any
    after: Any


@dataclass(frozen=True)
class Step:
    label: str  # what the user did, in their language: "Mint applied to 4,999 photos"
    changes: tuple[Change, ...]
    group: str = ""  # steps of the same non-empty group made close together merge into one
    at: float = 0.0


@dataclass(frozen=True)
class Outcome:
    step: Step
    restored: int  # fields written back
    kept: int  # fields changed since by something else, left as they are


def _state(project: Project, kind: str, key: str) -> Any:
    return project.photo(key) if kind == PHOTO else project.product(key)


class Edits:
    """Collects the changes of one step while making them: only a value that really changes counts."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.changes: list[Change] = []

    def set(self, kind: str, key: str, field: str, value: Any) -> None:
        state = _state(self.project, kind, key)
        before = getattr(state, field)
        if before == value:
            return
        setattr(state, field, value)
        self.changes.append(Change(kind, key, field, before, value))


class History:
    def __init__(self, *, depth: int = DEPTH, max_changes: int = MAX_CHANGES, merge_s: float = MERGE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.depth, self.max_changes, self.merge_s, self._clock = depth, max_changes, merge_s, clock
        self._undo: deque[Step] = deque()
        self._redo: list[Step] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    @property
    def steps(self) -> int:
        return len(self._undo)

    def change_count(self) -> int:
        return sum(len(s.changes) for s in self._undo) + sum(len(s.changes) for s in self._redo)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    def record(self, label: str, changes: list[Change] | tuple[Change, ...], *,
               group: str = "") -> Step | None:
        """Add a step (None when nothing changed); a new choice drops what could be redone."""
        if not changes:
            return None
        now = self._clock()
        top = self._undo[-1] if self._undo else None
        if (group and top is not None and top.group == group and not self._redo
                and now - top.at <= self.merge_s):
            self._undo.pop()
            changes = _merged(top.changes, changes)
            if not changes:
                return None  # typed and typed back: nothing left to undo
        step = Step(label, tuple(changes), group, now)
        self._undo.append(step)
        self._redo.clear()
        total = self.change_count()
        while len(self._undo) > 1 and (len(self._undo) > self.depth or total > self.max_changes):
            total -= len(self._undo.popleft().changes)
        return step

    def undo(self, project: Project) -> Outcome | None:
        if not self._undo:
            return None
        step = self._undo.pop()
        self._redo.append(step)
        return _write(project, step, back=True)

    def redo(self, project: Project) -> Outcome | None:
        if not self._redo:
            return None
        step = self._redo.pop()
        self._undo.append(step)
        return _write(project, step, back=False)


def _merged(first: tuple[Change, ...], then: list[Change] | tuple[Change, ...]) -> list[Change]:
    by_field: dict[tuple[str, str, str], Change] = {(c.kind, c.key, c.field): c for c in first}
    for c in then:
        earlier = by_field.get((c.kind, c.key, c.field))
        by_field[(c.kind, c.key, c.field)] = c if earlier is None else Change(
            c.kind, c.key, c.field, earlier.before, c.after)
    return [c for c in by_field.values() if c.before != c.after]


def _write(project: Project, step: Step, *, back: bool) -> Outcome:
    restored = kept = 0
    with project.lock:  # all of the step or none of it, as the text run's thread sees it
        for c in reversed(step.changes) if back else step.changes:
            state = _state(project, c.kind, c.key)
            expected, value = (c.after, c.before) if back else (c.before, c.after)
            if getattr(state, c.field) != expected:
                kept += 1  # changed since by something this history did not record
                continue
            # A copy: the history's value must not change if the state's is later edited in place.
            setattr(state, c.field, copy.deepcopy(value))
            restored += 1
        project.mark_dirty()
    project.save()
    return Outcome(step, restored, kept)


_histories: weakref.WeakKeyDictionary[Project, History] = weakref.WeakKeyDictionary()


def history_of(project: Project) -> History:
    """The project's one history: every choice made through ``app.studio.choices`` lands here."""
    history = _histories.get(project)
    if history is None:
        history = _histories[project] = History()
    return history


@contextmanager
def recording(project: Project, label: str, *, group: str = "") -> Iterator[Edits]:
    """``with recording(project, label) as edits: edits.set(...)`` — one undo step, then saved."""
    edits = Edits(project)
    try:
        with project.lock:
            yield edits
    finally:  # even a step cut short is undoable: what it did change is recorded
        history_of(project).record(label, edits.changes, group=group)
    project.save()
