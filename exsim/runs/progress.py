"""A quiet progress bar on stderr: rate and time left, redrawn in place on a terminal.

By default it appears only once the work has taken a couple of seconds; designs (sweep,
sensitivity) show it from the start (`show_after=0`).
"""

from __future__ import annotations

import sys
import time

SHOW_AFTER_S = 2.0


class Progress:
    """Counts units of work done; draws a bar with rate and time left once `show_after` seconds have passed."""

    def __init__(self, total: int, label: str, stream=None, show_after: float = SHOW_AFTER_S):
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.show_after = show_after
        self.done = 0
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._shown = False
        if show_after <= 0 and total > 0:
            self._draw(self.start)

    def __call__(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.start < self.show_after:
            return
        if now - self._last_draw < (0.2 if self._interactive else 30.0) and self.done < self.total:
            return
        self._draw(now)

    def close(self) -> None:
        if self._shown:
            if self.done < self.total or self._interactive:
                self.stream.write("\r" + self._line(time.monotonic()) + "\n")
            self.stream.flush()

    @property
    def _interactive(self) -> bool:
        return getattr(self.stream, "isatty", lambda: False)()

    def _draw(self, now: float) -> None:
        self._last_draw = now
        self._shown = True
        self.stream.write(("\r" if self._interactive else "") + self._line(now) + ("" if self._interactive else "\n"))
        self.stream.flush()

    def _line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(30 * share) + "." * (30 - int(30 * share))
        if self.done == 0:
            return f"{self.label} [{bar}] 0/{self.total}, time left: estimating after the first finishes"
        left = elapsed / share - elapsed
        return f"{self.label} [{bar}] {self.done}/{self.total} {self.done / elapsed:.1f}/s, {clock(left)} left"


def clock(seconds: float) -> str:
    """'42s', '3m05s' or '2h07m'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
