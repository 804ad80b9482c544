"""Retention and attrition from tenure spells: Kaplan-Meier, hazard by tenure band, attrition rates.

The functions take a DataFrame with a duration column (`tenure_weeks`), an event column (`left`:
True when the spell ended in the exit being studied, False when censored) and optional group
columns. Employee records (`EmployeeRecords.survival_frame()`) and exsim's own spells
(`spells_to_survival_frame`) both have that shape, so observed and simulated targets are computed
the same way. Files that only show people employed since some date are left-truncated: an entry
column (the tenure at which each person came under observation) keeps the estimates unbiased.
A month is 365.25 / 12 days; a year 365.25 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH, CALENDAR_WEEKS_PER_YEAR, WEEKS_PER_YEAR

TENURE_BANDS_MONTHS = (0, 3, 6, 12, 24, 60, np.inf)
SPELL_COLUMNS = ("hire_week", "exit_week", "exit_reason", "tenure_weeks")


@dataclass(frozen=True)
class AttritionEstimate:
    """An attrition figure and how it was computed.

    method 'window': leavers in [start, end) over the mean headcount, per year; 'cross-sectional':
    the share of rows that left (a yearly rate only if the file covers about one year).
    """

    rate: float
    leavers: int
    population: float  # mean headcount over the window, or number of rows
    method: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


def kaplan_meier(durations: Sequence[float] | np.ndarray, events: Sequence[bool] | np.ndarray,
                 entry: Sequence[float] | np.ndarray | None = None) -> pd.DataFrame:
    """Product-limit survival at each distinct event time, with Greenwood standard errors.

    entry: the tenure at which each person came under observation (left truncation, delayed entry):
    a person is at risk at times t with entry < t <= duration (entry 0: from hire; an exit at the
    entry tenure itself counts as at risk then). Without it everyone is at risk from 0. Columns:
    time, at_risk (censored at a time are still at risk then), events, survival, se (Greenwood).
    Raises ValueError for negative or missing durations, or entries outside [0, duration].
    """
    d, e = _as_durations_events(durations, events)
    times, at_risk, deaths = _risk_table(d, e, _as_entry(entry, d))
    survival = np.cumprod(1.0 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
    se = np.where(survival > 0, survival * np.sqrt(np.where(survival > 0, greenwood, 0.0)), 0.0)
    return pd.DataFrame({"time": times, "at_risk": at_risk, "events": deaths, "survival": survival, "se": se})


def nelson_aalen(durations: Sequence[float] | np.ndarray, events: Sequence[bool] | np.ndarray,
                 entry: Sequence[float] | np.ndarray | None = None) -> pd.DataFrame:
    """Nelson-Aalen cumulative hazard at each distinct event time (risk sets as in `kaplan_meier`).

    Columns: time, at_risk, events, cumulative_hazard (sum of events / at_risk), variance (sum of
    events / at_risk squared), se.
    """
    d, e = _as_durations_events(durations, events)
    times, at_risk, deaths = _risk_table(d, e, _as_entry(entry, d))
    variance = np.cumsum(deaths / at_risk.astype(float) ** 2)
    return pd.DataFrame({"time": times, "at_risk": at_risk, "events": deaths,
                         "cumulative_hazard": np.cumsum(deaths / at_risk), "variance": variance,
                         "se": np.sqrt(variance)})


def km_retention(frame: pd.DataFrame, months: Sequence[float] | None = None, duration: str = "tenure_weeks",
                 event: str = "left", entry: str | None = None) -> pd.DataFrame:
    """Kaplan-Meier retention at tenure months (default 0, 1, ... up to the longest tenure).

    entry: a column with the tenure (same unit as `duration`) at which each person came under
    observation, for left-truncated files. Columns: month, tenure_weeks, retention (share still
    employed at that tenure; NaN beyond the longest observed tenure), se (Greenwood; NaN there too),
    at_risk (people under observation at that tenure).
    """
    d, e = durations_events(frame, duration, event)
    start = entry_column(frame, entry, d)
    curve = kaplan_meier(d, e, start)
    grid = np.arange(int(d.max() // CALENDAR_WEEKS_PER_MONTH) + 1 if d.size else 1) if months is None else np.asarray(months)
    weeks = grid * CALENDAR_WEEKS_PER_MONTH
    idx = np.searchsorted(curve["time"].to_numpy(), weeks, side="right") - 1
    observed = weeks <= (d.max() if d.size else 0.0)
    retention = np.concatenate([[1.0], curve["survival"].to_numpy()])[idx + 1]  # 1 before the first event
    se = np.concatenate([[0.0], curve["se"].to_numpy()])[idx + 1]
    at_risk = _at_risk(d, _effective_entry(start, d, e), weeks)
    return pd.DataFrame({"month": grid, "tenure_weeks": weeks, "retention": np.where(observed, retention, np.nan),
                         "se": np.where(observed, se, np.nan), "at_risk": at_risk})


def hazard_by_band(frame: pd.DataFrame, bands_months: Sequence[float] = TENURE_BANDS_MONTHS,
                   duration: str = "tenure_weeks", event: str = "left", entry: str | None = None) -> pd.DataFrame:
    """Exits per person-year at risk in each tenure band [start, end) months (piecewise exponential).

    entry: a column with the tenure at which each person came under observation; exposure then
    counts only tenure after it. Columns: band ('0-3', ..., '60+'), start_month, end_month, entered
    (people observed in the band), events, exposure_weeks, person_years, hazard_per_year (events /
    person_years), hazard_se (Poisson, sqrt(events) / person_years: 0 for a band without exits),
    exit_probability_per_year (1 - exp(-hazard)). Events and exposure add up to the frame's totals.
    """
    d, e = durations_events(frame, duration, event)
    a = entry_column(frame, entry, d)
    a = np.zeros_like(d) if a is None else a
    edges = np.asarray(bands_months, dtype=float)
    start, end = edges[:-1] * CALENDAR_WEEKS_PER_MONTH, edges[1:] * CALENDAR_WEEKS_PER_MONTH
    exposure = (np.clip(d[:, None], start, end) - np.clip(a[:, None], start, end)).sum(axis=0)
    band = np.searchsorted(end, d[e], side="right")
    events = np.bincount(band[band < start.size], minlength=start.size)
    person_years = exposure / CALENDAR_WEEKS_PER_YEAR
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(person_years > 0, events / person_years, np.nan)
        hazard_se = np.where(person_years > 0, np.sqrt(events) / person_years, np.nan)
    labels = [f"{lo:g}-{hi:g}" if np.isfinite(hi) else f"{lo:g}+" for lo, hi in pairwise(edges)]
    entered = (d[:, None] >= start) & (a[:, None] < end)
    return pd.DataFrame({"band": labels, "start_month": edges[:-1], "end_month": edges[1:],
                         "entered": entered.sum(axis=0), "events": events, "exposure_weeks": exposure,
                         "person_years": person_years, "hazard_per_year": hazard, "hazard_se": hazard_se,
                         "exit_probability_per_year": 1.0 - np.exp(-hazard)})


def annual_voluntary_attrition(frame: pd.DataFrame, start: pd.Timestamp | str | None = None,
                               end: pd.Timestamp | str | None = None, event: str = "left") -> AttritionEstimate:
    """Voluntary leavers per year over mean headcount, or the share that left for cross-sectional data.

    With hire_date and exit_date columns: leavers = rows with `event` and an exit in [start, end);
    headcount is counted weekly over the window (everyone hired and not yet exited, involuntary
    leavers included); end defaults to the latest date in the frame, start to one year before it.
    Without dates: the share of rows with `event` (method 'cross-sectional').
    """
    if not {"hire_date", "exit_date"} <= set(frame.columns):
        _, e = durations_events(frame, None, event)
        return AttritionEstimate(float(e.mean()) if e.size else np.nan, int(e.sum()), float(e.size), "cross-sectional")
    hire, exit_ = pd.to_datetime(frame["hire_date"]), pd.to_datetime(frame["exit_date"])
    end = pd.Timestamp(end) if end is not None else pd.concat([hire, exit_]).max() + pd.Timedelta(days=1)
    start = pd.Timestamp(start) if start is not None else end - pd.DateOffset(years=1)
    grid = pd.date_range(start, end, freq="7D", inclusive="left")
    hired = np.searchsorted(np.sort(hire.dropna().to_numpy()), grid.to_numpy(), side="right")
    gone = np.searchsorted(np.sort(exit_.dropna().to_numpy()), grid.to_numpy(), side="right")
    mean_headcount = float(np.mean(hired - gone)) if len(grid) else np.nan
    in_window = frame[event].fillna(False).astype(bool) & (exit_ >= start) & (exit_ < end)
    years = (end - start).days / 365.25
    rate = in_window.sum() / mean_headcount / years if mean_headcount > 0 else np.nan
    return AttritionEstimate(float(rate), int(in_window.sum()), mean_headcount, "window", start, end)


def attrition_by_year(frame: pd.DataFrame, event: str = "left") -> pd.DataFrame:
    """`annual_voluntary_attrition` for each calendar year the dated frame covers (first and last partial)."""
    hire, exit_ = pd.to_datetime(frame["hire_date"]), pd.to_datetime(frame["exit_date"])
    first, last = hire.min(), pd.concat([hire, exit_]).max() + pd.Timedelta(days=1)
    rows = []
    for year in range(first.year, last.year + 1):
        start, end = max(pd.Timestamp(year, 1, 1), first), min(pd.Timestamp(year + 1, 1, 1), last)
        if end > start:
            est = annual_voluntary_attrition(frame, start, end, event)
            rows.append({"year": year, "leavers": est.leavers, "mean_headcount": est.population, "rate": est.rate})
    return pd.DataFrame(rows, columns=["year", "leavers", "mean_headcount", "rate"])


def attrition_by_group(frame: pd.DataFrame, by: str, bins: int | Sequence[float] | None = None,
                       duration: str = "tenure_weeks", event: str = "left") -> pd.DataFrame:
    """Leavers by group: n, leavers, share_left, person_years, rate_per_year (leavers per person-year).

    by: a column (overtime, team, department, ...). bins: an int cuts a numeric column (workload,
    engagement) into that many quantile groups; a sequence gives the edges. Rows with no group
    value are left out of the table.
    """
    d, e = durations_events(frame, duration, event)
    if by not in frame:
        raise ValueError(f"frame has no column {by!r}; columns: {', '.join(map(str, frame.columns))}")
    groups = frame[by]
    if isinstance(bins, int):
        groups = pd.qcut(groups, bins, duplicates="drop")
    elif bins is not None:
        groups = pd.cut(groups, bins)
    data = pd.DataFrame({"group": groups.to_numpy(), "left": e, "years": d / CALENDAR_WEEKS_PER_YEAR})
    table = data.groupby("group", observed=True, dropna=True).agg(
        n=("left", "size"), leavers=("left", "sum"), person_years=("years", "sum"))
    table["share_left"] = table["leavers"] / table["n"]
    table["rate_per_year"] = table["leavers"] / table["person_years"].where(table["person_years"] > 0)
    return table.reset_index().rename(columns={"group": by})[[by, "n", "leavers", "share_left", "person_years",
                                                                "rate_per_year"]]


def spells_to_survival_frame(spells: pd.DataFrame, hired_during_run: bool = True,
                             voluntary_only: bool = True) -> pd.DataFrame:
    """exsim spells (spells.parquet or `model.tables()['spells']`) as a survival frame.

    hired_during_run: keep only spells that started at week 1 or later (as data would show a
    cohort hired in the observed window); open spells are censored at the end of the run.
    voluntary_only: `left` is a voluntary exit, involuntary exits are censored; else any exit.
    Adds `voluntary` (NA while employed) and `team` (= team_id) so groups match employee records.
    """
    missing = [c for c in SPELL_COLUMNS if c not in spells]
    if missing:
        raise ValueError(f"spells table lacks column(s) {', '.join(missing)}; expected exsim's spells table")
    out = spells[spells["hire_week"] >= 1].copy() if hired_during_run else spells.copy()
    exited = out["exit_week"].notna().to_numpy()
    reason = out["exit_reason"].astype("string")
    out["voluntary"] = reason.map({"voluntary": True, "involuntary": False}).astype("boolean").where(exited)
    out["left"] = exited & (reason.eq("voluntary").fillna(False).to_numpy() if voluntary_only else True)
    out["tenure_weeks"] = out["tenure_weeks"].astype(float)
    if "team_id" in out:
        out["team"] = out["team_id"]
    return out.reset_index(drop=True)


def snapshot_life_table(frame: pd.DataFrame, step_weeks: float = CALENDAR_WEEKS_PER_YEAR, duration: str = "tenure_weeks",
                        event: str = "left") -> pd.DataFrame:
    """Exit share by whole tenure interval, for a snapshot where `event` marks exits in the past interval.

    Cross-sectional files (IBM: Attrition = left in the past year, tenure = YearsAtCompany) only
    list the recent leavers, so a Kaplan-Meier curve over them overstates retention: for them the
    share that left among people at tenure k is the exit probability at that tenure, and the product
    of (1 - share) the implied retention. Columns: interval (k), start_month, end_month, n, leavers,
    exit_share, retention_end (NaN after an interval with nobody in it).
    """
    d, e = durations_events(frame, duration, event)
    interval = np.floor(d / step_weeks + 1e-9).astype(np.int64)
    counts = pd.DataFrame({"interval": interval, "left": e}).groupby("interval")["left"].agg(n="size", leavers="sum")
    table = counts.reindex(pd.RangeIndex(interval.max() + 1 if d.size else 0, name="interval"))
    table["exit_share"] = table["leavers"] / table["n"]
    table["retention_end"] = (1.0 - table["exit_share"]).cumprod(skipna=False)
    table.insert(0, "end_month", (table.index + 1) * step_weeks / CALENDAR_WEEKS_PER_MONTH)
    table.insert(0, "start_month", table.index * step_weeks / CALENDAR_WEEKS_PER_MONTH)
    return table.reset_index().astype({"n": "Int64", "leavers": "Int64"})


def spells_snapshot_frame(spells: pd.DataFrame, window_weeks: int = WEEKS_PER_YEAR, end_week: int | None = None,
                          voluntary_only: bool = True) -> pd.DataFrame:
    """exsim spells seen the way a cross-sectional HR file sees people: everyone employed at some
    point in the last `window_weeks` of the run, `left` = exited within that window.

    end_week: the last week of the run (default: the latest hire or exit week in the table).
    Tenure is at exit or at the end, as in the spells table; compare with `snapshot_life_table`
    and `attrition_by_group` on a file such as IBM's.
    """
    frame = spells_to_survival_frame(spells, hired_during_run=False, voluntary_only=voluntary_only)
    end = int(end_week if end_week is not None else pd.concat([frame["hire_week"], frame["exit_week"]]).max())
    exit_week = frame["exit_week"].astype("Float64")
    seen = (frame["hire_week"] <= end) & (exit_week.isna() | (exit_week > end - window_weeks)).to_numpy()
    return frame[seen].reset_index(drop=True)


def durations_events(frame: pd.DataFrame, duration: str | None, event: str) -> tuple[np.ndarray, np.ndarray]:
    """Durations (float) and events (bool) from the frame, with clear errors for missing or bad values."""
    needed = [c for c in (duration, event) if c is not None]
    missing = [c for c in needed if c not in frame]
    if missing:
        raise ValueError(f"frame has no column {missing[0]!r}; columns: {', '.join(map(str, frame.columns))}")
    events = frame[event]
    if events.isna().any():
        raise ValueError(f"column {event!r} has missing values; expected True (exit) or False (censored) on every row")
    e = events.to_numpy(dtype=bool)
    if duration is None:
        return np.empty(0), e
    d = frame[duration].to_numpy(dtype=float)
    if np.isnan(d).any() or (d < 0).any():
        raise ValueError(f"column {duration!r} must be present and 0 or more on every row")
    return d, e


def _as_durations_events(durations, events) -> tuple[np.ndarray, np.ndarray]:
    """Durations (float, 0 or more) and events (bool) of equal length, or a ValueError."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    if d.shape != e.shape:
        raise ValueError(f"durations and events differ in length ({d.size} and {e.size})")
    if np.isnan(d).any() or (d < 0).any():
        raise ValueError("durations must be present and 0 or more")
    return d, e


