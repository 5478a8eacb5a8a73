"""A terminal progress line (count, rate, ETA) and per-file failure lines, fed by pipeline events."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections import deque
from typing import TextIO

from app import formats
from app.events import Event, ItemFailed, Notice, Progress
from app.firstrun.rate import RateMeter
from app.i18n import _

RATE_WINDOW = 20  # progress steps the rate is measured over


def _stage_name(stage: str) -> str:
    """What the progress line calls a pipeline stage (an unknown one by its code)."""
    names = {"photos": _("photos"), "segment": _("segment"), "describe": _("describe"),
             "download-files": _("download-files"), "prepare": _("preparing photos"),
             "publish": _("publish"), "check": _("checking")}
    return names.get(stage, stage)


# Bidi overrides can make "gpj.exe" read as "exe.jpg"; C0/C1 controls can drive the terminal.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes: file names reach the terminal
    and must not move the cursor, set the title or reorder what the user reads."""
    return "".join(_escaped(ch) if unicodedata.category(ch) == "Cc" or ch in _BIDI else ch for ch in text)


def _escaped(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


class ProgressPrinter:
    """Redraws one line on a terminal; prints a line every few seconds when piped to a file."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self.started = time.monotonic()
        self._last_print = 0.0
        self._line_open = False
        self._meters: dict[str, RateMeter] = {}  # per model being downloaded
        # Recent (time, done) of each stage: the rate and ETA follow the current per-photo time,
        # not an average that counts the model's load and the photos an earlier run already made.
        self._recent: dict[str, deque[tuple[float, int]]] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress):
            self._progress(event)
        elif isinstance(event, ItemFailed):
            self._line(f"✗ {event.item}: {event.message}")
        elif isinstance(event, Notice):
            self._line(f"! {event.item + ': ' if event.item else ''}{event.message}")

    def _line(self, text: str) -> None:
        text = printable(text)
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _progress(self, event: Progress) -> None:
        final = bool(event.total and event.done >= event.total)
        if not self._due(final):
            return
        now = self._last_print
        elapsed = max(now - self.started, 1e-6)
        if event.stage == "download":
            text = self._download_line(event, now)
        else:
            rate = self._rate(event, now)
            eta = formats.duration((event.total - event.done) / rate) if rate > 0 else "—"
            text = _("{stage}: {done}/{total} {rate}/s  elapsed {elapsed}  ETA {eta}").format(
                stage=_stage_name(event.stage), done=event.done, total=event.total,
                rate=formats.decimal(rate, 2), elapsed=formats.duration(elapsed), eta=eta)
        self._write_status(text, final)

    def _due(self, final: bool) -> bool:
        """Whether a progress line is to be written now (always on a terminal and when final)."""
        now = time.monotonic()
        if not self.tty and not final and now - self._last_print < self.interval:
            return False
        self._last_print = now
        return True

    def status(self, text: str, *, final: bool = False) -> None:
        """A progress line of the caller's own (fine-tuning's): redrawn on a terminal, every few
        seconds when piped, and always when ``final``."""
        if self._due(final):
            self._write_status(printable(text), final)

    def _write_status(self, text: str, final: bool) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self._line_open = True
            if final:
                self.stream.write("\n")
                self._line_open = False
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _download_line(self, event: Progress, now: float) -> str:
        """Bytes so far, then speed and time left once a few seconds tell them."""
        meter = self._meters.setdefault(event.item, RateMeter())
        meter.add(now, event.done)
        text = _("downloading {item}: {done} / {total}").format(
            item=event.item, done=formats.size(event.done, digits=1),
            total=formats.size(event.total, digits=1))
        speed, left = meter.speed(), meter.seconds_left(event.total)
        if speed and left is not None and event.done < event.total:
            text += "  " + _("{speed}/s, {left} left").format(
                speed=formats.size(speed, digits=1), left=formats.duration(left))
        return text

    def _rate(self, event: Progress, now: float) -> float:
        """Items per second over the last ``RATE_WINDOW`` steps; 0 until two steps apart in time."""
        recent = self._recent.setdefault(event.stage, deque(maxlen=RATE_WINDOW))
        if recent and event.done < recent[-1][1]:
            recent.clear()  # the stage started over (a new run of the same stage)
        recent.append((now, event.done))
        (t0, d0), (t1, d1) = recent[0], recent[-1]
        return (d1 - d0) / (t1 - t0) if t1 - t0 > 1e-3 and d1 > d0 else 0.0

    def close(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False
