"""What a calibration writes: calibrated.toml, fit and parameter tables, figures, report.md.

The output folder also holds the Optuna study (study.db), so every file here is replaced
atomically on its own rather than by swapping the whole folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import tomli_w
from matplotlib.figure import Figure  # figures without pyplot: importing this module leaves a notebook's backend alone

from exsim.analysis.baselines import fit_baselines
from exsim.calibration.fit import IDENTIFIED_SHARE, FitResult, complete_trials
from exsim.calibration.segments import SegmentFit, merge_tables
from exsim.calibration.targets import Targets, observed_targets
from exsim.calibration.uncertainty import min_trials
from exsim.config import set_dotted
from exsim.data.records import EmployeeRecords

BASELINES = ("weibull", "exponential", "piecewise")


def write_atomically(path: Path, write) -> None:
    """`write(tmp_path)` then rename over `path`."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def calibrated_toml(base_path: Path, result: FitResult, data: Path, overrides: dict[str, object] | None = None,
                    folder: Path | None = None, departments: dict[str, dict] | None = None,
                    segment: str | None = None, values: dict[str, float] | None = None) -> str:
    """A scenario extending the base config (by a path relative to `folder`) with the --set overrides and fitted values.

    `overrides` maps dotted keys to their resolved values; sim.* settings of the calibration run are
    left out, and a fitted value replaces an override of the same key, so no key appears twice.
    `departments` (from --segment `segment`) are [departments.<name>] tables merged in last, and
    `values` (the segment fit's tenure shape and organisation's rate) replace the search's.
    """
    tree: dict = {"sim": {"name": "calibrated"}}
    for key, value in (overrides or {}).items():
        if not key.startswith("sim."):
            set_dotted(tree, key, value)
    for key, value in {**result.best_params, **(values or {})}.items():
        set_dotted(tree, key, float(f"{value:.6g}"))
    lines = [f"# Calibrated by exsim calibrate on {data}.",
             "# Fitted values below; intervals and fit statistics are in report.md next to this file."]
    if departments:
        merge_tables(tree.setdefault("departments", {}), departments)
        lines.append(f"# One department per value of {segment}: its settled quit rate fitted to its own people, the tenure "
                     "shape shared (segments.csv).")
    if values:
        lines.append("# The tenure shape and the organisation's rate are the segment fit's (segment_shape.csv), not the "
                     "search's on everyone pooled (parameters.csv).")
    document = {"extends": relative_path(base_path, folder), **tree}  # tomli-w writes the top-level key first
    return "\n".join(lines) + "\n" + tomli_w.dumps(document)


def relative_path(path: Path, folder: Path | None) -> str:
    """`path` relative to `folder` with / separators (absolute when there is no relative path, as across drives)."""
    target = Path(path).resolve()
    if folder is None:
        return target.as_posix()
    try:
        return Path(os.path.relpath(target, Path(folder).resolve())).as_posix()
    except ValueError:
        return target.as_posix()


