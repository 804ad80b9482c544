"""Calibration by segment (`exsim calibrate --segment COLUMN`): one settled quit rate per group of
people (a department, a site, a pay group), one tenure shape for all.

The search fits everyone pooled, as without segments. Pooling groups that leave at different rates
makes a hazard that seems to fall with tenure (the fast leavers are gone first), so the search's
shape is not the segments' shared shape, and a settled rate means something only under the shape it
was fitted with. So the segments are fitted in the organisation calibrated.toml describes (a
department per segment, or the scenario's departments, or its org chart's; each segment's figures
from its department's people, against the segment's own targets with the search's loss):

1. Each segment's rate under the scenario's own tenure shape (under the search's values when it
   fitted no shape): a round runs that organisation at nine rates per segment, all segments moving
   together from their centres (first: the segment's observed rate relative to everyone's, times its
   department's rate, and with a shape to refit, times its observed over its simulated rate in one
   run there) by steps of 12%, on the same seeds; a quadratic emulator of the segment's
   figures in its log rate gives the rate where they miss its targets least, and its people,
   resampled through it, a 95% interval. Rounds re-centre until each estimate lies in the middle of
   its window.
2. When the search fitted shape parameters: the shape is refitted with every segment's rate free
   (`fit_shared`): rounds of a Latin hypercube over the segments' log rates (moving together) and the
   shape parameters, a quadratic emulator per segment in (its log rate, the shape), and the shape and
   rates where the segments' misfits add up least; each segment's people resampled give intervals.
   The shape is identified by the segments' own tenure curves, not by the mix of fast and slow
   leavers. When the refitted shape's joint 95% region holds the scenario's shape, the data give no
   reason to move it: the scenario's shape and step 1's rates are kept. Otherwise the refitted shape
   and its rates are written if they also fit the segments better on fresh seeds. Either way the
   organisation's own rate (the top seat's, small segments') is the people-weighted mean of the
   segments'.

Last, the calibrated organisation runs on fresh seeds, and each department's figures are set beside
its segment's. A segment with fewer than MIN_LEAVERS exits is not fitted on its own (it keeps the
organisation's rate) and is named with its counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from exsim.calibration import uncertainty
from exsim.calibration.fit import DEFAULT_PARAMETERS, IDENTIFIED_SHARE
from exsim.calibration.targets import (
    Targets,
    compared_points,
    loss,
    misfit_scales,
    observed_targets,
    resampled_targets,
    simulated_targets,
)
from exsim.config import (
    ConfigError,
    ScenarioConfig,
    config_to_dict,
    get_dotted,
    validate_config,
    with_values,
)
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
SHAPE_WINDOW = 1 / 6  # the shape's refit starts on a sixth of each shape parameter's search range ...
SHAPE_WINDOW_MAX = 1 / 2  # ... doubling, up to half of it, for a parameter whose estimate leaves the middle of its window
RATE_HALF = (WINDOW // 2) * math.log(LATTICE_STEP)  # ... and the segments' rates a 2.5-fold range, as step 1's rounds
SHAPE_LEVEL = 0.95  # the scenario's shape is kept when the refitted shape's joint region at this level holds it


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
    shape: pd.DataFrame | None = None  # the shape refitted with the segments' rates free (None: the search fitted none)
    values: dict[str, float] = field(default_factory=dict)  # the organisation's values written instead of the search's
    notes: list[str] = field(default_factory=list)  # what became of the tenure shape, for the terminal and the report

    @property
    def shape_kept(self) -> bool:
        """The scenario's shape was kept (the refitted one's region holds it), or the search fitted no shape."""
        return self.shape is None or bool(self.shape["kept"].all())


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


@dataclass
class SharedFit:
    """The shape refitted with every segment's rate free (see fit_shared)."""

    rates: dict[str, dict]  # per segment: as fit_rates' rows
    shape: dict[str, dict]  # per shape parameter: best, low, high, window_low, window_high, resamples, identified, on_bound
    region: np.ndarray  # the bootstrap fits of the shape parameters, in their units (resamples x parameters)
    bound_low: np.ndarray  # per shape parameter: its last window's low edge is its search bound ...
    bound_high: np.ndarray  # ... or its high edge
    runs: int

    def holds(self, values: dict[str, float], level: float = SHAPE_LEVEL) -> bool:
        """Whether the shape `values` lie in the refitted shape's joint region at `level`: inside every shape
        parameter's interval at level 1 - (1 - level) / parameters (Bonferroni), an interval reaching a window
        edge that is no search bound being open on that side (the fits may lie beyond the window). Without
        bootstrap fits nothing says the data move the shape: True."""
        if not len(self.region):
            return True
        tail = (1 - level) / len(self.shape) / 2 * 100
        lows, highs = np.percentile(self.region, tail, axis=0), np.percentile(self.region, 100 - tail, axis=0)
        for i, (key, row) in enumerate(self.shape.items()):
            edge = EDGE_SHARE * (row["window_high"] - row["window_low"])
            open_low = lows[i] <= row["window_low"] + edge and not self.bound_low[i]
            open_high = highs[i] >= row["window_high"] - edge and not self.bound_high[i]
            if (values[key] < lows[i] and not open_low) or (values[key] > highs[i] and not open_high):
                return False
        return True


