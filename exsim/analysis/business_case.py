"""The business case of a scenario against a baseline, in euros, on paired replicates.

Per year and cumulatively: money saved on turnover, absence and vacancies; revenue kept or won;
programme cost; net benefit; return on investment; payback month. Each with the mean over
replicates and, from 3 replicates on, the 90% interval over replicates.

Rules a finance reader can check:
- ROI is net benefit over programme cost over the whole run (not per year: a one-off cost and the
  benefits it buys fall in different years), shown only where the programme cost is material: at
  least 0.1% of the baseline's salaries over the run (else "n/a" with the reason: a ratio over a
  near-zero cost is noise), and only where the scenario spends more than the baseline.
- Payback is one figure everywhere: the month in which the mean cumulative net benefit (the line
  of the net-benefit figure) turns and stays non-negative, with how many replicates pay back.
- Intervals need at least 3 replicates; with fewer the tables say "single run, no interval" or
  "n = 2, no interval".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exsim.config.timebase import WEEKS_PER_MONTH
from exsim.report.catalogue import COST_SOURCES
from exsim.report.wording import MIN_INTERVAL_REPLICATES, interval_phrase, money, money_with_interval

SAVINGS = {"saved_turnover": "cost_turnover", "saved_absence": "cost_absence", "saved_vacancies": "cost_vacancy",
           "saved_salaries": "cost_salaries"}
PROGRAMME_COSTS = {"perks_cost": "cost_perks", "manager_time_cost": "cost_manager_time",
                   "programmes_cost": "cost_programmes"}
MONEY = (*SAVINGS, "revenue_gain", *PROGRAMME_COSTS, "programme_cost", "net_benefit")
METRICS = (*MONEY, "baseline_salaries", "roi", "payback_month", "paid_back_replicates")
MATERIAL_SHARE = 0.001  # ROI needs a programme cost of at least this share of the baseline's salaries

LABELS = {"saved_turnover": "Saved on turnover (replacing leavers)", "saved_absence": "Saved on sick leave",
          "saved_vacancies": "Saved on vacancies (work left undone)",
          "saved_salaries": "Saved on salaries (pay level, staffing, vacant seats)",
          "revenue_gain": "Revenue kept or won", "perks_cost": "Perks",
          "manager_time_cost": "Managers' hours for people (at their hourly cost)",
          "programmes_cost": "Training, surveys, follow-up, conversations, interventions",
          "programme_cost": "Programme cost (the three lines above)", "net_benefit": "Net benefit",
          "roi": "Return on investment (net benefit / programme cost)"}



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
    gains["baseline_salaries"] = b["cost_salaries"]
    gains["year"] = s["year"]
    return gains.reset_index()


def payback_month(net_by_week: pd.Series) -> float:
    """Month in which the cumulative net benefit turns and stays non-negative (NaN if it never does)."""
    cumulative = np.asarray(net_by_week, dtype=float).cumsum()
    if len(cumulative) == 0 or cumulative[-1] < 0:
        return float("nan")
    negative = np.flatnonzero(cumulative < 0)
    week = 1 if len(negative) == 0 else negative[-1] + 2
    return float(np.ceil(week / WEEKS_PER_MONTH))


def is_material(programme_cost: float, baseline_salaries: float) -> bool:
    """Whether a programme cost is a base an ROI can be taken on (see the module's rules)."""
    return programme_cost > 0 and programme_cost >= MATERIAL_SHARE * max(baseline_salaries, 0.0)


def per_replicate(gains: pd.DataFrame) -> pd.DataFrame:
    """Euro figures per replicate and period (each year, and 'total' over the whole run).

    ROI is given for the total only, and left empty (NaN) when its mean programme cost is not material
    (`is_material`).
    """
    money = [*MONEY, "baseline_salaries"]
    yearly = gains.groupby(["replicate", "year"])[money].sum().reset_index()
    yearly["period"] = "year " + yearly["year"].astype(str)
    total = gains.groupby("replicate")[money].sum().reset_index()
    total["period"] = "total"
    total["payback_month"] = gains.groupby("replicate")["net_benefit"].apply(payback_month).to_numpy()
    table = pd.concat([yearly.drop(columns="year"), total], ignore_index=True)
    means = table.groupby("period")[["programme_cost", "baseline_salaries"]].transform("mean")
    material = [is_material(c, s) for c, s in zip(means["programme_cost"], means["baseline_salaries"])]
    material = np.asarray(material) & (table["period"] == "total").to_numpy()
    table["roi"] = np.where(material, table["net_benefit"] / table["programme_cost"].where(table["programme_cost"] > 0),
                            np.nan)
    return table


def business_case(scenario: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Long table: period, metric, mean, p05, p95 and replicates over replicates.

    `payback_month` (total only) is the month the mean cumulative net benefit turns and stays
    non-negative (NaN: not within the run); its p05/p95 are over the replicates' own payback months
    when every replicate pays back. `paid_back_replicates` counts the replicates that pay back.
    An ROI that is not material is NaN with its replicates count 0.
    """
    gains = weekly_gains(scenario, baseline)
    table = per_replicate(gains)
    long = table.melt(id_vars=["replicate", "period"], value_vars=[m for m in METRICS if m in table],
                      var_name="metric")
    long = long[long["metric"] != "payback_month"]
    stats = long.groupby(["period", "metric"], sort=False)["value"]
    out = pd.DataFrame({"mean": stats.mean(), "p05": stats.quantile(0.05), "p95": stats.quantile(0.95),
                        "replicates": stats.count()}).reset_index()
    out = pd.concat([out, _payback_rows(gains, table)], ignore_index=True)
    order = {p: i for i, p in enumerate(table["period"].unique())}
    out["_order"] = out["period"].map(order) * 100 + out["metric"].map({m: i for i, m in enumerate(METRICS)})
    return out.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _payback_rows(gains: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    mean_curve = gains.groupby("week")["net_benefit"].mean().sort_index()
    own = table.loc[table["period"] == "total", "payback_month"].to_numpy(dtype=float)
    n, paid = len(own), int(np.isfinite(own).sum())
    every = paid == n and n >= MIN_INTERVAL_REPLICATES
    return pd.DataFrame([
        {"period": "total", "metric": "payback_month", "mean": payback_month(mean_curve),
         "p05": float(np.percentile(own, 5)) if every else np.nan,
         "p95": float(np.percentile(own, 95)) if every else np.nan, "replicates": n},
        {"period": "total", "metric": "paid_back_replicates", "mean": float(paid), "p05": np.nan, "p95": np.nan,
         "replicates": n}])


def roi_text(case: pd.DataFrame, period: str = "total") -> str:
    """The period's ROI with its interval, or "n/a" and why."""
    rows = case[case["period"] == period].set_index("metric")
    cost, salaries = rows.loc["programme_cost", "mean"], rows.loc["baseline_salaries", "mean"]
    if cost <= 0:
        return "n/a: no extra spending" if cost > -500 else "n/a: spends less than the baseline"
    if not is_material(cost, salaries):
        return f"n/a: cost {money(cost)} under {MATERIAL_SHARE:.1%} of salaries"
    roi = rows.loc["roi"]
    text = f"{roi['mean']:.0%}"
    if roi["replicates"] >= MIN_INTERVAL_REPLICATES:
        text += f" [{roi['p05']:.0%}, {roi['p95']:.0%}]"
    return text


def payback_text(case: pd.DataFrame) -> str:
    """One payback statement, the same in the ranking and the business case."""
    rows = case[case["period"] == "total"].set_index("metric")
    n = int(rows.loc["paid_back_replicates", "replicates"])
    paid = int(rows.loc["paid_back_replicates", "mean"])
    month = rows.loc["payback_month"]
    of = f"{paid} of {n} replicates pay back" if n > 1 else ("the run pays back" if paid else "the run does not pay back")
    if not np.isfinite(month["mean"]):
        return f"not within the run (mean cumulative net benefit below zero at the end; {of})"
    text = f"month {month['mean']:.0f}"
    if np.isfinite(month["p05"]):
        text += f" [{month['p05']:.0f}, {month['p95']:.0f}]"
    return f"{text} ({of})" if n > 1 else text


def business_case_markdown(case: pd.DataFrame, scenario: str, baseline: str, config: dict | None = None,
                           baseline_config: dict | None = None) -> str:
    """A board-ready table: euros per year and in total, payback and ROI; with the configs, every line's source."""
    periods = list(dict.fromkeys(case["period"]))
    n = int(case.loc[case["metric"] == "net_benefit", "replicates"].max())
    lines = [f"## Business case: {scenario} against {baseline}", "",
             f"Euros, scenario minus baseline on paired seeds (common random numbers); {interval_phrase(n)}. "
             "Positive: better for the scenario.", "",
             "| | " + " | ".join(periods) + " |", "|---|" + "---|" * len(periods)]
    for metric, label in LABELS.items():
        cells = []
        for period in periods:
            row = case[(case["period"] == period) & (case["metric"] == metric)]
            if metric == "roi":
                cells.append(roi_text(case, period) if period == "total" else "-")
            else:
                cells.append(money_with_interval(row.iloc[0]) if len(row) else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", f"Payback (month the mean cumulative net benefit turns and stays positive): {payback_text(case)}.",
              "", f"ROI is over the whole run only (a one-off cost and the benefits it buys fall in different years), "
              f"and only where the programme cost is at least {MATERIAL_SHARE:.1%} of the baseline's salaries over the "
              "run; below that a ratio over a near-zero cost says nothing."]
    if config is not None:
        lines += ["", *cost_sources_markdown(config, baseline_config)]
    return "\n".join(lines) + "\n"


def cost_sources_markdown(config: dict, baseline_config: dict | None = None) -> list[str]:
    """Each money line, the config values that price it, and where each value comes from (the parameter catalogue)."""
    from exsim.report.catalogue import format_value, parameter_info

    lines = ["### Where each line's euros come from", "",
             "The values that price each line (`exsim params` lists them all); change them with `--set` to test "
             "the case against your own figures.", "",
             "| line | value (this scenario) | key | source |", "|---|---|---|---|"]
    for metric, keys in COST_SOURCES.items():
        for i, key in enumerate(keys):
            info = parameter_info(key)
            section, field = key.split(".")
            value = config.get(section, {}).get(field)
            text = format_value(value, info.unit if info else "")
            if baseline_config is not None:
                before = baseline_config.get(section, {}).get(field)
                if before != value:
                    text += f" (baseline {format_value(before, info.unit if info else '')})"
            unit = f" {info.unit}" if info and info.unit and "EUR" not in info.unit and "share" not in info.unit else ""
            label = LABELS[metric] if i == 0 else ""
            lines.append(f"| {label} | {text}{unit} | `{key}` | {info.source if info else ''} |")
    intervention_costs = [item for item in config.get("interventions", []) if item.get("cost_eur") or
                          item.get("cost_eur_per_year")]
    for item in intervention_costs:
        lines.append(f"| Intervention \"{item.get('name')}\" | EUR {item.get('cost_eur', 0):,.0f} once, EUR "
                     f"{item.get('cost_eur_per_year', 0):,.0f} a year | `interventions` | user |")
    return lines
