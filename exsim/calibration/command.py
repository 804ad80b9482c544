"""The `exsim calibrate` command.

Everything a user gives (data, mapping, date format, config, --params, --out) is checked before
anything is written; a mistake raises a UserError (DataError, ConfigError) that the CLI prints as
one line with exit code 2. Ctrl-C stops within a fraction of a second with one line and exit 130;
rerunning the same command resumes the study.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click
import numpy as np
import pandas as pd

from exsim.config import config_to_dict, get_dotted, load_config
from exsim.data.errors import DataError
from exsim.errors import UserError

INTERRUPTED_EXIT = 130


@click.command()
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("configs/baseline.toml"), show_default=True, help="Scenario to calibrate.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Which column of your file holds a field, e.g. --map tenure=stag --map left=event (repeatable).")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path), help="A TOML file with a [map] table.")
@click.option("--tenure-unit", type=click.Choice(["days", "weeks", "months", "years"]), help="Unit of a tenure column.")
@click.option("--date-format", help="Date format such as %m/%d/%Y (default: detected).")
@click.option("--design", type=click.Choice(["dates", "snapshot", "survival"]),
              help="How the file was drawn (default: detected and explained): hire and exit dates; a snapshot of "
                   "current staff plus one year's leavers; or survival records (everyone followed until they left).")
@click.option("--params", help="Parameters to fit: section.key[:low:high],... (default: the quit-hazard parameters).")
@click.option("--holdout", type=click.FloatRange(0.05, 0.5), metavar="SHARE",
              help="Hold out this share of the people (e.g. 0.3): fit on the rest, report the fit on them too.")
@click.option("--trials", type=click.IntRange(1, 10_000), default=40, show_default=True, help="Optuna trials in total.")
@click.option("--candidates", type=click.IntRange(1, 100), default=5, show_default=True,
              help="Best trials re-run on fresh seeds before a winner is named (the luckiest trial is not the best).")
@click.option("--replicates", type=click.IntRange(1, 100), default=2, show_default=True, help="Replicates averaged per trial.")
@click.option("--years", type=click.IntRange(1, 50),
              help="Simulated years per run (default: 4 for dated data, 3 for snapshots; survival records: long "
                   "enough to follow new hires to the file's longest fitted tenure).")
@click.option("--seed", type=click.IntRange(0), default=42, show_default=True, help="Seed of the search and the runs.")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes running replicates (default: all cores).")
@click.option("--parallel-trials", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Trials run at once; above 1 the search order depends on timing, so results vary slightly between runs.")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE", help="Override a config value (repeatable).")
@click.option("--segment", metavar="COLUMN",
              help="Also fit one settled quit rate per value of this column (e.g. department), with the tenure shape "
                   "shared; calibrated.toml then has a [departments.<value>] table for each.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("results/calibration"),
              show_default=True, help="Output folder; rerunning with the same --out and options resumes the study.")
def calibrate(data, config_path, maps, mapping, tenure_unit, date_format, design, params, holdout, trials, candidates, replicates,
              years, seed, workers, parallel_trials, overrides, segment, out) -> None:
    """Fit the quit-hazard parameters to your HR records (CSV or Parquet) with Optuna."""
    from exsim.calibration.fit import ReplicatePool, complete_trials, fit, parse_parameters, stop_on_interrupt
    from exsim.calibration.folder import calibration_folder, claim_calibration_folder, study_settings, write_manifest
    from exsim.calibration.output import write_outputs
    from exsim.calibration.segments import check_segment_option, describe, fit_segments, plan_segments
    from exsim.calibration.targets import observed_targets, resampled_targets
    from exsim.calibration.uncertainty import RESAMPLES
    from exsim.data.orgchart import read_org_chart
    from exsim.data.records import read_employee_records
    from exsim.org import chart_departments

    check_segment_option(segment)
    column_map, tenure_unit, date_format = _column_mapping(maps, mapping, tenure_unit, date_format)
    records = read_employee_records(data, column_map or None, tenure_unit=tenure_unit, date_format=date_format,
                                    design=design)
    everyone = records
    records, held_out = split_records(records, holdout, seed) if holdout else (records, None)
    observed = observed_targets(records)
    if held_out is not None:
        _check_held_out(held_out, holdout)
    years = years or default_years(observed)
    observed = within_run(observed, years)
    base = load_config(config_path, [*overrides, f"sim.years={years}", f"sim.replicates={replicates}", f"sim.seed={seed}"])
    parameters = parse_parameters(params, base, records.design)
    if base.org.chart:
        chart_departments(read_org_chart(base.org.chart), base)  # a bad chart stops here, not inside the first trial
    plan = plan_segments(records, segment, base, observed, everyone) if segment is not None else None
    settings = study_settings(data, config_to_dict(base), parameters, {"design": records.design, "holdout": holdout})
    out = claim_calibration_folder(out, settings)
    command = " ".join(["exsim", *sys.argv[1:]])
    _say(records.summary())
    if held_out is not None:
        _say(f"holdout: fitting on {records.n_used} people, scoring also on {held_out.n_used} held out ({holdout:.0%})")
    _say(f"design: {records.design_reason}")
    _say(f"observed: {'exits per person-year' if observed.mode == 'survival' else 'attrition'} {observed.attrition:.1%}; {observed.curve_name} "
         + ", ".join(f"{k}: {v:.2f}" for k, v in observed.curve.items()))
    for line in describe(plan) if plan is not None else []:
        _say(line)
    segments = None
    with calibration_folder(out, settings, command) as study_path:
        try:
            resamples = resampled_targets(records, observed, RESAMPLES, seed)
            result = fit(base, observed, parameters, trials, study_path, seed, workers, say=_say,
                         parallel_trials=parallel_trials, resamples=resamples, candidates=candidates)
            if plan is not None:
                with ReplicatePool(workers, base.sim.replicates) as pool, stop_on_interrupt(pool):
                    segments = fit_segments(plan, base, result.best_params, parameters, observed, pool, seed, say=_say)
            write_outputs(out, config_path, data, result, records, command, _override_values(overrides, base),
                          held_out, segments, segment)
            write_manifest(out, settings, command, trials=len(complete_trials(result.study)))
        except KeyboardInterrupt:
            _stopped(study_path, seed, trials)
    _print_result(result, observed, out, segments)


def split_records(records, share: float, seed: int):
    """(fitted, held out): the same random `share` of the people held out for the same seed."""
    from exsim.analysis.baselines import holdout_split
    try:
        train, test = holdout_split(records.frame, share, seed)
    except ValueError as exc:
        raise DataError(f"--holdout {share}: {exc}", file=records.source) from None
    return replace(records, frame=train.reset_index(drop=True)), replace(records, frame=test.reset_index(drop=True))


def _check_held_out(held_out, share: float) -> None:
    """The held-out people must give targets too: said now, not after the fit."""
    from exsim.calibration.targets import observed_targets
    try:
        observed_targets(held_out)
    except DataError as exc:
        raise DataError(f"--holdout {share}: the {held_out.n_used} held-out people are too few to score the fit "
                        f"({exc.problem})", file=held_out.source, expected="a larger --holdout share, or no --holdout") from None


def default_years(observed) -> int:
    """Years a run needs: 4 for dated data, 3 for snapshots; survival: new hires of the first years
    followed to the longest fitted tenure (at most 12 years)."""
    if observed.mode == "survival":
        return int(min(12, np.ceil(max(observed.curve.index) / 12) + 2))
    return 4 if observed.mode == "dates" else 3


def within_run(observed, years: int):
    """Survival targets the run can follow: new hires of year 1 reach at most (years - 1) x 12 months."""
    if observed.mode != "survival":
        return observed
    reach = (years - 1) * 12
    kept = observed.curve.index[observed.curve.index <= reach]
    if len(kept) == len(observed.curve):
        return observed
    if len(kept) == 0:
        raise UserError(f"--years {years} follows new hires for {reach} months, shorter than the first retention "
                         f"point ({observed.curve.index[0]} months); use --years {default_years(observed)}")
    _say(f"--years {years} follows new hires for at most {reach} months: retention after month {kept[-1]} is not "
         f"fitted (--years {default_years(observed)} fits all of it)")
    return replace(observed, curve=observed.curve[kept], se=observed.se[kept])


def _say(message: str) -> None:
    click.echo(message, err=True)


def _stopped(study_path: Path, seed: int, trials: int) -> None:
    """After Ctrl-C: one line on what is saved, then exit 130."""
    from exsim.calibration.fit import complete_trials, open_study

    finished = len(complete_trials(open_study(study_path, seed, say=lambda _: None)))
    _say(f"stopped: {finished} of {trials} trials are saved in {study_path}; rerun the same command to resume")
    click.get_current_context().exit(INTERRUPTED_EXIT)


def _print_result(result, observed, out: Path, segments=None) -> None:
    """Fitted values with their intervals (and each segment's), attrition observed and simulated, where the outputs are."""
    for _, row in result.intervals.iterrows():
        note = "" if row["identified"] else "  (not identified by these data)"
        interval = "" if pd.isna(row["low"]) else f" [{row['low']:.4g}, {row['high']:.4g}]"  # none: too few trials
        click.echo(f"{row['parameter']} = {row['best']:.4g}{interval}{note}")
    sim = result.best_simulated
    if observed.mode == "survival":
        points = ", ".join(f"{m}: {observed.curve[m]:.0%} vs {sim.curve.get(m, float('nan')):.0%}" for m in observed.curve.index)
        click.echo(f"retention by tenure month, data vs calibrated model: {points}")
    else:
        click.echo(f"attrition observed {observed.attrition:.1%}, simulated {sim.attrition:.1%}")
    for _, row in segments.table.iterrows() if segments is not None else []:
        if not row["fitted"]:
            click.echo(f"segment {row['segment']}: not fitted ({row['note']})")
            continue
        interval = "" if pd.isna(row["low"]) else f" [{row['low']:.4g}, {row['high']:.4g}]"
        note = "" if row["identified"] else "  (not identified by these data)"
        click.echo(f"segment {row['segment']}: {row['parameter']} = {row['best']:.4g}{interval}{note}; "
                   f"{row['leavers']} exits of {row['people']} people")
    for line in segments.notes if segments is not None else []:
        click.echo(line)
    click.echo(f"calibrated config: {out / 'calibrated.toml'} (report: {out / 'report.md'})")


def _column_mapping(maps, mapping: Path | None, tenure_unit: str | None,
                    date_format: str | None) -> tuple[dict[str, str], str | None, str | None]:
    """Field -> column from --mapping then --map (which wins), and the unit and date format (options win)."""
    from exsim.data.mapping import parse_map_options, read_mapping_file
    from exsim.data.tables import check_date_format

    if date_format is not None:
        check_date_format(date_format)
    column_map: dict[str, str] = {}
    if mapping:
        from_file = read_mapping_file(mapping)
        column_map.update(from_file.map)
        tenure_unit = tenure_unit or from_file.tenure_unit
        date_format = date_format or from_file.date_format
    column_map.update(parse_map_options(list(maps)))
    return column_map, tenure_unit, date_format


def _override_values(overrides, config) -> dict[str, object]:
    """--set keys with their values as resolved in the config (typed, as TOML needs them)."""
    resolved = config_to_dict(config)
    values = {}
    for item in overrides:
        key = item.split("=", 1)[0].strip()
        try:
            node = get_dotted(resolved, key)
        except (KeyError, TypeError):
            continue
        if node is not None:
            values[key] = node
    return values
