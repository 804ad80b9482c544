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
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc

from exsim.config import ConfigError, ScenarioConfig, load_config, validate_config
from exsim.results.summary import HEADLINE_KPIS

OUTCOMES = (*HEADLINE_KPIS, "trust_org", "quit_hazard", "manager_support")


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[float | int | str | bool] | None = None
    low: float | None = None
    high: float | None = None
    steps: int = Field(5, ge=2, le=1000)
    log: bool = False

    @model_validator(mode="after")
    def _values_or_range(self):
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("give `values = [...]` or both `low` and `high`")
        if self.values is None and self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.log and self.values is None and self.low <= 0:
            raise ValueError("a log-scaled range needs low > 0")
        return self


class ExperimentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base: str
    design: Literal["grid", "list", "random", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(16, ge=1, le=100_000)
    replicates: int = Field(4, ge=1, le=1000)
    seed: int = Field(42, ge=0)
    years: int = Field(5, ge=1, le=50)
    outcomes: list[str] = Field(default_factory=lambda: ["voluntary_attrition_rate", "engagement", "absence_rate", "csat"])
    set: dict[str, float | int | str | bool] = Field(default_factory=dict)
    parameters: dict[str, Parameter]


class Experiment:
    """A loaded, checked spec with its base config; `points()` gives the design."""

    def __init__(self, spec: ExperimentSpec, path: Path, overrides: list[str] | None = None):
        self.spec, self.path = spec, path
        base_path = (path.parent / spec.base)
        sets = [f"{k}={_toml(v)}" for k, v in spec.set.items()] + list(overrides or [])
        self.base = load_config(base_path, [*sets, f"sim.years={spec.years}", f"sim.seed={spec.seed}", "sim.replicates=1"])
        self._check()

    @property
    def model_parameters(self) -> list[str]:
        return [k for k in self.spec.parameters if "." in k]

    def config_for(self, point: dict) -> ScenarioConfig:
        """The base config with a design point's model parameters set."""
        data = self.base.model_dump()
        for key in self.model_parameters:
            section, name = key.split(".")
            data[section][name] = point[key]
        return validate_config(data, origin=f"{self.path} point {point}")

    def points(self) -> list[dict]:
        """Design points (parameter name -> value) for grid, random or Latin-hypercube designs."""
        params = self.spec.parameters
        if self.spec.design == "grid":
            axes = [p.values if p.values is not None else list(_grid(p)) for p in params.values()]
            return [{k: self._cast(k, v) for k, v in zip(params, combo)} for combo in itertools.product(*axes)]
        if self.spec.design == "list":
            lengths = {len(p.values or []) for p in params.values()}
            if len(lengths) != 1 or 0 in lengths:
                raise ConfigError(f"{self.path}: design = \"list\" needs `values` of the same length for every parameter")
            return [{k: self._cast(k, v) for k, v in zip(params, combo)}
                    for combo in zip(*(p.values for p in params.values()))]
        rng = np.random.default_rng(self.spec.seed)
        if self.spec.design == "random":
            unit = rng.random((self.spec.samples, len(params)))
        elif self.spec.design == "lhs":
            unit = qmc.LatinHypercube(d=len(params), seed=rng).random(self.spec.samples)
        else:
            raise ValueError(f"design {self.spec.design!r} is for `exsim sensitivity`")
        return [self.from_unit(row) for row in unit]

    def from_unit(self, row: np.ndarray) -> dict:
        """Map a point in the unit cube to parameter values (choices for `values`, ranges scaled)."""
        point = {}
        for (name, p), u in zip(self.spec.parameters.items(), row):
            if p.values is not None:
                point[name] = p.values[min(int(u * len(p.values)), len(p.values) - 1)]
            elif p.log:
                point[name] = float(np.exp(np.log(p.low) + u * (np.log(p.high) - np.log(p.low))))
            else:
                point[name] = float(p.low + u * (p.high - p.low))
            point[name] = self._cast(name, point[name])
        return point

    def _cast(self, name: str, value):
        if isinstance(value, np.floating):
            value = float(value)
        if "." in name and isinstance(value, float):
            section, key = name.split(".")
            if type(getattr(self.base, section)).model_fields[key].annotation is int:
                return int(round(value))
        return value

    def _check(self) -> None:
        unknown = [o for o in self.spec.outcomes if o not in OUTCOMES]
        if unknown:
            raise ConfigError(f"{self.path}: unknown outcome(s) {', '.join(unknown)}; outcomes: {', '.join(OUTCOMES)}")
        for name, p in self.spec.parameters.items():
            if "." not in name:
                continue  # a label (or a no-effect dummy for sensitivity), not passed to the model
            for value in (p.values or [p.low, p.high]):
                data = self.base.model_dump()
                section, key = name.split(".")
                if section not in data or not isinstance(data[section], dict):
                    raise ConfigError(f"{self.path}: parameter {name!r}: no section [{section}]")
                data[section][key] = value
                validate_config(data, origin=f"{self.path}: parameter {name!r}")


def load_experiment(path: Path, overrides: list[str] | None = None) -> Experiment:
    """Read and check an experiment spec; ConfigError names the bad key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"experiment spec not found: {path}")
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise ConfigError(f"{path}: " + "; ".join(problems)) from None
    return Experiment(spec, path, overrides)


def _grid(p: Parameter) -> np.ndarray:
    if p.log:
        return np.exp(np.linspace(np.log(p.low), np.log(p.high), p.steps))
    return np.linspace(p.low, p.high, p.steps)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)
