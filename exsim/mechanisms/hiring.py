"""Vacancies and hiring: time-to-fill follows the labour market; new hires ramp up their skill."""

import numpy as np

from exsim.config.schema import Market, Policy, Work
from exsim.mechanisms.common import relax, weekly_probability
from exsim.model.state import StaffState


def draw_fills(staff: StaffState, policy: Policy, market: Market, rng: np.random.Generator) -> np.ndarray:
    """Vacant seats filled this week (a hire starts in each)."""
    vacant = ~staff.occupied
    if not policy.refill_vacancies:
        return np.empty(0, dtype=np.int64)
    rate = 1.0 / (policy.time_to_fill_weeks * market.tightness)
    return np.flatnonzero(vacant & (rng.random(len(vacant)) < weekly_probability(rate)))


def ramp_skill(staff: StaffState, work: Work) -> None:
    """Skill of everyone in a seat grows toward full productivity over the ramp time."""
    staff.skill[:] = np.where(staff.occupied, relax(staff.skill, 1.0, work.ramp_weeks), 0.0)
