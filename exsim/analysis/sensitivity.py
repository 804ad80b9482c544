"""`exsim sensitivity`: which levers matter for which outcome (SALib Morris screening, Sobol indices)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from exsim.analysis.experiment import Experiment
from exsim.analysis.sweep import design_specs, store_folder
from exsim.config import ConfigError
from exsim.runs.store import RunStore, run_design

MORRIS_LEVELS = 4


def problem(experiment: Experiment) -> dict:
    """SALib's problem: every parameter as a range on the unit scale (values lists are indexed)."""
    names = list(experiment.spec.parameters)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def sample(experiment: Experiment) -> np.ndarray:
    """Unit-cube samples: Saltelli (Sobol) or Morris trajectories, seeded by the spec."""
    spec, prob = experiment.spec, problem(experiment)
    if spec.design == "sobol":
        return sobol_sample.sample(prob, spec.samples, calc_second_order=False, seed=spec.seed)
    if spec.design == "morris":
        return morris_sample.sample(prob, spec.samples, num_levels=MORRIS_LEVELS, seed=spec.seed)
    raise ConfigError(f"{experiment.path}: design = {spec.design!r}; sensitivity needs design = \"sobol\" or \"morris\"")


def run_sensitivity(experiment: Experiment, out: Path, executor, say=print) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Indices per outcome and lever, the per-point outcomes, and how many runs were reused."""
    unit = sample(experiment)
    points = [experiment.from_unit(row) for row in unit]
    yearly, reused = run_design(design_specs(experiment, points), RunStore(store_folder(out)), executor, "sensitivity", say)
    outcomes = experiment.spec.outcomes
    per_point = yearly.groupby("point")[outcomes].mean().sort_index()  # mean over replicates and years
    prob = problem(experiment)
    rows = []
    for outcome in outcomes:
        y = per_point[outcome].to_numpy()
        with np.errstate(all="ignore"), warnings.catch_warnings():  # an outcome no lever moves: NaN indices
            warnings.simplefilter("ignore")
            rows += outcome_indices(experiment, prob, unit, y, outcome)
    indices = pd.DataFrame(rows)
    key = "ST" if experiment.spec.design == "sobol" else "mu_star"
    # an outcome that no lever moves has undefined (NaN) Sobol indices: those levers rank last
    indices["rank"] = indices.groupby("outcome")[key].rank(ascending=False, method="min", na_option="bottom").astype(int)
    return indices, per_point.reset_index(), reused


def outcome_indices(experiment: Experiment, prob: dict, unit: np.ndarray, y: np.ndarray, outcome: str) -> list[dict]:
    """One row per lever: Sobol S1 and ST, or Morris mu* and sigma, with confidence intervals."""
    seed = experiment.spec.seed
    if experiment.spec.design == "sobol":
        res = sobol_analyze.analyze(prob, y, calc_second_order=False, seed=seed)
        return [{"outcome": outcome, "lever": name, "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                 "ST": res["ST"][i], "ST_conf": res["ST_conf"][i]} for i, name in enumerate(prob["names"])]
    res = morris_analyze.analyze(prob, unit, y, num_levels=MORRIS_LEVELS, seed=seed)
    return [{"outcome": outcome, "lever": name, "mu_star": res["mu_star"][i], "mu_star_conf": res["mu_star_conf"][i],
             "sigma": res["sigma"][i]} for i, name in enumerate(prob["names"])]


def bar_figure(indices: pd.DataFrame, outcome: str, design: str):
    """Indices of each lever for one outcome, with confidence intervals; levers named from the parameter catalogue."""
    from exsim.metrics.kpis import BY_NAME
    from exsim.report.catalogue import parameter_label
    from exsim.report.style import colour, legend_outside, new_figure

    sub = indices[indices["outcome"] == outcome].sort_values("rank")  # the lever that matters most on top
    kpi = BY_NAME.get(outcome)
    name = kpi.label if kpi is not None else outcome
    fig, ax = new_figure(figsize=(8, 0.55 * len(sub) + 2.2))
    y = np.arange(len(sub))
    if design == "sobol":
        ax.barh(y - 0.2, sub["S1"], 0.4, xerr=sub["S1_conf"], label="first order (S1)", color=colour(0))
        ax.barh(y + 0.2, sub["ST"], 0.4, xerr=sub["ST_conf"], label="total order (ST)", color=colour(1))
        ax.set_xlabel("Sobol index (share of the outcome's variance, 0-1)")
        ax.set_xlim(0, max(1.0, float(np.nanmax((sub["ST"] + sub["ST_conf"]).to_numpy(dtype=float), initial=0))))
    else:
        scale = kpi.scale if kpi is not None else 1.0
        ax.barh(y, sub["mu_star"] * scale, xerr=sub["mu_star_conf"] * scale, color=colour(0))
        ax.set_xlabel(f"Morris mu*: change in {name}\nacross the lever's range (mean absolute elementary effect)")
        ax.set_xlim(left=0)
    ax.set_yticks(y, [parameter_label(lever) if "." in lever else f"{lever} (not passed to the model: no effect)"
                      for lever in sub["lever"]])
    ax.invert_yaxis()
    # over the whole figure, so long lever names on the left cannot push it off the right edge
    fig.suptitle(f"Which levers matter for {name.split(' (')[0].lower()} (bars: 95% confidence, SALib)", fontsize=10)
    if design == "sobol":  # two bars per lever; one Morris series needs no legend
        legend_outside(ax)
    ax.grid(alpha=0.3, axis="x")
    return fig


def write_sensitivity(out: Path, experiment: Experiment, indices: pd.DataFrame, per_point: pd.DataFrame,
                      manifest: dict) -> None:
    """indices.csv, points.csv, one bar plot per outcome and report.md, atomically."""
    from exsim.report.html import write_html
    from exsim.report.style import save_figure
    from exsim.results.writer import write_folder

    def contents(folder: Path) -> None:
        indices.to_csv(folder / "indices.csv", index=False, float_format="%.6g")
        per_point.to_csv(folder / "points.csv", index=False, float_format="%.6g")
        (folder / "figures").mkdir()
        figures = [save_figure(bar_figure(indices, o, experiment.spec.design), folder / "figures" / f"{o}.png")
                   for o in experiment.spec.outcomes]
        text = sensitivity_report(experiment, indices, figures, manifest)
        (folder / "report.md").write_text(text)
        write_html(folder, text, title=f"exsim sensitivity: {experiment.path.name}")

    write_folder(out, contents, manifest)


def sensitivity_report(experiment: Experiment, indices: pd.DataFrame, figures: list[str], manifest: dict) -> str:
    from exsim.report.catalogue import parameter_label

    spec = experiment.spec
    key = "ST" if spec.design == "sobol" else "mu_star"
    lines = [f"# exsim sensitivity: {experiment.path.name}", "", f"Command: `{manifest['command']}`  ",
             f"{spec.design.title()} design, {manifest['points']} points x {spec.replicates} replicates, {spec.years} years.",
             "", f"Which levers matter for which outcome (rank by {key}; 1 = matters most):", "",
             "| lever | " + " | ".join(spec.outcomes) + " |", "|---|" + "---|" * len(spec.outcomes)]
    for lever in spec.parameters:
        cells = []
        for outcome in spec.outcomes:
            row = indices[(indices["lever"] == lever) & (indices["outcome"] == outcome)].iloc[0]
            conf = row[f"{key}_conf"]
            cells.append(f"#{row['rank']}: {row[key]:.3g} ± {conf:.2g}")
        lines.append(f"| {parameter_label(lever)} (`{lever}`) | " + " | ".join(cells) + " |")
    lines += ["", "## Figures", ""] + [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"


def read_sensitivity(folder: Path) -> pd.DataFrame:
    """indices.csv of an `exsim sensitivity` output folder, checked; a UserError that names the folder otherwise."""
    from exsim.errors import UserError

    path = Path(folder) / "indices.csv"
    if not path.is_file():
        raise UserError(f"--sensitivity {folder}: no indices.csv there; give the --out folder of an "
                        "`exsim sensitivity` run")
    indices = pd.read_csv(path)
    needed = {"lever", "outcome", "rank"}
    index_column = "ST" if "ST" in indices.columns else "mu_star"
    if not needed <= set(indices.columns) or index_column not in indices.columns:
        missing = sorted(needed - set(indices.columns)) or [index_column]
        raise UserError(f"{path}: not an `exsim sensitivity` table (no column {', '.join(missing)})")
    return indices.assign(index=indices[index_column], index_name=index_column, source=str(folder))
