"""Fit targets computed the same way from HR records and from the model's spells.

Dated records (hire and exit dates): annual voluntary attrition and Kaplan-Meier retention by
tenure month (right-censored). Snapshots (tenure and a left flag, like IBM's: current staff plus
one year's leavers): the share that left and the exit share by tenure year (a snapshot life
table). Survival records (tenure and a left flag, everyone followed until they left or the file
ended): Kaplan-Meier retention with its Greenwood standard errors, against the model's new hires
followed to the end of the run; the data's own noise sets the scale of the misfit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from exsim.analysis.survival import (annual_voluntary_attrition, km_retention, snapshot_life_table, spells_snapshot_frame,
                                     spells_to_survival_frame)
from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH, CALENDAR_WEEKS_PER_YEAR
from exsim.data.errors import DataError
from exsim.data.records import EmployeeRecords

RETENTION_MONTHS = (3, 6, 12, 24, 36)
SURVIVAL_MONTHS = (3, 6, 12, 24, 36, 60, 120)
MIN_AT_RISK = 20  # a retention point with fewer people at risk is too noisy to fit
SE_FLOOR = 0.01  # no retention point is trusted to better than 1 point
SNAPSHOT_YEARS = 5
MIN_EMPLOYEES = 20  # fewer usable rows say nothing about a retention curve
ATTRITION_SCALE = 0.02  # a 2-point miss in annual attrition weighs as much as ...
CURVE_SCALE = 0.05  # ... a 5-point miss at one point of the retention curve


@dataclass
class Targets:
    """Observed (or simulated) figures: attrition and a curve (retention or exit share) on a grid."""

    mode: str  # "dates", "tenure" (a snapshot) or "survival"
    attrition: float  # annual voluntary attrition; the share who left (tenure); exits per person-year (survival)
    curve: pd.Series  # index: month (dates, survival) or tenure year (tenure)
    se: pd.Series | None = None  # standard error of each curve point (survival)
    all_exits: bool = False  # the data has no exit reasons: every exit is an event, in the model too

    @property
    def curve_name(self) -> str:
        return "exit share" if self.mode == "tenure" else "retention"


def observed_targets(records: EmployeeRecords) -> Targets:
    """Targets from an analyst's records; a DataError when they are too few or span too little time to fit."""
    if records.n_used < MIN_EMPLOYEES:
        raise DataError(f"only {records.n_used} usable employee row{'s' if records.n_used != 1 else ''} "
                        f"({len(records.skipped)} skipped), too few to calibrate", file=records.source, expected=f"at least {MIN_EMPLOYEES} employees")
    frame = records.survival_frame(voluntary_only=True)
    if records.design == "survival":
        return survival_targets(frame, all_exits=not records.frame["voluntary"].notna().any())
    if records.mode == "dates":
        start = observed_from(frame)
        attrition = annual_voluntary_attrition(frame, start=start).rate
        cohort = frame[pd.to_datetime(frame["hire_date"]) >= start]  # hired while exits were recorded, as in the model
        cohort = cohort if len(cohort) >= 20 else frame
        months = [m for m in RETENTION_MONTHS if m * CALENDAR_WEEKS_PER_MONTH <= cohort["tenure_weeks"].max()]
        if not months or not np.isfinite(attrition):
            raise DataError(f"the records span less than {RETENTION_MONTHS[0]} months of tenure (hire dates "
                            f"{frame['hire_date'].min():%Y-%m-%d} to {frame['hire_date'].max():%Y-%m-%d}, as of "
                            f"{records.as_of})", file=records.source,
                            expected=f"employees followed for {RETENTION_MONTHS[0]} months or more")
        curve = km_retention(cohort, months=months).set_index("month")["retention"]
        return Targets("dates", float(attrition), curve)
    table = snapshot_life_table(frame).set_index("interval")["exit_share"].iloc[:SNAPSHOT_YEARS]
    return Targets("tenure", float(frame["left"].mean()), table)


def resampled_targets(records: EmployeeRecords, observed: Targets, resamples: int, seed: int) -> list[Targets]:
    """Observed targets of `resamples` bootstrap resamples of the people, on `observed`'s grid.

    A point a resample cannot estimate (too few at risk) is NaN and skipped by the loss.
    """
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(resamples):
        rows = rng.integers(0, len(records.frame), len(records.frame))
        targets = observed_targets(replace(records, frame=records.frame.iloc[rows].reset_index(drop=True)))
        grid = observed.curve.index
        out.append(replace(targets, curve=targets.curve.reindex(grid),
                           se=None if targets.se is None else targets.se.reindex(grid)))
    return out


