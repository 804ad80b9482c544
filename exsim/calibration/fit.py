"""The Optuna search: each trial runs the model with suggested parameters and scores its targets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna
import pandas as pd

from exsim.calibration.targets import Targets, loss, simulated_targets
from exsim.config import ConfigError, ScenarioConfig, validate_config
from exsim.results import combine
from exsim.runs import run_replicates

DEFAULT_PARAMETERS = {
    "attrition.base_quit_rate_per_year": (0.01, 0.40),
    "attrition.early_peak_multiplier": (0.0, 10.0),
    "attrition.tenure_peak_weeks": (4.0, 52.0),
    "attrition.engagement_effect": (1.0, 8.0),
}
IDENTIFIED_SHARE = 0.5  # an interval wider than half the search range: the data cannot pin it down


@dataclass
class FitResult:
    study: optuna.Study
    parameters: dict[str, tuple[float, float]]
    observed: Targets
    best_simulated: Targets
    intervals: pd.DataFrame


def parse_parameters(text: str | None, base: ScenarioConfig) -> dict[str, tuple[float, float]]:
    """'section.key[:low:high],...' -> ranges (defaults for known keys); errors name the key."""
    if not text:
        return dict(DEFAULT_PARAMETERS)
    out = {}
    for item in (p.strip() for p in text.split(",") if p.strip()):
        key, *bounds = item.split(":")
        if len(bounds) not in (0, 2):
            raise ConfigError(f"--params {item!r}: write section.key or section.key:low:high")
        if bounds:
            try:
                low, high = float(bounds[0]), float(bounds[1])
            except ValueError:
                raise ConfigError(f"--params {item!r}: low and high must be numbers") from None
        elif key in DEFAULT_PARAMETERS:
            low, high = DEFAULT_PARAMETERS[key]
        else:
            raise ConfigError(f"--params {key!r}: no default range; give one as {key}:low:high")
        if low >= high:
            raise ConfigError(f"--params {item!r}: low must be below high")
        for value in (low, high):
            _with(base, {key: value})  # names an unknown key or an out-of-range bound
        out[key] = (low, high)
    return out


def _with(base: ScenarioConfig, values: dict[str, float]) -> ScenarioConfig:
    data = base.model_dump()
    for key, value in values.items():
        if key.count(".") != 1 or key.split(".")[0] not in data or not isinstance(data[key.split(".")[0]], dict):
            raise ConfigError(f"--params {key!r}: not a section.key of the config")
        section, name = key.split(".")
        data[section][name] = value
    return validate_config(data, origin="--params")


def simulate_targets(base: ScenarioConfig, values: dict[str, float], observed: Targets, workers: int | None):
    """Targets of the model run with these parameter values (all replicates pooled), and the tables."""
    tables = combine(run_replicates(_with(base, values), workers=workers, show_progress=False))
    return simulated_targets(tables["spells"], tables["timeseries"], observed), tables


def fit(base: ScenarioConfig, observed: Targets, parameters: dict[str, tuple[float, float]], trials: int,
        storage: Path, seed: int, workers: int | None, say=print, parallel_trials: int = 1) -> FitResult:
    """Run (or resume) the study in `storage` until it has `trials` finished trials.

    parallel_trials > 1 runs that many trials at once (each with its own worker processes); the
    sampler then sees results in the order they finish, so the study is no longer a pure function
    of the seed (the fitted values agree within their intervals).
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="exsim-calibration", storage=f"sqlite:///{storage}", load_if_exists=True,
                                direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    done = len([t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE])
    if done:
        say(f"resuming: {done} trials already in {storage}")

    def objective(trial: optuna.Trial) -> float:
        values = {key: trial.suggest_float(key, low, high) for key, (low, high) in parameters.items()}
        simulated, _ = simulate_targets(base, values, observed, workers)
        trial.set_user_attr("attrition", simulated.attrition)
        return loss(observed, simulated)

    def report(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        finished = len([t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE])
        say(f"trial {finished}/{trials}: loss {trial.value:.2f} (best {study.best_value:.2f})")

    study.optimize(objective, n_trials=max(trials - done, 0), n_jobs=parallel_trials, callbacks=[report])
    best, _ = simulate_targets(base, study.best_params, observed, workers)
    return FitResult(study, parameters, observed, best, intervals(study, parameters))


def intervals(study: optuna.Study, parameters: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Per parameter: best value and the range over trials whose loss is within the noise of the best.

    The noise is the spread of the loss over the best third of trials, at least 1 (one scaled unit:
    2 points of attrition or 5 of retention).
    """
    trials = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    values = np.array([t.value for t in trials])
    best = values.min()
    top = np.sort(values)[: max(3, len(values) // 3)]
    noise = max(float(np.std(top)), 1.0)
    near = [t for t in trials if t.value <= best + noise]
    rows = []
    for key, (low, high) in parameters.items():
        seen = [t.params[key] for t in near]
        lo, hi = min(seen), max(seen)
        rows.append({"parameter": key, "best": study.best_params[key], "low": lo, "high": hi,
                     "search_low": low, "search_high": high, "trials_near_best": len(near),
                     "identified": (hi - lo) <= IDENTIFIED_SHARE * (high - low)})
    return pd.DataFrame(rows)
