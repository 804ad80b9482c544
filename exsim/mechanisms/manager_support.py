"""Manager support = behaviour quality x attention, attention shrinking with span (seed 001)."""

import numpy as np

from exsim.config.schema import Managers
from exsim.model.state import StaffState
from exsim.org import OrgStructure

BEHAVIOURS = ("presence", "listening", "communication", "development", "people_orientation")


def behaviour_level(managers: Managers) -> float:
    """Mean of the five manager behaviours (seed 000)."""
    return float(np.mean([getattr(managers, name) for name in BEHAVIOURS]))


def draw_manager_quality(managers: Managers, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each new manager's behaviour quality around the organisation's level."""
    return np.clip(behaviour_level(managers) + rng.normal(0.0, managers.quality_sd, n), 0.0, 1.0)


def attention(direct_reports: np.ndarray, managers: Managers) -> np.ndarray:
    """Share of the personal attention a report needs that the manager can give (0-1)."""
    hours_per_report = managers.hours_for_people / np.maximum(direct_reports, 1)
    return -np.expm1(-hours_per_report / managers.attention_scale_hours)


def update_support(org: OrgStructure, staff: StaffState, managers: Managers) -> np.ndarray:
    """Support each team gets from its manager; vacant or absent managers give less. Returns per team."""
    leaders = org.team_leader
    reports = np.bincount(org.team_of[org.team_of >= 0], weights=staff.occupied[org.team_of >= 0], minlength=org.n_teams)
    own = staff.manager_quality[leaders] * attention(reports, managers) * (1.0 - 0.5 * staff.burnout[leaders])
    present = 1.0 - staff.absent_days[leaders] / 5.0
    own = own * (managers.absent_support_share + (1.0 - managers.absent_support_share) * present)
    team_support = np.where(staff.occupied[leaders], own, managers.interim_support)
    staff.support[:] = np.where(org.team_of >= 0, team_support[np.maximum(org.team_of, 0)], behaviour_level(managers))
    return team_support
