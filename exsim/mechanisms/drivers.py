"""Slow drivers of engagement besides the manager and workload: growth, fairness, pay level, purpose."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.mechanisms.manager_support import behaviour_level
from exsim.mechanisms.state import StaffState, World
from exsim.org import OrgStructure


def update_growth(world: World, cfg: ScenarioConfig) -> None:
    """Growth: the manager's development orientation x attention, conversations, visible promotions."""
    promotion_rate = world.promotions_last_year / world.org.n_seats
    world.staff.growth[:] = growth(world.org, world.staff, cfg, world.team_attention, promotion_rate)


def growth(org: OrgStructure, staff: StaffState, config: ScenarioConfig, attention: np.ndarray,
           promotion_rate: float) -> np.ndarray:
    """0-1 per seat: the manager's development orientation x attention, conversations, visible promotions."""
    leaders = org.team_leader
    quality_shift = staff.manager_quality[leaders] + staff.training_gain[leaders] - behaviour_level(config.managers)
    development = np.clip(config.managers.development + quality_shift, 0.0, 1.0) * attention
    development = np.where(staff.occupied[leaders], development, 0.2)
    conversations = -np.expm1(-config.policy.development_conversations_per_year / 1.5)
    promotions = np.clip(promotion_rate / 0.05, 0.0, 1.0)  # 5% promoted a year = plenty of visible growth
    team_growth = 0.45 * development + 0.35 * conversations + 0.2 * promotions
    return np.where(org.team_of >= 0, team_growth[np.maximum(org.team_of, 0)], 0.6)


def fairness(config: ScenarioConfig) -> float:
    """0-1: fair, transparent pay and recognition (F9: these matter more than the pay level)."""
    return 0.6 * config.policy.pay_fairness + 0.4 * config.policy.recognition
