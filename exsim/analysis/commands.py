"""The `exsim sweep` and `exsim sensitivity` commands: run an experiment spec's design.

Everything a user can get wrong (the spec, --set, the design's size, --out, --dask) is checked
before the first run is computed and before anything is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exsim.analysis.experiment import MAX_RUNS, load_experiment
from exsim.config import config_to_dict
from exsim.results.folders import claim_output, default_output
from exsim.runs.executors import close as close_executor
from exsim.runs.options import dask_option, executor_or_fail, output_option


def _experiment_command(kind: str):
    def decorate(fn):
        fn = click.option("--yes", is_flag=True,
                          help=f"Run a design of more than {MAX_RUNS:,} runs (points x replicates) without stopping to ask.")(fn)
        fn = output_option(help_text="Output folder (default: results/<spec name>); rerunning with the same --out "
                                     "resumes.")(fn)
        fn = click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
                          help="Override a base config value in every run (repeatable; not a key the design varies).")(fn)
        fn = click.option("--years", type=click.IntRange(1, 50), help="Simulated years (default: the spec's).")(fn)
        fn = click.option("--replicates", type=click.IntRange(1, 1000), help="Replicates per point (default: the spec's).")(fn)
        fn = click.option("--workers", type=click.IntRange(1, 256), help="Parallel processes or Dask workers (default: all cores).")(fn)
        fn = dask_option(fn)
        fn = click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))(fn)
        return click.command(name=kind)(fn)
    return decorate


def prepare(kind: str, spec: Path, overrides, years, replicates, out: Path | None, yes: bool, workers):
    """The checked experiment and its output folder: spec, design kind, size and --out, before any run."""
    experiment = load_experiment(spec, list(overrides), years=years, replicates=replicates)
    experiment.check_command(kind)
    experiment.check_size(yes, workers)
    _check_org_charts(experiment, kind)
    return experiment, claim_output(out if out is not None else default_output(spec.stem))


def _check_org_charts(experiment, kind: str) -> None:
    """Read each org chart the runs would use once, and check every design point's departments against its
    chart with the model build's own check (exsim.org.chart_departments), so a bad file or a disagreement
    stops the command before any run and before anything is written."""
    from exsim.errors import UserError
    from exsim.org.structure import chart_departments

    charts = experiment.charts()
    if not charts:
        return
    for values, config in experiment.department_configs(_design_points(experiment, kind)):
        if not config.org.chart:
            continue
        try:
            chart_departments(charts[config.org.chart], config)
        except UserError as exc:
            at = f" (design point {', '.join(f'{key} = {value!r}' for key, value in values.items())})" if values else ""
            raise UserError(f"{experiment.path}{at}: {exc}") from None


def _design_points(experiment, kind: str) -> list[dict]:
    """The design's points, as the sweep or sensitivity run will make them."""
    if kind == "sweep":
        return experiment.points()
    from exsim.analysis.sensitivity import sample

    return [experiment.from_unit(row) for row in sample(experiment)]


def _run_design(runner, experiment, out: Path, workers, dask):
    """Run an experiment's design on the chosen executor."""
    executor = executor_or_fail(workers, dask)
    try:
        return runner(experiment, out, executor, say=lambda m: click.echo(m, err=True))
    finally:
        close_executor(executor)


@_experiment_command("sweep")
def sweep(spec, dask, workers, replicates, years, overrides, out, yes) -> None:
    """Run a grid, list, random or Latin-hypercube design over config keys; tidy table and response curves."""
    from exsim.analysis.sweep import point_summary, run_sweep, write_sweep

    experiment, out = prepare("sweep", spec, overrides, years, replicates, out, yes, workers)
    table, reused = _run_design(run_sweep, experiment, out, workers, dask)
    manifest = {"command": " ".join(["exsim", *sys.argv[1:]]), "spec": experiment.spec.model_dump(),
                "base_config": config_to_dict(experiment.base), "runs": int(table.groupby(["point", "replicate"]).ngroups),
                "reused_runs": reused}
    write_sweep(out, experiment, table, manifest)
    summary = point_summary(table, experiment)
    click.echo(f"{summary['point'].nunique()} points x {experiment.spec.replicates} replicates "
               f"({reused} runs reused); results, response curves and report in {out}/")


@_experiment_command("sensitivity")
def sensitivity(spec, dask, workers, replicates, years, overrides, out, yes) -> None:
    """Morris screening or Sobol indices (SALib) of the levers in SPEC, with confidence intervals."""
    from exsim.analysis.sensitivity import run_sensitivity, write_sensitivity

    experiment, out = prepare("sensitivity", spec, overrides, years, replicates, out, yes, workers)
    indices, per_point, reused = _run_design(run_sensitivity, experiment, out, workers, dask)
    manifest = {"command": " ".join(["exsim", *sys.argv[1:]]), "spec": experiment.spec.model_dump(),
                "points": len(per_point), "reused_runs": reused}
    write_sensitivity(out, experiment, indices, per_point, manifest)
    key = "ST" if experiment.spec.design == "sobol" else "mu_star"
    for outcome, group in indices.groupby("outcome", sort=False):
        order = group.sort_values("rank")
        click.echo(f"{outcome}: " + ", ".join(f"{r.lever} ({getattr(r, key):.3g})" for r in order.itertuples()))
    click.echo(f"indices, bar plots and report in {out}/")
