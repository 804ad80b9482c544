"""The Optuna search: each trial runs the model with suggested parameters and scores its targets.

Resuming: trials a killed process left RUNNING are marked FAIL, and the sampler is seeded with the
seed plus the number of trials already in the study, so a resumed study proposes new points
instead of repeating the first ones. Replicates run in a pool of worker processes that ignore
Ctrl-C and die with their parent; `ReplicatePool.stop` ends a trial within a fraction of a second.
"""

from __future__ import annotations

import difflib
import math
import multiprocessing
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna
import pandas as pd

from exsim.calibration import uncertainty
from exsim.calibration.targets import Targets, compared_points, loss, misfit_scales, simulated_targets
from exsim.config import ConfigError, ScenarioConfig, split_key, with_values
from exsim.config.schema import parameter_sections
from exsim.results import combine
from exsim.runs.executors import worker_init
from exsim.runs.replicates import (
    ReplicateResult,
    default_workers,
    replicate_specs,
    simulate,
    simulate_spec,
)

DEFAULT_PARAMETERS = {
    "attrition.base_quit_rate_per_year": (0.01, 0.40),
    "attrition.early_peak_multiplier": (0.0, 10.0),
    "attrition.tenure_peak_weeks": (4.0, 52.0),
    "attrition.engagement_effect": (1.0, 8.0),
}
SURVIVAL_PARAMETERS = {  # a survival file shows the whole tenure curve: fit its shape, not engagement
    "attrition.base_quit_rate_per_year": (0.01, 0.40),
    "attrition.start_multiplier": (0.1, 1.5),
    "attrition.early_peak_multiplier": (0.0, 10.0),
    "attrition.tenure_peak_weeks": (4.0, 156.0),
    "attrition.late_multiplier": (0.2, 1.5),
}
NOT_FITTED_SECTIONS = ("sim", "lesson", "interventions")  # run settings, texts and schedules, not model parameters
IDENTIFIED_SHARE = 0.5  # a 95% interval wider than half the search range: the data cannot pin it down
BOUND_SHARE = 0.02  # an interval within 2% of a search bound sits on it: the optimum may lie beyond
CANDIDATES = 5  # the best trials re-run on fresh seeds before a winner is named
FRESH_SEED_OFFSET = 1_000_003  # fresh seeds: the run seed plus this
STUDY_NAME = "exsim-calibration"
POLL_SECONDS = 0.1
PARAMS_FORMAT = "section.key or section.key:low:high, separated by commas"


class Interrupted(Exception):
    """The calibration was asked to stop (Ctrl-C) while a trial ran."""


@dataclass
class FitResult:
    study: optuna.Study
    parameters: dict[str, tuple[float, float]]
    observed: Targets
    best_simulated: Targets  # the winner re-run on fresh seeds
    intervals: pd.DataFrame
    best_params: dict[str, float]  # the winner after the re-runs, not merely the luckiest trial
    confirmed: pd.DataFrame  # the candidates: loss in the search, loss on fresh seeds, which one won


# ---- --params ----------------------------------------------------------------------------------
def fittable_parameters() -> dict[str, tuple[float, float]]:
    """Every model parameter a calibration can fit (a number in a model section) -> its schema bounds."""
    out = {}
    for section, schema in parameter_sections().items():
        if section in NOT_FITTED_SECTIONS:
            continue
        for name, spec in schema.model_fields.items():
            if spec.annotation is float:
                out[f"{section}.{name}"] = _schema_bounds(spec)
    return out


def _schema_bounds(spec) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for rule in spec.metadata:
        low = max(low, float(getattr(rule, "ge", getattr(rule, "gt", -math.inf))))
        high = min(high, float(getattr(rule, "le", getattr(rule, "lt", math.inf))))
    return low, high


