"""Yearly KPIs per replicate and their mean and 90% interval over replicates."""

from __future__ import annotations

import pandas as pd

from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.metrics.kpis import COST_LINES, HEADLINE, KPIS

KEYS = ["scenario", "replicate", "year"]


def yearly_kpis(timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario x replicate x year, each KPI aggregated as the catalogue says (exsim/metrics/kpis.py)."""
    grouped = timeseries.groupby(KEYS, sort=True)
    means = [kpi.name for kpi in KPIS if kpi.yearly == "mean"]
    sums = [kpi.name for kpi in KPIS if kpi.yearly == "sum"]
    yearly = grouped[means].mean().join(grouped[sums].sum())
    weeks = grouped.size()
    for kpi in KPIS:
        if kpi.rate_of:
            numerator, denominator = kpi.rate_of
            yearly[kpi.name] = yearly[numerator] / yearly[denominator] * WEEKS_PER_YEAR / weeks
    yearly["cost_total"] = yearly[list(COST_LINES)].sum(axis=1)
    return yearly.reset_index()


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and year: mean, 5th and 95th percentile over replicates of each headline KPI."""
    long = yearly_kpis(timeseries).melt(id_vars=KEYS, value_vars=list(HEADLINE), var_name="metric")
    stats = long.groupby(["scenario", "year", "metric"], sort=False)["value"]
    table = pd.DataFrame({
        "mean": stats.mean(),
        "p05": stats.quantile(0.05),
        "p95": stats.quantile(0.95),
        "replicates": stats.count(),
    }).reset_index()
    return table