def survival_targets(frame: pd.DataFrame, all_exits: bool) -> Targets:
    """Kaplan-Meier retention (with standard errors) where at least MIN_AT_RISK people are at risk."""
    km, rate = _km_table(frame, SURVIVAL_MONTHS)
    km = km[km["at_risk"] >= MIN_AT_RISK]
    if km.empty:
        raise DataError(f"fewer than {MIN_AT_RISK} people reach {SURVIVAL_MONTHS[0]} months of tenure",
                        expected="survival records with more people or longer tenures")
    return Targets("survival", rate, km["retention"], km["se"], all_exits)


def _km_table(frame: pd.DataFrame, months) -> tuple[pd.DataFrame, float]:
    """KM retention, standard errors and people at risk by month, and exits per person-year observed.

    A frame with `entry_weeks` is left-truncated: people count from the tenure they came under observation.
    """
    entry = "entry_weeks" if "entry_weeks" in frame else None
    km = km_retention(frame, months=list(months), entry=entry).set_index("month")
    person_years = (frame["tenure_weeks"] - (frame[entry] if entry else 0.0)).sum() / CALENDAR_WEEKS_PER_YEAR
    rate = float(frame["left"].sum() / person_years) if person_years > 0 else float("nan")
    return km, rate


def observed_from(frame: pd.DataFrame) -> pd.Timestamp:
    """Where the export's record of exits begins: the first exit date (earlier leavers are missing)."""
    exits = pd.to_datetime(frame["exit_date"]).dropna()
    hires = pd.to_datetime(frame["hire_date"])
    return max(hires.min(), exits.min()) if len(exits) else hires.min()


def simulated_targets(spells: pd.DataFrame, timeseries: pd.DataFrame, observed: Targets) -> Targets:
    """The same figures from the model's spells, on the observed grid."""
    if observed.mode == "survival":
        frame = spells_to_survival_frame(spells, hired_during_run=True, voluntary_only=not observed.all_exits)
        km, rate = _km_table(frame, observed.curve.index)
        return Targets("survival", rate, km["retention"], km["se"], observed.all_exits)
    if observed.mode == "dates":
        frame = spells_to_survival_frame(spells, hired_during_run=True, voluntary_only=True)
        curve = km_retention(frame, months=list(observed.curve.index)).set_index("month")["retention"]
        attrition = timeseries.groupby(["replicate", "year"])["quits"].sum() / timeseries.groupby(["replicate", "year"])["headcount"].mean()
        return Targets("dates", float(attrition.mean()), curve)
    frames = [spells_snapshot_frame(group) for _, group in spells.groupby("replicate")]
    frame = pd.concat(frames, ignore_index=True)
    table = snapshot_life_table(frame).set_index("interval")["exit_share"].reindex(observed.curve.index)
    return Targets("tenure", float(frame["left"].mean()), table)


def compared_points(targets: Targets) -> pd.Series:
    """The figures a fit compares, by name: the curve's points, and attrition outside survival designs."""
    curve = pd.Series(targets.curve.to_numpy(dtype=float), index=[f"{targets.curve_name} {k}" for k in targets.curve.index])
    if targets.mode == "survival":
        return curve
    return pd.concat([pd.Series({"attrition": float(targets.attrition)}), curve])


def misfit_scales(observed: Targets, simulated: Targets | None = None) -> np.ndarray:
    """How large a miss at each compared point is: one unit of the loss.

    Survival: the data's and the model's standard errors (with a floor), so the loss is a chi-square,
    about one per point at a good fit. Otherwise a 2-point miss in attrition weighs as much as a
    5-point miss at one point of the curve.
    """
    if observed.mode == "survival":
        sim_se = simulated.se.to_numpy() if simulated is not None and simulated.se is not None else 0.0
        return np.sqrt(observed.se.to_numpy() ** 2 + sim_se ** 2 + SE_FLOOR ** 2)
    return np.array([ATTRITION_SCALE] + [CURVE_SCALE] * len(observed.curve))


def loss(observed: Targets, simulated: Targets) -> float:
    """Sum of squared misfits in units of `misfit_scales` (points missing on either side are skipped)."""
    misfit = (compared_points(simulated).to_numpy() - compared_points(observed).to_numpy()) / misfit_scales(observed, simulated)
    return float(np.nansum(misfit ** 2))
