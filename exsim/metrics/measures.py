"""Measures the model and the recorder share: sums per team and the eNPS of a group."""

import math
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtr

from exsim.config.schema import Engagement


def team_sum(team_of: np.ndarray, values: np.ndarray, n_teams: int) -> np.ndarray:
    """Sum of values over each team's members (seats outside any team, team -1, fall in a dropped first bin)."""
    return np.bincount(team_of + 1, weights=values, minlength=n_teams + 1)[1:]


def team_membership(team_of: np.ndarray, n_teams: int) -> sp.csr_matrix:
    """Teams x seats matrix of ones (seats outside any team in no row): `membership @ columns` sums
    several columns per team at once, in seat order as `team_sum` does (the same sums)."""
    seats = np.flatnonzero(team_of >= 0)
    return sp.csr_matrix((np.ones(len(seats)), (team_of[seats], seats)), shape=(n_teams, len(team_of)))


def team_counts(team_of: np.ndarray, seats: np.ndarray, n_teams: int) -> np.ndarray:
    """How many of `seats` (an index array) belong to each team (seats outside any team are not counted)."""
    return np.bincount(team_of[seats] + 1, minlength=n_teams + 1)[1:]


ENPS_TABLE_ERROR = 1e-4  # eNPS points a person's tabulated contribution may be off (assumption: below any reported digit)
ENPS_TABLE_MAX_STEPS = 2**20  # a longer table (noise sd under about 0.0002) is not worth it: the exact curve is used


def enps(engagement: np.ndarray, eng: Engagement) -> float:
    """Expected eNPS (-100..100) of a survey: promoters minus detractors, answers = engagement + noise."""
    if len(engagement) == 0:
        return float("nan")
    return float(enps_per_person(engagement, eng).sum() / len(engagement))  # the mean, without np.mean's overhead


def enps_per_person(engagement: np.ndarray, eng: Engagement) -> np.ndarray:
    """Each person's expected contribution to eNPS: 100 x (chance of promoting - chance of detracting).

    A group's eNPS is the mean over its members (`enps`, one group at a time; this, for many at once).
    Engagement lies in 0..1, so the curve is read from a table over 0..1 by linear interpolation: a
    fraction of the normal distribution's cost, within ENPS_TABLE_ERROR of `exact_enps_per_person`.
    """
    steps = enps_table_steps(eng.enps_noise_sd)
    if steps > ENPS_TABLE_MAX_STEPS:
        return exact_enps_per_person(engagement, eng.promoter_threshold, eng.detractor_threshold, eng.enps_noise_sd)
    table, slope = _enps_table(eng.promoter_threshold, eng.detractor_threshold, eng.enps_noise_sd, steps)
    position = np.clip(engagement * steps, 0.0, steps)
    step = position.astype(np.intp)
    position -= step
    return table[step] + position * slope[step]


def exact_enps_per_person(engagement: np.ndarray, promoter_threshold: float, detractor_threshold: float,
                          noise_sd: float) -> np.ndarray:
    """`enps_per_person` from the normal distribution itself (answers = engagement + normal noise of noise_sd)."""
    promoters = 1.0 - ndtr((promoter_threshold - engagement) / noise_sd)
    detractors = ndtr((detractor_threshold - engagement) / noise_sd)
    return 100.0 * (promoters - detractors)


def enps_table_steps(noise_sd: float) -> int:
    """Table points per unit of engagement that keep the interpolation within ENPS_TABLE_ERROR (at least 4096).

    Linear interpolation errs by at most step^2 / 8 x the curve's largest curvature, which is at most
    2 x 100 x 0.242 / sd^2 (0.242: the largest slope of the normal density).
    """
    largest_curvature = 2.0 * 100.0 * 0.242 / noise_sd**2
    return max(4096, math.ceil(math.sqrt(largest_curvature / (8.0 * ENPS_TABLE_ERROR))))


@lru_cache(maxsize=16)
def _enps_table(promoter_threshold: float, detractor_threshold: float, noise_sd: float,
                steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The exact curve at engagement 0, 1/steps, ..., 1 and the slope after each point (read-only)."""
    values = exact_enps_per_person(np.arange(steps + 2) / steps, promoter_threshold, detractor_threshold, noise_sd)
    table, slope = values[:-1], np.diff(values)
    table.flags.writeable = slope.flags.writeable = False
    return table, slope
