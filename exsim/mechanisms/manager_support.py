"""Manager support = behaviour quality x attention, attention shrinking with span (seed 001)."""

from functools import lru_cache

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import Managers, ScenarioConfig
from exsim.mechanisms.common import bounded, smooth_excess
from exsim.mechanisms.state import StaffState, World
from exsim.org import OrgStructure

BEHAVIOURS = ("presence", "listening", "communication", "development", "people_orientation")
OVERLOAD_CORNER_WIDTH = 0.1  # workload units over which the squeeze's onset at full load is rounded (assumption)


def behaviour_level(managers: Managers) -> float | np.ndarray:
    """Mean of the five manager behaviours (seed 000); one per row when departments differ."""
    values = tuple(getattr(managers, name) for name in BEHAVIOURS)
    if not any(isinstance(value, np.ndarray) for value in values):
        return _mean_of_numbers(values)
    return np.mean(np.array(values, dtype=np.float64), axis=0)


@lru_cache(maxsize=256)
def _mean_of_numbers(values: tuple[float, ...]) -> float:
    return float(np.mean(values))  # numpy's summation order, so the result is the same to the last bit


def draw_manager_quality(managers: Managers, n: int, rng: np.random.Generator, shift: float = 0.0) -> np.ndarray:
    """Each new manager's behaviour quality around the organisation's level (+ shift for the selection policy)."""
    return bounded(behaviour_level(managers) + shift + rng.normal(0.0, managers.quality_sd, n), 0.0, 1.0)


def attention(direct_reports: np.ndarray, managers: Managers, manager_workload: np.ndarray | float = 1.0) -> np.ndarray:
    """Share of the personal attention a report needs that the manager can give (0-1).

    Hours per report / (hours per report + the half-attention hours): diminishing returns both
    ways, and an ever slower decline as spans grow very wide.

    Overloaded managers lose people time first (`overload_squeeze`), smoothly from about full load
    on, down to `min_people_time_share` of it.
    """
    floor = managers.min_people_time_share
    overload = smooth_excess(np.asarray(manager_workload) - 1.0, OVERLOAD_CORNER_WIDTH)
    squeeze = floor + (1.0 - floor) * np.exp(-managers.overload_squeeze * overload)
    hours_per_report = managers.hours_for_people * squeeze / np.maximum(direct_reports, 1)
    return hours_per_report / (hours_per_report + managers.attention_scale_hours)


def people_to_lead(org: OrgStructure, staff: StaffState) -> np.ndarray:
    """Reports per manager seat, including those of an orphaned team the manager covers for (interim span)."""
    member = org.team_of >= 0
    reports = np.bincount(org.team_of[member], weights=staff.occupied[member], minlength=org.n_teams)
    covering = org.manager_of[org.team_leader]
    orphaned = ~staff.occupied[org.team_leader] & (covering >= 0)
    extra = np.bincount(covering[orphaned], weights=reports[orphaned], minlength=org.n_seats)[org.team_leader]
    return reports + extra


def update_support(world: World, cfg: ScenarioConfig) -> None:
    """Manager support: behaviour quality x attention (shrinking with span; interim cover)."""
    world.team_support, world.team_attention = team_support(world.org, world.staff, cfg)


def team_support(org: OrgStructure, staff: StaffState, cfg: ScenarioConfig) -> tuple[np.ndarray, np.ndarray]:
    """Support each team gets from its manager, and each manager's attention; both per team; sets staff.support.

    Vacant manager seats are covered by the manager's own manager, whose attention is then split
    over both teams; absent or burnt-out managers give less.
    """
    leaders = org.team_leader
    managers = at_rows(cfg, leaders).managers
    team_attention = attention(people_to_lead(org, staff), managers, staff.workload[leaders])
    quality = bounded(staff.manager_quality[leaders] + staff.training_gain[leaders], 0.0, 1.0)
    present = 1.0 - staff.absent_days[leaders] / 5.0
    own = (quality * team_attention * (1.0 - managers.burnout_support_loss * staff.burnout[leaders])
           * (managers.absent_support_share + (1.0 - managers.absent_support_share) * present))
    covering = org.manager_of[leaders]
    covered = (covering >= 0) & staff.occupied[np.maximum(covering, 0)]
    interim = np.where(covered, managers.interim_cover_share * own[np.maximum(covering, 0)], managers.interim_support)
    support = np.where(staff.occupied[leaders], own, interim)
    staff.support[:] = np.where(org.team_of >= 0, support[np.maximum(org.team_of, 0)], behaviour_level(cfg.managers))
    return support, team_attention
