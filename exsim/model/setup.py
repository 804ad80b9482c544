"""The organisation on day one: every seat filled, slow variables at the levels their drivers imply, customers."""

from __future__ import annotations

import numpy as np

from exsim.config.departments import SeatConfig, at_rows
from exsim.config.schema import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms import attrition, brand, burnout, customers, drivers, engagement, manager_support, peers, perks
from exsim.mechanisms import trust, workload
from exsim.mechanisms.seats import hire
from exsim.mechanisms.state import CustomerState, Roster, StaffState, World
from exsim.metrics.departments import department_groups
from exsim.model.streams import Streams
from exsim.org import OrgStructure

MAX_TENURE_WEEKS = 40 * WEEKS_PER_YEAR  # weeks: tenures of 40 years or more are not drawn at the start (assumption)
MIN_TEAM_DEMAND = 0.3  # share of staffing: no team's demand is drawn below it (assumption)
ALUMNI_START_GAP = 20.0  # eNPS points: leavers start this much less positive than the staff in post (assumption)
SETTLING_ROUNDS = 5  # fixed-point rounds at the start (assumption; the baseline then lies within 1e-6 of its fixed point)
START_GROWTH_PROMOTIONS = 0.02  # promotions per seat per year counted for growth before any were seen (assumption)


def empty_world(org: OrgStructure, config: ScenarioConfig | SeatConfig, week: int, roster: Roster,
                streams: Streams) -> World:
    """The state at `week` before anyone is hired: vacant seats, no customers, the teams' fixed differences.

    `config` is the config in force at `week` (seat by seat when there are departments).
    """
    n_teams = org.n_teams
    team_demand, difficulty = _fixed_differences(org, config, streams["teams"])
    labels, group = department_groups(org)
    return World(org=org, staff=StaffState.empty(org.n_seats), customers=CustomerState.empty(0), roster=roster,
                 week=week, team_demand=team_demand, account_difficulty=difficulty,
                 team_trust_credit=np.zeros(n_teams), team_support=np.zeros(n_teams),
                 team_attention=np.zeros(n_teams), department_group=group if len(labels) > 1 else None,
                 n_department_groups=len(labels))


def populate(world: World, config: ScenarioConfig | SeatConfig, streams: Streams) -> None:
    """Day one: every seat filled, slow variables at their targets, customer accounts open, the brand's start.

    `config` is the config in force at the world's week (no intervention has started yet).
    """
    _fill_seats(world, config, streams)
    _settle_slow_variables(world, config)
    _open_accounts(world, config, streams["customers"])
    org, cust = world.org, world.customers
    world.starting_book = np.bincount(org.department_of[cust.account_seat[cust.active]], minlength=len(org.departments))
    world.staff_enps = brand.staff_enps(world, config)
    world.alumni_enps = world.staff_enps - ALUMNI_START_GAP
    world.reputation = brand.reputation_target(world.staff_enps, world.alumni_enps, config.brand)


def _fixed_differences(org: OrgStructure, config: ScenarioConfig | SeatConfig, rng: np.random.Generator):
    """Teams differ in demand and in how demanding their customer accounts are (per seat)."""
    teams = at_rows(config, org.team_leader)
    team_demand = np.maximum(1.0 + rng.normal(0.0, teams.org.team_workload_sd, org.n_teams), MIN_TEAM_DEMAND)
    difficulty = rng.normal(0.0, teams.customers.account_difficulty_sd, org.n_teams)
    return team_demand, difficulty[np.maximum(org.team_of, 0)]


def _fill_seats(world: World, config: ScenarioConfig | SeatConfig, streams: Streams) -> None:
    """Everyone in place, with tenures drawn from the steady state of each department's quit hazard."""
    staff, org = world.staff, world.org
    seats = np.arange(org.n_seats)
    hire(world, seats, config, streams["hiring"], fit=0.0, referral_probability=0.0)
    tenure = np.empty(org.n_seats)
    for department in np.unique(org.department_of):
        own = seats[org.department_of == department]
        tenure[own] = steady_state_tenures(at_rows(config, own[0]), len(own), streams["init"])
    staff.tenure_weeks[:] = tenure
    staff.hire_week[:] = world.week - tenure.astype(np.int64)
    work = config.work
    staff.skill[:] = 1.0 - (1.0 - work.new_hire_skill) * np.exp(-tenure / work.ramp_weeks)


def _settle_slow_variables(world: World, cfg: ScenarioConfig) -> None:
    """Start trust, strain and engagement at the levels their drivers imply."""
    org, staff = world.org, world.staff
    staff.customer_mood[:] = cfg.customers.satisfaction_reference
    for _ in range(SETTLING_ROUNDS):
        workload.update_workload(world, cfg)
        _, team_attention = manager_support.team_support(org, staff, cfg)
        staff.trust_manager[:] = staff.support
        staff.trust_org[:] = trust.org_trust_target(staff, cfg.culture)
        peers.update_peers(world, cfg)
        staff.growth[:] = drivers.growth(org, staff, cfg, team_attention, START_GROWTH_PROMOTIONS)
        staff.perk_effect[:] = perks.perk_lift(staff, cfg.policy)
        staff.strain[:] = burnout.strain_target(staff, cfg.work)
        staff.engagement[:] = engagement.engagement_target(staff, cfg)


def _open_accounts(world: World, config: ScenarioConfig | SeatConfig, rng: np.random.Generator) -> None:
    """Each frontline seat's share of its department's customer book, at the satisfaction its service implies."""
    org = world.org
    for department in range(len(org.departments)):
        frontline = np.flatnonzero(org.frontline & (org.department_of == department))
        if not len(frontline):
            continue
        per_seat = at_rows(config, frontline[0]).customers.per_frontline_employee
        n = int(round(per_seat * len(frontline)))
        if n:  # round-robin: every frontline seat its share
            customers.open_accounts(world, np.resize(frontline, n), config, rng)
    cust = world.customers
    cust.satisfaction[:] = np.where(cust.active, customers.experienced_quality(
        cust, world.staff, config.customers, world.account_difficulty), 0.0)


def steady_state_tenures(config: ScenarioConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """Tenures (weeks) drawn in proportion to survival under the settled hazards."""
    weeks = np.arange(MAX_TENURE_WEEKS, dtype=np.float64)
    att = config.attrition
    hazard = (att.base_quit_rate_per_year / WEEKS_PER_YEAR * attrition.tenure_curve(weeks, att)
              + att.involuntary_rate_per_year / WEEKS_PER_YEAR)
    survival = np.exp(-np.cumsum(hazard))
    return rng.choice(weeks, size=n, p=survival / survival.sum())
