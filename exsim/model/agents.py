"""Mesa agents as thin handles: each reads and writes its row in the model's arrays."""

from __future__ import annotations

import mesa
from mesa.discrete_space import CellAgent


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

    @property
    def account_seat(self) -> int:
        return int(self.model.customers.account_seat[self.row])
