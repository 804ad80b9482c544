"""Yearly KPIs per replicate and their mean and 90% interval over replicates."""

from __future__ import annotations

import pandas as pd

from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.metrics.kpis import BY_NAME, COST_LINES, DEPARTMENT_KPIS, HEADLINE, KPIS

KEYS = ["scenario", "replicate", "year"]
DEPARTMENT_KEYS = [*KEYS, "department"]


def yearly_kpis(timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario x replicate x year, each KPI aggregated as the catalogue says (exsim/metrics/kpis.py)."""
    yearly = _yearly(timeseries, KEYS, KPIS)
    yearly["cost_total"] = yearly[list(COST_LINES)].sum(axis=1)
    return yearly.reset_index()


def yearly_department_kpis(departments: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario x replicate x year x department (from departments.parquet), aggregated the same way."""
    yearly = _yearly(departments, DEPARTMENT_KEYS, [BY_NAME[name] for name in DEPARTMENT_KPIS])
    yearly["cost_total"] = yearly[list(COST_LINES)].sum(axis=1)
    return yearly.reset_index()


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and year: mean, 5th and 95th percentile over replicates of each headline KPI."""
    return _over_replicates(yearly_kpis(timeseries), KEYS, HEADLINE)


def summarise_departments(departments: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, year and department: mean, 5th and 95th percentile over replicates of each department KPI."""
    return _over_replicates(yearly_department_kpis(departments), DEPARTMENT_KEYS, [*DEPARTMENT_KPIS, "cost_total"])


def has_departments(departments: pd.DataFrame) -> bool:
    """Whether a departments table holds departments (not only the whole organisation's one group)."""
    return departments["department"].nunique() > 1


def _yearly(weekly: pd.DataFrame, keys: list[str], kpis) -> pd.DataFrame:
    grouped = weekly.groupby(keys, sort=True)
    means = [kpi.name for kpi in kpis if kpi.yearly == "mean"]
    sums = [kpi.name for kpi in kpis if kpi.yearly == "sum"]
    yearly = grouped[means].mean().join(grouped[sums].sum())
    weeks = grouped.size()
    for kpi in kpis:
        if kpi.rate_of:
            numerator, denominator = kpi.rate_of
            yearly[kpi.name] = yearly[numerator] / yearly[denominator] * WEEKS_PER_YEAR / weeks
    return yearly


def _over_replicates(yearly: pd.DataFrame, keys: list[str], metrics) -> pd.DataFrame:
    groups = [key for key in keys if key != "replicate"]
    long = yearly.melt(id_vars=keys, value_vars=list(metrics), var_name="metric")
    stats = long.groupby([*groups, "metric"], sort=False)["value"]
    return pd.DataFrame({
        "mean": stats.mean(),
        "p05": stats.quantile(0.05),
        "p95": stats.quantile(0.95),
        "replicates": stats.count(),
    }).reset_index()