def fit_shared(segments: list[Segment], rates: dict[str, float], shape: dict[str, float],
               ranges: dict[str, tuple[float, float]], bounds: tuple[float, float], simulate, seed: int,
               resamples: int = uncertainty.RESAMPLES, say=None) -> SharedFit:
    """The shape parameters (`ranges`: their search ranges) refitted with every segment's rate free.

    `simulate(rates, shape)` runs the organisation with each segment's rate and the shape values and
    gives each segment's targets. A round runs a Latin hypercube of TRIALS_PER_TERM runs per
    coefficient of a quadratic with interactions in 1 + parameters dimensions: every segment's log
    rate moved together by up to RATE_HALF about its centre, each shape parameter over SHAPE_WINDOW of
    its search range about its centre (shifted inside the range; twice as wide, up to SHAPE_WINDOW_MAX,
    after a round whose estimate of it left the middle half of its window), on common seeds. Each segment's
    figures against (its own log rate, the shape) give its emulator; the shape is common and each
    rate free where the segments' misfits add up least. Rounds start at `rates` and `shape` and
    re-centre on the estimates while one lies outside the middle half of its window (and not on a
    bound), at most ROUNDS. Then each segment's people are resampled (with the model's noise) and the
    last round's runs too, and each resample refitted through the emulators: 95% intervals, and the
    shape's region (SharedFit.holds). `say`, if given, hears each round's estimates.
    """
    keys = list(ranges)
    names = [s.name for s in segments]
    range_low = np.array([ranges[k][0] for k in keys], dtype=float)
    range_high = np.array([ranges[k][1] for k in keys], dtype=float)
    width = SHAPE_WINDOW * (range_high - range_low)
    centre_shape = np.clip([shape[k] for k in keys], range_low, range_high)
    centre_rate = {name: float(np.clip(rates[name], *bounds)) for name in names}
    log_bounds = (math.log(bounds[0]), math.log(bounds[1]))
    runs_per_round = uncertainty.TRIALS_PER_TERM * uncertainty.n_terms(1 + len(keys), interactions=True)
    rng = np.random.default_rng(seed)
    runs = 0
    for round_ in range(ROUNDS):
        shape_low = np.clip(centre_shape - width / 2, range_low, range_high - width)
        rate_low = {n: max(math.log(r) - RATE_HALF, log_bounds[0]) for n, r in centre_rate.items()}
        rate_high = {n: min(math.log(r) + RATE_HALF, log_bounds[1]) for n, r in centre_rate.items()}
        x = latin_hypercube(runs_per_round, 1 + len(keys), rng)
        results = [simulate({n: math.exp(rate_low[n] + row[0] * (rate_high[n] - rate_low[n])) for n in names},
                            dict(zip(keys, (shape_low + row[1:] * width).tolist()))) for row in x]
        runs += len(x)
        start = np.array([_position(math.log(centre_rate[n]), rate_low[n], rate_high[n]) for n in names]
                         + list((centre_shape - shape_low) / width))
        near = int(np.argmin(((x - np.concatenate([[start[0]], start[len(names):]])) ** 2).sum(axis=1)))
        figures = {s.name: np.array([compared_points(r[s.name]).to_numpy(dtype=float) for r in results]) for s in segments}
        observed = [compared_points(s.observed).to_numpy() for s in segments]
        scales = [misfit_scales(s.observed, results[near][s.name]) for s in segments]
        emulators = [uncertainty.fit_emulator(x, figures[n]) for n in names]
        best = _joint_best(emulators, observed, scales, start)
        new_rate = {n: math.exp(rate_low[n] + best[i] * (rate_high[n] - rate_low[n])) for i, n in enumerate(names)}
        new_shape = shape_low + best[len(names):] * width
        at_low = np.array([rate_low[n] <= log_bounds[0] for n in names] + list(shape_low <= range_low))
        at_high = np.array([rate_high[n] >= log_bounds[1] for n in names] + list(shape_low + width >= range_high))
        far = ((best < 0.25) & ~at_low) | ((best > 0.75) & ~at_high)
        more = far.any() and round_ + 1 < ROUNDS
        if say is not None:
            say(f"segments: round {round_ + 1}: " + ", ".join([*(f"{n} {new_rate[n]:.4g}" for n in names),
                                                               *(f"{k.split('.')[-1]} {v:.4g}" for k, v in
                                                                 zip(keys, new_shape))])
                + ("; re-centring" if more else ""))
        if not more:
            break
        centre_rate, centre_shape = new_rate, new_shape
        width = np.where(far[len(names):], np.minimum(2 * width, SHAPE_WINDOW_MAX * (range_high - range_low)), width)
    points = _joint_bootstrap(segments, x, figures, emulators, results[near], best, resamples, seed)
    return _shared_fit(names, keys, best, points, new_rate, new_shape, rate_low, rate_high, shape_low, width, at_low,
                       at_high, range_high - range_low, runs)


