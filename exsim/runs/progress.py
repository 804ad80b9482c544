"""A quiet progress bar: it appears on stderr only once a run has taken a couple of seconds."""

from __future__ import annotations

import sys
import time

SHOW_AFTER_S = 2.0


class Progress:
    """Counts units of work done; draws a bar with rate and time left once the run is slow enough."""

    def __init__(self, total: int, label: str, stream=None):
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.done = 0
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._shown = False

    def __call__(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.start < SHOW_AFTER_S:
            return
        interactive = getattr(self.stream, "isatty", lambda: False)()
        if now - self._last_draw < (0.2 if interactive else 30.0) and self.done < self.total:
            return
        self._last_draw = now
        self._shown = True
        self.stream.write(("\r" if interactive else "") + self._line(now) + ("" if interactive else "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self._shown:
            if self.done < self.total or getattr(self.stream, "isatty", lambda: False)():
                self.stream.write("\r" + self._line(time.monotonic()) + "\n")
            self.stream.flush()

    def _line(self, now: float) -> str:
        elapsed = now - self.start
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(30 * share) + "." * (30 - int(30 * share))
        left = elapsed / share - elapsed if share > 0 else float("nan")
        return f"{self.label} [{bar}] {self.done}/{self.total} {self.done / elapsed:.1f}/s, {left:.0f}s left"