def toml_key(key: str) -> str:
    """A bare key when it is one, else a quoted key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def toml_value(value) -> str:
    """A TOML value (bool, number, string, list; a dict as an inline table), written by tomli-w."""
    if value is None:
        raise ValueError("TOML has no null; leave the key out")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


ATTRITION_LABEL = {"dates": "annual voluntary attrition", "tenure": "share who left", "survival": "exits per person-year"}


def fit_table(result: FitResult, records: EmployeeRecords, held_out: EmployeeRecords | None = None) -> pd.DataFrame:
    """Observed against simulated per target, on the fitted people and (with --holdout) the held-out ones.

    Survival records add the data's standard error and, beside the calibrated model, the retention
    a Weibull, an exponential and a piecewise-exponential model fitted to the same people predict.
    """
    baselines = _baselines(records) if result.observed.mode == "survival" else {}
    parts = [_fit_rows(result.observed, result.best_simulated, baselines, "fitted")]
    if held_out is not None:
        parts.append(_fit_rows(observed_targets(held_out), result.best_simulated, baselines, "held out"))
    return pd.concat(parts, ignore_index=True)


def _baselines(records: EmployeeRecords) -> dict:
    try:
        frame = records.survival_frame(voluntary_only=True)
        return fit_baselines(frame, entry="entry_weeks" if "entry_weeks" in frame else None)
    except ValueError:  # no exits at all: nothing for a survival model to fit
        return {}


def _fit_rows(obs: Targets, sim: Targets, baselines: dict, sample: str) -> pd.DataFrame:
    rows = [{"sample": sample, "target": ATTRITION_LABEL[obs.mode], "observed": obs.attrition, "simulated": sim.attrition}]
    for point, value in obs.curve.items():
        label = f"exit share in tenure year {point}" if obs.mode == "tenure" else f"retention at month {point}"
        row = {"sample": sample, "target": label, "observed": value, "simulated": sim.curve.get(point)}
        if obs.se is not None:
            row["observed_se"] = obs.se.get(point)
        for name, model in baselines.items():
            row[name] = float(model.retention([point]).iloc[0])
        rows.append(row)
    table = pd.DataFrame(rows)
    table["difference"] = table["simulated"] - table["observed"]
    return table


def curve_figure(result: FitResult):
    obs, sim = result.observed, result.best_simulated
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.plot(obs.curve.index, obs.curve.to_numpy(), "o-", label="observed (your data)", color="C0")
    if obs.se is not None:
        ax.fill_between(obs.curve.index, obs.curve - 1.96 * obs.se, obs.curve + 1.96 * obs.se, color="C0", alpha=0.15,
                        label="observed, 95% interval")
    ax.plot(sim.curve.index, sim.curve.to_numpy(), "s--", label="simulated (calibrated)", color="C1")
    if obs.mode != "tenure":
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
    fig = Figure(figsize=(3.6 * len(keys), 3.4))
    axes = fig.subplots(1, len(keys), squeeze=False)
    for ax, key in zip(axes[0], keys):
        ax.scatter(trials[f"params_{key}"], trials["value"], s=12, alpha=0.6)
        ax.set_xlabel(key.split(".")[1], fontsize=8)
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("loss (log)")
    fig.suptitle("Trials: loss against each parameter", fontsize=10)
    fig.tight_layout()
    return fig


def report(result: FitResult, records: EmployeeRecords, fit: pd.DataFrame, command: str, figures: list[str],
           held_out: EmployeeRecords | None = None, segments: SegmentFit | None = None) -> str:
    iv = result.intervals
    survival = result.observed.mode == "survival"
    scale = ("(a chi-square: each retention point's miss over its standard error, squared; about 1 per point "
             "at a good fit)" if survival else "(squared misfit: 2 points of attrition or 5 points of the curve count as 1)")
    lines = ["# exsim calibrate", "", f"Command: `{command}`  ", records.summary().replace("\n", "  \n"), "",
             f"Design: {records.design_reason}.", ""]
    if held_out is not None:
        lines += [f"Holdout: the parameters were fitted to the {records.n_used} people above; {held_out.n_used} more "
                  "were held out and scored below as people the fit never saw.", ""]
    if result.observed.all_exits:
        lines += ["The file has no exit reasons, so every exit is compared with every exit of the model "
                  "(voluntary and involuntary).", ""]
    if records.extra_columns:
        lines += [f"Other columns kept for segmenting: {', '.join(map(str, records.extra_columns))}.", ""]
    lines += [*_candidate_lines(result.confirmed, len(result.study.trials), scale), "",
              "## Fitted parameters", "",
              _interval_method(iv, len(complete_trials(result.study))), "",
              "| parameter | fitted | 95% interval | search range | identified by these data |", "|---|---|---|---|---|"]
    for _, row in iv.iterrows():
        lines.append(f"| {row['parameter']} | {row['best']:.4g} | {_interval_text(row)} | "
                     f"{row['search_low']:.4g} to {row['search_high']:.4g} | {_verdict(row)} |")
    unidentified = iv.loc[~iv["identified"], "parameter"].tolist()
    if unidentified:
        lines += ["", f"These data do not pin down {', '.join(unidentified)}: a wide range of values fits about as well, "
                      "or the interval reaches a search bound. Widen a range the interval reaches (--params "
                      "section.key:low:high), or keep the default and fix it from other evidence."]
    if segments is not None:
        lines += ["", *_segment_lines(segments, result.observed.mode)]
    lines += ["", "## Fit", ""] + _fit_lines(fit)
    lines += ["", "## Figures", ""] + [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"


def _segment_lines(segments: SegmentFit, mode: str) -> list[str]:
    """The segments' rates, intervals and their check in the calibrated organisation."""
    table = segments.table
    label = ATTRITION_LABEL[mode]
    where = ("in the organisation calibrated.toml describes: a [departments.<segment>] table per segment, each "
             "segment's figures from its department's people.")
    if segments.shape is None:
        how = ("The tenure shape above is shared; each segment's settled quit rate (attrition.base_quit_rate_per_year) "
               f"is fitted to its own people alone, {where}")
    else:
        how = ("Each segment's settled quit rate (attrition.base_quit_rate_per_year) is fitted to its own people, the "
               f"tenure shape shared, {where} The search's shape above was fitted to everyone pooled, where groups "
               "that leave at different rates look like a hazard falling with tenure, so it is not used here: the "
               "rates are fitted under the scenario's own shape, then the shape is refitted with every segment's rate "
               "free (Latin-hypercube rounds over the rates and the shape, a quadratic emulator per segment, each "
               "segment's people resampled for the intervals) and kept when the refit's 95% region holds it (the last "
               "table).")
    lines = ["## Segments", "",
             f"{how} Rounds of nine runs moved every segment's rate together by steps of 12% around "
             "its centre, on the search's seeds; a quadratic emulator of each segment's figures in its log rate "
             "gives its best rate, and its people, resampled through the emulator (with the model's own noise), "
             f"the 95% interval. {segments.runs} model runs in all. The calibrated organisation then ran on fresh "
             f"seeds: the last columns ({label}; loss as above, over the segment's points).", "",
             "| segment | people | exits | fitted rate | 95% interval | rates run | identified | observed | "
             "in the calibrated organisation | loss |", "|---|---|---|---|---|---|---|---|---|---|"]
    for _, row in table.iterrows():
        if not row["fitted"]:
            lines.append(f"| {row['segment']} | {row['people']} | {row['leavers']} | not fitted | | | | | | |")
            continue
        interval = "none" if pd.isna(row["low"]) else f"{row['low']:.4g} to {row['high']:.4g}"
        lines.append(f"| {row['segment']} | {row['people']} | {row['leavers']} | {row['best']:.4g} | {interval} | "
                     f"{row['window_low']:.3g} to {row['window_high']:.3g} | {'yes' if row['identified'] else '**no**'} | "
                     f"{row['observed_attrition']:.3f} | {row['simulated_attrition']:.3f} | {row['loss']:.2f} |")
    notes = [f"{row['segment']}: {row['note']}" for _, row in table.iterrows() if row["note"]]
    if notes:
        lines += ["", "Not fitted on their own: " + "; ".join(notes) + "."]
    if segments.shape is not None:
        lines += ["", "### The tenure shape with the segments' rates free (segment_shape.csv)", "",
                  *(f"{note[0].upper()}{note[1:]}." for note in segments.notes), "",
                  "| parameter | scenario | search (everyone pooled) | refitted | 95% interval | window | identified | "
                  "written |", "|---|---|---|---|---|---|---|---|"]
        for _, row in segments.shape.iterrows():
            lines.append(f"| {row['parameter']} | {row['scenario']:.4g} | {row['search']:.4g} | {row['refitted']:.4g} | "
                         f"{_interval_text(row)} | {row['window_low']:.4g} to {row['window_high']:.4g} | "
                         f"{'yes' if row['identified'] else '**no**'} | {row['written']:.4g} |")
        rate = segments.values.get("attrition.base_quit_rate_per_year")
        if rate is not None:
            lines += ["", f"The organisation's own rate (for the top seat and any segment not fitted on its own) is the "
                          f"people-weighted mean of the fitted segments' rates, {rate:.4g}."]
    return lines


