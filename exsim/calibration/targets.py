"""Fit targets computed the same way from HR records and from the model's spells.

Dated records (hire and exit dates): annual voluntary attrition and Kaplan-Meier retention by
tenure month (right-censored). Cross-sectional records (tenure and a left flag, like IBM's):
the share that left and the exit share by tenure year (a snapshot life table).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exsim.analysis.survival import (annual_voluntary_attrition, km_retention, snapshot_life_table,
                                     spells_snapshot_frame, spells_to_survival_frame)
from exsim.data.errors import DataError
from exsim.data.records import EmployeeRecords

RETENTION_MONTHS = (3, 6, 12, 24, 36)
SNAPSHOT_YEARS = 5
MIN_EMPLOYEES = 20  # fewer usable rows say nothing about a retention curve
ATTRITION_SCALE = 0.02  # a 2-point miss in annual attrition weighs as much as ...
CURVE_SCALE = 0.05  # ... a 5-point miss at one point of the retention curve


@dataclass
class Targets:
    """Observed (or simulated) figures: attrition and a curve (retention or exit share) on a grid."""

    mode: str  # "dates" or "tenure"
    attrition: float
    curve: pd.Series  # index: month (dates) or tenure year (tenure)

    @property
    def curve_name(self) -> str:
        return "retention" if self.mode == "dates" else "exit share"


def observed_targets(records: EmployeeRecords) -> Targets:
    """Targets from an analyst's records; a DataError when they are too few or span too little time to fit."""
    if records.n_used < MIN_EMPLOYEES:
        raise DataError(f"only {records.n_used} usable employee row{'s' if records.n_used != 1 else ''} "
                        f"({len(records.skipped)} skipped), too few to calibrate", file=records.source, expected=f"at least {MIN_EMPLOYEES} employees")
    frame = records.survival_frame(voluntary_only=True)
    if records.mode == "dates":
        start = observed_from(frame)
        attrition = annual_voluntary_attrition(frame, start=start).rate
        cohort = frame[pd.to_datetime(frame["hire_date"]) >= start]  # hired while exits were recorded, as in the model
        cohort = cohort if len(cohort) >= 20 else frame
        months = [m for m in RETENTION_MONTHS if m * 4.345 <= cohort["tenure_weeks"].max()]
        if not months or not np.isfinite(attrition):
            raise DataError(f"the records span less than {RETENTION_MONTHS[0]} months of tenure (hire dates "
                            f"{frame['hire_date'].min():%Y-%m-%d} to {frame['hire_date'].max():%Y-%m-%d}, as of "
                            f"{records.as_of})", file=records.source,
                            expected=f"employees followed for {RETENTION_MONTHS[0]} months or more")
        curve = km_retention(cohort, months=months).set_index("month")["retention"]
        return Targets("dates", float(attrition), curve)
    table = snapshot_life_table(frame).set_index("interval")["exit_share"].iloc[:SNAPSHOT_YEARS]
    return Targets("tenure", float(frame["left"].mean()), table)


def observed_from(frame: pd.DataFrame) -> pd.Timestamp:
    """Where the export's record of exits begins: the first exit date (earlier leavers are missing)."""
    exits = pd.to_datetime(frame["exit_date"]).dropna()
    hires = pd.to_datetime(frame["hire_date"])
    return max(hires.min(), exits.min()) if len(exits) else hires.min()


def simulated_targets(spells: pd.DataFrame, timeseries: pd.DataFrame, observed: Targets) -> Targets:
    """The same figures from the model's spells, on the observed grid."""
    if observed.mode == "dates":
        frame = spells_to_survival_frame(spells, hired_during_run=True, voluntary_only=True)
        curve = km_retention(frame, months=list(observed.curve.index)).set_index("month")["retention"]
        attrition = timeseries.groupby(["replicate", "year"])["quits"].sum() / timeseries.groupby(["replicate", "year"])["headcount"].mean()
        return Targets("dates", float(attrition.mean()), curve)
    frames = [spells_snapshot_frame(group) for _, group in spells.groupby("replicate")]
    frame = pd.concat(frames, ignore_index=True)
    table = snapshot_life_table(frame).set_index("interval")["exit_share"].reindex(observed.curve.index)
    return Targets("tenure", float(frame["left"].mean()), table)


def loss(observed: Targets, simulated: Targets) -> float:
    """Weighted squared misfit of attrition and the curve (missing curve points are skipped)."""
    curve = ((simulated.curve - observed.curve) / CURVE_SCALE) ** 2
    return float(((simulated.attrition - observed.attrition) / ATTRITION_SCALE) ** 2 + np.nansum(curve))
