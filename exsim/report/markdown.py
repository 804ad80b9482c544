"""report.md: what was run, the headline table, the figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from exsim.metrics.kpis import BY_NAME, HEADLINE
from exsim.results.summary import has_departments, summarise, summarise_departments

DEPARTMENT_COLUMNS = ("headcount", "manager_support", "engagement", "voluntary_attrition_rate", "absence_rate", "csat",
                      "revenue", "cost_total")


def write_report(folder: Path, timeseries: pd.DataFrame, manifest: dict, figures: list[str],
                 business_case_text: str | None = None, departments: pd.DataFrame | None = None) -> None:
    """Write report.md into the run folder; with a baseline, the business case (markdown the caller renders) comes first."""
    summary = summarise(timeseries)
    years = sorted(summary["year"].unique())
    lines = [f"# exsim run: {manifest['scenario']}", "", _what_was_run(manifest), ""]
    if business_case_text is not None:
        lines += [business_case_text, ""]
    for scenario, table in summary.groupby("scenario", sort=False):
        lines += [f"## Headline KPIs per year ({scenario})", "",
                  "Each cell: mean over replicates, with the 90% interval over replicates in brackets.", "",
                  "| KPI | " + " | ".join(f"year {y}" for y in years) + " |",
                  "|---|" + "---|" * len(years)]
        for kpi in (BY_NAME[name] for name in HEADLINE):
            cells = [_cell(table[(table["metric"] == kpi.name) & (table["year"] == year)].iloc[0], kpi) for year in years]
            lines.append(f"| {kpi.label} | " + " | ".join(cells) + " |")
        lines.append("")
    if departments is not None and has_departments(departments):
        lines += _department_lines(departments)
    lines += ["## Figures", ""]
    captions = {
        "kpis.png": "Headline KPIs week by week: median over replicates with the 90% band.",
        "staffing.png": "People in seats and open vacancies.",
        "teams.png": "Each dot is a team in a year: engagement against voluntary attrition and customer satisfaction.",
        "network.png": "The organisation at the end of replicate 0, coloured by engagement.",
        "departments.png": "Each department year by year: mean over replicates.",
    }
    for name in figures:
        lines += [f"![{name}](figures/{name})", "", captions.get(name, ""), ""]
    lines += ["## Files", "",
              "- `timeseries.parquet`: one row per replicate and week (rates annualised over the trailing 52 weeks).",
              "- `teams.parquet`: one row per replicate, year and team.",
              "- `spells.parquet`: one row per employment spell (the shape of an HR attrition export).",
              "- `org.parquet`: one row per replicate and seat: the org chart the run used.",
              "- `departments.parquet`: one row per replicate, week and department (`departments_summary.csv`: "
              "per year, with departments).",
              "- `summary.csv`: this table in long form (scenario, year, metric, mean, p05, p95, replicates).",
              "- `manifest.json`: version, command, resolved config, seeds and times.", ""]
    (Path(folder) / "report.md").write_text("\n".join(lines))


def _department_lines(departments: pd.DataFrame) -> list[str]:
    """Per scenario, the last year's KPIs of each department, mean with the 90% interval over replicates."""
    summary = summarise_departments(departments)
    order = {name: i for i, name in enumerate(departments["department"].unique())}  # as the scenario lists them
    summary = summary.sort_values("department", key=lambda names: names.map(order), kind="stable")
    year = summary["year"].max()
    kpis = [BY_NAME[name] for name in DEPARTMENT_COLUMNS]
    lines = []
    for scenario, table in summary[summary["year"] == year].groupby("scenario", sort=False):
        lines += [f"## Departments in year {year} ({scenario})", "",
                  "Each cell: mean over replicates, with the 90% interval in brackets; the top seat is `executive`.", "",
                  "| department | " + " | ".join(kpi.label for kpi in kpis) + " |", "|---|" + "---|" * len(kpis)]
        for department, rows in table.groupby("department", sort=False):
            cells = [_cell(rows[rows["metric"] == kpi.name].iloc[0], kpi) for kpi in kpis]
            lines.append(f"| {department} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _cell(row: pd.Series, kpi) -> str:
    if pd.isna(row["mean"]):
        return "-"
    cell = kpi.fmt.format(row["mean"] * kpi.scale)
    if row["replicates"] > 1:
        cell += f" [{kpi.fmt.format(row['p05'] * kpi.scale)}, {kpi.fmt.format(row['p95'] * kpi.scale)}]"
    return cell


def _what_was_run(manifest: dict) -> str:
    cfg = manifest["config"]
    shape = (f"org chart {cfg['org']['chart']}" if cfg["org"].get("chart")
             else f"{cfg['org']['headcount']} seats, mean span of control {cfg['org']['span_of_control']}")
    return (f"Command: `{manifest['command']}`  \n"
            f"Organisation: {shape}, "
            f"workload {cfg['work']['workload']}, trust climate {cfg['culture']['trust']}, "
            f"perks EUR {cfg['policy']['perks_eur_per_employee']:.0f} per employee per year.  \n"
            f"Simulated {cfg['sim']['years']} years (after {cfg['sim']['burn_in_weeks']} unrecorded settling weeks), "
            f"{cfg['sim']['replicates']} replicate(s) from seed {cfg['sim']['seed']}.")
