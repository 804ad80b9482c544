"""A running model reorganised: the spans in force change at a week, and everyone moves with their seat.

`exsim.org.reorganise` maps the old seats to the new organisation's; here the model follows: every
per-seat array is permuted, people who change role take a manager's or a member's values (promotions
as `managers.selection` makes them), customer accounts follow their holder or move to frontline seats of
the same department, team values pass to the new teams their members join, and the Mesa agents (each
keeps its unique_id), the network, the schedule and the recorder take the new organisation. The
reorganisation draws only from its own stream ("reorganise"), so the weeks before it are the status quo's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mesa.discrete_space import Network

from exsim.config.departments import at_rows
from exsim.config.schema import Org, ScenarioConfig
from exsim.interventions import Schedule
from exsim.mechanisms.customers import count_accounts, customer_mood
from exsim.mechanisms.seats import promoted_quality, promotion_score
from exsim.mechanisms.state import StaffState, World
from exsim.metrics.departments import department_groups
from exsim.model.agents import Employee, Manager
from exsim.org import departments_config
from exsim.org.reorganise import Reorganisation, reorganise

TEAM_VALUES = ("team_demand", "team_trust_credit", "team_support", "team_attention")  # World's per-team arrays


def shape_of(orgs: Sequence[Org]) -> tuple:
    """What a reorganisation changes: each department's span of control and span variation."""
    return tuple((org.span_of_control, org.span_variation) for org in orgs)


def reorganise_model(model, orgs: Sequence[Org], week: int) -> Reorganisation:
    """Reorganise `model` into the spans of `orgs` (one per department) before `week` runs; returns the plan."""
    world = model.world
    plan = plan_for(world, orgs, model.schedule.config_at(week), model.streams["reorganise"])
    model.recorder.close_teams()
    move_state(world, plan)
    model.schedule = Schedule(departments_config(model.config, plan.org), plan.org.department_of)
    config = model.schedule.config_at(week)
    change_roles(world, plan, config, model.streams["reorganise"])
    move_accounts(world, config)
    model.recorder.reorganised()
    move_agents(model, plan)
    return plan


def plan_for(world: World, orgs: Sequence[Org], config, rng: np.random.Generator) -> Reorganisation:
    """The seat mapping: managers ranked by their behaviour quality, staff by the selection policy in force."""
    staff = world.staff
    rank = staff.manager_quality + staff.training_gain
    top = np.asarray(config.managers.selection) == "top_performer"
    score = promotion_score(staff, np.arange(world.org.n_seats), top)
    return reorganise(world.org, orgs, staff.occupied, rank, score, rng)


def move_state(world: World, plan: Reorganisation) -> None:
    """Every per-seat array follows its seat; each new team takes its members' old teams' values (mean)."""
    old_org, old_seat = world.org, plan.old_seat
    for column in StaffState.columns():
        values = getattr(world.staff, column.name)
        values[:] = values[old_seat]
    world.account_difficulty = world.account_difficulty[old_seat]
    cust = world.customers
    held = cust.account_seat >= 0
    cust.account_seat[held] = plan.new_seat[cust.account_seat[held]]
    source = _source_team(old_org)[old_seat]  # per new seat: the old team its holder worked in (or led)
    for name in TEAM_VALUES:
        setattr(world, name, _team_means(getattr(world, name), source, plan.org))
    world.org = plan.org
    world.fills = np.empty(0, dtype=np.int64)
    if world.department_group is not None:
        world.department_group = department_groups(plan.org)[1]


def _source_team(org) -> np.ndarray:
    """Each seat's team: the one a manager led, the one a member belongs to."""
    led = np.full(org.n_seats, -1, dtype=np.int64)
    led[org.team_leader] = np.arange(org.n_teams)
    return np.where(org.is_manager, led, org.team_of)


def _team_means(values: np.ndarray, source: np.ndarray, org) -> np.ndarray:
    """Per new team: the mean of `values` (per old team) over its seats' old teams; the overall mean for none."""
    seats = (org.team_of >= 0) & (source >= 0)
    team = org.team_of[seats]
    counts = np.bincount(team, minlength=org.n_teams)
    sums = np.bincount(team, weights=values[source[seats]], minlength=org.n_teams)
    return np.where(counts > 0, sums / np.maximum(counts, 1), values.mean() if len(values) else 0.0)


def change_roles(world: World, plan: Reorganisation, config, rng: np.random.Generator) -> None:
    """The promoted take a new manager's values (quality drawn as for a promotion); former managers a member's."""
    staff, promoted, demoted = world.staff, plan.promoted, plan.demoted
    if len(promoted):
        managers = at_rows(config, promoted).managers
        top = np.asarray(managers.selection) == "top_performer"
        staff.manager_quality[promoted] = promoted_quality(managers, len(promoted), rng, top)
        staff.promoted[promoted] = top
    staff.manager_quality[demoted] = 0.0
    staff.promoted[demoted] = False
    for seats in (promoted, demoted):
        staff.trained_week[seats] = -1
        staff.training_gain[seats] = 0.0
    world.promotions_last_year += len(promoted)


def move_accounts(world: World, config: ScenarioConfig) -> None:
    """Accounts whose holder no longer serves customers go to the department's frontline seats, least served first."""
    org, staff, cust = world.org, world.staff, world.customers
    rows = np.flatnonzero(cust.active & ~org.frontline[np.maximum(cust.account_seat, 0)])
    for department in range(len(org.departments)):
        own = rows[org.department_of[cust.account_seat[rows]] == department]
        targets = org.frontline_seats(department)
        if len(own) and len(targets):
            by_load = targets[np.argsort(staff.accounts[targets], kind="stable")]
            cust.account_seat[own] = np.resize(by_load, len(own))
    count_accounts(cust, staff)
    customer_mood(cust, staff, config.customers)


def move_agents(model, plan: Reorganisation) -> None:
    """Each agent made so far to its new seat and network cell; those who changed role become a Manager or an
    Employee."""
    model.network = Network(plan.org.graph, layout=None, random=model.random)
    moved = {}
    for old, agent in model.staff_agents.items():
        seat = int(plan.new_seat[old])
        agent.row, agent.cell = seat, model.network[seat]
        moved[seat] = agent
    model.staff_agents = moved
    for seats, kind in ((plan.promoted, Manager), (plan.demoted, Employee)):
        for seat in seats:
            if int(seat) in moved:
                _recast(model, moved[int(seat)], kind)


def _recast(model, agent, kind: type) -> None:
    """The agent becomes a `kind` (Manager or Employee) and keeps its unique_id."""
    unique_id, counter = agent.unique_id, model.agent_id_counter
    model.deregister_agent(agent)
    agent.__class__ = kind
    model.register_agent(agent)
    agent.unique_id, model.agent_id_counter = unique_id, counter
