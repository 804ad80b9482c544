"""exsim from Python: the command line's commands as functions that return DataFrames.

Each function mirrors its command (`exsim run`, `compare`, `sweep`, `sensitivity`, `validate`,
`calibrate`) with the same seeds, so it returns the same tables the command writes; it writes a
folder only when given `out=` (the same folder the command would write). Configs and experiment
specs can be built in Python without files.

A config (`config=`) is any of: None (the defaults), a scenario file's path, a nested dict
(`{"org": {"headcount": 300}}`) or a ScenarioConfig. `set=` changes values by dotted key, as
`--set` does: a dict (`{"org.span_of_control": 12}`) or a list of "section.key=value" strings.
`years`, `seed` and `replicates` replace the config's `sim.*` values, as the options do.
A mistake in any of them raises ConfigError (a UserError) naming the culprit.

    import exsim

    result = exsim.run({"org": {"headcount": 200}}, replicates=2, seed=7, years=2)
    result.timeseries            # one row per replicate and week
    result.summary               # mean and 90% interval per year and KPI

    cmp = exsim.compare(["configs/baseline.toml", "configs/train_managers.toml"], replicates=2, years=2)
    cmp.ranking, cmp.business_case

    sweep = exsim.sweep({"base": "configs/baseline.toml", "years": 1, "replicates": 2,
                         "parameters": {"org.span_of_control": {"values": [6, 12]}}})
    sweep.table                  # point, the parameters, replicate, seed, year, outcomes
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

import exsim
from exsim.config import (ConfigError, ScenarioConfig, config_to_dict, get_dotted, load_config, validate_config,
                          with_values)
from exsim.errors import UserError

ConfigLike = ScenarioConfig | Mapping[str, Any] | str | Path | None
Overrides = Mapping[str, Any] | Iterable[str] | None

__all__ = ["Results", "calibrate", "compare", "experiment", "run", "scenario", "sensitivity", "sweep", "validate"]


class Results(dict):
    """Named result tables: `results.timeseries` is `results["timeseries"]`. `out` is the folder written, if any."""

    out: Path | None = None

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no table {name!r}; tables: {', '.join(self)}") from None

    def __dir__(self):
        return [*super().__dir__(), *self]

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name}: {_shape(value)}" for name, value in self.items())
        return f"Results({shapes}{f'; written to {self.out}' if self.out else ''})"


def _shape(value) -> str:
    return f"{value.shape[0]} rows x {value.shape[1]} columns" if isinstance(value, pd.DataFrame) else type(value).__name__


# ---- configs ---------------------------------------------------------------------------------
def scenario(config: ConfigLike = None, set: Overrides = None, *, years: int | None = None, seed: int | None = None,
           replicates: int | None = None, name: str | None = None) -> ScenarioConfig:
    """A checked ScenarioConfig from a path, dict, ScenarioConfig or None (the defaults), with `set` applied.

    `exsim.scenario({"org": {"headcount": 300}}, {"managers.training": True}, years=2)`.
    """
    sets = _set_items(set)
    sim = {key: value for key, value in (("years", years), ("seed", seed), ("replicates", replicates), ("name", name))
           if value is not None}
    if config is None or isinstance(config, (str, Path)):
        path = None if config is None else Path(config)
        if path is not None and not path.is_file():
            problem = "is a folder" if path.is_dir() else "does not exist"
            raise ConfigError(f"config {str(path)!r} {problem}; give a scenario file, a dict or a ScenarioConfig")
        loaded = load_config(path, [*(("set", item) for item in sets), *(
            (f"{key}={value!r}", f"sim.{key}={_toml_scalar(value)}") for key, value in sim.items())])
        return loaded
    if isinstance(config, ScenarioConfig):
        base = config.model_copy(deep=True)
    elif isinstance(config, Mapping):
        base = validate_config(_nested(dict(config)), origin="config dict")
    else:
        raise ConfigError(f"config: expected a path, a dict or a ScenarioConfig, not {type(config).__name__}")
    values = {key.strip(): value for key, value in (_split(item) for item in sets)}
    values.update({f"sim.{key}": value for key, value in sim.items()})
    return with_values(base, values, origin="set") if values else base


def _nested(data: dict) -> dict:
    """A dict that may mix nested sections and dotted keys ({"org.headcount": 300}) as nested sections."""
    from exsim.config import set_dotted

    out: dict = {}
    for key, value in data.items():
        if isinstance(key, str) and "." in key:
            set_dotted(out, key, value)
        elif isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = dict(value) if isinstance(value, Mapping) else value
    return out


def _set_items(set: Overrides) -> list[str]:
    """`set` as "section.key=value" strings (values written as TOML)."""
    if set is None:
        return []
    if isinstance(set, str):
        return [set]
    if isinstance(set, Mapping):
        return [f"{key}={_toml_scalar(value)}" for key, value in set.items()]
    items = list(set)
    bad = [item for item in items if not isinstance(item, str) or "=" not in item]
    if bad:
        raise ConfigError(f"set: {bad[0]!r} is not \"section.key=value\"; give a dict or such strings")
    return items


def _split(item: str) -> tuple[str, Any]:
    from exsim.config.loading import parse_override

    path, value = parse_override(item, "set")
    return ".".join(path), value


def _toml_scalar(value: Any) -> str:
    from exsim.calibration.output import toml_value

    try:
        return toml_value(value)
    except ValueError as error:
        raise ConfigError(f"set: {value!r}: {error}") from None


def _scenario_name(name: str, sets: list[str]) -> str:
    """As `exsim run --set`: the scenario name with its overrides, e.g. baseline+span_of_control=25."""
    from exsim.results.folders import safe_name

    parts = [f"{item.split('=', 1)[0].strip().split('.')[-1]}={item.split('=', 1)[1].strip()}" for item in sets]
    return safe_name(f"{name}+{','.join(parts)}")


def _manifest(command: str, **extra) -> dict:
    return {"command": command, "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), **extra}


def _call(name: str, **kwargs) -> str:
    shown = ", ".join(f"{key}={value!r}" for key, value in kwargs.items() if value is not None)
    return f"exsim.{name}({shown})"


# ---- run -------------------------------------------------------------------------------------
def run(config: ConfigLike = None, *, replicates: int | None = None, seed: int | None = None, years: int | None = None,
        workers: int | None = None, set: Overrides = None, baseline: ConfigLike = None, out: str | Path | None = None,
        figures: bool = True, progress: bool = True) -> Results:
    """`exsim run`: the scenario's replicates as tables (timeseries, teams, spells, org, departments, summary).

    baseline: also run this scenario on the same seeds and `set`, starting from its settled
    organisation, and add `business_case` (scenario minus baseline, in euros); the tables then hold
    both scenarios. out: write the run's folder there (Parquet tables, summary, figures, report).
    """
    from exsim.analysis.scenario_run import run_scenario, write_scenario_run
    from exsim.results import summarise
    from exsim.runs.replicates import default_workers, replicate_seeds

    sets = _set_items(set)
    chosen = scenario(config, sets, years=years, seed=seed, replicates=replicates)
    if sets:
        chosen.sim.name = _scenario_name(chosen.sim.name, sets)
    reference = None
    if baseline is not None:
        sim = chosen.sim
        reference = scenario(baseline, sets, years=sim.years, seed=sim.seed, replicates=sim.replicates)
        reference.sim.burn_in_weeks = sim.burn_in_weeks
        if reference.sim.name == sim.name:
            reference.sim.name = f"{sim.name}-baseline"
    tables, case = run_scenario(chosen, reference, workers, show_progress=progress)
    result = Results(tables, summary=summarise(tables["timeseries"]))
    if case is not None:
        result["business_case"] = case
    if out is not None:
        manifest = _manifest(_call("run", config=str(config) if isinstance(config, (str, Path)) else None,
                                   replicates=replicates, seed=seed, years=years, set=sets or None),
                             scenario=chosen.sim.name, config=config_to_dict(chosen),
                             seeds=replicate_seeds(chosen.sim.seed, chosen.sim.replicates),
                             workers=min(workers or default_workers(), chosen.sim.replicates),
                             finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             mesa_version=__import__("mesa").__version__,
                             baseline_config=config_to_dict(reference) if reference is not None else None)
        result.out = write_scenario_run(Path(out), tables, manifest, chosen, reference, case, figures=figures)
    return result


# ---- compare ---------------------------------------------------------------------------------
def compare(configs: Iterable[ConfigLike], *, replicates: int | None = None, seed: int | None = None,
            years: int | None = None, workers: int | None = None, set: Overrides = None,
            out: str | Path | None = None) -> Results:
    """`exsim compare`: scenarios against the first on paired seeds.

    Returns the tables of every scenario stacked (a `scenario` column), `business_case` (each
    scenario against the first, stacked) and `ranking` (by net benefit).
    """
    from exsim.analysis.compare import business_cases, paired, ranking, run_comparison

    configs = list(configs)
    if len(configs) < 2:
        raise ConfigError("compare: give a baseline and at least one scenario to compare with it")
    sets = _set_items(set)
    scenarios = [scenario(c, sets, years=years, seed=seed, replicates=replicates) for c in configs]
    if scenarios[0].sim.replicates < 2:
        scenarios[0].sim.replicates = 2
    scenarios = paired(scenarios)
    runs = run_comparison(scenarios, workers)
    cases = business_cases(runs)
    ranked = ranking(runs, cases)
    names = list(runs)
    stacked = {table: pd.concat([runs[name][table] for name in names], ignore_index=True) for table in runs[names[0]]}
    case_table = pd.concat([case.assign(scenario=name, baseline=names[0]) for name, case in cases.items()],
                           ignore_index=True)
    result = Results(stacked, business_case=case_table, ranking=ranked)
    if out is not None:
        from exsim.analysis.compare import write_comparison
        from exsim.results.folders import claim_output
        from exsim.runs.replicates import replicate_seeds

        first = scenarios[0].sim
        manifest = _manifest(_call("compare", replicates=replicates, seed=seed, years=years, set=sets or None),
                             scenarios=names, configs={s.sim.name: config_to_dict(s) for s in scenarios},
                             seed=first.seed, replicates=first.replicates, years=first.years,
                             seeds=replicate_seeds(first.seed, first.replicates))
        out = claim_output(out)
        write_comparison(out, runs, cases, ranked, manifest)
        result.out = out
    return result


# ---- sweep and sensitivity ---------------------------------------------------------------------
def experiment(spec, *, base: ConfigLike = None, set: Overrides = None, years: int | None = None,
               replicates: int | None = None):
    """A checked experiment (exsim.analysis.experiment.Experiment) from a spec file or a dict.

    A dict holds the spec file's keys (design, parameters, outcomes, replicates, seed, years, set,
    samples); its `base` (or the `base=` argument) is a scenario path, a dict or a ScenarioConfig.
    """
    from pydantic import ValidationError

    from exsim.analysis.experiment import Experiment, ExperimentSpec, spec_problems, load_experiment

    sets = _set_items(set)
    if isinstance(spec, (str, Path)):
        if base is not None:
            raise ConfigError("experiment: a spec file names its own base; give base= only with a spec dict")
        return load_experiment(Path(spec), sets, years=years, replicates=replicates)
    if not isinstance(spec, Mapping):
        raise ConfigError(f"spec: expected a spec file's path or a dict, not {type(spec).__name__}")
    data = dict(spec)
    base = data.pop("base", None) if base is None else base
    if base is not None and data.get("base") is not None:
        raise ConfigError("spec: give the base once, in the dict or as base=")
    data.pop("base", None)
    given = {key: value for key, value in (("years", years), ("replicates", replicates)) if value is not None}
    try:
        checked = ExperimentSpec.model_validate({**data, **given, "base": _base_label(base)})
    except ValidationError as exc:
        raise ConfigError("spec: " + "\n  ".join(spec_problems(exc.errors()))) from None
    if isinstance(base, (str, Path)):
        path = Path(base).resolve()
        if not path.is_file():
            raise ConfigError(f"spec: base {str(base)!r} does not exist; give a scenario file, a dict or a ScenarioConfig")
        return Experiment(checked.model_copy(update={"base": path.name}), path.parent / "<python spec>", sets)
    return _PythonExperiment(checked, scenario(base), sets)


def _base_label(base) -> str:
    if base is None or isinstance(base, (Mapping, ScenarioConfig)):
        return "<python config>"
    return str(base)


def _python_experiment_class():
    from exsim.analysis.experiment import Experiment, check_kind

    class PythonExperiment(Experiment):
        """An Experiment whose base config was built in Python rather than read from a file."""

        def __init__(self, spec, base: ScenarioConfig, overrides):
            self._python_base = base
            super().__init__(spec, Path("<python spec>"), overrides)

        def _load_base(self) -> ScenarioConfig:
            for key, value in self.spec.set.items():
                check_kind(key, value, f"spec [set] {key!r}")
            values = {**self.spec.set, **dict(_split(item) for item in self.overrides)}
            config = with_values(self._python_base, values, origin="spec [set]") if values else self._python_base
            return with_values(config, {"sim.years": self.spec.years, "sim.seed": self.spec.seed, "sim.replicates": 1},
                               origin="spec")

        def _check_set_departments(self) -> None:
            """Department keys were checked against the base config when it was built."""

    return PythonExperiment


def _PythonExperiment(spec, base, overrides):
    return _python_experiment_class()(spec, base, overrides)


@contextmanager
def _design_folder(out: str | Path | None):
    """Where a design's finished runs are kept: beside `out` (a rerun resumes), or a temporary folder."""
    if out is not None:
        yield Path(out)
        return
    with tempfile.TemporaryDirectory(prefix="exsim-design-") as tmp:
        yield Path(tmp) / "design"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def sweep(spec, *, base: ConfigLike = None, replicates: int | None = None, years: int | None = None,
          workers: int | None = None, set: Overrides = None, out: str | Path | None = None) -> Results:
    """`exsim sweep`: `table` (point, parameters, replicate, seed, year, outcomes) and `summary` per point.

    spec: a spec file or a dict such as
    `{"base": "configs/baseline.toml", "parameters": {"org.span_of_control": {"values": [6, 10, 14]}}}`.
    """
    from exsim.analysis.sweep import point_summary, run_sweep, write_sweep
    from exsim.runs.executors import close, make_executor

    exp = experiment(spec, base=base, set=set, years=years, replicates=replicates)
    exp.check_command("sweep")
    executor = make_executor(workers)
    try:
        with _design_folder(out) as folder:
            table, reused = run_sweep(exp, folder, executor, say=_say)
    finally:
        close(executor)
    result = Results(table=table, summary=point_summary(table, exp))
    if out is not None:
        from exsim.results.folders import claim_output

        manifest = _manifest(_call("sweep", replicates=replicates, years=years), spec=exp.spec.model_dump(),
                             base_config=config_to_dict(exp.base), runs=int(table.groupby(["point", "replicate"]).ngroups),
                             reused_runs=reused)
        result.out = claim_output(out)
        write_sweep(result.out, exp, table, manifest)
    return result


