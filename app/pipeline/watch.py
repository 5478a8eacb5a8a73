"""``vitrina watch``: export each photo that lands in a folder while the photographer shoots.

A tethering program or a card reader copies files in over seconds; reading one half-written
would export half a photo or fail it. So a file counts only once it has stopped changing (same
size and modification time) for ``settle`` seconds and can be opened. Each time new whole files
are there, one batch run exports them with the watch's options; the batch's own resume (saved
masks, kept bundles) means nothing is processed twice. The model is loaded once for the watch.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.events import EventSink, Notice, ignore
from app.i18n import _
from app.imaging import is_photo_name
from app.pipeline import report
from app.pipeline.batch import BatchRun, SegmenterFactory, default_segmenter
from app.pipeline.options import BatchOptions
from app.pipeline.report import BatchResult
from app.project.scan import STATE_DIR_NAME
from app.segment import Segmenter

Signature = tuple[int, int]  # (size, mtime_ns)


def _photo_files(root: Path, skip: set[Path]) -> Iterator[tuple[str, os.stat_result]]:
    """Every visible photo under ``root`` (relative posix path, stat), the way the scan sees them."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != STATE_DIR_NAME
                   and (here / d).resolve() not in skip]
        for name in files:
            if not is_photo_name(name):
                continue
            path = here / name
            try:
                info = path.stat()
            except OSError:
                continue  # gone between the listing and now
            yield path.relative_to(root).as_posix(), info


def _readable(path: Path) -> bool:
    # On Windows a file still being written is often locked against readers.
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False


@dataclass
class _Seen:
    signature: Signature
    since: float  # when this signature was first seen (monotonic)


class FolderWatch:
    """Tells which photos are whole and new since the last :meth:`mark_done`."""

    def __init__(self, root: Path, *, settle: float = 2.0, skip: tuple[Path, ...] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root).resolve()
        self.settle = settle
        self._skip = {Path(p).resolve() for p in skip}
        self._clock = clock
        self._seen: dict[str, _Seen] = {}
        self._done: dict[str, Signature] = {}

    def poll(self) -> tuple[set[str], set[str]]:
        """(whole photos not handled yet, photos still arriving)."""
        now = self._clock()
        current: dict[str, _Seen] = {}
        for rel, info in _photo_files(self.root, self._skip):
            signature = (info.st_size, info.st_mtime_ns)
            before = self._seen.get(rel)
            same = before is not None and before.signature == signature
            current[rel] = before if same and before is not None else _Seen(signature, now)
        self._seen = current
        ready, arriving = set(), set()
        for rel, seen in current.items():
            if self._done.get(rel) == seen.signature:
                continue
            whole = (seen.signature[0] > 0 and now - seen.since >= self.settle
                     and _readable(self.root / rel))
            (ready if whole else arriving).add(rel)
        return ready, arriving

    def mark_done(self, rels: set[str]) -> None:
        for rel in rels:
            if rel in self._seen:
                self._done[rel] = self._seen[rel].signature


class _Lent:
    """The watch's model as one batch run sees it: closing it at the run's end keeps it loaded."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segment = segmenter.segment

    def close(self) -> None:
        pass


class _KeptSegmenter:
    """Loads the model for the first run that needs it and lends it to every later run."""

    def __init__(self, factory: SegmenterFactory) -> None:
        self._factory = factory
        self._segmenter: Segmenter | None = None

    def __call__(self, options: BatchOptions, events: EventSink) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = self._factory(options, events)
        return _Lent(self._segmenter)

    def close(self) -> None:
        if self._segmenter is not None:
            self._segmenter.close()
            self._segmenter = None


@dataclass
class WatchResult:
    runs: list[BatchResult] = field(default_factory=list)

    def _latest(self) -> dict[str, str]:
        latest: dict[str, str] = {}
        for run in self.runs:
            latest.update((row.file, row.status) for row in run.rows)
        return latest

    @property
    def exported(self) -> int:
        """Files exported by this watch, each once: a photo added to an exported product redoes its
        whole bundle, so its other photos are in that run's rows again (and later runs keep them)."""
        made = {row.file for run in self.runs for row in run.rows if row.status in report.EXPORTED_NOW}
        latest = self._latest()
        return sum(latest[file] in (*report.EXPORTED_NOW, report.EXISTS) for file in made)

    @property
    def failed(self) -> int:
        """Files whose last run failed them or left them for review."""
        bad = (report.FAILED, report.CONFLICT, report.NEEDS_REVIEW)
        return sum(status in bad for status in self._latest().values())


def watch_folder(input_dir: Path, output_dir: Path, options: BatchOptions, *, stop: threading.Event,
                 events: EventSink = ignore, interval: float = 1.0, settle: float = 2.0,
                 segmenter_factory: SegmenterFactory | None = None,
                 on_run: Callable[[BatchResult], None] = lambda result: None) -> WatchResult:
    """Export new whole photos until ``stop`` is set; each batch run's result goes to ``on_run``."""
    output = Path(output_dir).resolve()
    watcher = FolderWatch(Path(input_dir), settle=settle, skip=(output,))
    model = _KeptSegmenter(segmenter_factory or default_segmenter)
    result = WatchResult()
    events(Notice(_("Watching {folder}: new photos are exported to {output} once fully copied. "
                    "Press Ctrl-C to stop.").format(folder=watcher.root, output=output)))
    try:
        while not stop.is_set():
            ready, arriving = watcher.poll()
            if ready:
                run = BatchRun(watcher.root, output, options, events=events, cancel=stop,
                               segmenter_factory=model, hold_back=arriving).run()
                result.runs.append(run)
                on_run(run)
                if run.cancelled:
                    break
                watcher.mark_done(ready)
            stop.wait(interval)
    except KeyboardInterrupt:  # Ctrl-C is how a watch ends (a batch in flight stops by itself)
        pass
    finally:
        model.close()
    return result
