"""Weekly quit hazard: tenure curve x engagement and burnout x labour market; involuntary exits."""

import numpy as np

from exsim.config.schema import Attrition, Market
from exsim.mechanisms.common import weekly_probability
from exsim.model.state import StaffState


def tenure_curve(tenure_weeks: np.ndarray, attrition: Attrition) -> np.ndarray:
    """Multiplier of the settled hazard: 1 + peak x (t/p) e^(1 - t/p), peaking at p weeks (F3)."""
    x = np.asarray(tenure_weeks, dtype=np.float64) / attrition.tenure_peak_weeks
    return 1.0 + attrition.early_peak_multiplier * x * np.exp(1.0 - x)


def quit_hazard(staff: StaffState, attrition: Attrition, market: Market) -> np.ndarray:
    """Weekly voluntary quit rate per seat (0 for vacant seats)."""
    drivers = (attrition.engagement_effect * (attrition.engagement_reference - staff.engagement)
               + attrition.burnout_effect * staff.burnout)
    market_factor = market.tightness ** market.quit_elasticity
    base = attrition.base_quit_rate_per_year / 52.0
    return base * tenure_curve(staff.tenure_weeks, attrition) * np.exp(drivers) * market_factor * staff.occupied


def draw_exits(staff: StaffState, attrition: Attrition, market: Market,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Seats whose holder quits (voluntary) and seats with an involuntary exit this week."""
    n = len(staff.occupied)
    quits = rng.random(n) < weekly_probability(quit_hazard(staff, attrition, market))
    involuntary = staff.occupied & ~quits & (rng.random(n) < weekly_probability(attrition.involuntary_rate_per_year / 52.0))
    return np.flatnonzero(quits), np.flatnonzero(involuntary)
