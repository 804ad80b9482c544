"""Yearly KPIs per replicate and their mean and 90% interval over replicates."""

from __future__ import annotations

import pandas as pd

from exsim.config.timebase import WEEKS_PER_YEAR

HEADLINE_KPIS = (
    "headcount", "vacancies", "engagement", "enps", "burnout_share", "absence_rate",
    "voluntary_attrition_rate", "customers", "csat", "customer_churn_rate", "revenue", "cost_total",
)
COST_COLUMNS = ("cost_turnover", "cost_absence", "cost_vacancy", "cost_perks", "cost_manager_time", "cost_programmes")
KEYS = ["scenario", "replicate", "year"]


def yearly_kpis(timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario x replicate x year: rates computed over the year, levels averaged."""
    grouped = timeseries.groupby(KEYS, sort=True)
    mean_cols = ["headcount", "vacancies", "engagement", "enps", "burnout_share", "absence_rate", "customers", "csat"]
    sum_cols = ["quits", "involuntary_exits", "hires", "churned_customers", "revenue", *COST_COLUMNS]
    yearly = grouped[mean_cols].mean().join(grouped[sum_cols].sum())
    weeks = grouped.size()
    yearly["voluntary_attrition_rate"] = yearly["quits"] / yearly["headcount"] * WEEKS_PER_YEAR / weeks
    yearly["customer_churn_rate"] = yearly["churned_customers"] / yearly["customers"] * WEEKS_PER_YEAR / weeks
    yearly["cost_total"] = yearly[list(COST_COLUMNS)].sum(axis=1)
    return yearly.reset_index()


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and year: mean, 5th and 95th percentile over replicates of each headline KPI."""
    long = yearly_kpis(timeseries).melt(id_vars=KEYS, value_vars=list(HEADLINE_KPIS), var_name="metric")
    stats = long.groupby(["scenario", "year", "metric"], sort=False)["value"]
    table = pd.DataFrame({
        "mean": stats.mean(),
        "p05": stats.quantile(0.05),
        "p95": stats.quantile(0.95),
        "replicates": stats.count(),
    }).reset_index()
    return table
