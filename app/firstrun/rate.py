"""Download speed and time left, from (time, bytes) samples over a sliding window.

A short window follows a changing connection; a too short one jumps with every chunk. The
window restarts when the byte count goes backwards (the next model began).
"""

from __future__ import annotations

from collections import deque

WINDOW_S = 8.0
MIN_SPAN_S = 0.5  # below this there is not enough to tell a speed


class RateMeter:
    def __init__(self, window_s: float = WINDOW_S) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, done: int) -> None:
        if self._samples and done < self._samples[-1][1]:
            self._samples.clear()
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window_s:
            self._samples.popleft()

    def speed(self) -> float | None:
        """Bytes per second, or None until there is enough to tell."""
        if len(self._samples) < 2:
            return None
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        if t1 - t0 < MIN_SPAN_S:
            return None
        return max(0.0, (b1 - b0) / (t1 - t0))

    def seconds_left(self, total: int) -> float | None:
        speed = self.speed()
        if not speed or not self._samples or total <= 0:
            return None
        return max(0.0, total - self._samples[-1][1]) / speed
