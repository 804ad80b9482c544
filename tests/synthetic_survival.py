"""Synthetic survival files for tests: HR-style exports drawn from a known tenure distribution.

People are hired at dates spread uniformly over `hiring_span_months` before a cut-off; each has a
latent tenure drawn from the true distribution and is censored at the cut-off if still employed.
With `window_months` the export only shows people employed at some point in the last window
(earlier leavers are missing: left truncation) and records their tenure when the window opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.integrate import quad
from scipy.optimize import brentq

from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH as WEEKS_PER_MONTH


@dataclass(frozen=True)
class PiecewiseHazard:
    """Exit hazard per year constant in each tenure band [edge, next edge) months; edges from 0 to inf."""

    bands_months: tuple[float, ...]
    hazard_per_year: tuple[float, ...]

    def __post_init__(self):
        if len(self.hazard_per_year) != len(self.bands_months) - 1 or self.bands_months[0] != 0 \
                or np.isfinite(self.bands_months[-1]):
            raise ValueError("bands run from 0 to inf with one hazard per band")

    def cumulative_hazard(self, months: float | np.ndarray) -> np.ndarray:
        """Expected exits per person by each tenure month."""
        edges = np.asarray(self.bands_months, dtype=float)
        overlap = np.clip(np.asarray(months, dtype=float)[..., None], edges[:-1], edges[1:]) - edges[:-1]
        return (overlap * np.asarray(self.hazard_per_year) / 12).sum(axis=-1)

    def survival(self, months: float | np.ndarray) -> np.ndarray:
        """Share still employed at each tenure month."""
        return np.exp(-self.cumulative_hazard(months))

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Tenures in months, by inverting the cumulative hazard at unit-exponential draws."""
        edges = np.asarray(self.bands_months, dtype=float)
        monthly = np.asarray(self.hazard_per_year, dtype=float) / 12
        at_edges = self.cumulative_hazard(edges[:-1])
        target = rng.exponential(size=size)
        band = np.searchsorted(at_edges, target, side="right") - 1
        return edges[band] + (target - at_edges[band]) / monthly[band]


@dataclass(frozen=True)
class Weibull:
    """Tenure with cumulative hazard (months / scale_months) ** shape."""

    shape: float
    scale_months: float

    def cumulative_hazard(self, months: float | np.ndarray) -> np.ndarray:
        """Expected exits per person by each tenure month."""
        return (np.asarray(months, dtype=float) / self.scale_months) ** self.shape

    def survival(self, months: float | np.ndarray) -> np.ndarray:
        """Share still employed at each tenure month."""
        return np.exp(-self.cumulative_hazard(months))

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Tenures in months."""
        return self.scale_months * rng.exponential(size=size) ** (1 / self.shape)


Truth = PiecewiseHazard | Weibull


def hiring_span(truth: Truth, censor_share: float) -> float:
    """Months of uniform hiring before the cut-off after which `censor_share` are still employed."""
    def excess(span: float) -> float:
        return quad(truth.survival, 0, span, limit=200)[0] / span - censor_share

    high = 1.0
    while excess(high) > 0:
        high *= 2
        if high > 1e5:
            raise ValueError(f"no hiring span leaves only {censor_share:.0%} employed")
    return brentq(excess, high / 2 if high > 1 else 1e-6, high, xtol=1e-6)


def draw_file(n: int, truth: Truth, censor_share: float = 0.5, max_tenure_months: float | None = None,
              window_months: float | None = None, seed: int = 0, left_labels: tuple = (0, 1)) -> pd.DataFrame:
    """An export of n people: EmployeeNumber, TENURE (months), LEFT (left_labels[1] if left), and
    TENURE_AT_START (months, when the window opened or 0) given a window.

    max_tenure_months sets the hiring span (the longest possible tenure); otherwise it is chosen so
    that about censor_share of everyone hired are still employed. attrs: truth, hiring_span_months.
    """
    span = max_tenure_months if max_tenure_months is not None else hiring_span(truth, censor_share)
    rng = np.random.default_rng(seed)
    parts, kept = [], 0
    while kept < n:
        at_cutoff = rng.uniform(0, span, 2 * n)
        latent = truth.draw(rng, 2 * n)
        start = np.maximum(at_cutoff - window_months, 0.0) if window_months is not None else np.zeros(2 * n)
        seen = latent > start
        parts.append(np.column_stack([np.minimum(latent, at_cutoff), latent <= at_cutoff, start])[seen])
        kept += int(seen.sum())
    tenure, left, start = np.concatenate(parts)[:n].T
    frame = pd.DataFrame({"EmployeeNumber": np.arange(1001, 1001 + n), "TENURE": tenure,
                          "LEFT": np.where(left > 0, left_labels[1], left_labels[0])})
    if window_months is not None:
        frame["TENURE_AT_START"] = start
    frame.attrs.update(truth=truth, hiring_span_months=span)
    return frame


def draw_survival_file(n: int, hazard_bands_months: Sequence[float], hazard_per_year: Sequence[float],
                       censor_share: float = 0.5, max_tenure_months: float | None = None,
                       window_months: float | None = None, seed: int = 0,
                       left_labels: tuple = (0, 1)) -> pd.DataFrame:
    """`draw_file` with a piecewise-constant hazard per year on tenure bands (edges in months, 0 to inf)."""
    truth = PiecewiseHazard(tuple(hazard_bands_months), tuple(hazard_per_year))
    return draw_file(n, truth, censor_share, max_tenure_months, window_months, seed, left_labels)


def survival_frame(file: pd.DataFrame, left_labels: tuple = (0, 1)) -> pd.DataFrame:
    """The export as a survival frame: tenure_weeks, left (bool) and entry_weeks when it has TENURE_AT_START."""
    frame = pd.DataFrame({"tenure_weeks": file["TENURE"] * WEEKS_PER_MONTH, "left": file["LEFT"] == left_labels[1]})
    if "TENURE_AT_START" in file:
        frame["entry_weeks"] = file["TENURE_AT_START"] * WEEKS_PER_MONTH
    return frame
