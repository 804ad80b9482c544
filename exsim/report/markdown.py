"""report.md: what was run, the headline table, the figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from exsim.metrics.kpis import BY_NAME, HEADLINE
from exsim.results.summary import summarise


def write_report(folder: Path, timeseries: pd.DataFrame, manifest: dict, figures: list[str],
                 business_case_text: str | None = None) -> None:
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
            metric, fmt, scale = kpi.name, kpi.fmt, kpi.scale
            cells = []
            for year in years:
                row = table[(table["metric"] == metric) & (table["year"] == year)].iloc[0]
                cell = fmt.format(row["mean"] * scale)
                if row["replicates"] > 1:
                    cell += f" [{fmt.format(row['p05'] * scale)}, {fmt.format(row['p95'] * scale)}]"
                cells.append(cell)
            lines.append(f"| {kpi.label} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Figures", ""]
    captions = {
        "kpis.png": "Headline KPIs week by week: median over replicates with the 90% band.",
        "staffing.png": "People in seats and open vacancies.",
        "teams.png": "Each dot is a team in a year: engagement against voluntary attrition and customer satisfaction.",
        "network.png": "The organisation at the end of replicate 0, coloured by engagement.",
    }
    for name in figures:
        lines += [f"![{name}](figures/{name})", "", captions.get(name, ""), ""]
    lines += ["## Files", "",
              "- `timeseries.parquet`: one row per replicate and week (rates annualised over the trailing 52 weeks).",
              "- `teams.parquet`: one row per replicate, year and team.",
              "- `spells.parquet`: one row per employment spell (the shape of an HR attrition export).",
              "- `org.parquet`: one row per replicate and seat: the org chart the run used.",
              "- `summary.csv`: this table in long form (scenario, year, metric, mean, p05, p95, replicates).",
              "- `manifest.json`: version, command, resolved config, seeds and times.", ""]
    (Path(folder) / "report.md").write_text("\n".join(lines))


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
