"""Measures the model and the recorder share: sums per team and the eNPS of a group."""

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


def enps(engagement: np.ndarray, eng: Engagement) -> float:
    """Expected eNPS (-100..100) of a survey: promoters minus detractors, answers = engagement + noise."""
    if len(engagement) == 0:
        return float("nan")
    promoters = 1.0 - ndtr((eng.promoter_threshold - engagement) / eng.enps_noise_sd)
    detractors = ndtr((eng.detractor_threshold - engagement) / eng.enps_noise_sd)
    n = len(engagement)
    return float(100.0 * (promoters.sum() / n - detractors.sum() / n))  # the means, without np.mean's overhead


def enps_per_person(engagement: np.ndarray, eng: Engagement) -> np.ndarray:
    """Each person's expected contribution to eNPS: 100 x (chance of promoting - chance of detracting).

    A group's eNPS is the mean over its members (`enps`, one group at a time; this, for many at once).
    """
    promoters = 1.0 - ndtr((eng.promoter_threshold - engagement) / eng.enps_noise_sd)
    detractors = ndtr((eng.detractor_threshold - engagement) / eng.enps_noise_sd)
    return 100.0 * (promoters - detractors)
