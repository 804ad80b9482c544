"""Vacancies and hiring: time-to-fill follows applicants and the labour market; hires ramp up their skill."""

import numpy as np

from exsim.config.schema import Market, Policy, Work
from exsim.mechanisms.common import relax, weekly_probability
from exsim.model.state import StaffState


def time_to_fill_weeks(policy: Policy, market: Market, applicants: float, neutral_applicants: float) -> float:
    """Mean weeks to fill a vacancy: longer in a tight market and with fewer applicants."""
    return policy.time_to_fill_weeks * market.tightness * np.sqrt(neutral_applicants / max(applicants, 1e-9))


def draw_fills(staff: StaffState, policy: Policy, mean_weeks: float, rng: np.random.Generator) -> np.ndarray:
    """Vacant seats filled this week (a hire starts in each)."""
    if not policy.refill_vacancies:
        return np.empty(0, dtype=np.int64)
    vacant = ~staff.occupied
    return np.flatnonzero(vacant & (rng.random(len(vacant)) < weekly_probability(1.0 / mean_weeks)))


def ramp_skill(staff: StaffState, work: Work, onboarding_quality: float) -> None:
    """Skill grows toward full productivity; good onboarding shortens the ramp (up to twice as fast)."""
    ramp = work.ramp_weeks / (0.5 + onboarding_quality)
    staff.skill[:] = np.where(staff.occupied, relax(staff.skill, 1.0, ramp), 0.0)
