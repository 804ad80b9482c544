"""Workload: team demand over the capacity actually present (absences and vacancies load colleagues)."""

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import ScenarioConfig, Work
from exsim.mechanisms.state import StaffState, World
from exsim.metrics.measures import team_sum
from exsim.org import OrgStructure

MAX_WORKLOAD = 2.5  # demand / capacity: the felt workload's cap; beyond it work is simply left undone (assumption)
MIN_SPAN_FACTOR = 0.5  # times their team's load: a manager of a tiny team still carries half of it (assumption)


def team_workload(org: OrgStructure, staff: StaffState, work: Work, team_demand: np.ndarray) -> np.ndarray:
    """Demand (workload x the team's own demand factor) over the capacity felt present, per team.

    Absent, vacant and ramping-up seats are a gap; part of it is absorbed (work left undone,
    temps, slack) and the rest lands on the colleagues who are there.
    """
    seats = org.team_sizes()
    capacity = team_sum(org.team_of, staff.present_share() * staff.skill, org.n_teams)
    demand = work.workload * team_demand
    gap = 1.0 - capacity / np.maximum(seats, 1)  # share of the staffed capacity missing this week
    felt_capacity = 1.0 - (1.0 - work.gap_absorbed) * gap
    return np.minimum(demand / np.maximum(felt_capacity, 1e-9), MAX_WORKLOAD)


def update_workload(world: World, cfg: ScenarioConfig) -> None:
    """Workload: team demand over the capacity present (absences and vacancies load colleagues).

    A manager carries the load of the team they lead, growing linearly with the reports above (or
    falling with those below) the reference span: no corner at the reference span.
    """
    org, staff = world.org, world.staff
    teams = at_rows(cfg, org.team_leader)
    managers = teams.managers
    load = team_workload(org, staff, teams.work, world.team_demand)
    staff.workload[:] = load[np.maximum(org.team_of, 0)]
    leaders = org.team_leader
    extra_reports = org.team_sizes() - managers.reference_span
    span_factor = np.maximum(1.0 + managers.load_per_extra_report * extra_reports, MIN_SPAN_FACTOR)
    staff.workload[leaders] = np.minimum(load * span_factor, MAX_WORKLOAD)
