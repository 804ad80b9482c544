"""The business case of a scenario against a baseline, in euros, on paired replicates.

Per year and cumulatively: money saved on turnover, absence and vacancies; revenue kept or won;
programme cost; net benefit; return on investment; payback month. Each with the mean and the
90% interval over replicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exsim.config.timebase import WEEKS_PER_MONTH

SAVINGS = {"saved_turnover": "cost_turnover", "saved_absence": "cost_absence", "saved_vacancies": "cost_vacancy",
           "saved_salaries": "cost_salaries"}
PROGRAMME_COSTS = {"perks_cost": "cost_perks", "manager_time_cost": "cost_manager_time",
                   "programmes_cost": "cost_programmes"}
MONEY = (*SAVINGS, "revenue_gain", *PROGRAMME_COSTS, "programme_cost", "net_benefit")
METRICS = (*MONEY, "roi", "payback_month")


def weekly_gains(scenario: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Scenario minus baseline per replicate and week, in euros (positive = better for the scenario)."""
    keys = ["replicate", "week"]
    s = scenario.set_index(keys).sort_index()
    b = baseline.set_index(keys).sort_index()
    if not s.index.equals(b.index):
        raise ValueError("scenario and baseline must have the same replicates and weeks (paired runs)")
    gains = pd.DataFrame({name: b[col] - s[col] for name, col in SAVINGS.items()})
    gains["revenue_gain"] = s["revenue"] - b["revenue"]
    for name, col in PROGRAMME_COSTS.items():
        gains[name] = s[col] - b[col]
    gains["programme_cost"] = gains[list(PROGRAMME_COSTS)].sum(axis=1)
    gains["net_benefit"] = gains[list(SAVINGS)].sum(axis=1) + gains["revenue_gain"] - gains["programme_cost"]
    gains["year"] = s["year"]
    return gains.reset_index()


def payback_month(net_by_week: pd.Series) -> float:
    """Month in which the cumulative net benefit turns and stays non-negative (NaN if it never does)."""
    cumulative = net_by_week.cumsum().to_numpy()
    if len(cumulative) == 0 or cumulative[-1] < 0:
        return float("nan")
    negative = np.flatnonzero(cumulative < 0)
    week = 1 if len(negative) == 0 else negative[-1] + 2
    return float(np.ceil(week / WEEKS_PER_MONTH))


def per_replicate(gains: pd.DataFrame) -> pd.DataFrame:
    """Euro figures per replicate and period (each year, and 'total' over the whole run)."""
    money = list(MONEY)
    yearly = gains.groupby(["replicate", "year"])[money].sum().reset_index()
    yearly["period"] = "year " + yearly["year"].astype(str)
    total = gains.groupby("replicate")[money].sum().reset_index()
    total["period"] = "total"
    total["payback_month"] = gains.groupby("replicate")["net_benefit"].apply(payback_month).to_numpy()
    table = pd.concat([yearly.drop(columns="year"), total], ignore_index=True)
    table["roi"] = np.where(table["programme_cost"] > 0, table["net_benefit"] / table["programme_cost"].where(table["programme_cost"] > 0), np.nan)
    return table


def business_case(scenario: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Long table: period, metric, mean, p05, p95 over replicates (payback only for the total)."""
    table = per_replicate(weekly_gains(scenario, baseline))
    long = table.melt(id_vars=["replicate", "period"], value_vars=[m for m in METRICS if m in table], var_name="metric")
    long = long.dropna(subset=["value"]) if "payback_month" in long["metric"].values else long
    stats = long.groupby(["period", "metric"], sort=False)["value"]
    out = pd.DataFrame({"mean": stats.mean(), "p05": stats.quantile(0.05), "p95": stats.quantile(0.95),
                        "replicates": stats.count()}).reset_index()
    order = {p: i for i, p in enumerate(table["period"].unique())}
    out["_order"] = out["period"].map(order) * 100 + out["metric"].map({m: i for i, m in enumerate(METRICS)})
    return out.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def business_case_markdown(case: pd.DataFrame, scenario: str, baseline: str) -> str:
    """A board-ready table: euros per year and in total, with payback and ROI."""
    labels = {"saved_turnover": "Saved on turnover", "saved_absence": "Saved on sick leave",
              "saved_vacancies": "Saved on vacancies", "saved_salaries": "Saved on salaries (pay level, staffing, vacant seats)",
              "revenue_gain": "Revenue kept or won",
              "perks_cost": "Perks", "manager_time_cost": "Managers' hours for people (at their hourly cost)",
              "programmes_cost": "Training, surveys, follow-up, conversations, interventions",
              "programme_cost": "Programme cost (the three lines above)", "net_benefit": "Net benefit", "roi": "Return on investment"}
    periods = list(dict.fromkeys(case["period"]))
    lines = [f"## Business case: {scenario} against {baseline}", "",
             "Euros, scenario minus baseline on paired seeds; mean with the 90% interval over replicates.", "",
             "| | " + " | ".join(periods) + " |", "|---|" + "---|" * len(periods)]
    for metric, label in labels.items():
        cells = []
        for period in periods:
            row = case[(case["period"] == period) & (case["metric"] == metric)]
            cells.append(_money_cell(row.iloc[0], metric) if len(row) else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    payback = case[(case["metric"] == "payback_month")]
    if len(payback) and payback.iloc[0]["replicates"] > 0:
        p = payback.iloc[0]
        lines += ["", f"Payback: month {p['mean']:.0f} on average (90% of replicates between month "
                      f"{p['p05']:.0f} and {p['p95']:.0f}; {int(p['replicates'])} replicates pay back within the run)."]
    else:
        lines += ["", "Payback: the programme does not pay back within the simulated years."]
    return "\n".join(lines) + "\n"


def _money_cell(row: pd.Series, metric: str) -> str:
    if metric == "roi":
        return f"{row['mean']:.0%} [{row['p05']:.0%}, {row['p95']:.0%}]"
    return f"EUR {row['mean'] / 1e3:,.0f}k [{row['p05'] / 1e3:,.0f}k, {row['p95'] / 1e3:,.0f}k]"