def sensitivity(spec, *, base: ConfigLike = None, replicates: int | None = None, years: int | None = None,
                workers: int | None = None, set: Overrides = None, out: str | Path | None = None) -> Results:
    """`exsim sensitivity`: `indices` (per outcome and lever, ranked) and `per_point` (each sample's outcomes).

    spec: as for `sweep`, with design "morris" or "sobol" and `samples`.
    """
    from exsim.analysis.sensitivity import run_sensitivity, write_sensitivity
    from exsim.runs.executors import close, make_executor

    exp = experiment(spec, base=base, set=set, years=years, replicates=replicates)
    exp.check_command("sensitivity")
    executor = make_executor(workers)
    try:
        with _design_folder(out) as folder:
            indices, per_point, reused = run_sensitivity(exp, folder, executor, say=_say)
    finally:
        close(executor)
    result = Results(indices=indices, per_point=per_point)
    if out is not None:
        from exsim.results.folders import claim_output

        manifest = _manifest(_call("sensitivity", replicates=replicates, years=years), spec=exp.spec.model_dump(),
                             points=len(per_point), reused_runs=reused)
        result.out = claim_output(out)
        write_sensitivity(result.out, exp, indices, per_point, manifest)
    return result


# ---- validate --------------------------------------------------------------------------------
def validate(config: ConfigLike = None, *, facts: Iterable[str] | None = None, replicates: int = 8, years: int = 5,
             seed: int | None = None, workers: int | None = None, set: Overrides = None,
             out: str | Path | None = None, progress: bool = True) -> Results:
    """`exsim validate`: `table`, one row per published fact (id, fact, target, model, inside, ...)."""
    from exsim.validation.runner import run_validation, select_facts, write_validation

    base = scenario(config, set, years=years, seed=seed, replicates=replicates)
    wanted = None if facts is None else [facts] if isinstance(facts, str) else list(facts)
    try:
        chosen = select_facts(wanted)
    except ValueError as exc:
        raise ConfigError(f"facts: {exc}") from None
    table, runs = run_validation(base, chosen, workers=workers, show_progress=progress)
    result = Results(table=table)
    if out is not None:
        from exsim.results.folders import claim_output

        manifest = _manifest(_call("validate", replicates=replicates, years=years, seed=seed),
                             config=config_to_dict(base), replicates=replicates, years=years, seed=base.sim.seed)
        result.out = claim_output(out)
        write_validation(result.out, table, runs, manifest)
    return result