def _as_entry(entry, d: np.ndarray) -> np.ndarray | None:
    """Entry tenures as floats in [0, duration], or None for no left truncation."""
    if entry is None:
        return None
    a = np.asarray(entry, dtype=float)
    if a.shape != d.shape:
        raise ValueError(f"entry and durations differ in length ({a.size} and {d.size})")
    if np.isnan(a).any() or (a < 0).any():
        raise ValueError("entry tenures must be present and 0 or more")
    if (a > d).any():
        raise ValueError(f"{int((a > d).sum())} entry tenure(s) exceed the duration: observation cannot start "
                         "after the exit or the end")
    return a


def entry_column(frame: pd.DataFrame, entry: str | None, d: np.ndarray) -> np.ndarray | None:
    """The entry column of the frame as checked floats, or None when no column is named."""
    if entry is None:
        return None
    if entry not in frame:
        raise ValueError(f"frame has no column {entry!r}; columns: {', '.join(map(str, frame.columns))}")
    try:
        return _as_entry(frame[entry].to_numpy(dtype=float, na_value=np.nan), d)
    except ValueError as error:
        raise ValueError(f"column {entry!r}: {error}") from None


def _effective_entry(a: np.ndarray | None, d: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Entries as used for risk sets: at risk for entry < t <= d; entry 0 means from the start
    (t = 0 included) and an exit at the entry tenure moves the entry just below it."""
    if a is None:
        return np.full_like(d, -1.0)
    return np.where(a <= 0, -1.0, np.where(e & (a >= d), np.nextafter(d, -np.inf), a))


def _at_risk(d: np.ndarray, a_eff: np.ndarray, times: np.ndarray) -> np.ndarray:
    """People with a_eff < t <= d at each time t."""
    return np.searchsorted(np.sort(a_eff), times, side="left") - np.searchsorted(np.sort(d), times, side="left")


def _risk_table(d: np.ndarray, e: np.ndarray, a: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct event times, the number at risk and the number of events at each."""
    times = np.unique(d[e])
    at_risk = _at_risk(d, _effective_entry(a, d, e), times)
    deaths = np.bincount(np.searchsorted(times, d[e]), minlength=times.size)
    return times, at_risk, deaths
