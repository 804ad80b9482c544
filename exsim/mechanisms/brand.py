"""Employer brand: reputation from current and former employees; applicants and hire quality follow (F13)."""

import numpy as np

from exsim.config.schema import Brand, ScenarioConfig
from exsim.mechanisms.common import relax
from exsim.mechanisms.state import World
from exsim.metrics.measures import enps

NEUTRAL_REPUTATION = 0.5  # eNPS 0
ALUMNI_MEMORY = 0.02  # each leaver moves the alumni sentiment 2% of the way to their own (assumption)


def update_brand(world: World, cfg: ScenarioConfig) -> None:
    """Employer brand: reputation follows what staff and alumni say; applicants per vacancy follow reputation."""
    target = reputation_target(staff_enps(world, cfg), world.alumni_enps, cfg.brand)
    world.reputation = update_reputation(world.reputation, target, cfg.brand)
    world.events.applicants_per_vacancy = applicants_per_vacancy(world.reputation, cfg.brand)


def staff_enps(world: World, cfg: ScenarioConfig) -> float:
    """eNPS of everyone in post now."""
    return enps(world.staff.engagement[world.staff.occupied], cfg.engagement)


def remember_leavers(world: World, seats: np.ndarray, cfg: ScenarioConfig) -> None:
    """Alumni sentiment moves toward what this week's leavers would say about us."""
    if len(seats):
        moved = 1.0 - (1.0 - ALUMNI_MEMORY) ** len(seats)
        world.alumni_enps += moved * (enps(world.staff.engagement[seats], cfg.engagement) - world.alumni_enps)


def reputation_target(current_enps: float, alumni_enps: float, brand: Brand) -> float:
    """0-1 reputation the stories of current staff and alumni point to (eNPS -100..100 mapped to 0..1)."""
    current = (current_enps + 100.0) / 200.0
    alumni = (alumni_enps + 100.0) / 200.0
    return float((1.0 - brand.alumni_weight) * current + brand.alumni_weight * alumni)


def update_reputation(reputation: float, target: float, brand: Brand) -> float:
    """Reputation follows its target slowly (12-24 months to show, F13)."""
    return float(relax(np.float64(reputation), target, brand.time_constant_weeks))


def applicants_per_vacancy(reputation: float, brand: Brand) -> float:
    """Applicants per vacancy: more when the reputation is better than neutral."""
    return float(brand.applicants_per_vacancy * np.exp(brand.applicant_elasticity * (reputation - NEUTRAL_REPUTATION)))


def hire_fit(applicants: float, brand: Brand) -> float:
    """Disposition shift (logit) of new hires from having more or fewer applicants to choose from."""
    return float(brand.fit_per_log_applicant * np.log(applicants / brand.applicants_per_vacancy))


def referral_probability(current_enps: float, brand: Brand) -> float:
    """Chance a hire comes by referral: promoters refer, detractors don't."""
    return float(np.clip(brand.referral_share * (1.0 + current_enps / 100.0), 0.0, 1.0))
