"""Calibration by segment (`exsim calibrate --segment COLUMN`): one settled quit rate per group of
people (a department, a site, a pay group), one tenure shape for all.

The tenure shape (and the organisation's own rate) is fitted to everyone as without segments. Then
only `attrition.base_quit_rate_per_year` is fitted to each segment's own targets (the same targets
and loss as the search), one dimension per segment, in the organisation calibrated.toml describes:
a department per segment (or the scenario's departments, or its org chart's), each segment's
figures from its department's people. A round runs that organisation at nine rates per segment,
all segments moving together from their centres (first: the segment's observed rate relative to
everyone's, times its department's fitted rate) by steps of 12%, on the same seeds; a quadratic
emulator of the segment's figures in its log rate (exsim.calibration.uncertainty, as for the
search) gives the rate where they miss its targets least, and its people, resampled through it, a
95% interval. Rounds re-centre on the estimates until each lies in the middle of its window. Last,
the calibrated organisation runs on fresh seeds, and each department's figures are set beside its
segment's.

A segment with fewer than MIN_LEAVERS exits is not fitted on its own (it keeps the organisation's
rate) and is named with its counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from exsim.calibration import uncertainty
from exsim.calibration.fit import DEFAULT_PARAMETERS
from exsim.calibration.targets import (Targets, compared_points, loss, misfit_scales, observed_targets, resampled_targets,
                                      simulated_targets)
from exsim.config import ConfigError, ScenarioConfig, config_to_dict, validate_config, with_values
from exsim.config.departments import EXECUTIVE, department_config
from exsim.data.errors import DataError
from exsim.data.records import EmployeeRecords
from exsim.errors import UserError
from exsim.results import combine

RATE = "attrition.base_quit_rate_per_year"
RATE_SPAN = (0.005, 1.0)  # segments' rates may lie beyond the search's range: the lattice spans at least this
MIN_LEAVERS = 30  # fewer exits fix a rate to no better than about +-36% (95%: 1.96 / sqrt(30)); assumption
MAX_SEGMENTS = 50  # more distinct values are not groups of people (an id, a tenure, a date)
LATTICE_STEP = 1.12  # neighbouring rates run differ by 12%
WINDOW = 9  # runs a round: each segment's centre rate times LATTICE_STEP ** -4..4 (a 2.5-fold range)
ROUNDS = 3  # rounds re-centred on the estimates while one lies outside the middle half of its window
EDGE_SHARE = 0.02  # an interval within 2% (of the window's log range) of its edge sits on it
SHARE_DIGITS = 6
FRESH_SEED_OFFSET = 1_000_003  # the check of the calibrated organisation runs on fresh seeds: the seed plus this
TIMING_FIELDS = ("employee_id", "hire_date", "exit_date", "tenure", "entry_tenure", "left")


@dataclass
class Segment:
    """One group of people: its counts, its records and targets (None when it is not fitted on its own)."""

    name: str
    people: int  # people in the fitted records
    leavers: int  # their exits that count as events (voluntary, or every exit without exit reasons)
    staff: int  # people still employed in the whole file: the segment's size
    records: EmployeeRecords | None = None
    observed: Targets | None = None
    note: str = ""  # why it keeps the organisation's rate

    @property
    def fitted(self) -> bool:
        return self.observed is not None


@dataclass
class SegmentPlan:
    """The segments of a calibration, checked before anything runs."""

    label: str  # as given to --segment
    column: str  # the column of the records frame
    segments: list[Segment]
    missing: int  # fitted people with no value in the column (fitted with everyone, in no segment)
    shares: dict[str, float] | None  # department sizes to write; None when the scenario's departments or chart set them

    @property
    def fitted(self) -> list[Segment]:
        return [s for s in self.segments if s.fitted]

    @property
    def small(self) -> list[Segment]:
        return [s for s in self.segments if not s.fitted]

    def tables(self, rates: dict[str, float] | None = None) -> dict[str, dict]:
        """[departments.<segment>] tables for calibrated.toml: a share (when the segments make the departments)
        and each fitted segment's rate."""
        tables: dict[str, dict] = {}
        for segment in self.segments:
            table: dict = {}
            if self.shares is not None:
                table["share"] = self.shares[segment.name]
            if rates and segment.name in rates:
                table["attrition"] = {RATE.split(".")[1]: float(f"{rates[segment.name]:.6g}")}
            if table:
                tables[segment.name] = table
        return tables


@dataclass
class SegmentFit:
    table: pd.DataFrame  # one row per segment
    rates: dict[str, float]  # fitted segments' rates
    runs: int  # model runs (replicates included) the segment fit took
    departments: dict[str, dict] = field(default_factory=dict)  # the [departments] tables written


