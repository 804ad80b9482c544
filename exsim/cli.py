"""The `exsim` command line."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click

import exsim
from exsim.config import config_to_dict, load_config
from exsim.errors import UserError
from exsim.results.folders import claim_output, default_output, safe_name
from exsim.runs.executors import close as close_executor
from exsim.runs.options import dask_option, executor_or_fail, output_option, sensitivity_option

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ExsimGroup(click.Group):
    """The exsim command group: a user's mistake ends in one line and exit 2, never a traceback.

    `--debug` (anywhere on the command line, or EXSIM_DEBUG=1) shows the traceback instead.
    """

    def main(self, args=None, *rest, **kwargs):
        args = list(sys.argv[1:] if args is None else args)
        self.debug = "--debug" in args or os.environ.get("EXSIM_DEBUG") == "1"
        return super().main([a for a in args if a != "--debug"], *rest, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except UserError as exc:
            if getattr(self, "debug", False):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted: stopped without leaving half-written output (sweep, sensitivity and calibrate "
                       "resume when run again)", err=True)
            ctx.exit(130)
        except Exception as exc:
            if getattr(self, "debug", False):
                raise
            click.echo(f"error: {type(exc).__name__}: {exc}\n(this is not a mistake exsim recognised in your input; "
                       "run again with --debug for the details and report it)", err=True)
            ctx.exit(1)


@click.group(cls=ExsimGroup, context_settings=CONTEXT)
@click.version_option(exsim.__version__, prog_name="exsim")
def main() -> None:
    """exsim simulates employee experience in an organisation, week by week.

    Employees, managers and customers interact on an org graph; levers such as span of
    control, workload, trust and perks move engagement, burnout, sick leave, turnover and
    customer satisfaction. Start with: exsim run configs/baseline.toml
    """


@main.command()
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--years", type=click.IntRange(1, 50), help="Simulated years (default: the scenario's sim.years).")
@click.option("--seed", type=click.IntRange(0), help="Root seed; replicate seeds are derived from it.")
@click.option("--replicates", type=click.IntRange(1, 1000), help="Number of replicate runs with derived seeds.")
@click.option("--workers", type=click.IntRange(1, 256), help="Parallel processes (default: all cores).")
@output_option(help_text="Output folder (default: results/<scenario name>); an existing folder is replaced only if exsim wrote it.")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
              help="Override one config value, e.g. --set org.span_of_control=25 (repeatable).")
@click.option("--org-chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Build the reporting tree from this org chart (CSV or Parquet: employee_id, manager_id).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Also run this scenario (with the same --set overrides and seeds) and add the business case against it.")
@click.option("--no-figures", is_flag=True, help="Skip the PNG figures (tables, summary and report only).")
@sensitivity_option
@dask_option
def run(config: Path, years, seed, replicates, workers, out, overrides, org_chart, baseline, no_figures, sensitivity,
        dask) -> None:
    """Run a scenario file and write results (Parquet tables, summary, figures, report)."""

    cli_sets = _option_sets(years=years, seed=seed, replicates=replicates)
    chart = [f"org.chart={json.dumps(str(org_chart.resolve()))}"] if org_chart is not None else []
    scenario = load_config(config, [*overrides, *chart, *cli_sets])
    if overrides:
        scenario.sim.name = _name_with_overrides(scenario.sim.name, overrides)
    _check_org_chart(scenario, overrides, config)
    reference = _paired_baseline(baseline, config, scenario, list(overrides), chart) if baseline else None
    indices = _sensitivity_indices(sensitivity)
    out = claim_output(out) if out is not None else claim_output(default_output(scenario.sim.name),
                                                                   option="the default output folder (--out)")
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    from exsim.analysis.scenario_run import run_scenario, write_scenario_run
    from exsim.runs.replicates import default_workers, replicate_seeds

    executor = executor_or_fail(workers, dask) if dask else None
    try:
        tables, case = run_scenario(scenario, reference, workers, executor)
    finally:
        if executor is not None:
            executor.close()
    manifest = {
        "command": " ".join(["exsim", *sys.argv[1:]]),
        "scenario": scenario.sim.name,
        "config_file": str(config),
        "config": config_to_dict(scenario),
        "seeds": replicate_seeds(scenario.sim.seed, scenario.sim.replicates),
        "workers": min(workers or default_workers(), scenario.sim.replicates),
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mesa_version": __import__("mesa").__version__,
        "baseline_config": config_to_dict(reference) if reference is not None else None,
    }

    write_scenario_run(out, tables, manifest, scenario, reference, case, figures=not no_figures, sensitivity=indices)
    ts = tables["timeseries"]
    _print_headline(ts[ts["scenario"] == scenario.sim.name], out, time.perf_counter() - t0)
    if case is not None:
        from exsim.report.wording import interval_phrase, money_with_interval, plural

        net = case[(case["period"] == "total") & (case["metric"] == "net_benefit")].iloc[0]
        click.echo(f"net benefit against {reference.sim.name} over {plural(scenario.sim.years, 'year')}: "
                   f"{money_with_interval(net)} ({interval_phrase(int(net['replicates']))})")


from exsim.bench import bench  # noqa: E402  `exsim bench` is defined with the benchmark

main.add_command(bench)


@main.command()
@click.argument("configs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--years", type=click.IntRange(1, 50), help="Simulated years (default: the first scenario's).")
@click.option("--seed", type=click.IntRange(0), help="Root seed shared by all scenarios (paired replicates).")
@click.option("--replicates", type=click.IntRange(2, 1000), help="Replicates per scenario (default: the first scenario's, at least 2).")
@click.option("--workers", type=click.IntRange(1, 256), help="Parallel processes (default: all cores).")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE", help="Override a value in every scenario (repeatable).")
@output_option(default="results/compare", help_text="Output folder.")
@sensitivity_option
@dask_option
def compare(configs, years, seed, replicates, workers, overrides, out, sensitivity, dask) -> None:
    """Compare scenarios against the first (the baseline) on paired seeds, with the business case in euros."""

    from exsim.analysis.compare import business_cases, paired, ranking, run_comparison, write_comparison

    if len(configs) < 2:
        raise click.BadParameter("give a baseline and at least one scenario to compare with it", param_hint="CONFIGS")
    sets = _option_sets(years=years, seed=seed, replicates=replicates)
    scenarios = [load_config(path, [*overrides, *sets]) for path in configs]
    for path, scenario in zip(configs, scenarios):
        _check_org_chart(scenario, overrides, path)
    indices = _sensitivity_indices(sensitivity)
    out = claim_output(out)
    if scenarios[0].sim.replicates < 2:
        scenarios[0].sim.replicates = 2
    scenarios = paired(scenarios)
    from exsim.runs.replicates import replicate_seeds
    executor = executor_or_fail(workers, dask)
    try:
        runs = run_comparison(scenarios, workers, executor)
    finally:
        close_executor(executor)
    cases = business_cases(runs)
    ranked = ranking(runs, cases)
    first = scenarios[0].sim
    manifest = {"command": " ".join(["exsim", *sys.argv[1:]]), "scenarios": [s.sim.name for s in scenarios],
                "configs": {s.sim.name: config_to_dict(s) for s in scenarios}, "seed": first.seed,
                "replicates": first.replicates, "years": first.years,
                "seeds": replicate_seeds(first.seed, first.replicates)}
    write_comparison(out, runs, cases, ranked, manifest, indices)
    from exsim.report.wording import MIN_INTERVAL_REPLICATES, interval_phrase, plural

    click.echo(f"ranking by net benefit against {first.name} over {plural(first.years, 'year')} "
               f"({interval_phrase(first.replicates)}):")
    for _, row in ranked.iterrows():
        money = "baseline" if row["scenario"] == first.name else f"EUR {row['net_benefit'] / 1e3:,.0f}k"
        if row["scenario"] != first.name and first.replicates >= MIN_INTERVAL_REPLICATES:
            money += f" [{row['net_benefit_p05'] / 1e3:,.0f}k, {row['net_benefit_p95'] / 1e3:,.0f}k]"
        click.echo(f"  {row['rank']}. {row['scenario']:<24} {money}; attrition {row['voluntary_attrition_rate']:.1%}, "
                   f"engagement {row['engagement']:.2f}")
    click.echo(f"report, business cases and figures in {out}/ (open {out / 'report.md'})")


@main.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replicates", type=click.IntRange(2, 1000), default=8, show_default=True, help="Replicates per scenario.")
@click.option("--years", type=click.IntRange(3, 50), default=5, show_default=True, help="Simulated years per run.")
@click.option("--seed", type=click.IntRange(0), help="Root seed (default: the config's sim.seed).")
@click.option("--workers", type=click.IntRange(1, 256), help="Parallel processes (default: all cores).")
@click.option("--only", metavar="IDS", help="Comma-separated fact ids to check, e.g. F1,F5 (default: all).")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE", help="Override one config value (repeatable).")
@output_option(help_text="Output folder for the table, report and figures (default: results/validate, "
                         "or results/validate-F1,F5 with --only F1,F5).")
def validate(config, replicates, years, seed, workers, only, overrides, out) -> None:
    """Check the model against published figures (FACTS.md): exit 1 if any falls outside its range.

    CONFIG defaults to the shipped defaults (configs/baseline.toml).
    """
    from exsim.validation.runner import format_model_figure, run_validation, select_facts, write_validation

    sets = [*overrides, *_option_sets(replicates=replicates, years=years, seed=seed)]
    base = load_config(config, sets)
    _check_org_chart(base, overrides, config)
    wanted = None if only is None else [s.strip() for s in only.split(",") if s.strip()]
    if wanted == []:
        raise click.BadParameter(f"{only!r} names no fact; give fact ids such as F1,F5 (see FACTS.md)", param_hint="--only")
    try:
        facts = select_facts(wanted)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--only") from None
    if out is None:
        out = default_output("validate" + (f"-{','.join(f.id for f in facts)}" if wanted else ""))
    out = claim_output(out)
    table, runs = run_validation(base, facts, workers=workers)
    manifest = {"command": " ".join(["exsim", *sys.argv[1:]]), "config": config_to_dict(base),
                "replicates": replicates, "years": years, "seed": base.sim.seed}
    write_validation(out, table, runs, manifest)
    for _, row in table.iterrows():
        mark = "inside " if row["inside"] else "OUTSIDE"
        click.echo(f"{mark} {row['id']:<4} {row['fact']}")
        click.echo(f"        published: {row['published']} ({row['source']})")
        click.echo(f"        target: {row['target']}; model: {format_model_figure(row)}"
                   + (f" ({row['note']})" if row["note"] else ""))
    inside = int(table["inside"].sum())
    click.echo(f"{inside} of {len(table)} facts inside their range; table, report and figures in {out}/")
    if inside < len(table):
        sys.exit(1)


@main.command()
@click.argument("section", required=False)
def params(section: str | None) -> None:
    """List every model parameter with its default, unit and source (optionally one SECTION)."""
    from exsim.config.schema import Department, parameter_sections

    sections = {**parameter_sections(), "departments": Department}
    if section is not None and section not in sections:
        raise click.BadParameter(f"{section!r} is not a section; choose from {', '.join(sections)}", param_hint="SECTION")
    for name, field in sections.items():
        if section not in (None, name):
            continue
        titles = {"interventions": "[[interventions]]  (each scheduled change)",
                  "departments": "[departments.<name>]  (each department; sub-tables hold its own values)"}
        click.echo(titles.get(name, f"[{name}]"))
        for key, spec in field.model_fields.items():
            extra = spec.json_schema_extra or {}
            meaning = (spec.description or "").split(" [")[0]
            click.echo(f"  {key} = {spec.default!r}  [{extra.get('unit')}]  {meaning}; source: {extra.get('source')}")


def _sensitivity_indices(folder: Path | None):
    """The indices of an `exsim sensitivity` folder (checked before anything runs), or None."""
    if folder is None:
        return None
    from exsim.analysis.sensitivity import read_sensitivity

    return read_sensitivity(folder)


def _check_org_chart(config, overrides=(), path: Path | None = None) -> None:
    """Read the org chart once up front and check its departments against the scenario's, with the check the
    model build makes (exsim.org.chart_departments), so a bad file or a disagreement stops the command with
    its precise error (exit code 2) before anything is written or run.

    A --set that names a department (departments.<name>....) must name a [departments.<name>] table of the
    scenario file at `path` or a department of the chart; an unknown one is named with both lists.
    """
    if not config.org.chart:
        return
    from exsim.data.orgchart import read_org_chart
    from exsim.org.structure import chart_departments, unknown_department

    chart = read_org_chart(config.org.chart)
    declared = _declared_departments(path)
    for item in overrides:
        parts = [part.strip() for part in item.split("=", 1)[0].split(".")]
        problem = unknown_department(parts[1], declared, [chart]) if len(parts) > 2 and parts[0] == "departments" else None
        if problem:
            raise UserError(f"--set {item}: {problem}")
    try:
        chart_departments(chart, config)
    except UserError as exc:
        raise UserError(f"{path}: {exc}" if path is not None else str(exc)) from None
    click.echo(f"org chart {config.org.chart}: {len(chart.seats)} people, {chart.n_managers} managers", err=True)


def _declared_departments(path: Path | None) -> list[str]:
    """The [departments.<name>] tables a scenario file (with its `extends` chain) declares; [] for the defaults."""
    if path is None:
        return []
    from exsim.config.loading import read_scenario

    tables = read_scenario(Path(path))[0].get("departments")
    return list(tables) if isinstance(tables, dict) else []


def _paired_baseline(path: Path, config_path: Path, scenario, overrides: list[str], chart: list[str]):
    """The baseline config with the scenario's years, seed, replicates and org chart (paired seeds).

    The --set overrides apply to the baseline too, unless it is the scenario's own file: then
    they are what is being compared, and apply to the scenario only. Both cases are said aloud.
    """
    sim = scenario.sim
    same_file = Path(path).resolve() == Path(config_path).resolve()
    shared = chart if same_file else [*overrides, *chart]
    reference = load_config(path, [*shared, f"sim.years={sim.years}", f"sim.seed={sim.seed}",
                                   f"sim.replicates={sim.replicates}", f"sim.burn_in_weeks={sim.burn_in_weeks}"])
    if overrides:
        whom = "the scenario only (the baseline is the same file as written)" if same_file else "the scenario and the baseline alike"
        click.echo(f"note: --set {' '.join(overrides)} applies to {whom}", err=True)
    if _without_name(reference) == _without_name(scenario):
        raise UserError(f"--baseline {path}: the baseline and the scenario are the same configuration, so the business "
                        "case would be zero; compare a different scenario file, or give --set overrides for the scenario")
    if reference.sim.name == sim.name:
        reference.sim.name = f"{sim.name}-baseline"
    if reference.org.headcount != scenario.org.headcount:
        click.echo(f"note: the baseline has {reference.org.headcount} seats, the scenario {scenario.org.headcount}", err=True)
    _check_org_chart(reference, [] if same_file else overrides, path)
    return reference


def _option_sets(**options) -> list[tuple[str, str]]:
    """Options such as --years 3 as config overrides that name the option in any error."""
    return [(f"--{name} {value}", f"sim.{name}={value}") for name, value in options.items() if value is not None]


def _without_name(config) -> dict:
    data = config_to_dict(config)
    data["sim"].pop("name", None)
    return data


def _name_with_overrides(name: str, overrides) -> str:
    """The scenario name with its --set overrides, e.g. baseline+span_of_control=25 (also its folder name)."""
    parts = []
    for item in overrides:
        key, _, value = item.partition("=")
        parts.append(f"{key.strip().split('.')[-1]}={value.strip()}")
    return safe_name(f"{name}+{','.join(parts)}")


def _print_headline(timeseries, out: Path, seconds: float) -> None:
    from exsim.results import yearly_kpis

    yearly = yearly_kpis(timeseries)
    last = yearly[yearly["year"] == yearly["year"].max()].mean(numeric_only=True)
    click.echo(f"done in {seconds:.1f}s; results in {out}/ (open {out / 'report.md'})")
    from exsim.report.wording import plural

    replicates = timeseries["replicate"].nunique()
    runs = "a single run" if replicates == 1 else f"mean of {plural(replicates, 'replicate')}"
    click.echo(f"final year, {runs}: "
               f"engagement {last['engagement']:.2f}, eNPS {last['enps']:+.0f}, "
               f"voluntary attrition {last['voluntary_attrition_rate']:.1%}, absence {last['absence_rate']:.1%}, "
               f"csat {last['csat']:.2f}")


def _register_commands() -> None:
    from exsim.analysis.commands import sensitivity, sweep
    from exsim.calibration.command import calibrate
    from exsim.dashboard.command import dashboard

    for command in (sweep, sensitivity, calibrate, dashboard):
        main.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
