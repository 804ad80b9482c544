"""`exsim sweep`: run a design over config keys; a tidy table, response curves with intervals, a report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from exsim.analysis.experiment import Experiment
from exsim.runs.executors import RunSpec
from exsim.runs.replicates import replicate_seeds
from exsim.runs.store import RunStore, run_design

MAX_LINES = 7  # more combinations of the other parameters than this: points, not lines


def store_folder(out: Path) -> Path:
    """Finished runs live beside the output folder, so a rerun with the same --out resumes."""
    out = Path(out)
    return out.parent / f".{out.name}.runs"


def design_specs(experiment: Experiment, points: list[dict]) -> list[RunSpec]:
    """One spec per point and replicate; replicate seeds are shared by all points (common random numbers).

    Every point starts from the base config's settled organisation (its own organisation's shape)
    and runs its values from week 1, so points with the same shape share one settling per seed.
    """
    seeds = replicate_seeds(experiment.spec.seed, experiment.spec.replicates)
    return [RunSpec(experiment.config_for(point), seed, r, tags={"point": i, **point}, settle_under=experiment.base)
            for i, point in enumerate(points) for r, seed in enumerate(seeds)]


def run_sweep(experiment: Experiment, out: Path, executor, say=print) -> tuple[pd.DataFrame, int]:
    """Tidy table: point, one column per parameter, replicate, seed, year and the outcomes."""
    points = experiment.points()
    specs = design_specs(experiment, points)
    yearly, reused = run_design(specs, RunStore(store_folder(out)), executor, "sweep", say)
    keep = ["point", *experiment.spec.parameters, "replicate", "seed", "year", *experiment.spec.outcomes]
    table = yearly[keep].sort_values(["point", "replicate", "year"]).reset_index(drop=True)
    return table, reused


def point_summary(table: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """Per point and outcome: mean over years per replicate, then mean and 90% interval over replicates."""
    params = list(experiment.spec.parameters)
    per_run = table.groupby(["point", *params, "replicate"], dropna=False)[experiment.spec.outcomes].mean().reset_index()
    long = per_run.melt(id_vars=["point", *params, "replicate"], var_name="outcome")
    stats = long.groupby(["point", *params, "outcome"], dropna=False)["value"]
    return pd.DataFrame({"mean": stats.mean(), "p05": stats.quantile(0.05), "p95": stats.quantile(0.95),
                         "replicates": stats.count()}).reset_index()


def response_figure(summary: pd.DataFrame, parameter: str, outcome: str, others: list[str] | None = None):
    """An outcome against one parameter: the mean over replicates at each point with, from 3 replicates on, the
    band holding 90% of replicates. One line per combination of the `others` parameters' values (never an average
    over them); when those combinations are too many to draw as lines (random and Latin-hypercube designs), every
    design point is drawn on its own, coloured by nothing, with its interval as an error bar."""
    from exsim.metrics.kpis import BY_NAME
    from exsim.report.catalogue import parameter_label
    from exsim.report.style import colour, kpi_axis, new_figure
    from exsim.report.wording import has_interval

    kpi = BY_NAME.get(outcome)
    scale = kpi.scale if kpi is not None else 1.0
    others = [p for p in (others or []) if p != parameter and summary[p].nunique(dropna=False) > 1]
    sub = summary[summary["outcome"] == outcome].sort_values(parameter)
    n = int(sub["replicates"].max()) if len(sub) else 0
    fig, ax = new_figure(figsize=(7.5, 4.8))
    groups = list(sub.groupby(others, sort=True, dropna=False)) if others else [((), sub)]
    drawn = []
    if len(groups) <= MAX_LINES and all(g[parameter].is_unique for _, g in groups):
        for i, (values, group) in enumerate(groups):
            values = values if isinstance(values, tuple) else (values,)
            label = ", ".join(_value_text(v) for v in values) or None
            x = group[parameter].to_numpy(dtype=float)
            ax.plot(x, group["mean"] * scale, marker="o", color=colour(i), label=label)
            if has_interval(n):
                ax.fill_between(x, group["p05"] * scale, group["p95"] * scale, color=colour(i), alpha=0.18, lw=0)
            drawn += [group["mean"] * scale, group["p95"] * scale]
        what = "one line per value of " + " and ".join(parameter_label(p) for p in others) if others else ""
    else:
        x = sub[parameter].to_numpy(dtype=float)
        y = sub["mean"].to_numpy() * scale
        err = (np.vstack([y - sub["p05"].to_numpy() * scale, sub["p95"].to_numpy() * scale - y])
               if has_interval(n) else None)
        ax.errorbar(x, y, yerr=err, fmt="o", color=colour(0), ecolor="0.6", elinewidth=1, ms=4)
        drawn += [y, sub["p95"] * scale]
        what = "each dot one design point; the other parameters differ between dots"
    if kpi is not None:
        kpi_axis(ax, kpi, np.concatenate([np.asarray(d, dtype=float) for d in drawn]) if drawn else None)
    else:
        ax.set_ylabel(outcome)
    ax.set_xlabel(parameter_label(parameter))
    band = ("band: 90% of replicates" if len(groups) <= MAX_LINES else "bars: 90% of replicates") if has_interval(n) \
        else ("single run, no interval" if n == 1 else f"n = {n}, no interval")
    title = f"{(kpi.label.split(' (')[0] if kpi else outcome)} against {parameter_label(parameter).split(' (')[0].lower()}"
    ax.set_title(f"{title}\nmean over {n} replicate{'s' if n != 1 else ''} and the years; {band}"
                 + (f"\n{what}" if what else ""), fontsize=9)
    ax.grid(alpha=0.3)
    if others and len(groups) <= MAX_LINES:
        fig.legend(loc="outside right upper", title=",\n".join(parameter_label(p) for p in others), fontsize=8,
                   title_fontsize=8, frameon=False)
    return fig


def _value_text(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) else str(value)


def is_plottable(column: pd.Series) -> bool:
    """Numbers (not text, whatever pandas calls its text dtype, and not true/false) make a response curve."""
    return pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype)


def write_sweep(out: Path, experiment: Experiment, table: pd.DataFrame, manifest: dict) -> None:
    """results.parquet/csv, summary.csv, figures/<outcome>_vs_<parameter>.png and report.md, atomically."""
    from exsim.report.html import write_html
    from exsim.report.style import save_figure
    from exsim.results.writer import write_folder

    summary = point_summary(table, experiment)

    def contents(folder: Path) -> None:
        table.to_parquet(folder / "results.parquet", index=False)
        table.to_csv(folder / "results.csv", index=False, float_format="%.6g")
        summary.to_csv(folder / "summary.csv", index=False, float_format="%.6g")
        (folder / "figures").mkdir()
        figures = []
        for parameter in experiment.spec.parameters:
            if summary[parameter].nunique() < 2 or not is_plottable(summary[parameter]):
                continue
            for outcome in experiment.spec.outcomes:
                name = f"{outcome}_vs_{parameter.replace('.', '_')}.png"
                others = [p for p in experiment.spec.parameters if p != parameter]
                figures.append(save_figure(response_figure(summary, parameter, outcome, others),
                                           folder / "figures" / name))
        text = sweep_report(experiment, summary, figures, manifest)
        (folder / "report.md").write_text(text)
        write_html(folder, text, title=f"exsim sweep: {experiment.path.name}")

    write_folder(out, contents, manifest)


def sweep_report(experiment: Experiment, summary: pd.DataFrame, figures: list[str], manifest: dict) -> str:
    from exsim.metrics.kpis import BY_NAME
    from exsim.report.catalogue import parameter_label

    spec = experiment.spec
    params = list(spec.parameters)
    n = int(summary["replicates"].max()) if len(summary) else 0
    interval = ("mean over years and replicates, with the 90% interval over replicates in brackets" if n >= 3
                else ("mean over the years of a single run, no interval" if n == 1
                      else f"mean over years and n = {n} replicates, no interval"))
    years = f"{spec.years} year{'s' if spec.years != 1 else ''}"
    lines = [f"# exsim sweep: {experiment.path.name}", "", f"Command: `{manifest['command']}`  ",
             f"Design: {spec.design}, {summary['point'].nunique()} points x {spec.replicates} replicates, "
             f"{years}, seed {spec.seed}; base `{spec.base}`.", "",
             "What was varied:", ""]
    lines += [f"- {parameter_label(p)} (`{p}`): {', '.join(_value_text(v) for v in _sorted_values(summary[p]))}"
              if summary[p].nunique() <= 12 else f"- {parameter_label(p)} (`{p}`): {summary[p].nunique()} values from "
              f"{_value_text(summary[p].min())} to {_value_text(summary[p].max())}" for p in params]
    lines += ["", f"Each cell: {interval}.", "",
              "| point | " + " | ".join(parameter_label(p) for p in params) + " | "
              + " | ".join(BY_NAME[o].label if o in BY_NAME else o for o in spec.outcomes) + " |",
              "|---|" + "---|" * (len(params) + len(spec.outcomes))]
    wide = summary.pivot_table(index=["point", *params], columns="outcome", values=["mean", "p05", "p95"]).reset_index()
    for _, row in wide.iterrows():
        cells = []
        for o in spec.outcomes:
            kpi = BY_NAME.get(o)
            fmt, scale = (kpi.fmt, kpi.scale) if kpi else ("{:.3g}", 1.0)
            cell = fmt.format(row[("mean", o)] * scale)
            if n >= 3:
                cell += f" [{fmt.format(row[('p05', o)] * scale)}, {fmt.format(row[('p95', o)] * scale)}]"
            cells.append(cell)
        values = [_value_text(row[(p, '')]) for p in params]
        lines.append(f"| {int(row[('point', '')])} | " + " | ".join(values) + " | " + " | ".join(cells) + " |")
    lines += ["", "## Response curves", "",
              "Each figure: the outcome against one parameter, one line per value of the other parameters (never "
              "averaged over them); 0-1 scales on 0..1, rates from 0%. SVG beside each PNG.", ""]
    lines += [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"


def _sorted_values(column: pd.Series) -> list:
    """A parameter's values in order: numbers by size, anything else as text."""
    values = list(column.dropna().unique())
    return sorted(values) if is_plottable(column) else sorted(values, key=str)