# ---- the plan: checked before anything runs ----------------------------------------------------
def segment_column(records: EmployeeRecords, label: str) -> str:
    """The records frame's column that --segment names: a field (e.g. department, whatever the file
    calls it) or any other column of the file; a DataError naming the file's columns otherwise."""
    wanted = label.strip()
    by_file_name = {column: field for field, column in records.columns.items()}
    candidates = {**{c: c for c in records.extra_columns}, **{f: f for f in records.columns}, **by_file_name}
    found = candidates.get(wanted)
    if found is None:
        loose = {_loose(name): column for name, column in candidates.items()}
        found = loose.get(_loose(wanted))
    columns = [*records.columns.values(), *records.extra_columns]
    if found is None:
        raise DataError(f"--segment {label}: the file has no such column; its columns are {', '.join(map(str, columns))}",
                        file=records.source, expected="a column that groups people, e.g. --segment department")
    if found in TIMING_FIELDS:
        raise DataError(f"--segment {label}: that column is the file's {found.replace('_', ' ')}, not a group of people",
                        file=records.source, expected="a column such as a department, site or pay group")
    return found


def _loose(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def plan_segments(records: EmployeeRecords, label: str, base: ScenarioConfig, observed: Targets,
                  everyone: EmployeeRecords | None = None) -> SegmentPlan:
    """Split the fitted `records` by the column `label` and check the segments against the scenario.

    `observed` is everyone's targets (their grid bounds each segment's); `everyone` the whole file
    (with --holdout, the fitted and the held-out people), whose people still employed give each
    segment's size. DataError: no such column, too many or too few values, segments that are not
    the scenario's departments (or its chart's), a segment too small to be a department, or no
    segment with MIN_LEAVERS exits.
    """
    everyone = everyone or records
    column = segment_column(records, label)
    values = _values(records.frame[column])
    names = list(dict.fromkeys(values.dropna().tolist()))
    if len(names) > MAX_SEGMENTS:
        raise DataError(f"--segment {label}: column {_file_column(records, column)!r} has {len(names):,} different values",
                        file=records.source, expected=f"at most {MAX_SEGMENTS} groups of people (a department, a site)")
    if len(names) < 2:
        raise DataError(f"--segment {label}: column {_file_column(records, column)!r} has "
                        f"{'one value' if names else 'no values'}{f' ({names[0]})' if names else ''}: nothing to segment",
                        file=records.source, expected="a column with two or more groups of people")
    staff = _values(everyone.frame[column])[~everyone.frame["left"].to_numpy(dtype=bool)].value_counts()
    events = records.survival_frame(voluntary_only=True)["left"].to_numpy(dtype=bool)
    segments = []
    for name in names:
        own = (values == name).fillna(False).to_numpy(dtype=bool)
        part = replace(records, frame=records.frame[own].reset_index(drop=True))
        segment = Segment(name, int(own.sum()), int(events[own].sum()), int(staff.get(name, 0)), part)
        segments.append(_with_targets(segment, observed))
    plan = SegmentPlan(label, column, segments, int(values.isna().sum()), None)
    plan.shares = _check_against_scenario(plan, base, records)
    if not plan.fitted:
        raise DataError(f"--segment {label}: no segment has {MIN_LEAVERS} exits to fit a rate to: "
                        + "; ".join(f"{s.name} ({s.leavers} of {s.people})" for s in segments), file=records.source,
                        expected=f"segments with at least {MIN_LEAVERS} exits, or a coarser column")
    return plan


def _values(column: pd.Series) -> pd.Series:
    text = column.astype("string").str.strip()
    return text.where(text != "")


def _file_column(records: EmployeeRecords, column: str) -> str:
    return records.columns.get(column, column)


def _with_targets(segment: Segment, observed: Targets) -> Segment:
    """The segment with its observed targets on everyone's grid, or a note saying why it is not fitted."""
    if segment.leavers < MIN_LEAVERS:
        return replace(segment, note=f"{segment.leavers} exits, fewer than {MIN_LEAVERS}: keeps the organisation's rate")
    try:
        own = observed_targets(segment.records)
    except DataError as exc:
        return replace(segment, note=f"too few people for its own targets ({exc.problem}): keeps the organisation's rate")
    kept = own.curve.index.isin(observed.curve.index)
    if not kept.any():
        return replace(segment, note=f"no {own.curve_name} point with enough people at risk within the run: keeps the "
                                     "organisation's rate")
    own = replace(own, curve=own.curve[kept], se=None if own.se is None else own.se[kept])
    return replace(segment, observed=own)


def _check_against_scenario(plan: SegmentPlan, base: ScenarioConfig, records: EmployeeRecords) -> dict[str, float] | None:
    """Segments must be the departments of a scenario that has them (tables or an org chart with a department
    column); otherwise they become its departments, sized by their people still employed (returned shares)."""
    names = [s.name for s in plan.segments]
    where = f"--segment {plan.label}"
    if base.org.chart:
        from exsim.data.orgchart import read_org_chart

        chart = read_org_chart(base.org.chart)
        if chart.departments:
            _require_known(names, list(chart.departments), f"org chart {base.org.chart}", where, records)
            return None
    if base.departments:
        _require_known(names, list(base.departments), "the scenario's [departments] tables", where, records)
        return None
    if base.org.chart:
        raise DataError(f"{where}: the scenario's org chart {base.org.chart} has no department column, so the segments "
                        "cannot become its departments", file=records.source,
                        expected="an org chart with a department column naming the segments, or no org chart")
    if EXECUTIVE in names:
        raise DataError(f"{where}: a segment is called {EXECUTIVE!r}, the name results give the top seat above the "
                        "departments", file=records.source, expected="another name for that group in the file")
    empty = [s for s in plan.segments if s.staff == 0]
    if empty:
        raise DataError(f"{where}: no one in {', '.join(s.name for s in empty)} is still employed in the file, so "
                        "the segment has no size as a department", file=records.source,
                        expected="people still employed in every segment (they size the departments)")
    shares = _shares({s.name: s.staff for s in plan.segments})
    data = config_to_dict(base)
    data["departments"] = {name: {"share": share} for name, share in shares.items()}
    try:
        validate_config(data, origin=where)
    except ConfigError as exc:
        raise DataError(f"{exc} (each segment's share of the {sum(s.staff for s in plan.segments):,} people still "
                        f"employed: {', '.join(f'{s.name} {s.staff}' for s in plan.segments)})", file=records.source,
                        expected="segments large enough to be departments of org.headcount seats (raise it with --set)"
                        ) from None
    return shares


def _require_known(names: list[str], known: list[str], what: str, where: str, records: EmployeeRecords) -> None:
    unknown = [name for name in names if name not in known]
    if unknown:
        raise DataError(f"{where}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the "
                        f"departments of {what}; the segments: {', '.join(names)}; the departments: {', '.join(known)}",
                        file=records.source, expected="segments named as the scenario's departments")


def _shares(counts: dict[str, int]) -> dict[str, float]:
    """Shares of the counts rounded to SHARE_DIGITS decimals that add up to 1 (the rest on the largest)."""
    total = sum(counts.values())
    shares = {name: round(count / total, SHARE_DIGITS) for name, count in counts.items()}
    largest = max(shares, key=shares.get)
    shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), SHARE_DIGITS)
    return shares