def _shared_fit(names, keys, best, points, rates, shape, rate_low, rate_high, shape_low, width, at_low, at_high,
                spans, runs) -> SharedFit:
    """A round's estimates, intervals and region (see fit_shared)."""
    lows, highs = uncertainty.percentile_interval(points) if len(points) else (np.full(len(best), np.nan),) * 2
    edge_low, edge_high = lows <= EDGE_SHARE, highs >= 1 - EDGE_SHARE
    out_rates = {}
    for i, n in enumerate(names):
        def rate(p: float, n: str = n) -> float:
            return math.exp(rate_low[n] + p * (rate_high[n] - rate_low[n]))
        out_rates[n] = {"best": rates[n], "low": rate(lows[i]), "high": rate(highs[i]), "window_low": rate(0.0),
                        "window_high": rate(1.0), "resamples": len(points),
                        "identified": bool(len(points)) and not (edge_low[i] or edge_high[i]),
                        "on_bound": bool((edge_low[i] and at_low[i]) or (edge_high[i] and at_high[i]))}
    out_shape = {}
    for j, key in enumerate(keys):
        i = len(names) + j
        low, high = shape_low[j] + lows[i] * width[j], shape_low[j] + highs[i] * width[j]
        narrow = high - low <= IDENTIFIED_SHARE * spans[j]
        out_shape[key] = {"best": float(shape[j]), "low": float(low), "high": float(high),
                          "window_low": float(shape_low[j]), "window_high": float(shape_low[j] + width[j]),
                          "resamples": len(points),
                          "identified": bool(len(points)) and bool(narrow) and not (edge_low[i] or edge_high[i]),
                          "on_bound": bool((edge_low[i] and at_low[i]) or (edge_high[i] and at_high[i]))}
    region = shape_low + points[:, len(names):] * width if len(points) else np.empty((0, len(keys)))
    return SharedFit(out_rates, out_shape, region, at_low[len(names):], at_high[len(names):], runs)


