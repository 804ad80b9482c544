"""`exsim sensitivity`: which levers matter for which outcome (SALib Morris screening, Sobol indices)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from SALib.analyze import morris as morris_analyze  # noqa: E402
from SALib.analyze import sobol as sobol_analyze  # noqa: E402
from SALib.sample import morris as morris_sample  # noqa: E402
from SALib.sample import sobol as sobol_sample  # noqa: E402

from exsim.analysis.experiment import Experiment  # noqa: E402
from exsim.analysis.sweep import design_specs, store_folder  # noqa: E402
from exsim.config import ConfigError  # noqa: E402
from exsim.runs.store import RunStore, run_design  # noqa: E402

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
    """Indices of each lever for one outcome, with confidence intervals."""
    sub = indices[indices["outcome"] == outcome]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(sub) + 1.5))
    y = np.arange(len(sub))
    if design == "sobol":
        ax.barh(y - 0.2, sub["S1"], 0.4, xerr=sub["S1_conf"], label="first order (S1)", color="C0")
        ax.barh(y + 0.2, sub["ST"], 0.4, xerr=sub["ST_conf"], label="total order (ST)", color="C1")
        ax.set_xlabel("Sobol index (share of output variance)")
    else:
        ax.barh(y, sub["mu_star"], xerr=sub["mu_star_conf"], color="C0", label="mu* (mean |elementary effect|)")
        ax.set_xlabel(f"Morris mu* (change in {outcome} across the lever's range)")
    ax.set_yticks(y, sub["lever"])
    ax.invert_yaxis()
    ax.set_title(f"Which levers matter for {outcome}", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return fig


def write_sensitivity(out: Path, experiment: Experiment, indices: pd.DataFrame, per_point: pd.DataFrame,
                      manifest: dict) -> None:
    """indices.csv, points.csv, one bar plot per outcome and report.md, atomically."""
    from exsim.report.figures import save_figure
    from exsim.results.writer import write_folder

    def contents(folder: Path) -> None:
        indices.to_csv(folder / "indices.csv", index=False, float_format="%.6g")
        per_point.to_csv(folder / "points.csv", index=False, float_format="%.6g")
        (folder / "figures").mkdir()
        figures = [save_figure(bar_figure(indices, o, experiment.spec.design), folder / "figures" / f"{o}.png")
                   for o in experiment.spec.outcomes]
        (folder / "report.md").write_text(sensitivity_report(experiment, indices, figures, manifest))

    write_folder(out, contents, manifest)


def sensitivity_report(experiment: Experiment, indices: pd.DataFrame, figures: list[str], manifest: dict) -> str:
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
        lines.append(f"| {lever} | " + " | ".join(cells) + " |")
    lines += ["", "## Figures", ""] + [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"
