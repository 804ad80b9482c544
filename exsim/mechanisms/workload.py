"""Workload: team demand over the capacity actually present (absences and vacancies load colleagues)."""

import numpy as np

from exsim.config.schema import Managers, Work
from exsim.mechanisms.common import team_sum
from exsim.model.state import StaffState
from exsim.org import OrgStructure

MAX_WORKLOAD = 3.0  # demand/capacity cap: beyond this work is simply left undone (assumption)


def team_workload(org: OrgStructure, staff: StaffState, work: Work) -> np.ndarray:
    """Demand (workload x seats) over present, skill-weighted capacity, per team."""
    capacity = team_sum(org.team_of, staff.present_share() * staff.skill, org.n_teams)
    demand = work.workload * org.team_sizes()
    return np.minimum(demand / np.maximum(capacity, demand / MAX_WORKLOAD + 1e-9), MAX_WORKLOAD)


def update_workload(org: OrgStructure, staff: StaffState, work: Work, managers: Managers) -> np.ndarray:
    """Set each seat's workload; a manager carries the load of the team they lead, growing with span."""
    load = team_workload(org, staff, work)
    staff.workload[:] = load[np.maximum(org.team_of, 0)]
    leaders = org.team_leader
    extra_reports = np.maximum(org.team_sizes() - managers.reference_span, 0.0)
    staff.workload[leaders] = np.minimum(load * (1.0 + managers.load_per_extra_report * extra_reports), MAX_WORKLOAD)
    return load