def latin_hypercube(n: int, dimensions: int, rng: np.random.Generator) -> np.ndarray:
    """n points in the unit cube, one in each of n equal slices of every axis."""
    slices = np.column_stack([rng.permutation(n) for _ in range(dimensions)])
    return (slices + rng.uniform(size=(n, dimensions))) / n


def _position(value: float, low: float, high: float) -> float:
    return float(np.clip((value - low) / (high - low), 0.0, 1.0)) if high > low else 0.5


def _joint_best(emulators: list, observed: list[np.ndarray], scales: list[np.ndarray], start: np.ndarray) -> np.ndarray:
    """The point (each segment's rate position, then the shape's) where the segments' emulated misfits add up
    least; a segment without an emulator keeps its start."""
    count = len(emulators)
    parts = []
    for k, (emulator, obs, scale) in enumerate(zip(emulators, observed, scales)):
        if emulator is None:
            continue
        usable = np.isfinite(obs) & np.all(np.isfinite(emulator.coef), axis=0)
        if usable.any():
            parts.append((k, uncertainty.Emulator(emulator.coef[:, usable], emulator.interactions), obs[usable],
                          np.broadcast_to(scale, usable.shape)[usable]))

    def misfit(v: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(v)
        for k, emulator, obs, scale in parts:
            point = np.concatenate([v[k:k + 1], v[count:]])
            z = (emulator.predict(point)[0] - obs) / scale
            total += float(z @ z)
            slope = emulator.slopes(point) @ (2 * z / scale)
            grad[k] += slope[0]
            grad[count:] += slope[1:]
        return total, grad
    if not parts:
        return np.asarray(start, dtype=float)
    return minimize(misfit, start, jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0)] * len(start)).x


