"""`model.datacollector`: a `mesa.DataCollector` fed from the KPI catalogue (exsim.metrics.kpis).

Every recorded week the model collects one value per KPI of the `timeseries` table (the same numbers
the recorder writes, read from its row for the week, so nothing is computed twice). At the end of
every simulated year (`agents_every` weeks) it also collects each agent type's own reporters:

- Employee and Manager (the staff, one row each): engagement, burnout, strain, workload, support,
  trust_manager, trust_org, tenure_weeks, absent, team, seat; managers add quality and team_led.
- Customer reporters are off by default: customer accounts get their Mesa agent only when asked for,
  and giving them agents numbers them, so the staff hired later get other `unique_id`s (and
  `employee_id`s). Pass `customers=True` (or your own `agenttype_reporters={Customer: ...}`) to add
  satisfaction and account_seat.

Staff and customers have different state, so reporters go per agent type (`agenttype_reporters`);
Mesa's `agent_reporters` apply to every agent, customers included, and only suit attributes all
types have (`unique_id`). Replace the collector with your own before stepping:

    model = OrgModel(config, rng=7)
    model.datacollector = exsim_collector(agenttype_reporters={Manager: {"quality": "quality"}})
    model.run_model()
    model.datacollector.get_model_vars_dataframe()       # one row per week, a column per KPI
    model.datacollector.get_agenttype_vars_dataframe(Manager)

The collector reads staff agents from the model's roster (`exsim.model.agents.all_staff`), so
collecting them never creates customer agents.
"""

from __future__ import annotations

from functools import partial
from operator import attrgetter

import mesa

from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.metrics.kpis import TIMESERIES
from exsim.model.agents import Customer, Employee, Manager, all_staff

STAFF_REPORTERS: dict[str, str] = {name: name for name in (
    "engagement", "burnout", "strain", "workload", "support", "trust_manager", "trust_org", "tenure_weeks",
    "absent", "team", "seat")}
MANAGER_REPORTERS: dict[str, str] = {**STAFF_REPORTERS, "quality": "quality", "team_led": "team_led"}
CUSTOMER_REPORTERS: dict[str, str] = {"satisfaction": "satisfaction", "account_seat": "account_seat"}


def recorded_kpi(model, name: str) -> float:
    """The KPI's value in the week just recorded (the model's `timeseries` row)."""
    return model.recorder.weeks[-1][name]


def kpi_reporters() -> dict[str, partial]:
    """One model reporter per KPI of the timeseries table, in the catalogue's order."""
    return {name: partial(recorded_kpi, name=name) for name in TIMESERIES}


def default_agenttype_reporters(customers: bool = False) -> dict[type, dict[str, attrgetter]]:
    """The reporters per agent type that `model.datacollector` starts with.

    They are `operator.attrgetter`s rather than attribute names, which Mesa would wrap in local
    functions, so a model with its collector can be pickled (exsim.runs.settled copies models).
    """
    chosen = {Employee: STAFF_REPORTERS, Manager: MANAGER_REPORTERS, **({Customer: CUSTOMER_REPORTERS} if customers else {})}
    return {agent_type: {name: attrgetter(attr) for name, attr in reporters.items()}
            for agent_type, reporters in chosen.items()}


class KPICollector(mesa.DataCollector):
    """A DataCollector whose model reporters are the KPI catalogue's, plus any of yours.

    `agents_every`: weeks between agent (and agent-type) records; 52 (the default) takes them at
    each year's last week, 1 every week (slow for thousands of agents).
    """

    def __init__(self, model_reporters=None, agent_reporters=None, agenttype_reporters=None, tables=None,
                 agents_every: int = WEEKS_PER_YEAR):
        if agents_every < 1:
            raise ValueError(f"agents_every must be 1 or more weeks, not {agents_every}")
        super().__init__(model_reporters={**kpi_reporters(), **(model_reporters or {})},
                         agent_reporters=agent_reporters, agenttype_reporters=agenttype_reporters, tables=tables)
        self.agents_every = agents_every

    def collect(self, model) -> None:
        """The model reporters every call; agent records only in weeks that are a multiple of `agents_every`."""
        if model.week % self.agents_every == 0:
            super().collect(model)
            return
        agent, by_type = self.agent_reporters, self.agenttype_reporters
        self.agent_reporters, self.agenttype_reporters = {}, {}
        try:
            super().collect(model)
        finally:
            self.agent_reporters, self.agenttype_reporters = agent, by_type

    def _record_agenttype(self, model, agent_type):
        """Employee and Manager rows from the roster (exact type, as `model.agents_by_type`); others as Mesa does."""
        if agent_type not in (Employee, Manager):
            return super()._record_agenttype(model, agent_type)
        reporters = list(self.agenttype_reporters[agent_type].values())
        return [(model.time, agent.unique_id, *(reporter(agent) for reporter in reporters))
                for agent in all_staff(model) if type(agent) is agent_type]


def exsim_collector(model_reporters=None, agent_reporters=None, agenttype_reporters=None, tables=None,
                    agents_every: int = WEEKS_PER_YEAR, customers: bool = False) -> KPICollector:
    """`model.datacollector`'s kind: the KPI catalogue, the default per-type reporters and yours on top.

    Your `agenttype_reporters` for a type are added to that type's defaults (same name: yours wins).
    """
    by_type = default_agenttype_reporters(customers)
    for agent_type, reporters in (agenttype_reporters or {}).items():
        by_type[agent_type] = {**by_type.get(agent_type, {}), **reporters}
    return KPICollector(model_reporters, agent_reporters, by_type, tables, agents_every)
