"""Words and numbers as reports print them: plurals, money, and what brackets mean (one rule for every table)."""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_INTERVAL_REPLICATES = 3  # an interval over replicates is given from this many replicates on


def plural(n: float, word: str) -> str:
    """"1 year", "3 years"."""
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


def has_interval(replicates: int) -> bool:
    """Whether there are enough replicates for a 90% interval to mean anything."""
    return replicates >= MIN_INTERVAL_REPLICATES


def interval_phrase(replicates: int) -> str:
    """What brackets mean in a table, said once."""
    if has_interval(replicates):
        return f"mean over {replicates} replicates with the 90% interval over replicates in brackets"
    return _no_interval(replicates)


def interval_note(replicates: int) -> str:
    """What a figure shows, said once: the mean and the band of 90% of replicates, or why there is no band."""
    if has_interval(replicates):
        return f"line: mean of {replicates} replicates; band: 90% of replicates (5th to 95th percentile)"
    return _no_interval(replicates)


def _no_interval(replicates: int) -> str:
    if replicates == 1:
        return "single run, no interval"
    return f"mean of n = {replicates} replicates, no interval (an interval needs at least {MIN_INTERVAL_REPLICATES})"


def money(value: float) -> str:
    """EUR with thousands: "EUR 1,234k"; small amounts keep their sign without "-0k"."""
    k = value / 1e3
    return f"EUR {k:,.0f}k" if abs(k) >= 0.5 else "EUR 0k"


def money_with_interval(row: pd.Series) -> str:
    """"EUR 4,485k [2,573k, 5,974k]" from 3 replicates on, else the mean alone."""
    text = money(row["mean"])
    if row["replicates"] >= MIN_INTERVAL_REPLICATES and np.isfinite(row["p05"]):
        text += f" [{row['p05'] / 1e3:,.0f}k, {row['p95'] / 1e3:,.0f}k]"
    return text
