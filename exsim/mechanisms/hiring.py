"""Vacancies and hiring: time-to-fill follows applicants and the labour market; hires ramp up their skill."""

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import Market, Policy, ScenarioConfig, Work
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms import brand
from exsim.mechanisms.common import relax, weekly_probability
from exsim.mechanisms.seats import hire, promote_into_seats
from exsim.mechanisms.state import StaffState, World

# share of the usual skill-ramp speed (that at onboarding quality 0.5) a new hire keeps without onboarding
RAMP_SPEED_WITHOUT_ONBOARDING = 0.5  # speed ratio; onboarding quality 1 gives 1.5 (assumption)


def choose_fills(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Vacancies: which seats already vacant get a new holder this week (time-to-fill follows applicants)."""
    applicants = brand.applicants_per_vacancy(world.reputation, cfg.brand)
    mean_weeks = time_to_fill_weeks(cfg.policy, cfg.market, applicants, cfg.brand.applicants_per_vacancy)
    world.fills = draw_fills(world.staff, cfg.policy, mean_weeks, rng)


def fill_seats(world: World, cfg: ScenarioConfig, rng: np.random.Generator, promotion_rng: np.random.Generator) -> None:
    """Hiring: internal promotions into some manager seats, new hires into the rest; skill ramps up.

    Referrals follow what the staff said of us at the end of the last week (world.staff_enps).
    """
    seats, org, events = world.fills, world.org, world.events
    manager_seats = seats[org.is_manager[seats]]
    share = at_rows(cfg, manager_seats).managers.internal_promotion_share
    internal = manager_seats[promotion_rng.random(len(manager_seats)) < share]
    promoted = promote_into_seats(world, internal, cfg, rng, promotion_rng)
    world.promotions_last_year += promoted - world.promotions_last_year / WEEKS_PER_YEAR
    filled_inside = np.zeros(len(org.is_manager), dtype=bool)
    filled_inside[internal[world.staff.occupied[internal]]] = True
    external = seats[~filled_inside[seats]]  # seats are in order and distinct, as np.setdiff1d would give them
    if len(external):
        fit = brand.hire_fit(brand.applicants_per_vacancy(world.reputation, cfg.brand), cfg.brand)
        referral = brand.referral_probability(world.staff_enps, cfg.brand)  # as the staff spoke at the last week's end
        events.referral_hires = hire(world, external, cfg, rng, fit, referral)
    events.promotions, events.hires = promoted, len(external)
    ramp_skill(world.staff, cfg.work, cfg.policy.onboarding_quality)


def age(world: World, cfg: ScenarioConfig) -> None:
    """Tenure: everyone in post is a week longer with us."""
    world.staff.tenure_weeks += world.staff.occupied


def time_to_fill_weeks(policy: Policy, market: Market, applicants: float, neutral_applicants: float) -> float:
    """Mean weeks to fill a vacancy: longer in a tight market and with fewer applicants."""
    return policy.time_to_fill_weeks * market.tightness * np.sqrt(neutral_applicants / max(applicants, 1e-9))


def draw_fills(staff: StaffState, policy: Policy, mean_weeks: float, rng: np.random.Generator) -> np.ndarray:
    """Vacant seats filled this week (a hire starts in each)."""
    if not np.any(policy.refill_vacancies):
        return np.empty(0, dtype=np.int64)
    vacant = ~staff.occupied & policy.refill_vacancies
    return np.flatnonzero(vacant & (rng.random(len(vacant)) < weekly_probability(1.0 / mean_weeks)))


def ramp_skill(staff: StaffState, work: Work, onboarding_quality: float) -> None:
    """Skill grows toward full productivity; onboarding speeds the ramp (`work.ramp_weeks` at quality 0.5).

    The speed is proportional to RAMP_SPEED_WITHOUT_ONBOARDING + quality: at quality 1 three times
    the speed at quality 0.
    """
    ramp = work.ramp_weeks / (RAMP_SPEED_WITHOUT_ONBOARDING + onboarding_quality)
    staff.skill[:] = np.where(staff.occupied, relax(staff.skill, 1.0, ramp), 0.0)
