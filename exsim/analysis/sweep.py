"""`exsim sweep`: run a design over config keys; a tidy table, response curves with intervals, a report."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from exsim.analysis.experiment import Experiment  # noqa: E402
from exsim.runs.executors import RunSpec  # noqa: E402
from exsim.runs.replicates import replicate_seeds  # noqa: E402
from exsim.runs.store import RunStore, run_design  # noqa: E402


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


def response_figure(summary: pd.DataFrame, parameter: str, outcome: str):
    """An outcome against one parameter: point means with 90% intervals (other parameters pooled)."""
    sub = summary[summary["outcome"] == outcome].sort_values(parameter)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    grouped = sub.groupby(parameter)[["mean", "p05", "p95"]].mean()
    x = grouped.index.to_numpy(dtype=float)
    ax.plot(x, grouped["mean"], marker="o", color="C0")
    ax.fill_between(x, grouped["p05"], grouped["p95"], color="C0", alpha=0.2, lw=0, label="90% of replicates")
    ax.set_xlabel(parameter)
    ax.set_ylabel(outcome)
    ax.set_title(f"{outcome} against {parameter}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def is_plottable(column: pd.Series) -> bool:
    """Numbers (not text, whatever pandas calls its text dtype, and not true/false) make a response curve."""
    return pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype)


def write_sweep(out: Path, experiment: Experiment, table: pd.DataFrame, manifest: dict) -> None:
    """results.parquet/csv, summary.csv, figures/<outcome>_vs_<parameter>.png and report.md, atomically."""
    from exsim.report.figures import save_figure
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
                figures.append(save_figure(response_figure(summary, parameter, outcome), folder / "figures" / name))
        (folder / "report.md").write_text(sweep_report(experiment, summary, figures, manifest))

    write_folder(out, contents, manifest)


def sweep_report(experiment: Experiment, summary: pd.DataFrame, figures: list[str], manifest: dict) -> str:
    spec = experiment.spec
    params = list(spec.parameters)
    lines = [f"# exsim sweep: {experiment.path.name}", "", f"Command: `{manifest['command']}`  ",
             f"Design: {spec.design}, {summary['point'].nunique()} points x {spec.replicates} replicates, "
             f"{spec.years} years, seed {spec.seed}; base `{spec.base}`.", "",
             "Each cell: mean over years and replicates, with the 90% interval over replicates.", "",
             "| point | " + " | ".join(params) + " | " + " | ".join(spec.outcomes) + " |",
             "|---|" + "---|" * (len(params) + len(spec.outcomes))]
    wide = summary.pivot_table(index=["point", *params], columns="outcome", values=["mean", "p05", "p95"]).reset_index()
    for _, row in wide.iterrows():
        cells = [f"{row[('mean', o)]:.3g} [{row[('p05', o)]:.3g}, {row[('p95', o)]:.3g}]" for o in spec.outcomes]
        values = [f"{row[(p, '')]:.4g}" if isinstance(row[(p, '')], float) else str(row[(p, '')]) for p in params]
        lines.append(f"| {int(row[('point', '')])} | " + " | ".join(values) + " | " + " | ".join(cells) + " |")
    lines += ["", "## Response curves", ""] + [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"