# ---- calibrate -------------------------------------------------------------------------------
def calibrate(records, *, config: str | Path | None = None, params: str | None = None, trials: int = 40,
              candidates: int = 5, replicates: int = 2, years: int | None = None, seed: int = 42,
              workers: int | None = None, design: str | None = None, map: Mapping[str, str] | None = None,
              tenure_unit: str | None = None, date_format: str | None = None, holdout: float | None = None,
              segment: str | None = None, set: Overrides = None, out: str | Path | None = None) -> Results:
    """`exsim calibrate`: fit the quit-hazard parameters to HR records (a CSV/Parquet path or a DataFrame).

    Returns `config` (the calibrated ScenarioConfig), `best_params`, `fit` (observed against
    simulated), `parameters` (fitted values with intervals), `candidates` and `toml` (calibrated.toml's
    text). config: the scenario file calibrated.toml extends (default: the shipped
    configs/baseline.toml). Without `out` the study runs in a temporary folder and nothing is kept.
    """
    from exsim.calibration.command import calibrate as command

    base = Path(config) if config is not None else _shipped_baseline()
    with tempfile.TemporaryDirectory(prefix="exsim-calibrate-") as tmp:
        if isinstance(records, pd.DataFrame):
            data = Path(tmp) / "records.parquet"
            records.to_parquet(data, index=False)
        elif isinstance(records, (str, Path)):
            data = Path(records)
        else:
            raise UserError(f"records: expected a CSV or Parquet path or a DataFrame, not {type(records).__name__}")
        folder = Path(out) if out is not None else Path(tmp) / "calibration"
        args = [str(data), "--config", str(base), "--trials", str(trials), "--candidates", str(candidates),
                "--replicates", str(replicates), "--seed", str(seed), "--out", str(folder)]
        options = {"--params": params, "--years": years, "--workers": workers, "--design": design,
                   "--tenure-unit": tenure_unit, "--date-format": date_format, "--holdout": holdout,
                   "--segment": segment}
        args += [text for key, value in options.items() if value is not None for text in (key, str(value))]
        args += [text for field, column in (map or {}).items() for text in ("--map", f"{field}={column}")]
        args += [text for item in _set_items(set) for text in ("--set", item)]
        try:
            command.main(args, prog_name="exsim calibrate", standalone_mode=False)
        except Exception as exc:
            import click

            if isinstance(exc, click.exceptions.ClickException):
                raise UserError(exc.format_message()) from None
            raise
        toml = (folder / "calibrated.toml").read_text()
        calibrated = load_config(folder / "calibrated.toml")
        tables = {name: pd.read_csv(folder / f"{name}.csv") for name in ("fit", "parameters", "candidates")}
        best = {key: get_dotted(calibrated.model_dump(), key) for key in tables["parameters"]["parameter"]}
        result = Results(config=calibrated, best_params=best, toml=toml, **tables)
        result.out = folder if out is not None else None
    return result


def _shipped_baseline() -> Path:
    path = Path(exsim.__file__).resolve().parents[1] / "configs" / "baseline.toml"
    if not path.is_file():
        raise UserError("calibrate: give config= (the scenario file calibrated.toml extends); the shipped "
                        "configs/baseline.toml was not found next to the package")
    return path
