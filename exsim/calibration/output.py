"""What a calibration writes: calibrated.toml, fit and parameter tables, figures, report.md.

The output folder also holds the Optuna study (study.db), so every file here is replaced
atomically on its own rather than by swapping the whole folder.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from exsim.calibration.fit import FitResult  # noqa: E402
from exsim.data.records import EmployeeRecords  # noqa: E402


def write_atomically(path: Path, write) -> None:
    """`write(tmp_path)` then rename over `path`."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def calibrated_toml(base_path: Path, result: FitResult, data: Path, overrides: dict[str, object] | None = None,
                    folder: Path | None = None) -> str:
    """A scenario extending the base config (by a path relative to `folder`) with the --set overrides and fitted values.

    `overrides` maps dotted keys to their resolved values; sim.* settings of the calibration run are
    left out, and a fitted value replaces an override of the same key, so no key appears twice.
    """
    tree: dict = {"sim": {"name": "calibrated"}}
    for key, value in (overrides or {}).items():
        if not key.startswith("sim."):
            _set_dotted(tree, key, value)
    for key, value in result.study.best_params.items():
        _set_dotted(tree, key, float(f"{value:.6g}"))
    lines = [f"# Calibrated by exsim calibrate on {data}.",
             "# Fitted values below; intervals and fit statistics are in report.md next to this file.",
             f"extends = {toml_value(relative_path(base_path, folder))}"]
    return "\n".join(lines + toml_tables(tree)) + "\n"


def relative_path(path: Path, folder: Path | None) -> str:
    """`path` relative to `folder` with / separators (absolute when there is no relative path, as across drives)."""
    target = Path(path).resolve()
    if folder is None:
        return target.as_posix()
    try:
        return Path(os.path.relpath(target, Path(folder).resolve())).as_posix()
    except ValueError:
        return target.as_posix()


def _set_dotted(tree: dict, key: str, value) -> None:
    *parents, name = key.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[name] = value


def toml_tables(tree: dict, prefix: str = "") -> list[str]:
    """TOML lines for nested dicts: each dict of scalars as a [table], nested dicts as [table.sub]."""
    lines = []
    for name, body in tree.items():
        header = f"{prefix}{toml_key(name)}"
        scalars = {k: v for k, v in body.items() if not isinstance(v, dict)}
        lines += ["", f"[{header}]", *(f"{toml_key(k)} = {toml_value(v)}" for k, v in scalars.items())]
        lines += toml_tables({k: v for k, v in body.items() if isinstance(v, dict)}, f"{header}.")
    return lines


def toml_key(key: str) -> str:
    """A bare key when it is one, else a quoted key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def toml_value(value) -> str:
    """A TOML value for a bool, number, string, list or dict (inline table)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))
    if isinstance(value, str):
        return '"' + "".join(_TOML_ESCAPES.get(c, f"\\u{ord(c):04x}" if ord(c) < 32 or ord(c) == 127 else c)
                             for c in value) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    if value is None:
        raise ValueError("TOML has no null; leave the key out")
    return toml_value(str(value))


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def fit_table(result: FitResult) -> pd.DataFrame:
    obs, sim = result.observed, result.best_simulated
    rows = [{"target": "annual voluntary attrition" if obs.mode == "dates" else "share who left",
             "observed": obs.attrition, "simulated": sim.attrition}]
    for point, value in obs.curve.items():
        label = f"retention at month {point}" if obs.mode == "dates" else f"exit share in tenure year {point}"
        rows.append({"target": label, "observed": value, "simulated": sim.curve.get(point)})
    table = pd.DataFrame(rows)
    table["difference"] = table["simulated"] - table["observed"]
    return table


def curve_figure(result: FitResult):
    obs, sim = result.observed, result.best_simulated
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(obs.curve.index, obs.curve.to_numpy(), "o-", label="observed (your data)", color="C0")
    ax.plot(sim.curve.index, sim.curve.to_numpy(), "s--", label="simulated (calibrated)", color="C1")
    if obs.mode == "dates":
        ax.set_xlabel("tenure (months)")
        ax.set_ylabel("share still employed (Kaplan-Meier)")
        ax.set_title("Retention by tenure: observed and simulated", fontsize=10)
    else:
        ax.set_xlabel("tenure (completed years)")
        ax.set_ylabel("share who left in the past year")
        ax.set_title("Exit share by tenure year: observed and simulated", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def loss_figure(result: FitResult):
    """Loss of every trial against each fitted parameter: flat = the data cannot identify it."""
    trials = result.study.trials_dataframe()
    keys = list(result.parameters)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.6 * len(keys), 3.4), squeeze=False)
    for ax, key in zip(axes[0], keys):
        ax.scatter(trials[f"params_{key}"], trials["value"], s=12, alpha=0.6)
        ax.set_xlabel(key.split(".")[1], fontsize=8)
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("loss (log)")
    fig.suptitle("Trials: loss against each parameter", fontsize=10)
    fig.tight_layout()
    return fig


def report(result: FitResult, records: EmployeeRecords, fit: pd.DataFrame, command: str, figures: list[str]) -> str:
    iv = result.intervals
    lines = ["# exsim calibrate", "", f"Command: `{command}`  ", records.summary().replace("\n", "  \n"), "",
             f"{len(result.study.trials)} trials; best loss {result.study.best_value:.2f} "
             "(squared misfit: 2 points of attrition or 5 points of the curve count as 1).", "",
             "## Fitted parameters", "",
             "Interval: the range over trials whose loss is within the noise of the best.", "",
             "| parameter | fitted | interval | search range | identified by these data |", "|---|---|---|---|---|"]
    for _, row in iv.iterrows():
        verdict = "yes" if row["identified"] else "**no**: the interval spans most of the range"
        lines.append(f"| {row['parameter']} | {row['best']:.4g} | {row['low']:.4g} to {row['high']:.4g} | "
                     f"{row['search_low']:.4g} to {row['search_high']:.4g} | {verdict} |")
    unidentified = iv.loc[~iv["identified"], "parameter"].tolist()
    if unidentified:
        lines += ["", f"The data cannot identify {', '.join(unidentified)}: many values fit equally well. "
                      "Keep the default or fix it from other evidence."]
    rmse = float((fit["difference"] ** 2).mean() ** 0.5)
    lines += ["", "## Fit", "", f"Root mean square difference over all targets: {rmse:.3f}.", "",
              "| target | observed | simulated | difference |", "|---|---|---|---|"]
    for _, row in fit.iterrows():
        lines.append(f"| {row['target']} | {row['observed']:.3f} | {row['simulated']:.3f} | {row['difference']:+.3f} |")
    lines += ["", "## Figures", ""] + [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"


def write_outputs(out: Path, base_path: Path, data: Path, result: FitResult, records: EmployeeRecords, command: str,
                  overrides: dict[str, object] | None = None) -> None:
    """Figures, fit.csv, parameters.csv, report.md and calibrated.toml, each replaced atomically."""
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    figures = []
    for name, make in (("curve.png", curve_figure), ("trials.png", loss_figure)):
        fig = make(result)
        write_atomically(figdir / name, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
        plt.close(fig)
        figures.append(name)
    fit = fit_table(result)
    write_atomically(out / "fit.csv", lambda p: fit.to_csv(p, index=False, float_format="%.6g"))
    write_atomically(out / "parameters.csv", lambda p: result.intervals.to_csv(p, index=False, float_format="%.6g"))
    write_atomically(out / "report.md", lambda p: p.write_text(report(result, records, fit, command, figures)))
    write_atomically(out / "calibrated.toml", lambda p: p.write_text(calibrated_toml(base_path, result, data, overrides, out)))
