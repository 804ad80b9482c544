"""Slow drivers of engagement besides the manager and workload: growth, fairness, pay level, purpose."""

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import ScenarioConfig
from exsim.mechanisms.common import bounded
from exsim.mechanisms.manager_support import behaviour_level
from exsim.mechanisms.state import StaffState, World
from exsim.org import OrgStructure

TOP_SEAT_GROWTH = 0.6  # 0-1: growth of the seat at the top of the tree, which has no team or manager (assumption)


def update_growth(world: World, cfg: ScenarioConfig) -> None:
    """Growth: the manager's development orientation x attention, conversations, visible promotions."""
    promotion_rate = world.promotions_last_year / world.org.n_seats
    world.staff.growth[:] = growth(world.org, world.staff, cfg, world.team_attention, promotion_rate)


def growth(org: OrgStructure, staff: StaffState, config: ScenarioConfig, attention: np.ndarray,
           promotion_rate: float) -> np.ndarray:
    """0-1 per seat: the manager's development orientation x attention, conversations, visible promotions.

    The three are weighted by the `engagement.growth_*_weight`s, normalised to sum to 1.
    """
    leaders = org.team_leader
    teams = at_rows(config, leaders)
    eng, managers = teams.engagement, teams.managers
    quality_shift = staff.manager_quality[leaders] + staff.training_gain[leaders] - behaviour_level(managers)
    development = bounded(managers.development + quality_shift, 0.0, 1.0) * attention
    development = np.where(staff.occupied[leaders], development, managers.interim_development)
    conversations = -np.expm1(-teams.policy.development_conversations_per_year / eng.conversations_for_growth)
    promotions = bounded(promotion_rate / eng.promotion_rate_for_growth, 0.0, 1.0)
    w_dev, w_conv, w_prom = eng.growth_development_weight, eng.growth_conversations_weight, eng.growth_promotions_weight
    total = np.maximum(w_dev + w_conv + w_prom, 1e-12)
    team_growth = (w_dev * development + w_conv * conversations + w_prom * promotions) / total
    return np.where(org.team_of >= 0, team_growth[np.maximum(org.team_of, 0)], TOP_SEAT_GROWTH)


def fairness(config: ScenarioConfig) -> float:
    """0-1: fair, transparent pay and recognition (F9: these matter more than the pay level)."""
    pay_weight = config.engagement.fairness_pay_weight
    return pay_weight * config.policy.pay_fairness + (1.0 - pay_weight) * config.policy.recognition
