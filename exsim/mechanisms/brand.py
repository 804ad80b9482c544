"""Employer brand: reputation from current and former employees; applicants and hire quality follow (F13)."""

import numpy as np

from exsim.config.schema import Brand, ScenarioConfig
from exsim.mechanisms.common import relax
from exsim.mechanisms.state import World
from exsim.metrics.measures import enps



def update_brand(world: World, cfg: ScenarioConfig) -> None:
    """Employer brand: reputation follows what staff and alumni say; applicants per vacancy follow reputation."""
    world.staff_enps = staff_enps(world, cfg)
    world.events.enps_definition = cfg.organisation.engagement
    target = reputation_target(world.staff_enps, world.alumni_enps, cfg.brand)
    world.reputation = update_reputation(world.reputation, target, cfg.brand)
    world.events.applicants_per_vacancy = applicants_per_vacancy(world.reputation, cfg.brand)


def staff_enps(world: World, cfg: ScenarioConfig) -> float:
    """eNPS of everyone in post now."""
    return enps(world.staff.engagement[world.staff.occupied], cfg.organisation.engagement)


def remember_leavers(world: World, seats: np.ndarray, cfg: ScenarioConfig) -> None:
    """Alumni sentiment moves toward what this week's leavers would say about us."""
    if len(seats):
        moved = 1.0 - (1.0 - cfg.brand.alumni_update_per_leaver) ** len(seats)
        world.alumni_enps += moved * (enps(world.staff.engagement[seats], cfg.organisation.engagement) - world.alumni_enps)


def reputation_of(enps_value: float) -> float:
    """eNPS (-100..100) on the 0-1 reputation scale."""
    return (enps_value + 100.0) / 200.0


def reputation_target(current_enps: float, alumni_enps: float, brand: Brand) -> float:
    """0-1 reputation the stories of current staff and alumni point to."""
    current = reputation_of(current_enps)
    alumni = reputation_of(alumni_enps)
    return float((1.0 - brand.alumni_weight) * current + brand.alumni_weight * alumni)


def update_reputation(reputation: float, target: float, brand: Brand) -> float:
    """Reputation follows its target slowly (12-24 months to show, F13)."""
    return float(relax(np.float64(reputation), target, brand.time_constant_weeks))


def applicants_per_vacancy(reputation: float, brand: Brand) -> float:
    """Applicants per vacancy: more when the reputation is better than neutral (that of eNPS 0)."""
    neutral = reputation_of(0.0)
    return float(brand.applicants_per_vacancy * np.exp(brand.applicant_elasticity * (reputation - neutral)))


def hire_fit(applicants: float, brand: Brand) -> float:
    """Disposition shift (logit) of new hires from having more or fewer applicants to choose from."""
    return float(brand.fit_per_log_applicant * np.log(applicants / brand.applicants_per_vacancy))


def referral_probability(current_enps: float, brand: Brand) -> float:
    """Chance a hire comes by referral: promoters refer, detractors don't."""
    return float(np.clip(brand.referral_share * (1.0 + current_enps / 100.0), 0.0, 1.0))