# ---- the fit -----------------------------------------------------------------------------------
Simulate = Callable[[dict[str, float]], dict[str, Targets]]  # each segment's rate -> its simulated targets (one run)


def fit_rates(segments: list[Segment], guesses: dict[str, float], bounds: tuple[float, float], simulate: Simulate,
              seed: int, resamples: int = uncertainty.RESAMPLES) -> tuple[dict[str, dict], int]:
    """Each segment's rate and 95% interval through a quadratic emulator of `simulate` in the log rate.

    A round runs the organisation WINDOW times, every segment's rate at its centre times
    LATTICE_STEP ** j for j = -4..4 (all segments move together, so one run serves them all and each
    sees the others near their own rates); each segment's figures against its own log rate give its
    emulator and best rate. The rounds start at `guesses` and re-centre on the estimates while any
    lies outside the middle half of its window (at most ROUNDS). Returns per segment a dict (best,
    low, high, window_low, window_high, resamples, identified, on_bound) and the runs made.
    """
    low, high = bounds
    centre = {s.name: float(np.clip(guesses[s.name], low, high)) for s in segments}
    steps = np.arange(WINDOW) - WINDOW // 2
    runs = 0
    for _ in range(ROUNDS):
        rates = [{name: float(np.clip(rate * LATTICE_STEP ** j, low, high)) for name, rate in centre.items()}
                 for j in steps]  # every segment's rate, run by run
        results = [simulate(r) for r in rates]
        runs += len(rates)
        out = {s.name: _fit_one(s, np.array([r[s.name] for r in rates]), [t[s.name] for t in results], centre[s.name],
                                bounds, seed, resamples) for s in segments}
        far = [name for name, row in out.items() if np.isfinite(row["best"])
               and abs(math.log(row["best"] / centre[name])) > (WINDOW // 4) * math.log(LATTICE_STEP)]
        if not far:
            break
        centre = {name: row["best"] if np.isfinite(row["best"]) else centre[name] for name, row in out.items()}
    return out, runs


def _fit_one(segment: Segment, rates: np.ndarray, simulated: list[Targets], centre: float, bounds: tuple[float, float],
             seed: int, resamples: int) -> dict:
    """The best rate and a 95% bootstrap interval from one segment's runs: its people resampled, each fitted
    through an emulator refitted to a resample of the runs (as exsim.calibration.fit.intervals does).

    The runs share their seeds, so their noise is largely one shift common to all of them, which
    resampling the runs cannot see: each resample also moves the figures by a draw of the model's
    own standard error (survival records: the simulated Kaplan-Meier's; none otherwise).
    """
    logs = np.log(rates)
    span = logs.max() - logs.min()
    window = {"window_low": float(rates.min()), "window_high": float(rates.max())}
    if span <= 0:  # every rate clipped to one bound
        return {"best": float(rates[0]), "low": float("nan"), "high": float("nan"), **window, "resamples": 0,
                "identified": False, "on_bound": True}

    def rate(p: float) -> float:
        return float(np.clip(math.exp(logs.min() + p * span), rates.min(), rates.max()))

    u = ((logs - logs.min()) / span).reshape(-1, 1)
    figures = np.array([compared_points(t).to_numpy(dtype=float) for t in simulated])
    observed = compared_points(segment.observed).to_numpy()
    near = simulated[int(np.argmin(np.abs(logs - math.log(centre))))]
    emulator = uncertainty.fit_emulator(u, figures)
    if emulator is None or not np.isfinite(emulator.coef).all(axis=0).any():  # no figure seen in enough runs
        return {"best": float("nan"), "low": float("nan"), "high": float("nan"), **window, "resamples": 0,
                "identified": False, "on_bound": False}
    start = np.clip([(math.log(centre) - logs.min()) / span], 0.0, 1.0)
    point = float(uncertainty.best_point(emulator, observed, misfit_scales(segment.observed, near), start)[0])
    try:
        drawn = resampled_targets(segment.records, segment.observed, resamples, seed) if resamples else []
    except DataError:  # a resample too small for targets: no interval rather than a made-up one
        drawn = []
    rng = np.random.default_rng(seed)
    model_se = near.se.reindex(segment.observed.curve.index).fillna(0.0).to_numpy() if near.se is not None else 0.0
    scaled = [(compared_points(r).to_numpy() - rng.normal(0.0, 1.0, len(observed)) * model_se, misfit_scales(r, near))
              for r in drawn]
    points = uncertainty.bootstrap_points(u, figures, scaled, np.array([point]), seed) if scaled else np.empty((0, 1))
    if not len(points):
        return {"best": rate(point), "low": float("nan"), "high": float("nan"), **window, "resamples": 0,
                "identified": False, "on_bound": False}
    lows, highs = uncertainty.percentile_interval(points)
    lo, hi = float(lows[0]), float(highs[0])
    at_low, at_high = lo <= EDGE_SHARE, hi >= 1 - EDGE_SHARE
    on_bound = (at_low and rates.min() <= bounds[0]) or (at_high and rates.max() >= bounds[1])
    return {"best": rate(point), "low": rate(lo), "high": rate(hi), **window, "resamples": len(points),
            "identified": not (at_low or at_high), "on_bound": bool(on_bound)}


def guesses(plan: SegmentPlan, observed: Targets, rates: dict[str, float]) -> dict[str, float]:
    """A first guess per segment: its department's rate times its observed attrition over everyone's."""
    out = {}
    for segment in plan.fitted:
        ratio = segment.observed.attrition / observed.attrition
        out[segment.name] = rates[segment.name] * (ratio if np.isfinite(ratio) and ratio > 0 else 1.0)
    return out


def fit_segments(plan: SegmentPlan, base: ScenarioConfig, best_params: dict[str, float],
                 parameters: dict[str, tuple[float, float]], observed: Targets, pool, seed: int,
                 say=print, resamples: int = uncertainty.RESAMPLES) -> SegmentFit:
    """Fit every segment's rate in the calibrated organisation (see fit_rates), then run it on fresh seeds.

    The organisation is the one calibrated.toml describes: the fitted values, and a department per
    segment (or the scenario's departments, or its chart's); each segment's figures come from its
    department's people. `pool` is an exsim.calibration.fit.ReplicatePool; `resamples` of each
    segment's people give its interval.
    """
    fitted = with_values(base, best_params, origin="calibration")
    low, high = parameters.get(RATE, DEFAULT_PARAMETERS[RATE])  # the search's range, or its default range
    bounds = (max(min(low, RATE_SPAN[0]), 1e-4), max(high, RATE_SPAN[1]))  # only the rates around the guesses run
    start_tables = calibrated_config(fitted, plan.tables())
    own = {s.name: _department_rate(start_tables, s.name) for s in plan.fitted}
    first = guesses(plan, observed, own)

    def simulate(rates: dict[str, float]) -> dict[str, Targets]:
        return _department_targets(plan, calibrated_config(fitted, plan.tables(rates)), pool)

    say(f"segments: fitting {RATE} of {', '.join(s.name for s in plan.fitted)} together, {WINDOW} runs a round")
    estimates, runs = fit_rates(plan.fitted, first, bounds, simulate, seed, resamples)
    rates = {name: row["best"] for name, row in estimates.items() if np.isfinite(row["best"])}  # else: the organisation's
    tables = plan.tables(rates)
    fresh = calibrated_config(fitted, tables)
    fresh = fresh.model_copy(update={"sim": fresh.sim.model_copy(update={"seed": seed + FRESH_SEED_OFFSET})})
    check = _department_targets(plan, fresh, pool)
    return SegmentFit(_table(plan, estimates, check), rates, (runs + 1) * base.sim.replicates, tables)


def _department_rate(config: ScenarioConfig, name: str) -> float:
    if name in config.departments:
        return department_config(config, name).attrition.base_quit_rate_per_year
    return config.attrition.base_quit_rate_per_year


def _department_targets(plan: SegmentPlan, config: ScenarioConfig, pool) -> dict[str, Targets]:
    """Each fitted segment's figures from its department's people in a run of `config` (all replicates)."""
    results = combine(pool.run(config))
    spells, weekly = results["spells"], results["departments"]
    return {s.name: simulated_targets(spells[spells["department"] == s.name], weekly[weekly["department"] == s.name],
                                      s.observed) for s in plan.fitted}


def calibrated_config(fitted: ScenarioConfig, tables: dict[str, dict]) -> ScenarioConfig:
    """The fitted config with the segments' [departments] tables merged in (as calibrated.toml reads)."""
    data = config_to_dict(fitted)
    departments = data.setdefault("departments", {})
    for name, table in tables.items():
        merge_tables(departments.setdefault(name, {}), table)
    return validate_config(data, origin="calibrated.toml")


def merge_tables(into: dict, extra: dict) -> dict:
    """`extra`'s keys into `into`, table by table."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge_tables(into[key], value)
        else:
            into[key] = value
    return into


def _table(plan: SegmentPlan, estimates: dict[str, dict], check: dict[str, Targets]) -> pd.DataFrame:
    rows = []
    for segment in plan.segments:
        row = {"segment": segment.name, "people": segment.people, "leavers": segment.leavers, "staff": segment.staff,
               "share": None if plan.shares is None else plan.shares[segment.name], "fitted": segment.fitted}
        if segment.fitted:
            estimate = estimates[segment.name]
            row.update({"parameter": RATE, **{k: estimate[k] for k in ("best", "low", "high", "window_low",
                                                                           "window_high", "resamples", "identified")},
                        "observed_attrition": segment.observed.attrition,
                        "simulated_attrition": check[segment.name].attrition,
                        "loss": loss(segment.observed, check[segment.name]), "points": len(segment.observed.curve)})
            if not np.isfinite(estimate["best"]):
                row["note"] = "its department's runs gave no figure to fit: keeps the organisation's rate"
        row.setdefault("note", segment.note)
        rows.append(row)
    return pd.DataFrame(rows)


def describe(plan: SegmentPlan) -> list[str]:
    """Lines for the terminal before the fit: the segments, their counts, and those too small to fit."""
    lines = [f"segments by {plan.label}: " + "; ".join(f"{s.name} {s.people} people, {s.leavers} exits"
                                                       for s in plan.segments)]
    if plan.small:
        lines.append("warning: not fitted on their own (too few exits; they keep the organisation's rate): "
                     + "; ".join(f"{s.name} ({s.leavers} exits of {s.people} people)" for s in plan.small))
    if plan.missing:
        lines.append(f"note: {plan.missing} people have no {plan.label}: fitted with everyone, in no segment")
    return lines


def check_segment_option(segment: str | None) -> None:
    if segment is not None and not segment.strip():
        raise UserError("--segment is empty; name a column of the file, e.g. --segment department")
