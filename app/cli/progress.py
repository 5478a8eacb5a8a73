"""A terminal progress line (count, rate, ETA) and per-file failure lines, fed by pipeline events."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from app.events import Event, ItemFailed, Notice, Progress


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class ProgressPrinter:
    """Redraws one line on a terminal; prints a line every few seconds when piped to a file."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self.started = time.monotonic()
        self._last_print = 0.0
        self._line_open = False
        self._downloads: dict[str, float] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress):
            self._progress(event)
        elif isinstance(event, ItemFailed):
            self._line(f"✗ {event.item}: {event.message}")
        elif isinstance(event, Notice):
            self._line(f"! {event.item + ': ' if event.item else ''}{event.message}")

    def _line(self, text: str) -> None:
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _progress(self, event: Progress) -> None:
        now = time.monotonic()
        final = event.total and event.done >= event.total
        if not self.tty and not final and now - self._last_print < self.interval:
            return
        self._last_print = now
        elapsed = max(now - self.started, 1e-6)
        if event.stage == "download":
            text = f"downloading {event.item}: {event.done / 1e6:.1f} / {event.total / 1e6:.1f} MB"
        else:
            rate = event.done / elapsed
            eta = (event.total - event.done) / rate if rate > 0 else 0.0
            text = (f"{event.stage}: {event.done}/{event.total} "
                    f"{rate:.2f}/s  elapsed {_duration(elapsed)}  ETA {_duration(eta)}")
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self._line_open = True
            if final:
                self.stream.write("\n")
                self._line_open = False
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False
