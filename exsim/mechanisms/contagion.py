"""Turnover contagion: a quit raises teammates' quit hazard for months, more in small teams (F7)."""

from functools import lru_cache

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import Attrition, ScenarioConfig
from exsim.mechanisms.common import for_rows
from exsim.mechanisms.state import StaffState, World
from exsim.org import OrgStructure

CONTAGION_WINDOW_WEEKS = 19.3  # weeks after a quit over which teammates' extra hazard is measured (F7: ~135 days)
REFERENCE_TEAM_SIZE = 8.0  # people: the team size attrition.contagion_lift holds for (assumption; F12: spans 6-10)


@lru_cache(maxsize=16)
def _kernel_mean(peak_weeks: float) -> float:
    """Mean over the F7 window of the unit-peak kernel (t/p) e^(1 - t/p)."""
    t = np.linspace(0.0, CONTAGION_WINDOW_WEEKS, 200)
    return float(np.mean(t / peak_weeks * np.exp(1.0 - t / peak_weeks)))


def kernel_mean(peak_weeks: float | np.ndarray) -> float | np.ndarray:
    """_kernel_mean for one peak or one per row (computed once per distinct peak)."""
    if np.ndim(peak_weeks) == 0:
        return _kernel_mean(float(peak_weeks))
    peaks, row_peak = np.unique(peak_weeks, return_inverse=True)
    return np.array([_kernel_mean(float(p)) for p in peaks])[row_peak]


def shock_teams(org: OrgStructure, staff: StaffState, quits: np.ndarray, cfg: ScenarioConfig) -> None:
    """Expose the teammates of this week's leavers; a manager's exit also shocks the team they led."""
    attrition = at_rows(cfg, org.team_leader).attrition  # per team
    if len(quits) == 0 or np.all(attrition.contagion_lift == 0):
        return
    sizes = np.maximum(org.team_sizes(), 1).astype(np.float64)
    peak = attrition.contagion_lift / kernel_mean(attrition.contagion_peak_weeks)
    per_quit = peak * (sizes / REFERENCE_TEAM_SIZE) ** -attrition.contagion_size_exponent
    shocks = np.zeros(org.n_teams)
    member_of = org.team_of[quits]
    np.add.at(shocks, member_of[member_of >= 0], 1.0)
    leaders = quits[org.is_manager[quits]]
    np.add.at(shocks, leaders, for_rows(attrition.manager_exit_contagion, leaders))  # team ids are their managers' seats
    exposure = (shocks * per_quit)[np.maximum(org.team_of, 0)] * (org.team_of >= 0)
    staff.contagion_exposure += exposure * staff.occupied


def feel_contagion(world: World, cfg: ScenarioConfig) -> None:
    """Contagion: recent teammates' quits lift the quit hazard, peaking weeks later."""
    update_contagion(world.staff, cfg.attrition)


def update_contagion(staff: StaffState, attrition: Attrition) -> None:
    """Two-stage decay: exposure feeds the felt lift, which peaks `contagion_peak_weeks` after a quit."""
    rate = 1.0 / attrition.contagion_peak_weeks
    felt = staff.contagion + rate * (np.e * staff.contagion_exposure - staff.contagion)
    staff.contagion_exposure *= 1.0 - rate
    staff.contagion[:] = felt * staff.occupied
    staff.contagion_exposure *= staff.occupied

