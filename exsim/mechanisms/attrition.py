"""Weekly quit hazard: tenure curve x drivers x labour market, with contagion; involuntary exits.

Each cause enters the hazard once (job demands-resources, Schaufeli & Bakker 2004): resources act
through engagement, demands (overload, a promoted manager's strain, change fatigue, unhappy
customers) through strain; burnout, strain's slow health toll, acts on absence. The two
log-effects add and saturate smoothly at
`attrition.max_driver_multiplier`: job search and notice take time, so even the unhappiest do
not all leave at once.
"""

from functools import lru_cache

import numpy as np

from exsim.config.schema import Attrition, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms import brand, contagion
from exsim.mechanisms.common import (for_rows, largest, mean_value, saturating_multiplier, thinned_rows,
                                     weekly_probability)
from exsim.mechanisms.finance import turnover_cost
from exsim.mechanisms.seats import vacate
from exsim.mechanisms.state import StaffState, World


def exits(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Exits: quits at each person's hazard and involuntary exits; teammates shaken; alumni remember; replacement paid."""
    staff, org, events = world.staff, world.org, world.events
    hazard = quit_hazard(staff, cfg)
    events.quit_hazard_per_year = float(hazard.sum() / max(staff.occupied.sum(), 1) * WEEKS_PER_YEAR)
    quits, involuntary = draw_exits(staff, hazard, cfg, rng)
    contagion.shock_teams(org, staff, quits, cfg)
    leavers = np.concatenate([quits, involuntary])
    brand.remember_leavers(world, leavers, cfg)
    replacement = turnover_cost(org.is_manager, leavers, cfg)
    events.spend("cost_turnover", float(replacement.sum()), replacement, seats=leavers)
    vacate(world, quits, "voluntary")
    vacate(world, involuntary, "involuntary")
    events.quits, events.involuntary = quits, involuntary


def tenure_curve(tenure_weeks: np.ndarray, attrition: Attrition) -> np.ndarray:
    """Multiplier of the settled hazard by tenure t: start x peak x late.

    start = s + (1 - s)(1 - e^(-t/p)) rises from `start_multiplier` s at hire to 1 (probation,
    notice); peak = 1 + P (t/p) e^(1 - t/p) peaks at p = `tenure_peak_weeks` (F3); late =
    l + (1 - l) e^(-t/D) declines to `late_multiplier` l over D = `late_decline_weeks`. At s = l = 1
    (the defaults) only the F3 peak remains.
    """
    t = np.asarray(tenure_weeks, dtype=np.float64)
    x = t / attrition.tenure_peak_weeks
    start = attrition.start_multiplier + (1.0 - attrition.start_multiplier) * -np.expm1(-x)
    peak = 1.0 + attrition.early_peak_multiplier * x * np.exp(1.0 - x)
    late = attrition.late_multiplier + (1.0 - attrition.late_multiplier) * np.exp(-t / attrition.late_decline_weeks)
    return start * peak * late


TENURE_SHAPE = ("tenure_peak_weeks", "start_multiplier", "early_peak_multiplier", "late_multiplier", "late_decline_weeks")


def tenure_multiplier(tenure_weeks: np.ndarray, attrition: Attrition) -> np.ndarray:
    """tenure_curve at each seat's tenure (whole weeks), looked up in a table of the curve when one shape holds for all."""
    shape = tuple(getattr(attrition, name) for name in TENURE_SHAPE)
    if any(isinstance(value, np.ndarray) for value in shape):  # departments with their own tenure shapes
        return tenure_curve(tenure_weeks, attrition)
    weeks = tenure_weeks.astype(np.int64)
    longest = int(weeks.max(initial=0))
    return _tenure_table(shape, 1 << longest.bit_length())[weeks]


@lru_cache(maxsize=8)
def _tenure_table(shape: tuple[float, ...], length: int) -> np.ndarray:
    """tenure_curve at 0, 1, ..., length - 1 weeks for this shape (TENURE_SHAPE's values), read-only."""
    table = tenure_curve(np.arange(length, dtype=np.float64), Attrition(**dict(zip(TENURE_SHAPE, shape))))
    table.flags.writeable = False
    return table


def quit_hazard(staff: StaffState, config: ScenarioConfig) -> np.ndarray:
    """Weekly voluntary quit rate per seat (0 for vacant seats)."""
    att, market = config.attrition, config.market
    onboarding = np.where(staff.tenure_weeks < att.onboarding_weeks,
                          -att.onboarding_effect * (config.policy.onboarding_quality - 0.5), 0.0)
    drivers = (att.engagement_effect * (att.engagement_reference - staff.engagement)
               + att.strain_effect * (staff.strain - att.strain_reference)
               + onboarding)
    referral = np.where(staff.referral, att.referral_hazard_ratio, 1.0)
    market_factor = market.tightness ** market.quit_elasticity
    base = att.base_quit_rate_per_year / WEEKS_PER_YEAR
    multiplier = saturating_multiplier(drivers, att.max_driver_multiplier)
    hazard = (base * tenure_multiplier(staff.tenure_weeks, att) * multiplier * (1.0 + staff.contagion)
              * referral * market_factor * staff.occupied)
    return capped_hazard(hazard, staff.occupied, att)


def capped_hazard(hazard: np.ndarray, occupied: np.ndarray, att: Attrition) -> np.ndarray:
    """Weekly hazards with each person's capped and the staff's mean scaled down to its cap.

    The caps (attrition.max_quit_rate_per_year, max_mean_quit_rate_per_year) keep voluntary
    attrition a share of staff a year at any allowed setting; the shipped scenarios never reach them,
    and a hazard under both caps is returned unchanged.
    """
    person_cap = att.max_quit_rate_per_year / WEEKS_PER_YEAR
    if np.any(hazard > person_cap):
        hazard = np.minimum(hazard, person_cap)
    heads = int(np.count_nonzero(occupied))
    mean_cap = mean_value(att.max_mean_quit_rate_per_year) / WEEKS_PER_YEAR  # organisation-wide
    if heads and hazard.sum() > mean_cap * heads:
        hazard = hazard * (mean_cap * heads / hazard.sum())
    return hazard


def draw_exits(staff: StaffState, hazard: np.ndarray, config: ScenarioConfig,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Seats whose holder quits (at the weekly `hazard`) and seats with an involuntary exit this week.

    Both are rare events over every seat, drawn by thinning (`thinned_rows`).
    """
    n = len(staff.occupied)
    quits = thinned_rows(rng, n, float(weekly_probability(hazard.max(initial=0.0))),
                         lambda seats: weekly_probability(hazard[seats]))
    staying = staff.occupied.copy()
    staying[quits] = False
    chance = weekly_probability(config.attrition.involuntary_rate_per_year / WEEKS_PER_YEAR)
    involuntary = thinned_rows(rng, n, largest(chance), lambda seats: staying[seats] * for_rows(chance, seats))
    return quits, involuntary
