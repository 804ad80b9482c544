"""Progress on stderr (or a notebook widget): tqdm's bar with rate and time left.

By default it appears only once the work has taken a couple of seconds; designs (sweep,
sensitivity) show it from the start (`show_after=0`). On a terminal the bar redraws in place
about five times a second; into a log file it writes a line at most every 30 seconds.
"""

from __future__ import annotations

import sys

from tqdm.auto import tqdm

SHOW_AFTER_S = 2.0
LOG_INTERVAL_S = 30.0


class Progress:
    """Counts units of work done: `progress(n)` after each n units, `close()` at the end."""

    def __init__(self, total: int, label: str, stream=None, show_after: float = SHOW_AFTER_S):
        self.total, self.label = total, label
        stream = stream or sys.stderr
        interactive = getattr(stream, "isatty", lambda: False)()
        self.bar = tqdm(total=total, desc=label, file=stream, delay=max(show_after, 0.0), leave=True,
                        mininterval=0.2 if interactive else LOG_INTERVAL_S, dynamic_ncols=interactive,
                        ascii=not interactive, disable=False)

    @property
    def done(self) -> int:
        return int(self.bar.n)

    def __call__(self, n: int = 1) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()