def _candidate_lines(confirmed: pd.DataFrame, trials: int, scale: str) -> list[str]:
    """How the winner was chosen among the re-run candidates."""
    winner = confirmed.iloc[0]
    trial_rows = confirmed[confirmed["candidate"].str.startswith("trial")]
    emulated = (confirmed["candidate"] == "emulator optimum").any()
    lines = [f"{trials} trials. The best {len(trial_rows)} were re-run on fresh seeds"
             + (", and so was the optimum of a quadratic emulator fitted to every trial (it smooths over each "
                "trial's noise, where the best trial is partly the luckiest draw)" if emulated else "") + ". "
             f"The winner ({winner['candidate']}) has loss {winner['loss_search']:.2f} on the search's seeds and "
             f"{winner['loss_fresh_seeds']:.2f} on fresh seeds {scale}. A re-run moves the loss by "
             f"{winner['rerun_noise']:.2f} on average: candidates closer than that cannot be told apart."]
    if emulated and winner["candidate"] != "emulator optimum":
        lines.append("The emulator's optimum fitted worse than the best trial by more than that noise, so the trial won.")
    return [" ".join(lines)]


def _interval_method(iv: pd.DataFrame, trials: int) -> str:
    resamples = int(iv["resamples"].iloc[0]) if len(iv) else 0
    if not resamples:
        return (f"No intervals: {trials} trials are too few for an emulator of {len(iv)} parameters "
                f"(at least {min_trials(len(iv))}); rerun with more --trials (the study resumes).")
    return (f"Interval: 95% bootstrap. The people were resampled {resamples} times; each resample was fitted "
            f"through a quadratic emulator of the model refitted to a resample of the {trials} trials, so both "
            "the data's noise and the model's count. Values inside the interval fit these data about as well "
            "as the fitted value.")


