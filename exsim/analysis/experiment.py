"""Experiment specs in TOML: a base config, parameters with values or ranges, a design, outcomes.

```toml
base = "../configs/baseline.toml"     # relative to the spec
design = "grid"                       # grid | list (values zipped) | random | lhs | sobol | morris
samples = 16                          # points for random and lhs; base samples for sobol and morris
replicates = 4
seed = 42
years = 5
outcomes = ["voluntary_attrition_rate", "engagement"]

[set]                                 # fixed overrides for every run
"org.headcount" = 300

[parameters]
"org.span_of_control" = { values = [4, 8, 12, 25] }
"work.workload" = { low = 0.9, high = 1.3, steps = 3 }
dummy = { low = 0, high = 1 }         # a name without a dot is a label or dummy, not passed to the model
```

Every mistake in a spec is a ConfigError that names the spec file and the key.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import os
import types
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exsim.config import ConfigError, ScenarioConfig, load_config, split_key, validate_config, with_values
from exsim.config.loading import read_scenario, read_toml
from exsim.config.schema import DEPARTMENT_SECTIONS, parameter_sections
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.errors import UserError
from exsim.metrics.kpis import YEARLY
from exsim.results.summary import KEYS

if TYPE_CHECKING:
    from exsim.data.orgchart import OrgChart

OUTCOMES = YEARLY  # every KPI with a yearly value (exsim/metrics/kpis.py)
SWEEP_DESIGNS = ("grid", "list", "random", "lhs")
SENSITIVITY_DESIGNS = ("sobol", "morris")
MAX_RUNS = 10_000  # larger designs run only with --yes
MAX_LISTED = 20  # problems listed in one message, then a count
# columns of a design's run table: a label may not take their names
RESERVED = {"point", "seed", *KEYS, *OUTCOMES}
SPEC_KEYS = {"sim.years": "`years` (or --years)", "sim.replicates": "`replicates` (or --replicates)",
             "sim.seed": "`seed`"}
# model speed for time estimates: one worker steps about this many employee-weeks per second, burn-in
# included (README sweep benchmark: ~500,000 on an idle 2-core machine, ~120,000 when it is busy)
EMPLOYEE_WEEKS_PER_S = 300_000


def _kind(value: Any) -> str:
    """'true/false', 'a number', 'text' or the value's type name."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text" if isinstance(value, str) else f"a {type(value).__name__}"


SCALAR_KINDS = ("true/false", "a number", "text")