def parse_parameters(text: str | None, base: ScenarioConfig, design: str = "dates") -> dict[str, tuple[float, float]]:
    """'section.key[:low:high],...' -> search ranges (defaults for known keys); errors name --params and the item.

    Without --params: the tenure curve's shape for survival records, else the default parameters.
    """
    if text is None:
        return dict(SURVIVAL_PARAMETERS if design == "survival" else DEFAULT_PARAMETERS)
    if not text.strip():
        raise ConfigError(f"--params is empty; write {PARAMS_FORMAT}, e.g. attrition.base_quit_rate_per_year:0.02:0.3")
    fittable = fittable_parameters()
    out: dict[str, tuple[float, float]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            raise ConfigError(f"--params {text!r}: an empty item (a comma too many); write {PARAMS_FORMAT}")
        key, low, high = _parse_item(item, fittable)
        if key in out:
            raise ConfigError(f"--params {item!r}: {key} is given twice; give each parameter once")
        for value in (low, high):
            try:
                _with(base, {key: value})
            except ConfigError as exc:
                raise ConfigError(f"--params {item!r}: {value:g} is not allowed for {key}: "
                                  f"{str(exc).removeprefix('--params: ')}") from None
        out[key] = (low, high)
    return out


def _parse_item(item: str, fittable: dict[str, tuple[float, float]]) -> tuple[str, float, float]:
    """One `section.key[:low:high]` item, checked: a fittable key and finite bounds with low < high."""
    key, *bounds = (part.strip() for part in item.split(":"))
    if len(bounds) not in (0, 2):
        raise ConfigError(f"--params {item!r}: {len(bounds) + 1} parts separated by ':'; write {PARAMS_FORMAT}")
    _check_key(key, item, fittable)
    if not bounds:
        return (key, *_default_range(key, item, fittable))
    try:
        low, high = float(bounds[0]), float(bounds[1])
    except ValueError:
        raise ConfigError(f"--params {item!r}: low and high must be numbers, e.g. {key}:0.02:0.3") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ConfigError(f"--params {item!r}: the bounds must be finite numbers (not inf or nan)")
    if low >= high:
        raise ConfigError(f"--params {item!r}: low ({low:g}) must be below high ({high:g})")
    return key, low, high


def _check_key(key: str, item: str, fittable: dict[str, tuple[float, float]]) -> None:
    if key in fittable:
        return
    sections = sorted({split_key(k)[0] for k in fittable})
    section = split_key(key)[0]
    if section in parameter_sections() and key.count(".") == 1 and split_key(key)[1] in \
            parameter_sections()[section].model_fields:
        raise ConfigError(f"--params {item!r}: {key} is not a model parameter that can be fitted (only numbers in "
                          f"the sections {', '.join(sections)}; `exsim params SECTION` lists them)")
    close = difflib.get_close_matches(key, list(fittable), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise ConfigError(f"--params {item!r}: unknown parameter {key!r}; {hint}give section.key of a number in one of "
                      f"the sections {', '.join(sections)} (`exsim params SECTION` lists them)")


def _default_range(key: str, item: str, fittable: dict[str, tuple[float, float]]) -> tuple[float, float]:
    if key in DEFAULT_PARAMETERS:
        return DEFAULT_PARAMETERS[key]
    low, high = fittable[key]
    if math.isfinite(low) and math.isfinite(high):
        return low, high
    raise ConfigError(f"--params {item!r}: no default range for {key}; give one as {key}:low:high")


def _with(base: ScenarioConfig, values: dict[str, float]) -> ScenarioConfig:
    return with_values(base, values, origin="--params")


# ---- replicates --------------------------------------------------------------------------------
class ReplicatePool:
    """Worker processes running each trial's replicates; they ignore Ctrl-C and die with their parent.

    Use as a context manager: leaving it normally waits for the workers, leaving it on an exception
    (Ctrl-C included) terminates them at once. Setting `stop` makes a running `run` raise Interrupted.
    """

    def __init__(self, workers: int | None, replicates: int):
        self.workers = max(1, min(workers or default_workers(), replicates))
        self.stop = threading.Event()
        self._pool = None

    def __enter__(self) -> ReplicatePool:
        if self.workers > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = multiprocessing.get_context(method).Pool(self.workers, initializer=worker_init)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            (self._pool.close if exc_type is None else self._pool.terminate)()
            self._pool.join()
            self._pool = None

    def run(self, config: ScenarioConfig) -> list[ReplicateResult]:
        """The config's replicates (seeds from config.sim.seed), in replicate order."""
        specs = replicate_specs(config)
        if self._pool is None:
            return [simulate(s.config, s.seed, s.replicate, progress=self.check) for s in specs]
        pending = [self._pool.apply_async(simulate_spec, (spec,)) for spec in specs]
        for job in pending:
            while not job.ready():
                self.check()
                job.wait(POLL_SECONDS)
        return [job.get() for job in pending]

    def check(self, *_) -> None:
        """Raise Interrupted once `stop` is set."""
        if self.stop.is_set():
            raise Interrupted("calibration stopped")


def simulate_targets(base: ScenarioConfig, values: dict[str, float], observed: Targets,
                     pool: ReplicatePool) -> Targets:
    """Targets of the model run with these parameter values (all replicates pooled)."""
    tables = combine(pool.run(_with(base, values)))
    return simulated_targets(tables["spells"], tables["timeseries"], observed)


# ---- the study ---------------------------------------------------------------------------------
def open_study(storage: Path, seed: int, say=print) -> optuna.Study:
    """The study in `storage` (created if new); stale RUNNING trials marked FAIL; a sampler seeded from its history."""
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # a stopped trial is reported by the command, not as a traceback
    study = optuna.create_study(study_name=STUDY_NAME, storage=f"sqlite:///{storage}", load_if_exists=True,
                                direction="minimize")
    stale = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
    for trial in stale:
        study.tell(trial.number, state=optuna.trial.TrialState.FAIL)
    if stale:
        say(f"marked {len(stale)} unfinished trial(s) of a stopped run as failed")
    study.sampler = optuna.samplers.TPESampler(seed=seed + len(study.trials))
    return study


def complete_trials(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))


def fit(base: ScenarioConfig, observed: Targets, parameters: dict[str, tuple[float, float]], trials: int,
        storage: Path, seed: int, workers: int | None, say=print, parallel_trials: int = 1,
        resamples: list[Targets] = (), candidates: int = CANDIDATES) -> FitResult:
    """Run (or resume) the study in `storage` until it has `trials` complete trials.

    resamples: observed targets of bootstrap resamples of the people, for the parameter intervals.
    candidates: how many of the best trials are re-run on fresh seeds before a winner is named.

    parallel_trials > 1 runs that many trials at once (sharing the worker processes); the sampler
    then sees results in the order they finish, so the study is no longer a pure function of the
    seed (the fitted values agree within their intervals). Ctrl-C raises KeyboardInterrupt within
    a fraction of a second; the running trials are marked FAIL and the workers terminated.
    """
    with ReplicatePool(workers, base.sim.replicates) as pool, stop_on_interrupt(pool):
        study = open_study(storage, seed, say)
        done = len(complete_trials(study))
        if done:
            say(f"resuming: {done} trials already in {storage}")

        def objective(trial: optuna.Trial) -> float:
            values = {key: trial.suggest_float(key, low, high) for key, (low, high) in parameters.items()}
            simulated = simulate_targets(base, values, observed, pool)
            trial.set_user_attr("attrition", simulated.attrition)
            trial.set_user_attr("simulated", _targets_to_json(simulated))
            return loss(observed, simulated)

        def report(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
            if trial.state == optuna.trial.TrialState.COMPLETE:
                say(f"trial {len(complete_trials(study))}/{trials}: loss {trial.value:.2f} "
                    f"(best {study.best_value:.2f})")

        study.optimize(objective, n_trials=max(trials - done, 0), n_jobs=parallel_trials, callbacks=[report])
        u, figures = trial_points(study, parameters)
        emulated = emulated_optimum(u, figures, study, parameters, observed)
        say(f"re-running the best {min(candidates, len(complete_trials(study)))} trials"
            f"{' and the optimum of an emulator of all trials' if emulated else ''} on fresh seeds")
        confirmed, best = confirm_best(study, base, observed, pool, candidates, emulated)
    best_params = {key: float(confirmed.loc[confirmed["winner"], key].iloc[0]) for key in parameters}
    if resamples:
        say(f"intervals: fitting {len(resamples)} resamples of the people through an emulator of the trials")
    table = intervals(u, figures, parameters, best_params, best, list(resamples), seed)
    return FitResult(study, parameters, observed, best, table, best_params, confirmed)


def trial_points(study: optuna.Study, parameters: dict[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Every complete trial's parameters scaled to the unit box, and the figures its run gave."""
    trials = [t for t in complete_trials(study) if "simulated" in t.user_attrs]
    low, width = _box(parameters)
    u = np.array([[t.params[key] for key in parameters] for t in trials], dtype=float).reshape(-1, len(parameters))
    figures = [compared_points(_targets_from_json(t.user_attrs["simulated"])).to_numpy() for t in trials]
    return (u - low) / width, np.array(figures, dtype=float).reshape(len(trials), -1)


def _box(parameters: dict[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([lo for lo, _ in parameters.values()], dtype=float)
    return low, np.array([hi for _, hi in parameters.values()], dtype=float) - low


def emulated_optimum(u: np.ndarray, figures: np.ndarray, study: optuna.Study, parameters: dict[str, tuple[float, float]],
                     observed: Targets) -> dict[str, float] | None:
    """Where an emulator of all trials misses the data least, or None with too few trials for one.

    It smooths over every trial's noise, where the best trial is partly the luckiest draw.
    """
    emulator = uncertainty.fit_emulator(u, figures)
    if emulator is None:
        return None
    best = min(complete_trials(study), key=lambda t: t.value)
    scale = misfit_scales(observed, _targets_from_json(best.user_attrs.get("simulated")))
    low, width = _box(parameters)
    start = (np.array([best.params[key] for key in parameters]) - low) / width
    point = uncertainty.best_point(emulator, compared_points(observed).to_numpy(), scale, start)
    return dict(zip(parameters, (low + width * point).tolist()))


def confirm_best(study: optuna.Study, base: ScenarioConfig, observed: Targets, pool: ReplicatePool,
                 candidates: int = CANDIDATES, emulated: dict[str, float] | None = None) -> tuple[pd.DataFrame, Targets]:
    """Re-run the `candidates` best trials on fresh seeds and rank them by the mean of both losses.

    The luckiest trial of a noisy search is not the best parameter set: a trial must stay good on
    seeds it was not chosen on. The `emulated` optimum, run on the search seeds and the fresh ones,
    wins unless its mean loss exceeds the best trial's by more than a re-run's noise (then the
    emulator has misled). Returns the table (a `winner` column marks the winner) and the winner's
    targets on fresh seeds.
    """
    fresh = base.model_copy(update={"sim": base.sim.model_copy(update={"seed": base.sim.seed + FRESH_SEED_OFFSET})})
    ranked = sorted(complete_trials(study), key=lambda t: t.value)[:candidates]
    rows, targets = [], {}
    for trial in ranked:
        name = f"trial {trial.number}"
        targets[name] = simulate_targets(fresh, trial.params, observed, pool)
        rows.append(_candidate_row(name, trial.value, loss(observed, targets[name]), trial.params))
    noise = float(pd.Series([abs(r["loss_fresh_seeds"] - r["loss_search"]) for r in rows]).mean())
    best_trial = min(rows, key=lambda r: r["loss_mean"])
    winner = best_trial["candidate"]
    if emulated is not None:
        name = "emulator optimum"
        searched = loss(observed, simulate_targets(base, emulated, observed, pool))
        targets[name] = simulate_targets(fresh, emulated, observed, pool)
        rows.append(_candidate_row(name, searched, loss(observed, targets[name]), emulated))
        if rows[-1]["loss_mean"] <= best_trial["loss_mean"] + noise:
            winner = name
    table = pd.DataFrame(rows).assign(rerun_noise=noise)
    table["winner"] = table["candidate"] == winner
    table = table.sort_values(["winner", "loss_mean"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return table, targets[winner]


def _candidate_row(name: str, searched: float, fresh: float, params: dict[str, float]) -> dict:
    return {"candidate": name, "loss_search": searched, "loss_fresh_seeds": fresh, "loss_mean": (searched + fresh) / 2,
            **params}


class stop_on_interrupt:
    """While active (in the main thread): Ctrl-C sets `pool.stop`, so trials in other threads end, then raises."""

    def __init__(self, pool: ReplicatePool):
        self.pool = pool
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _handle(self, signum, frame) -> None:
        self.pool.stop.set()
        raise KeyboardInterrupt


def _targets_to_json(targets: Targets) -> dict:
    data = {"mode": targets.mode, "attrition": targets.attrition,
            "curve": [[int(k), float(v)] for k, v in targets.curve.items()], "all_exits": targets.all_exits}
    if targets.se is not None:
        data["se"] = [[int(k), float(v)] for k, v in targets.se.items()]
    return data


def _targets_from_json(data: dict | None) -> Targets | None:
    if not data:
        return None
    curve = pd.Series({int(k): v for k, v in data["curve"]}, dtype=float)
    se = pd.Series({int(k): v for k, v in data["se"]}, dtype=float) if "se" in data else None
    return Targets(data["mode"], float(data["attrition"]), curve, se, bool(data.get("all_exits", False)))


def intervals(u: np.ndarray, figures: np.ndarray, parameters: dict[str, tuple[float, float]],
              best_params: dict[str, float], winner_targets: Targets, resamples: list[Targets], seed: int) -> pd.DataFrame:
    """Per parameter: the winner's value and a 95% bootstrap interval (see `exsim.calibration.uncertainty`).

    `u` and `figures` are the trials (`trial_points`); `resamples` the observed targets of resamples
    of the people, each fitted through an emulator of a resample of the trials. A parameter is
    identified when its interval is narrower than IDENTIFIED_SHARE of its search range and touches
    neither bound; with too few trials for an emulator there is no interval.
    """
    low, width = _box(parameters)
    scaled = [(compared_points(r).to_numpy(), misfit_scales(r, winner_targets)) for r in resamples]
    start = (np.array([best_params[key] for key in parameters]) - low) / width
    enough = len(u) >= uncertainty.min_trials(len(parameters)) and scaled
    points = uncertainty.bootstrap_points(u, figures, scaled, start, seed) if enough else np.empty((0, len(parameters)))
    lows, highs = uncertainty.percentile_interval(points) if len(points) else (np.full(len(parameters), np.nan),) * 2
    rows = []
    for i, (key, (search_low, search_high)) in enumerate(parameters.items()):
        lo, hi = low[i] + width[i] * lows[i], low[i] + width[i] * highs[i]
        edge = BOUND_SHARE * width[i]
        on_bound = bool(lo <= search_low + edge or hi >= search_high - edge)
        rows.append({"parameter": key, "best": best_params[key], "low": lo, "high": hi,
                     "search_low": search_low, "search_high": search_high, "resamples": len(points),
                     "on_bound": on_bound,
                     "identified": bool((hi - lo) <= IDENTIFIED_SHARE * width[i] and not on_bound)})
    return pd.DataFrame(rows)