def _joint_bootstrap(segments: list[Segment], x: np.ndarray, figures: dict[str, np.ndarray], emulators: list,
                     near: dict[str, Targets], best: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Refits of `best` for resamples of every segment's people (moved by a draw of the model's own standard
    error) through emulators refitted to a resample of the runs; empty when a resample is too small."""
    if not resamples or any(e is None for e in emulators):
        return np.empty((0, len(best)))
    try:
        drawn = [resampled_targets(s.records, s.observed, resamples, seed) for s in segments]
    except DataError:  # a resample too small for targets: no interval rather than a made-up one
        return np.empty((0, len(best)))
    rng = np.random.default_rng(seed)
    model_se = [near[s.name].se.reindex(s.observed.curve.index).fillna(0.0).to_numpy() if near[s.name].se is not None
                else 0.0 for s in segments]
    points = []
    with threadpool_limits(limits=1):  # many tiny solves: BLAS threads would only add waiting
        for i in range(resamples):
            rows = rng.integers(0, len(x), len(x))
            refitted = [uncertainty.fit_emulator(x[rows], figures[s.name][rows]) for s in segments]
            observed = [compared_points(d[i]).to_numpy() - rng.normal(0.0, 1.0, len(compared_points(d[i]))) * se
                        for d, se in zip(drawn, model_se)]
            scales = [misfit_scales(d[i], near[s.name]) for d, s in zip(drawn, segments)]
            points.append(_joint_best(refitted, observed, scales, best))
    return np.array(points)


def fit_segments(plan: SegmentPlan, base: ScenarioConfig, best_params: dict[str, float],
                 parameters: dict[str, tuple[float, float]], observed: Targets, pool, seed: int,
                 say=print, resamples: int = uncertainty.RESAMPLES) -> SegmentFit:
    """Fit every segment's rate in the calibrated organisation, then run it on fresh seeds.

    The organisation is the one calibrated.toml describes: the search's values, and a department per
    segment (or the scenario's departments, or its chart's); each segment's figures come from its
    department's people. Without shape parameters in the search, each segment's rate alone
    (fit_rates). With them, the search's shape (fitted to everyone pooled) is set aside: each
    segment's rate is fitted under the scenario's own shape (its first guess from one run there),
    then the shape is refitted with every rate free (fit_shared); the refit replaces the scenario's
    shape when its region does not hold the scenario's and it also fits the segments better on fresh
    seeds. `pool` is an exsim.calibration.fit.ReplicatePool; `resamples` of each segment's people give
    the intervals.
    """
    shared = {key: span for key, span in parameters.items() if key != RATE}
    scenario = {key: float(get_dotted(config_to_dict(base), key)) for key in shared}
    own_rate = {RATE: base.attrition.base_quit_rate_per_year} if shared else {}
    start = with_values(base, {**best_params, **scenario, **own_rate}, origin="calibration")
    low, high = parameters.get(RATE, DEFAULT_PARAMETERS[RATE])  # the search's range, or its default range
    bounds = (max(min(low, RATE_SPAN[0]), 1e-4), max(high, RATE_SPAN[1]))  # only the rates around the guesses run
    start_tables = calibrated_config(start, plan.tables())
    first = guesses(plan, observed, {s.name: _department_rate(start_tables, s.name) for s in plan.fitted})

    def simulate(rates: dict[str, float], shape: dict[str, float] | None = None, fresh: bool = False) -> dict[str, Targets]:
        values = {**(shape or {}), **({RATE: _people_mean(plan, rates)} if shared and RATE in parameters and rates else {})}
        config = calibrated_config(with_values(start, values, origin="calibration") if values else start,
                                   plan.tables(rates))
        if fresh:
            config = config.model_copy(update={"sim": config.sim.model_copy(update={"seed": seed + FRESH_SEED_OFFSET})})
        return _department_targets(plan, config, pool)

    runs = 0
    fitted = ", ".join(s.name for s in plan.fitted)
    if shared:  # the search's rate goes with the search's shape: one run gives first guesses under the scenario's
        pilot = simulate(first)
        runs += 1
        first = {s.name: float(np.clip(first[s.name] * _ratio(s.observed.attrition, pilot[s.name].attrition), *bounds))
                 for s in plan.fitted}
    under = " under the scenario's tenure shape" if shared else ""
    say(f"segments: fitting {RATE} of {fitted} together{under}, {WINDOW} runs a round")
    estimates, rate_runs = fit_rates(plan.fitted, first, bounds, simulate, seed, resamples)
    runs += rate_runs
    rates = _finite(estimates)
    check = simulate(rates, fresh=True)
    runs += 1
    shape_table, values, notes = None, {}, []
    if shared:
        say(f"segments: refitting {', '.join(shared)} with the rates of {fitted} free, "
            f"{uncertainty.TRIALS_PER_TERM * uncertainty.n_terms(1 + len(shared), True)} runs a round")
        centre = {name: rates.get(name, first[name]) for name in estimates}
        joint = fit_shared(plan.fitted, centre, scenario, shared, bounds, simulate, seed, resamples, say)
        runs += joint.runs
        kept, losses = joint.holds(scenario), None
        if not kept:
            refit = {key: row["best"] for key, row in joint.shape.items()}
            moved = simulate(_finite(joint.rates), refit, fresh=True)
            runs += 1
            losses = (_total_loss(plan, check), _total_loss(plan, moved))
            if losses[1] < losses[0]:
                estimates, rates, check, values = joint.rates, _finite(joint.rates), moved, refit
            else:
                kept = True
        values = values or dict(scenario)
        if rates and RATE in parameters:
            values[RATE] = _people_mean(plan, rates)
        shape_table = _shape_table(joint, scenario, best_params, kept)
        notes = shape_notes(shape_table, kept, losses)
    tables = plan.tables(rates)
    return SegmentFit(_table(plan, estimates, check), rates, runs * base.sim.replicates, tables, shape_table,
                      values, notes)


def _people_mean(plan: SegmentPlan, rates: dict[str, float]) -> float:
    """The organisation's own rate beside fitted segments' (for the top seat and segments too small to fit):
    their rates' mean weighted by their people."""
    people = {s.name: s.people for s in plan.fitted if s.name in rates}
    return sum(rates[n] * k for n, k in people.items()) / sum(people.values())