class Parameter(BaseModel):
    """One varied key: a list of `values`, or a range `low`..`high` (`steps` for grids, optionally `log`)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    values: list[Any] | None = None
    low: float | None = None
    high: float | None = None
    steps: int = Field(5, ge=2, le=1000)
    log: bool = False

    @field_validator("low", "high")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError(f"must be a finite number, got {value}")
        return value

    @field_validator("values")
    @classmethod
    def _scalars_of_one_kind(cls, values: list | None) -> list | None:
        if values is None:
            return None
        if not values:
            raise ValueError("is empty; list at least one value")
        odd = [v for v in values if _kind(v) not in SCALAR_KINDS]
        if odd:
            raise ValueError(f"holds {odd[0]!r} ({_kind(odd[0])}); values must be numbers, text or true/false")
        kinds = sorted({_kind(v) for v in values})
        if len(kinds) > 1:
            raise ValueError(f"mixes {' and '.join(kinds)}; give values of one kind")
        infinite = [v for v in values if isinstance(v, float) and not math.isfinite(v)]
        if infinite:
            raise ValueError(f"holds {infinite[0]}; numbers must be finite")
        return values

    @model_validator(mode="after")
    def _values_or_range(self):
        if self.values is not None:
            extra = [k for k in ("low", "high", "steps", "log") if k in self.model_fields_set]
            if extra:
                raise ValueError(f"give `values` or a range (`low`, `high`), not both (also found {', '.join(extra)})")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give `values = [...]` or both `low` and `high`")
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.log and self.low <= 0:
            raise ValueError("a log-scaled range needs low > 0")
        return self


class ExperimentSpec(BaseModel):
    """The spec file's top level."""

    model_config = ConfigDict(extra="forbid", strict=True)
    base: str = Field(min_length=1)
    design: Literal["grid", "list", "random", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(16, ge=1, le=100_000)
    replicates: int = Field(4, ge=1, le=1000)
    seed: int = Field(42, ge=0)
    years: int = Field(5, ge=1, le=50)
    outcomes: list[str] = Field(default_factory=lambda: ["voluntary_attrition_rate", "engagement", "absence_rate", "csat"],
                                min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    parameters: dict[str, Parameter] = Field(min_length=1)

    @field_validator("outcomes")
    @classmethod
    def _known_outcomes(cls, outcomes: list[str]) -> list[str]:
        unknown = [o for o in outcomes if o not in OUTCOMES]
        if unknown:
            close = difflib.get_close_matches(unknown[0], OUTCOMES, n=3, cutoff=0.6)
            hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
            raise ValueError(f"unknown outcome(s) {', '.join(unknown)}{hint}; outcomes: {', '.join(OUTCOMES)}")
        twice = sorted({o for o in outcomes if outcomes.count(o) > 1})
        if twice:
            raise ValueError(f"lists {', '.join(twice)} more than once")
        return outcomes

    @field_validator("set")
    @classmethod
    def _scalar_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        for key, value in settings.items():
            if _kind(value) not in SCALAR_KINDS:
                raise ValueError(f"{key!r} = {value!r}: give one value (a number, text or true/false) as "
                                 f'"section.key" = value, e.g. "org.headcount" = 300')
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{key!r} = {value}: numbers must be finite")
        return settings


class Experiment:
    """A loaded, checked spec with its base config; `points()` gives the design."""

    def __init__(self, spec: ExperimentSpec, path: Path, overrides: list[str] | None = None):
        self.spec, self.path = spec, Path(path)
        self.overrides = list(overrides or [])
        self._charts: dict[str, OrgChart] | None = None
        self._check_keys()
        self.base = self._load_base()
        self._check_set_departments()
        self._check_parameters()

    @property
    def model_parameters(self) -> list[str]:
        return [k for k in self.spec.parameters if "." in k]

    def config_for(self, point: dict) -> ScenarioConfig:
        """The base config with a design point's model parameters set."""
        values = {key: point[key] for key in self.model_parameters}
        return with_values(self.base, values, origin=f"{self.path} point {point}")

    def check_command(self, command: str) -> None:
        """A ConfigError when the spec's design belongs to the other command (sweep or sensitivity)."""
        design = self.spec.design
        if command == "sweep" and design in SENSITIVITY_DESIGNS:
            raise ConfigError(f'{self.path}: design = "{design}" is a sensitivity design; run it with '
                              f"`exsim sensitivity {self.path}`, or use design = \"grid\", \"list\", \"random\" or \"lhs\"")
        if command == "sensitivity" and design in SWEEP_DESIGNS:
            raise ConfigError(f'{self.path}: design = "{design}" is a sweep design; run it with '
                              f'`exsim sweep {self.path}`, or use design = "sobol" or "morris"')

    def design_size(self) -> int:
        """Number of design points, counted without building them."""
        params = list(self.spec.parameters.values())
        design = self.spec.design
        if design == "grid":
            return math.prod(len(p.values) if p.values is not None else p.steps for p in params)
        if design == "list":
            return len(params[0].values)
        if design == "sobol":
            return self.spec.samples * (len(params) + 2)  # Saltelli, first and total order
        if design == "morris":
            return self.spec.samples * (len(params) + 1)  # one trajectory per sample
        return self.spec.samples

    def run_count(self) -> int:
        """Runs in the design: points x replicates."""
        return self.design_size() * self.spec.replicates

    def estimate_seconds(self, workers: int | None = None) -> float:
        """A rough wall-clock estimate for all runs on `workers` parallel workers (default: all cores)."""
        weeks = self.spec.years * WEEKS_PER_YEAR + self.base.sim.burn_in_weeks
        per_run = self.base.org.headcount * weeks / EMPLOYEE_WEEKS_PER_S
        return per_run * self.run_count() / max(1, workers or os.cpu_count() or 1)

    def org_charts(self) -> list[str]:
        """Every org chart file the design's runs would read (the base's, and any varied `org.chart` values)."""
        varied = self.spec.parameters.get("org.chart")
        charts = [self.base.org.chart, *(varied.values if varied is not None else [])]
        return list(dict.fromkeys(c for c in charts if c))

    def charts(self) -> dict[str, OrgChart]:
        """Each org chart of `org_charts()`, read once; a bad file is a UserError naming the spec and the file."""
        if self._charts is None:
            from exsim.data.orgchart import read_org_chart

            charts = {}
            for chart in self.org_charts():
                try:
                    charts[chart] = read_org_chart(chart)
                except UserError as exc:
                    raise UserError(f"{self.path}: org.chart = {chart!r}: {exc}") from None
            self._charts = charts
        return self._charts

    def department_configs(self, points: list[dict]) -> list[tuple[dict, ScenarioConfig]]:
        """The configs whose departments stand for those of all `points`: one per distinct `org.chart` value (or
        just one, when the design does not vary it), with that value.

        exsim.org.chart_departments reads a config's chart, its [departments] tables' names and sizes and the
        interventions' `where`. Design points differ only in their parameters' values: a parameter
        departments.<name>.<section>.<key> gives every point the same table, and no parameter sets a size or
        a `where` (_check_key), so points on the same chart agree on the check.
        """
        chosen: dict[tuple, tuple[dict, dict]] = {}
        for point in points:
            values = {"org.chart": point["org.chart"]} if "org.chart" in self.spec.parameters else {}
            chosen.setdefault(tuple(values.values()), (values, point))
        return [(values, self.config_for(point)) for values, point in chosen.values()]

    def check_size(self, yes: bool, workers: int | None = None) -> None:
        """A UserError for designs above MAX_RUNS runs unless `yes`: the run count and a time estimate."""
        runs = self.run_count()
        if runs <= MAX_RUNS or yes:
            return
        workers = workers or os.cpu_count() or 1
        raise UserError(f"{self.path}: the {self.spec.design} design has {self.design_size():,} points x "
                        f"{self.spec.replicates} replicates = {runs:,} runs, roughly "
                        f"{duration(self.estimate_seconds(workers))} on {workers} worker{'s' if workers > 1 else ''}; "
                        f"designs above {MAX_RUNS:,} runs need --yes to go ahead (or make the design smaller: "
                        "fewer values, steps, samples or replicates)")

    def points(self) -> list[dict]:
        """Design points (parameter name -> value) for grid, list, random or Latin-hypercube designs."""
        params = self.spec.parameters
        if self.spec.design == "grid":
            axes = [self._axis(name, p) for name, p in params.items()]
            return [dict(zip(params, combo)) for combo in itertools.product(*axes)]
        if self.spec.design == "list":
            return [dict(zip(params, combo)) for combo in zip(*(p.values for p in params.values()))]
        self.check_command("sweep")
        rng = np.random.default_rng(self.spec.seed)
        if self.spec.design == "random":
            unit = rng.random((self.spec.samples, len(params)))
        else:
            from scipy.stats import qmc  # imported here: scipy.stats takes long to import, and errors need none of it

            unit = qmc.LatinHypercube(d=len(params), seed=rng).random(self.spec.samples)
        return [self.from_unit(row) for row in unit]

    def from_unit(self, row: np.ndarray) -> dict:
        """Map a point in the unit cube to parameter values (choices for `values`, ranges scaled)."""
        point = {}
        for (name, p), u in zip(self.spec.parameters.items(), row):
            if p.values is not None:
                point[name] = p.values[min(int(u * len(p.values)), len(p.values) - 1)]
            elif p.log:
                point[name] = self._cast(name, np.exp(np.log(p.low) + u * (np.log(p.high) - np.log(p.low))))
            else:
                point[name] = self._cast(name, p.low + u * (p.high - p.low))
        return point

    def _axis(self, name: str, p: Parameter) -> list:
        if p.values is not None:
            return list(p.values)
        return [self._cast(name, v) for v in _grid(p)]

    def _cast(self, name: str, value):
        """A range value as a plain float, rounded for integer config keys."""
        value = float(value)
        if "." in name and _field(name).annotation is int:
            return int(round(value))
        return value

    def _check_keys(self) -> None:
        """Parameter and [set] keys are section.key of the schema; nothing is set twice."""
        for name in self.model_parameters:
            _check_key(name, f"{self.path}: parameter {name!r}")
        for name in self.spec.set:
            _check_key(name, f"{self.path}: [set] key {name!r}")
            if name in self.spec.parameters:
                raise ConfigError(f"{self.path}: {name!r} is both in [set] and in [parameters]; the design varies it, "
                                  "so the [set] value would be ignored: remove one of them")
        for item in self.overrides:
            key = item.split("=", 1)[0].strip()
            if key in self.spec.parameters:
                raise ConfigError(f"--set {item}: {key} is a parameter that {self.path} varies, so the override would "
                                  f"be ignored; drop the --set, or remove {key!r} from [parameters] in the spec")
            if key in SPEC_KEYS:
                raise ConfigError(f"--set {item}: for an experiment, {key} comes from the spec's {SPEC_KEYS[key]}")
        for name, p in self.spec.parameters.items():
            if "." not in name and (name in RESERVED or not name.strip()):
                raise ConfigError(f"{self.path}: parameter {name!r} is named like a column of the results table; "
                                  "give the label another name")
        if self.spec.design == "list":
            self._check_list_lengths()

    def _check_list_lengths(self) -> None:
        ranges = [name for name, p in self.spec.parameters.items() if p.values is None]
        if ranges:
            raise ConfigError(f'{self.path}: design = "list" zips `values` lists, but parameter {ranges[0]!r} '
                              "gives a range; list its values")
        lengths = {name: len(p.values) for name, p in self.spec.parameters.items()}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{name!r}: {n}" for name, n in lengths.items())
            raise ConfigError(f'{self.path}: design = "list" needs `values` of the same length for every parameter '
                              f"(found {shown})")

    def _load_base(self) -> ScenarioConfig:
        """The base config, then [set], then --set, then the spec's years and seed; errors name their source."""
        base_path = self.path.parent / self.spec.base
        if not base_path.is_file():
            problem = "is a folder" if base_path.is_dir() else "does not exist"
            raise ConfigError(f"{self.path}: base = {self.spec.base!r}, but {base_path} {problem}; give the "
                              "scenario file to start from, relative to the spec")
        for key, value in self.spec.set.items():
            check_kind(key, value, f"{self.path}: [set] {key!r}")
        sets = [(f"{self.path} [set]", f"{key}={_toml(value)}") for key, value in self.spec.set.items()]
        data = load_config(base_path, [*sets, *self.overrides]).model_dump()
        data["sim"].update(years=self.spec.years, seed=self.spec.seed, replicates=1)
        return validate_config(data, origin=str(self.path))

    def _check_set_departments(self) -> None:
        """With an org chart, a [set] or --set key departments.<name>.... names a table of the base file or a
        department of a chart (without a chart, loading the base checked it: a new table needs a size)."""
        keys = [(f"{self.path}: [set] {key!r}", key) for key in self.spec.set]
        keys += [(f"--set {item}", item.split("=", 1)[0].strip()) for item in self.overrides]
        named = [(origin, split_key(key)[1].strip()) for origin, key in keys
                 if split_key(key)[0] == "departments" and len(split_key(key)) > 2]
        if not named or not self.org_charts():
            return
        from exsim.org.structure import unknown_department

        data, _ = read_scenario(self.path.parent / self.spec.base)
        tables = data.get("departments")
        declared = list(tables) if isinstance(tables, dict) else []
        for origin, name in named:
            problem = unknown_department(name, declared, list(self.charts().values()))
            if problem:
                raise ConfigError(f"{origin}: {problem}")

    def _check_parameters(self) -> None:
        """Every value (or both range ends, as cast) is of the key's kind and within its bounds."""
        for name, p in self.spec.parameters.items():
            if "." not in name:
                continue  # a label (or a no-effect dummy for sensitivity), not passed to the model
            base = self._base_for(name)
            values = p.values if p.values is not None else [self._cast(name, p.low), self._cast(name, p.high)]
            for value in {(type(v), v): v for v in values}.values():
                _layer(base, name, value, f"{self.path}: parameter {name!r}")

    def _base_for(self, name: str) -> ScenarioConfig:
        """The config a parameter's values are checked on: the base; for a department key, a department of the
        base's [departments] tables or of an org chart (ConfigError listing both otherwise), and when only a
        varied `org.chart` has it, the base on that chart."""
        parts = split_key(name)
        if parts[0] != "departments" or parts[1] in self.base.departments:
            return self.base
        from exsim.org.structure import unknown_department

        charts = self.charts()
        problem = unknown_department(parts[1], list(self.base.departments), list(charts.values()))
        if problem:
            raise ConfigError(f"{self.path}: parameter {name!r}: {problem}")
        if self.base.org.chart:
            return self.base
        chart = next(path for path, chart in charts.items() if parts[1] in chart.departments)
        return with_values(self.base, {"org.chart": chart}, origin=str(self.path))


def load_experiment(path: Path, overrides: list[str] | None = None, years: int | None = None,
                    replicates: int | None = None) -> Experiment:
    """Read and check an experiment spec (`years` and `replicates` replace the spec's); ConfigError names the culprit."""
    path = Path(path)
    raw = _read_toml(path)
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: " + "\n  ".join(spec_problems(exc.errors()))) from None
    given = {key: value for key, value in (("years", years), ("replicates", replicates)) if value is not None}
    return Experiment(spec.model_copy(update=given), path, overrides)  # the command line checks their ranges


def duration(seconds: float) -> str:
    """'40 s', '12 min', '3.5 h' or '2.1 days'."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.1f} days"


def _read_toml(path: Path) -> dict:
    """The spec's TOML as a dict, read as scenario files are (UTF-8, or UTF-16/32 with a byte-order mark).

    A missing file, a folder, another encoding, bad TOML or too deep nesting is a ConfigError naming the spec.
    """
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give the experiment spec file (.toml)")
    if not path.exists():
        raise ConfigError(f"experiment spec not found: {path}; check the path")
    return read_toml(path)


def spec_problems(errors: list[dict]) -> list[str]:
    """One line per problem (unknown keys of one table on one line), at most MAX_LISTED lines, then a count."""
    unknown: dict[tuple, list[dict]] = {}
    problems = []
    for err in errors:
        if err["type"] == "extra_forbidden":
            unknown.setdefault(err["loc"][:-1], []).append(err)
        else:
            problems.append(_spec_problem(err))
    problems = [_unknown_keys(group) for group in unknown.values()] + problems
    more = [f"... and {len(problems) - MAX_LISTED} more problems"] if len(problems) > MAX_LISTED else []
    return problems[:MAX_LISTED] + more


def _unknown_keys(errors: list[dict]) -> str:
    """Unknown keys of one table: the first MAX_LISTED (with a close name for the first), and the valid keys."""
    loc = errors[0]["loc"]
    level = Parameter if len(loc) == 3 and loc[0] == "parameters" else ExperimentSpec
    names = [_toml_key(e["loc"]) for e in errors]
    shown = ", ".join(repr(n) for n in names[:MAX_LISTED]) + (f" and {len(names) - MAX_LISTED} more"
                                                              if len(names) > MAX_LISTED else "")
    where = f"parameter {loc[1]!r}" if level is Parameter else "the spec"
    close = _did_you_mean(str(loc[-1]), level.model_fields)
    return f"unknown key{'s' if len(names) > 1 else ''} {shown}{close}; keys of {where}: {', '.join(level.model_fields)}"


def _spec_problem(err: dict) -> str:
    """One line for one pydantic error in a spec: the key (as written in TOML) and what is allowed."""
    loc = err["loc"]
    key = _toml_key(loc)
    kind, value, msg = err["type"], err.get("input"), err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        hint = (' (the scenario file to start from, relative to the spec, e.g. base = "../configs/baseline.toml")'
                if key == "base" else "")
        return f"missing key {key!r}{hint}"
    if kind == "literal_error":
        return f"{key} = {value!r}: choose {err['ctx']['expected']}"
    if kind == "model_type" and loc[0] == "parameters":
        return f"{key} = {value!r}: give a table such as {{ values = [...] }} or {{ low = ..., high = ... }}"
    if kind == "value_error":
        return f"{key}: {msg}" if key else msg
    if kind == "too_short":
        return f"{key} is empty; give at least one entry"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        expected = {"int": "a whole number", "float": "a number", "string": "text in quotes", "bool": "true or false",
                    "dict": "a table", "list": "a list [...]"}.get(kind.split("_")[0], kind.split("_")[0])
        return f"{key} = {value!r} has the wrong type: expected {expected}"
    return f"{key} = {value!r}: {msg}"


def _toml_key(loc: tuple) -> str:
    """A pydantic location as a TOML key: parameters."org.span_of_control".low."""
    parts = []
    for i, part in enumerate(loc):
        quoted = i > 0 and loc[i - 1] in ("parameters", "set") and isinstance(part, str)
        parts.append(f'"{part}"' if quoted else f"[{part}]" if isinstance(part, int) else str(part))
    return ".".join(parts).replace(".[", "[")


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _schema_key(name: str) -> tuple[str, str]:
    """(section, key) of a config key: section.key, or departments.<name>.section.key for one department."""
    parts = split_key(name)
    return (parts[2], parts[3]) if len(parts) == 4 and parts[0] == "departments" else (parts[0], parts[-1])


def _field(name: str):
    section, key = _schema_key(name)
    return parameter_sections()[section].model_fields[key]


def _kinds(annotation) -> set[str]:
    """The scalar kinds a schema field takes: 'a number', 'text', 'true/false' (empty for tables and lists)."""
    if annotation is bool:
        return {"true/false"}
    if annotation in (int, float):
        return {"a number"}
    if annotation is str:
        return {"text"}
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return {_kind(a) for a in typing.get_args(annotation)}
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_kinds(a) for a in typing.get_args(annotation) if a is not type(None)))
    return set()


def check_kind(key: str, value: Any, origin: str) -> None:
    """A ConfigError unless `value` is of the kind (number, text, true/false) `key` takes, and finite."""
    allowed = _kinds(_field(key).annotation)
    if _kind(value) not in allowed:
        raise ConfigError(f"{origin}: {value!r} is {_kind(value)}, but {key} takes {' or '.join(sorted(allowed))}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{origin}: {key} = {value}: numbers must be finite")


def _layer(config: ScenarioConfig, key: str, value: Any, origin: str) -> ScenarioConfig:
    """`config` with `key` (section.key, or departments.<name>.section.key) set to `value`, checked.

    A department without a [departments.<name>] table (one an org chart has) gets one, holding this value.
    """
    check_kind(key, value, origin)
    return with_values(config, {key: value}, origin=origin)


def _check_key(name: str, what: str) -> None:
    """A ConfigError (starting with `what`) unless `name` is section.key of a single value in the schema."""
    parts = split_key(name)
    one_department = len(parts) == 4 and parts[0] == "departments" and parts[2] in DEPARTMENT_SECTIONS
    if not one_department and (name.count(".") != 1 or not all(part.strip() for part in parts)):
        raise ConfigError(f"{what}: a config key is written section.key, e.g. \"org.span_of_control\", or "
                          "departments.<name>.section.key (a parameter name without a dot is a label the model never sees)")
    section, key = _schema_key(name)
    sections = {n: model for n, model in parameter_sections().items() if n != "interventions"}
    if section not in sections:
        raise ConfigError(f"{what}: no section [{section}]{_did_you_mean(section, sections)}; "
                          f"sections: {', '.join(sections)}")
    fields = sections[section].model_fields
    if key not in fields:
        raise ConfigError(f"{what}: unknown key {key!r} in [{section}]{_did_you_mean(key, fields)}; "
                          f"keys in [{section}]: {', '.join(fields)} (see `exsim params {section}`)")
    if name in SPEC_KEYS:
        raise ConfigError(f"{what}: {name} is set by the spec's {SPEC_KEYS[name]}")
    if not _kinds(fields[key].annotation):
        raise ConfigError(f"{what}: {name} is not a single value, so it cannot be set or varied here")


def _toml(value: bool | int | float | str) -> str:
    """A [set] value as TOML text for an override."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _grid(p: Parameter) -> np.ndarray:
    if p.log:
        return np.exp(np.linspace(np.log(p.low), np.log(p.high), p.steps))
    return np.linspace(p.low, p.high, p.steps)
