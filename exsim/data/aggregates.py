"""Aggregate series: one row per period with headcount, voluntary leavers and optionally absence rate.

DataError: unsupported suffix, unknown mapping field, missing period/headcount/leavers column, a
period that cannot be read or has another length than the others, a period given twice, a
negative or non-numeric count, an absence rate outside [0, 1] (write percentages with a % sign).
Counted skip: a row with no headcount or no leavers count (listed in `AggregateSeries.skipped`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from exsim.data.errors import DataError
from exsim.data.fields import AGGREGATE_ALIASES, AGGREGATE_FIELDS
from exsim.data.tables import parse_numbers, read_table, require_fields, resolve_columns, spreadsheet_row

PERIODS_PER_YEAR = {"Y": 1, "Q": 4, "M": 12, "W": 52}


@dataclass
class AggregateSeries:
    """`frame`: row, period (start timestamp), headcount, voluntary_leavers, absence_rate (if given),
    sorted by period; `periods_per_year` (12 for months)."""

    frame: pd.DataFrame
    source: Path
    columns: dict[str, str]
    periods_per_year: int
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def annual_voluntary_attrition(self, last_periods: int | None = None) -> float:
        """Voluntary leavers per year over mean headcount, over the last `last_periods` (default all)."""
        window = self.frame.tail(last_periods) if last_periods else self.frame
        mean_headcount = window["headcount"].mean()
        if not mean_headcount > 0:
            raise DataError("no headcount in the chosen periods", file=self.source, expected="a positive headcount")
        return float(window["voluntary_leavers"].sum() * self.periods_per_year / len(window) / mean_headcount)

    def mean_absence_rate(self) -> float:
        """Headcount-weighted mean absence rate (NaN when the file has none)."""
        if "absence_rate" not in self.frame:
            return float("nan")
        known = self.frame.dropna(subset=["absence_rate"])
        return float(np.average(known["absence_rate"], weights=known["headcount"])) if len(known) else float("nan")

    def summary(self) -> str:
        """Rows used and skipped, period length, span of periods."""
        first, last = self.frame["period"].iloc[[0, -1]]
        text = (f"{self.source}: {len(self.frame)} periods used ({self.periods_per_year} a year, "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d}), {len(self.skipped)} skipped")
        return text + "".join(f"\n  skipped row {row}: {reason}" for row, reason in self.skipped)


def read_aggregate_series(path: str | Path, mapping: dict[str, str] | None = None,
                          periods_per_year: int | None = None) -> AggregateSeries:
    """Read an aggregate series (CSV or Parquet).

    Periods may be years (2021), quarters (2021Q1), months (2021-03, Mar 2021) or dates; for dates
    the period length comes from their spacing unless `periods_per_year` is given. absence_rate is
    a fraction of work days (0.045) or a percentage with a % sign (4.5%).
    """
    path = Path(path)
    table = read_table(path)
    columns = resolve_columns(table, AGGREGATE_FIELDS, mapping, AGGREGATE_ALIASES, path, "aggregate series")
    require_fields(columns, ["period", "headcount", "voluntary_leavers"], path, "aggregate series", table)
    periods, freq = _parse_periods(table[columns["period"]], columns["period"], path)
    frame = pd.DataFrame({"row": [spreadsheet_row(i) for i in table.index], "period": periods})
    frame["headcount"] = parse_numbers(table[columns["headcount"]], columns["headcount"], path, minimum=0,
                                       expected="a headcount of 0 or more")
    frame["voluntary_leavers"] = parse_numbers(table[columns["voluntary_leavers"]], columns["voluntary_leavers"],
                                               path, minimum=0, expected="a count of leavers, 0 or more")
    if "absence_rate" in columns:
        frame["absence_rate"] = _parse_rates(table[columns["absence_rate"]], columns["absence_rate"], path)
    unusable = frame[["headcount", "voluntary_leavers"]].isna().any(axis=1)
    skipped = [(int(r), "no headcount or no voluntary leavers count") for r in frame["row"][unusable]]
    frame = frame[~unusable].sort_values("period").reset_index(drop=True)
    if frame.empty:
        raise DataError("no usable periods", file=path, expected="rows with a headcount and a leavers count")
    ppy = periods_per_year or PERIODS_PER_YEAR.get(freq) or _periods_per_year_from_spacing(frame["period"], path)
    return AggregateSeries(frame, path, columns, int(ppy), skipped)


def _parse_periods(values: pd.Series, column: str, path: Path) -> tuple[pd.Series, str]:
    """Start timestamps of the periods and their frequency code (Y, Q, M, W or D for plain dates)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        periods, freqs = values.astype("datetime64[ns]"), pd.Series("D", index=values.index)
    else:
        parsed = values.map(_period_or_none)
        bad = parsed.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("not a period", file=path, row=spreadsheet_row(i), column=column, value=values.iloc[i],
                            expected="a year (2021), quarter (2021Q1), month (2021-03) or date (2021-03-31)")
        periods = parsed.map(lambda p: p.start_time).astype("datetime64[ns]")
        freqs = parsed.map(lambda p: p.freqstr[0])
    other = freqs != freqs.iloc[0]
    if other.any():
        i = int(np.flatnonzero(other.to_numpy())[0])
        raise DataError("a period of another length than the first row's", file=path, row=spreadsheet_row(i),
                        column=column, value=values.iloc[i], expected=f"periods like {values.iloc[0]!s}")
    repeated = periods.duplicated()
    if repeated.any():
        i = int(np.flatnonzero(repeated.to_numpy())[0])
        raise DataError("period given twice", file=path, row=spreadsheet_row(i), column=column, value=values.iloc[i],
                        expected="one row per period")
    return periods, str(freqs.iloc[0])


def _period_or_none(value: str) -> pd.Period | None:
    try:
        return pd.Period(value)
    except (ValueError, TypeError):
        return None


def _periods_per_year_from_spacing(periods: pd.Series, path: Path) -> int:
    if len(periods) < 2:
        raise DataError("cannot tell the period length from a single date", file=path,
                        expected="two or more periods, or periods_per_year")
    days = float(periods.diff().dt.days.median())
    return max(1, round(365.25 / days))


def _parse_rates(values: pd.Series, column: str, path: Path) -> pd.Series:
    """'4.5%' -> 0.045; plain numbers must be fractions in [0, 1]."""
    percent = values.str.endswith("%")
    numbers = parse_numbers(values.str.rstrip("%").str.strip(), column, path, minimum=0,
                            expected="a fraction of work days (0.045) or a percentage (4.5%)")
    rates = numbers.where(~percent, numbers / 100)
    too_big = rates > 1
    if too_big.any():
        i = int(np.flatnonzero(too_big.to_numpy())[0])
        raise DataError("absence rate above 1", file=path, row=spreadsheet_row(i), column=column,
                        value=values.iloc[i], expected="a fraction of work days (0.045) or a percentage with % (4.5%)")
    return rates