def _ratio(observed: float, simulated: float) -> float:
    ratio = observed / simulated if simulated > 0 else float("nan")
    return ratio if np.isfinite(ratio) and ratio > 0 else 1.0


def _finite(estimates: dict[str, dict]) -> dict[str, float]:
    """The segments' fitted rates (a segment without a figure to fit keeps the organisation's)."""
    return {name: row["best"] for name, row in estimates.items() if np.isfinite(row["best"])}


def _total_loss(plan: SegmentPlan, simulated: dict[str, Targets]) -> float:
    return sum(loss(s.observed, simulated[s.name]) for s in plan.fitted)


def _shape_table(joint: SharedFit, scenario: dict[str, float], searched: dict[str, float], kept: bool) -> pd.DataFrame:
    """Per shape parameter: the scenario's value, the search's (everyone pooled), the refit with the segments'
    rates free (with its interval, window and whether the data identify it), and the value written."""
    rows = []
    for key, row in joint.shape.items():
        rows.append({"parameter": key, "scenario": scenario[key], "search": searched.get(key, float("nan")),
                     "refitted": row["best"], "low": row["low"], "high": row["high"], "window_low": row["window_low"],
                     "window_high": row["window_high"], "resamples": row["resamples"], "identified": row["identified"],
                     "kept": kept, "written": scenario[key] if kept else row["best"]})
    return pd.DataFrame(rows)


def shape_notes(shape: pd.DataFrame, kept: bool, losses: tuple[float, float] | None = None) -> list[str]:
    """What became of the tenure shape, in a sentence or two. `losses`: the segments' summed loss on fresh
    seeds under the scenario's shape and under the refitted one, when the refit's region left out the scenario's."""
    refit = "; ".join(f"{r.parameter.split('.')[-1]} {r.refitted:.4g}"
                      + ("" if pd.isna(r.low) else f" [{r.low:.4g}, {r.high:.4g}]")
                      + ("" if r.identified else " (not identified)") for r in shape.itertuples())
    scenario = ", ".join(f"{r.parameter.split('.')[-1]} {r.scenario:.4g}" for r in shape.itertuples())
    head = f"tenure shape refitted with each segment's rate free: {refit}"
    if kept and losses is None:
        return [f"{head}. Its {SHAPE_LEVEL:.0%} region holds the scenario's shape ({scenario}), so these data give no "
                "reason to move it: the segments' rates are settled rates under the scenario's shape, which "
                "calibrated.toml keeps (the search's shape, fitted to everyone pooled, is not used)"]
    if kept:
        return [f"{head}. Its {SHAPE_LEVEL:.0%} region leaves out the scenario's shape ({scenario}), but on fresh "
                f"seeds it fits the segments no better (loss {losses[1]:.1f} against {losses[0]:.1f}), so the "
                "scenario's shape is kept and the segments' rates are settled rates under it"]
    notes = [f"{head}. Its {SHAPE_LEVEL:.0%} region leaves out the scenario's shape ({scenario}) and it fits the "
             f"segments better on fresh seeds (loss {losses[1]:.1f} against {losses[0]:.1f}): calibrated.toml has the "
             "refitted shape, and the segments' rates are settled rates under it"]
    loose = shape.loc[~shape["identified"], "parameter"].tolist()
    if loose:
        notes.append(f"warning: these data do not identify {', '.join(loose)} with the segments' rates free: the rates "
                     "trade against it, and their intervals count that")
    return notes


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
