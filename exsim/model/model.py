"""OrgModel: a Mesa model of an organisation stepped week by week."""

from __future__ import annotations

import gc
from contextlib import contextmanager

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from exsim.config import ScenarioConfig, load_config
from exsim.config.keys import with_values
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.interventions import Schedule
from exsim.mechanisms.brand import staff_enps
from exsim.mechanisms.state import CustomerState, StaffState, World
from exsim.metrics.recorder import Recorder
from exsim.model.agents import Customer, Employee, Manager
from exsim.model.collector import exsim_collector
from exsim.model.reorganising import reorganise_model, shape_of
from exsim.model.setup import empty_world, populate
from exsim.model.streams import Streams, entropy_from
from exsim.model.week import describe_week, run_week
from exsim.org import OrgStructure, departments_config, org_table, organisation


CUSTOMER_IDS = 10**12  # customer agents' unique_ids start here, apart from the staff's (1, 2, ...)


@contextmanager
def paused_garbage_collection():
    """Python's cycle collector off while a large object graph is built (it would scan it again and again).

    Afterwards one collection of the young generations moves what was built to the oldest, which
    young collections never scan: left young, the whole graph would be scanned again by the next ones.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(1)


class OrgModel(mesa.Model):
    """An organisation of employees, managers and customers, stepped one week at a time.

    `OrgModel(config, rng=7)` builds the org graph, fills every seat, places people in a
    `mesa.discrete_space.Network`, then `settle()`s for `config.sim.burn_in_weeks` unrecorded weeks
    so slow variables settle. `run(weeks)` records; `tables()` returns timeseries, teams and spells.
    `config` is the scenario; `current` is the config in force this week (interventions applied). An
    intervention that changes `org.span_of_control` or `org.span_variation` reorganises the running
    organisation before its start week (exsim.model.reorganising; everyone kept, seats renumbered).
    The model's state is `world` (exsim.mechanisms.state.World); the week is `exsim.model.week.PHASES`.

    Every person in a seat is an Employee or Manager agent in the network, and every customer account
    a Customer agent. Agents are made when they are first asked for (`model.agents`,
    `model.agents_by_type`, `all_staff`, `holder(seat)`), so a run that never looks at them does not
    pay for them; the agents of leavers and closed accounts are removed. A person's unique_id is the
    one Mesa's counter gave when they joined, whenever their agent is made. Set-up pauses Python's
    garbage collector.

    `values` set config keys on top of `config`, by their dotted names, so `mesa.batch_run` can vary
    them: `OrgModel(**{"org.span_of_control": 12})`, `batch_run(OrgModel, {"work.workload": [1.0, 1.2]})`.
    """

    def __init__(self, config: ScenarioConfig | None = None, *, rng=None, burn_in_weeks: int | None = None,
                 org: OrgStructure | None = None, **values):
        config = config if config is not None else load_config()
        if values:
            config = with_values(config, values, origin=f"OrgModel({', '.join(values)})")
        with paused_garbage_collection():
            burn_in = self._build(config, rng, burn_in_weeks, org)
        self.settle(burn_in)
        self.datacollector = exsim_collector()  # the KPI catalogue each week, staff at year ends (exsim.model.collector)

    def _build(self, config, rng, burn_in_weeks, org) -> int:
        """The organisation on day one, before its settling weeks (returned)."""
        self.seed_entropy = entropy_from(rng)
        super().__init__(rng=self.seed_entropy)
        self.config = config
        self.streams = Streams(self.seed_entropy)
        org = org if org is not None else organisation(self.config, self.streams["org"])
        self.schedule = Schedule(departments_config(self.config, org), org.department_of)  # org's department order
        self.network = Network(org.graph, layout=None, random=self.random)
        self.staff_agents: dict[int, Employee] = {}  # seat -> agent of its holder, made when agents are asked for
        self.customer_agents: dict[int, Customer] = {}
        self.customers_numbered = 0  # customer agents made so far (each takes the next id from CUSTOMER_IDS)
        burn_in = self.config.sim.burn_in_weeks if burn_in_weeks is None else burn_in_weeks
        self.current = self.schedule.config_at(-burn_in)
        self.world: World = empty_world(org, self.current, -burn_in, self, self.streams)
        populate(self.world, self.current, self.streams)
        self.recorder = Recorder(self.world, self.config.engagement)
        self._take_shape(-burn_in)
        return burn_in

    # ---- the weekly step -------------------------------------------------------------------
    def step(self) -> None:
        self._advance_week()
        if self.world.week >= 1 and self.datacollector is not None:  # None: the recorder's tables are the record
            self.datacollector.collect(self)
        if self.world.week >= self.config.sim.years * WEEKS_PER_YEAR:
            self.running = False  # Mesa's run_model() and batch_run stop after sim.years recorded weeks

    step.__doc__ = "One week, phase by phase (exsim.model.week.PHASES):\n\n" + describe_week()

    def settle(self, weeks: int) -> None:
        """Run `weeks` weeks without recording them or advancing Mesa's clock (the burn-in)."""
        for _ in range(weeks):
            self._advance_week()

    def continue_as(self, scenario: ScenarioConfig) -> None:
        """From the next week on, run `scenario` (its values and interventions) on this settled organisation.

        For a what-if that starts from the status quo's settled organisation (exsim.config.settling):
        the organisation must be the one `scenario` describes, and no week may have been recorded yet.
        """
        if self.world.week >= 1:
            raise ValueError("continue_as is for a settled organisation before week 1; this model has recorded weeks")
        self.config = scenario
        self.schedule = Schedule(departments_config(scenario, self.org), self.org.department_of)
        self.recorder.engagement_config = scenario.engagement
        self._take_shape(self.world.week)

    def _take_shape(self, week: int) -> None:
        """Remember the spans in force at `week` (the organisation's now); a reorganisation follows when they change."""
        self.shape = shape_of(self.schedule.orgs_at(week)) if self.schedule.reshapes else None
        self.last_reorganisation: tuple[int, np.ndarray] | None = None  # (week, new seat of each old seat)

    def _reorganise_if_due(self, week: int) -> int:
        """Reorganise before `week` when an intervention changes the spans then; returns the promotions it took."""
        orgs = self.schedule.orgs_at(week)
        if shape_of(orgs) == self.shape:
            return 0
        self.shape = shape_of(orgs)
        plan = reorganise_model(self, orgs, week)
        self.last_reorganisation = (week, plan.new_seat)
        return len(plan.promoted)

    def _advance_week(self) -> None:
        world = self.world
        promotions = self._reorganise_if_due(world.week + 1) if self.schedule.reshapes else 0
        world.week += 1
        self.current = self.schedule.config_at(world.week)
        events = run_week(world, self.current, self.streams)
        events.promotions += promotions
        if world.week >= 1:
            self.recorder.record_week(events)
        else:
            self.recorder.track_week(events)

    def run(self, weeks: int, progress=None) -> None:
        """Step `weeks` recorded weeks; `progress(1)` is called after each when given."""
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(1)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables recorded so far: timeseries, teams, spells, departments, and org (the org chart, one
        row per seat); only the timeseries when the recorder keeps no detail (`recorder.detail`)."""
        recorded = self.recorder.tables()
        return {**recorded, "org": org_table(self.org)} if self.recorder.detail else recorded

    # ---- the state, by name ----------------------------------------------------------------
    @property
    def org(self) -> OrgStructure:
        return self.world.org

    @property
    def staff(self) -> StaffState:
        return self.world.staff

    @property
    def customers(self) -> CustomerState:
        return self.world.customers

    @property
    def week(self) -> int:
        """The last week stepped: 1 is the first recorded week; burn-in weeks are 0 and below."""
        return self.world.week

    def current_enps(self) -> float:
        """eNPS of everyone in post now."""
        return staff_enps(self.world, self.current)

    # ---- the roster: Mesa agents follow the arrays -----------------------------------------
    def joined(self, seats: np.ndarray) -> None:
        """Each seat's new holder takes the next ids of Mesa's agent counter; their agent is made when asked for."""
        first = self.agent_id_counter
        self.world.staff.agent_id[seats] = np.arange(first, first + len(seats))
        self.agent_id_counter = first + len(seats)

    def leaving(self, seats: np.ndarray, reason: str) -> None:
        """Record the leavers' spells (in recorded weeks) and remove their agents (those ever asked for)."""
        if self.world.week >= 1:
            self.recorder.record_spells(seats, reason)
        if self.staff_agents:
            for seat in seats:
                agent = self.staff_agents.pop(int(seat), None)
                if agent is not None:
                    agent.remove()

    def holder(self, seat: int) -> Employee | None:
        """The agent of the person in `seat` (None when it is vacant)."""
        self._staff_handles(np.array([int(seat)]))
        return self.staff_agents.get(int(seat))

    def accounts_opened(self, rows: np.ndarray) -> None:
        """New accounts get their Customer agent when agents are first asked for (`agents`, `agents_by_type`)."""

    def accounts_closing(self, rows: np.ndarray) -> None:
        """Remove the agents of customers who leave (those that were ever asked for)."""
        if self.customer_agents:
            for row in rows:
                agent = self.customer_agents.pop(int(row), None)
                if agent is not None:
                    agent.remove()

    def _staff_handles(self, seats: np.ndarray | None = None) -> None:
        """An Employee or Manager agent, in its seat's network cell, for each person in post (in `seats`, else
        everywhere) without one yet.

        The agent takes the person's id (`staff.agent_id`, numbered by Mesa's counter when they joined).
        """
        staff, counter = self.world.staff, self.agent_id_counter
        seats = np.flatnonzero(staff.occupied) if seats is None else seats[staff.occupied[seats]]
        for seat in [seat for seat in seats.tolist() if seat not in self.staff_agents]:  # in seat order
            agent = (Manager if self.world.org.is_manager[seat] else Employee)(self, seat)
            agent.unique_id = int(staff.agent_id[seat])
            self.staff_agents[seat] = agent
        self.agent_id_counter = counter

    def _customer_handles(self) -> None:
        """A Customer agent for each active account without one yet.

        Customers are numbered from CUSTOMER_IDS up, apart from the staff's unique_ids (Mesa's counter
        is left as it was), so asking for agents never changes the ids of the people hired later.
        """
        customers = self.world.customers
        staff_counter = self.agent_id_counter
        for row in np.flatnonzero(customers.active & (customers.agent_id < 0)):
            agent = Customer(self, int(row))
            agent.unique_id = CUSTOMER_IDS + self.customers_numbered
            self.customers_numbered += 1
            self.customer_agents[int(row)] = agent
            customers.agent_id[row] = agent.unique_id
        self.agent_id_counter = staff_counter

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every agent: employees, managers and the current customers (Mesa's `Model.agents`)."""
        self._staff_handles()
        self._customer_handles()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """The agents by class: Employee, Manager, Customer (Mesa's `Model.agents_by_type`)."""
        self._staff_handles()
        self._customer_handles()
        return super().agents_by_type
