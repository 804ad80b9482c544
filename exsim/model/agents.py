"""Mesa agents as thin handles: each reads and writes its row in the model's arrays.

The state of every person and customer lives in numpy arrays owned by the model, one row each,
and every mechanism updates all rows at once (exsim.model.week.PHASES). So an agent has no `step`
of its own: `model.step()` runs the week for everyone, and an agent's `step()` says so (an
`AgentStepError`) rather than silently doing nothing under `model.agents.shuffle_do("step")`.

The staff are Employee and Manager agents (Manager is a subclass of Employee); Mesa's
`model.agents_by_type[Employee]` holds employees only, without the managers. All staff, in seat
order: `all_staff(model)` (an AgentSet), or `model.agents.select(agent_type=Employee)`, which also
gives every current customer account its agent.
"""

from __future__ import annotations

import mesa
from mesa.agent import AgentSet
from mesa.discrete_space import CellAgent

MODEL_STEPS_THE_WEEK = (
    "exsim updates every agent at once in the model's numpy arrays, so an agent has no step of its own: "
    "call model.step() (one week for everyone, phase by phase: see OrgModel.step's docstring or "
    "exsim.model.week.PHASES), model.run(weeks) or model.run_model()")


class AgentStepError(NotImplementedError):
    """An agent was asked to step on its own; the model's step runs the week for all of them."""


def all_staff(model) -> AgentSet:
    """Every person in post, employees and managers, in seat order (customers are not created)."""
    model._staff_handles()
    return AgentSet([model.staff_agents[seat] for seat in sorted(model.staff_agents)], random=model.random)


class _Row:
    """Descriptor exposing one array of the model's state as an attribute of the agent."""

    def __init__(self, table: str, column: str):
        self.table, self.column = table, column

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return getattr(getattr(agent.model, self.table), self.column)[agent.row].item()

    def __set__(self, agent, value):
        getattr(getattr(agent.model, self.table), self.column)[agent.row] = value


class Employee(CellAgent):
    """A person in a seat. The mechanisms update all employees at once through the arrays."""

    role = "employee"
    engagement = _Row("staff", "engagement")
    burnout = _Row("staff", "burnout")
    strain = _Row("staff", "strain")
    workload = _Row("staff", "workload")
    skill = _Row("staff", "skill")
    support = _Row("staff", "support")
    trust_manager = _Row("staff", "trust_manager")
    trust_org = _Row("staff", "trust_org")
    tenure_weeks = _Row("staff", "tenure_weeks")

    def __init__(self, model: mesa.Model, seat: int):
        super().__init__(model)
        self.row = seat
        self.cell = model.network[seat]

    def step(self) -> None:
        raise AgentStepError(f"{type(self).__name__} {self.unique_id}: {MODEL_STEPS_THE_WEEK}")

    @property
    def seat(self) -> int:
        return self.row

    @property
    def team(self) -> int:
        return int(self.model.org.team_of[self.row])

    @property
    def absent(self) -> bool:
        return bool(self.model.staff.absent_days[self.row] > 0)


class Manager(Employee):
    """An employee who leads a team; the team's support comes from this seat."""

    role = "manager"
    quality = _Row("staff", "manager_quality")

    @property
    def team_led(self) -> int:
        return int(self.row)  # team ids are the seats of their managers


class Customer(mesa.Agent):
    """A customer account served by the frontline employee in seat `account_seat`."""

    satisfaction = _Row("customers", "satisfaction")

    def __init__(self, model: mesa.Model, row: int):
        super().__init__(model)
        self.row = row

    def step(self) -> None:
        raise AgentStepError(f"Customer {self.unique_id}: {MODEL_STEPS_THE_WEEK}")

    @property
    def account_seat(self) -> int:
        return int(self.model.customers.account_seat[self.row])