def _interval_text(row) -> str:
    return "none" if pd.isna(row["low"]) else f"{row['low']:.4g} to {row['high']:.4g}"


def _verdict(row) -> str:
    if row["identified"]:
        return "yes"
    if pd.isna(row["low"]):
        return "**no**: too few trials for an interval"
    if row["high"] - row["low"] > IDENTIFIED_SHARE * (row["search_high"] - row["search_low"]):
        return "**no**: the interval spans most of the search range"
    return "**no**: the interval reaches a search bound (the best value may lie beyond it)"


def _fit_lines(fit: pd.DataFrame) -> list[str]:
    """Per sample (fitted, held out): the table, and how the calibrated model compares with the baselines."""
    lines = []
    names = [n for n in BASELINES if n in fit]
    for sample, part in fit.groupby("sample", sort=False):
        curve = part[part["target"].str.startswith(("retention", "exit share"))]
        rmse = float((part["difference"] ** 2).mean() ** 0.5)
        lines += [f"### {sample} ({'the people the parameters were fitted to' if sample == 'fitted' else 'people the fit never saw'})",
                  "", f"Root mean square difference over all targets: {rmse:.3f}."]
        if names and len(curve):
            worst = {"calibrated exsim": 100 * curve["difference"].abs().max()}
            worst.update({n: 100 * (curve[n] - curve["observed"]).abs().max() for n in names})
            lines += ["", "Largest miss of the retention curve, in points: "
                      + "; ".join(f"{n} {v:.1f}" for n, v in worst.items())
                      + ". The Weibull, exponential and piecewise-exponential models are plain survival models "
                        "fitted to the fitted people's records: an agent-based model that misses by much more "
                        "than they do has not captured the data's tenure curve."]
        header = ["target", "observed", *(["± se"] if "observed_se" in part else []), "simulated", "difference", *names]
        lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for _, row in part.iterrows():
            cells = [row["target"], f"{row['observed']:.3f}"]
            if "observed_se" in part:
                cells.append("" if pd.isna(row.get("observed_se")) else f"{row['observed_se']:.3f}")
            cells += [f"{row['simulated']:.3f}", f"{row['difference']:+.3f}"]
            cells += ["" if pd.isna(row.get(n)) else f"{row[n]:.3f}" for n in names]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def write_outputs(out: Path, base_path: Path, data: Path, result: FitResult, records: EmployeeRecords, command: str,
                  overrides: dict[str, object] | None = None, held_out: EmployeeRecords | None = None,
                  segments: SegmentFit | None = None, segment: str | None = None) -> None:
    """Figures, fit.csv, parameters.csv, candidates.csv, segments.csv (with --segment), report.md and
    calibrated.toml, each replaced atomically."""
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    figures = []
    for name, make in (("curve.png", curve_figure), ("trials.png", loss_figure)):
        fig = make(result)
        write_atomically(figdir / name, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
        figures.append(name)
    fit = fit_table(result, records, held_out)
    write_atomically(out / "fit.csv", lambda p: fit.to_csv(p, index=False, float_format="%.6g"))
    write_atomically(out / "parameters.csv", lambda p: result.intervals.to_csv(p, index=False, float_format="%.6g"))
    write_atomically(out / "candidates.csv", lambda p: result.confirmed.to_csv(p, index=False, float_format="%.6g"))
    if segments is not None:
        write_atomically(out / "segments.csv", lambda p: segments.table.to_csv(p, index=False, float_format="%.6g"))
    else:
        (out / "segments.csv").unlink(missing_ok=True)  # a segmented calibration's, resumed without --segment
    if segments is not None and segments.shape is not None:
        write_atomically(out / "segment_shape.csv", lambda p: segments.shape.to_csv(p, index=False, float_format="%.6g"))
    else:
        (out / "segment_shape.csv").unlink(missing_ok=True)
    write_atomically(out / "report.md", lambda p: p.write_text(report(result, records, fit, command, figures, held_out,
                                                                      segments)))
    departments, values = (segments.departments, segments.values) if segments is not None else (None, None)
    write_atomically(out / "calibrated.toml", lambda p: p.write_text(calibrated_toml(base_path, result, data, overrides, out,
                                                                                     departments, segment, values)))
