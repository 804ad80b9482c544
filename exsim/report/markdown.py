"""report.md (and report.html beside it): what was run, what changed, what it did and why, the money, the figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from exsim.metrics.kpis import BY_NAME, HEADLINE
from exsim.report.wording import MIN_INTERVAL_REPLICATES
from exsim.results.summary import has_departments, summarise, summarise_departments

DEPARTMENT_COLUMNS = ("headcount", "manager_support", "engagement", "voluntary_attrition_rate", "absence_rate", "csat",
                      "revenue", "cost_total")

CAPTIONS = {
    "kpis.png": "Headline KPIs week by week. Line: mean over replicates; band: 90% of replicates (from 3 replicates "
                "on). Engagement and customer satisfaction on their full 0-1 scale, rates from 0%. Rates are "
                "annualised over the trailing 52 weeks. Dashed lines mark when an intervention starts.",
    "staffing.png": "People in post and open vacancies, from zero, in whole people. Line: mean over replicates; "
                    "band: 90% of replicates (from 3 replicates on).",
    "teams.png": "Team-years grouped by their engagement: the voluntary attrition of each group pooled (its quits over "
                 "its people-years) and the mean customer satisfaction of its frontline teams; the number by each "
                 "point is how many team-years it holds. Teams of fewer than 3 people are left out.",
    "network.png": "The organisation at the end of replicate 0: managers as large circles coloured by their "
                   "engagement, each team's members as a block of small squares under its manager, vacant seats as "
                   "open squares.",
    "departments.png": "Each department year by year: mean over replicates.",
}


def write_report(folder: Path, timeseries: pd.DataFrame, manifest: dict, figures: list[str],
                 business_case_text: str | None = None, departments: pd.DataFrame | None = None,
                 facts: pd.DataFrame | None = None, sensitivity: pd.DataFrame | None = None) -> None:
    """Write report.md and report.html into the run folder.

    With a baseline in the manifest (`baseline_config`) the report says what changed against it in
    words, the headline effects with intervals, the mechanism that carries them and the business case
    (`business_case_text`, with every cost line's source). `facts` (exsim.validation.baseline) sets the
    baseline, or the run itself, against the published facts; `sensitivity` (an `exsim sensitivity`
    run's indices) names in the caveats the levers that dominate each outcome.
    """
    folder = Path(folder)
    text = report_markdown(timeseries, manifest, figures, business_case_text, departments, facts, sensitivity)
    (folder / "report.md").write_text(text)
    from exsim.report.html import write_html

    write_html(folder, text, title=f"exsim run: {manifest.get('scenario', '')}")


def report_markdown(timeseries: pd.DataFrame, manifest: dict, figures: list[str],
                    business_case_text: str | None = None, departments: pd.DataFrame | None = None,
                    facts: pd.DataFrame | None = None, sensitivity: pd.DataFrame | None = None) -> str:
    """The report's markdown (see write_report)."""
    from exsim.report.explain import caveats, effects_markdown, facts_markdown, mechanism_sentences, paired_effects

    scenario = manifest["scenario"]
    config = manifest.get("config")
    base_config = manifest.get("baseline_config")
    baseline = base_config["sim"]["name"] if base_config else None
    n = int(timeseries["replicate"].nunique())
    summary = summarise(timeseries)
    years = sorted(summary["year"].unique())
    lines = [f"# exsim run: {scenario}", "", _what_was_run(manifest, n), ""]
    if baseline is not None and baseline in set(timeseries["scenario"]) and scenario in set(timeseries["scenario"]):
        own, ref = (timeseries[timeseries["scenario"] == name] for name in (scenario, baseline))
        lines += [f"## What changed against {baseline}", ""]
        changes = _changes(config, base_config, baseline)
        lines += [f"- {c}" for c in changes] if changes else ["- Nothing in the config: only the seeds differ."]
        effects = paired_effects(own, ref)
        lines += ["", "## What it did, and why", "", *effects_markdown(effects, scenario, baseline), "",
                  *mechanism_sentences(effects), ""]
    if business_case_text is not None:
        lines += [business_case_text, ""]
    for name, table in summary.groupby("scenario", sort=False):
        lines += [f"## Headline KPIs per year ({name})", "", f"Each cell: {_interval_words(n)}.", "",
                  "| KPI | " + " | ".join(f"year {y}" for y in years) + " |", "|---|" + "---|" * len(years)]
        for kpi in (BY_NAME[k] for k in HEADLINE):
            cells = [_cell(table[(table["metric"] == kpi.name) & (table["year"] == year)].iloc[0], kpi) for year in years]
            lines.append(f"| {kpi.label} | " + " | ".join(cells) + " |")
        lines.append("")
    if departments is not None and has_departments(departments):
        lines += _department_lines(departments, n)
    if facts is not None:
        lines += [*facts_markdown(facts, baseline or scenario), ""]
    lines += ["## Figures", "", "Every figure is also saved as SVG beside its PNG, for slides.", ""]
    for name in figures:
        lines += [f"![{name}](figures/{name})", "", CAPTIONS.get(name, ""), ""]
    years_run = int(config["sim"]["years"]) if config else len(years)
    lines += [*caveats(config or {}, n, years_run, facts, sensitivity), ""]
    lines += ["## Files", "",
              "- `report.html`: this report in one file with its figures, to open in a browser or print to PDF.",
              "- `timeseries.parquet`: one row per replicate and week (rates annualised over the trailing 52 weeks).",
              "- `teams.parquet`: one row per replicate, year and team.",
              "- `spells.parquet`: one row per employment spell (the shape of an HR attrition export).",
              "- `org.parquet`: one row per replicate and seat: the org chart the run used.",
              "- `departments.parquet`: one row per replicate, week and department (`departments_summary.csv`: "
              "per year, with departments).",
              "- `summary.csv`: the headline table in long form (scenario, year, metric, mean, p05, p95, replicates).",
              "- `manifest.json`: version, command, resolved config, seeds and times.", ""]
    if baseline is not None:
        lines.insert(-1, "- `business_case.csv`: the business case in long form (period, metric, mean, p05, p95, "
                         "replicates).")
    return "\n".join(lines)


def _changes(config: dict | None, base_config: dict | None, baseline: str) -> list[str]:
    from exsim.report.catalogue import changes_in_words

    if not config or not base_config:
        return []
    return changes_in_words(config, base_config, baseline)


def _interval_words(n: int) -> str:
    if n >= MIN_INTERVAL_REPLICATES:
        return f"mean over {n} replicates, with the 90% interval over replicates in brackets"
    return "single run, no interval" if n == 1 else f"mean of n = {n} replicates, no interval"


def _department_lines(departments: pd.DataFrame, n: int) -> list[str]:
    """Per scenario, the last year's KPIs of each department, mean with the 90% interval over replicates."""
    summary = summarise_departments(departments)
    order = {name: i for i, name in enumerate(departments["department"].unique())}  # as the scenario lists them
    summary = summary.sort_values("department", key=lambda names: names.map(order), kind="stable")
    year = summary["year"].max()
    kpis = [BY_NAME[name] for name in DEPARTMENT_COLUMNS]
    lines = []
    for scenario, table in summary[summary["year"] == year].groupby("scenario", sort=False):
        lines += [f"## Departments in year {year} ({scenario})", "",
                  f"Each cell: {_interval_words(n)}; the top seat is `executive`.", "",
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
    if row["replicates"] >= MIN_INTERVAL_REPLICATES:
        cell += f" [{kpi.fmt.format(row['p05'] * kpi.scale)}, {kpi.fmt.format(row['p95'] * kpi.scale)}]"
    return cell


def _what_was_run(manifest: dict, replicates: int) -> str:
    from exsim.report.wording import plural

    cfg = manifest["config"]
    shape = (f"org chart {cfg['org']['chart']}" if cfg["org"].get("chart")
             else f"{cfg['org']['headcount']} seats, mean span of control {cfg['org']['span_of_control']:g}")
    return (f"Command: `{manifest['command']}`  \n"
            f"Organisation: {shape}, "
            f"workload {cfg['work']['workload']:g}, trust climate {cfg['culture']['trust']:g}, "
            f"perks EUR {cfg['policy']['perks_eur_per_employee']:,.0f} per employee per year.  \n"
            f"Simulated {plural(cfg['sim']['years'], 'year')} (after {cfg['sim']['burn_in_weeks']} unrecorded settling "
            f"weeks), {plural(replicates, 'replicate')} from seed {cfg['sim']['seed']}; "
            f"{_interval_words(replicates)} throughout.")
