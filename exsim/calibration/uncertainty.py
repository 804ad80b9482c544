"""Parameter intervals that mean something: a bootstrap of the people through an emulator of the model.

Every trial of the search ran the model at one point of the search box and kept the figures the fit
compares. A quadratic response surface fitted to those trials (the emulator) predicts the model's
mean figures anywhere in the box. The people in the file are resampled with replacement, and the
trials too (so the emulator's own error counts); for each resample the parameter values that
minimise the loss through the emulator are found. The 2.5th and 97.5th percentiles of those values
form a 95% interval: the values these data cannot tell apart, given the model's noise and theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

RESAMPLES = 200  # bootstrap resamples of the people
LEVEL = 0.95  # coverage of the intervals
TRIALS_PER_TERM = 2  # the emulator needs at least this many trials per coefficient


@dataclass
class Emulator:
    """The model's mean compared figures as a quadratic in the parameters scaled to [0, 1]."""

    coef: np.ndarray  # (terms, points)
    interactions: bool

    def predict(self, u: np.ndarray) -> np.ndarray:
        """Figures at the points `u` (n, parameters): an (n, figures) array."""
        return features(np.atleast_2d(u), self.interactions) @ self.coef

    def slopes(self, u: np.ndarray) -> np.ndarray:
        """Derivatives of the figures at one point `u`: a (parameters, figures) array."""
        c, p = u - 0.5, len(u)
        grad = self.coef[1:1 + p] + 2 * c[:, None] * self.coef[1 + p:1 + 2 * p]
        if self.interactions:
            for row, (i, j) in enumerate(combinations(range(p), 2), start=1 + 2 * p):
                grad[i] += c[j] * self.coef[row]
                grad[j] += c[i] * self.coef[row]
        return grad


def features(u: np.ndarray, interactions: bool) -> np.ndarray:
    """1, each parameter, its square and (with interactions) each product of two, centred on the box."""
    c = u - 0.5
    columns = [np.ones(len(c)), *c.T, *(c ** 2).T]
    if interactions:
        columns += [c[:, i] * c[:, j] for i, j in combinations(range(c.shape[1]), 2)]
    return np.column_stack(columns)


def n_terms(parameters: int, interactions: bool) -> int:
    return 1 + 2 * parameters + (parameters * (parameters - 1) // 2 if interactions else 0)


def min_trials(parameters: int) -> int:
    """The fewest complete trials that support an emulator (squares, no interactions)."""
    return TRIALS_PER_TERM * n_terms(parameters, interactions=False)


def fit_emulator(u: np.ndarray, figures: np.ndarray) -> Emulator | None:
    """Least squares of each figure on the richest basis the trials support; None when too few trials.

    A figure missing in a trial (NaN) is fitted on the trials that have it.
    """
    for interactions in (True, False):
        terms = n_terms(u.shape[1], interactions)
        if len(u) >= TRIALS_PER_TERM * terms:
            x = features(u, interactions)
            coef = np.full((terms, figures.shape[1]), np.nan)
            for k in range(figures.shape[1]):
                seen = np.isfinite(figures[:, k])
                if seen.sum() >= terms:
                    coef[:, k] = np.linalg.lstsq(x[seen], figures[seen, k], rcond=None)[0]
            return Emulator(coef, interactions)
    return None


def best_point(emulator: Emulator, observed: np.ndarray, scale: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The point of the unit box where the emulated figures miss `observed` least (in units of `scale`)."""
    usable = np.isfinite(observed) & np.all(np.isfinite(emulator.coef), axis=0)
    coef = Emulator(emulator.coef[:, usable], emulator.interactions)
    observed, scale = observed[usable], np.broadcast_to(scale, usable.shape)[usable]

    def misfit(u: np.ndarray) -> tuple[float, np.ndarray]:
        z = (coef.predict(u)[0] - observed) / scale
        return float(z @ z), coef.slopes(u) @ (2 * z / scale)
    return minimize(misfit, start, jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0)] * len(start)).x


def bootstrap_points(u: np.ndarray, figures: np.ndarray, resamples: list[tuple[np.ndarray, np.ndarray]],
                     start: np.ndarray, seed: int) -> np.ndarray:
    """For each resample of the people (its observed figures and scales), the best point through an
    emulator refitted on a resample of the trials: a (resamples, parameters) array in the unit box."""
    rng = np.random.default_rng(seed)
    points = []
    with threadpool_limits(limits=1):  # thousands of tiny solves: BLAS threads would only add waiting
        for observed, scale in resamples:
            rows = rng.integers(0, len(u), len(u))
            emulator = fit_emulator(u[rows], figures[rows])
            if emulator is not None:
                points.append(best_point(emulator, observed, scale, start))
    return np.array(points).reshape(-1, u.shape[1])


def percentile_interval(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The central LEVEL share of the bootstrap points, per parameter."""
    tail = (1 - LEVEL) / 2 * 100
    return np.percentile(points, tail, axis=0), np.percentile(points, 100 - tail, axis=0)
