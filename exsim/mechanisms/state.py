"""The state the week's phases act on: per-seat and per-customer arrays, and the organisation's own values.

Every per-seat column is declared once below with its dtype, its value for a new hire and its
value for a vacant seat (`KEEP`: left as it was; `SET`: set per person by the phase that fills the row). Phases are
functions of a `World`, this week's config and their own random streams; none imports the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Protocol

import numpy as np

from exsim.metrics.events import WeekEvents
from exsim.org import OrgStructure

KEEP = "keep"  # the value stays as it was (recomputed by a phase before it is read)
SET = "set"  # set per person by the phase that fills the row (hiring, a new account)


def column(dtype, new, vacant, meaning: str):
    """A declared state column: dtype, value for a new holder of the row (a hire, a new account), value when vacant, meaning."""
    return field(metadata={"dtype": np.dtype(dtype), "new": new, "vacant": vacant, "meaning": meaning})


class _Columns:
    """Arrays declared with `column(...)`: built empty, reset by role, grown by rows."""

    @classmethod
    def columns(cls) -> tuple:
        return fields(cls)

    @classmethod
    def empty(cls, rows: int):
        """Every column with `rows` rows at its initial value (its vacant value, else 0)."""
        return cls(**{c.name: np.full(rows, _initial(c), dtype=c.metadata["dtype"]) for c in fields(cls)})

    def reset(self, rows: np.ndarray, role: str) -> None:
        """Set the columns with a fixed value for `role` ("new" or "vacant") in these rows."""
        for name, value in _fixed_values(type(self), role):
            getattr(self, name)[rows] = value


@cache
def _fixed_values(table: type, role: str) -> tuple[tuple[str, object], ...]:
    """(column, value) for each column of `table` with a fixed value for `role`."""
    return tuple((c.name, c.metadata[role]) for c in fields(table) if c.metadata[role] not in (KEEP, SET))


def _initial(c) -> object:
    vacant = c.metadata["vacant"]
    return 0 if vacant in (KEEP, SET) else vacant


@dataclass(eq=False)
class StaffState(_Columns):
    """Per-seat arrays. A vacant seat keeps its row; the next hire overwrites it."""

    occupied: np.ndarray = column(bool, True, False, "someone holds the seat")
    agent_id: np.ndarray = column(np.int64, SET, -1, "unique_id of the seat's Mesa agent")
    hire_week: np.ndarray = column(np.int64, SET, KEEP, "week the holder was hired")
    tenure_weeks: np.ndarray = column(np.float64, 0.0, KEEP, "weeks in the organisation (whole weeks)")
    skill: np.ndarray = column(np.float64, SET, 0.0, "productivity, 0-1 (ramps up after hire)")
    referral: np.ndarray = column(bool, SET, KEEP, "hired through a referral")
    disposition: np.ndarray = column(np.float64, SET, KEEP, "personal engagement shift, logit")
    resilience: np.ndarray = column(np.float64, SET, KEEP, "personal strain shift, logit")
    engagement: np.ndarray = column(np.float64, SET, 0.0, "engagement, 0-1")
    trust_manager: np.ndarray = column(np.float64, SET, KEEP, "trust in the manager, 0-1")
    trust_org: np.ndarray = column(np.float64, SET, KEEP, "trust in the organisation, 0-1")
    strain: np.ndarray = column(np.float64, 0.2, 0.0, "strain, 0-1")
    burnout: np.ndarray = column(np.float64, 0.0, 0.0, "burnout, 0-1")
    absent_days: np.ndarray = column(np.float64, 0.0, 0.0, "days absent this week, 0-5")
    absent_days_total: np.ndarray = column(np.float64, 0.0, KEEP, "days absent since hire")
    long_absence_weeks_left: np.ndarray = column(np.int64, 0, 0, "weeks left of a long sickness spell")
    contagion: np.ndarray = column(np.float64, 0.0, 0.0, "felt lift of the quit hazard from teammates' quits")
    contagion_exposure: np.ndarray = column(np.float64, 0.0, 0.0, "recent teammates' quits not yet felt")
    trained_week: np.ndarray = column(np.int64, -1, -1, "week a manager's training began (-1: untrained)")
    promoted: np.ndarray = column(bool, False, False, "an untrained promoted top performer")
    manager_quality: np.ndarray = column(np.float64, SET, KEEP, "a manager's behaviour quality, 0-1")
    training_gain: np.ndarray = column(np.float64, KEEP, 0.0, "behaviour gain from training, 0-1")
    workload: np.ndarray = column(np.float64, KEEP, 0.0, "demand over capacity present (1 = as staffed)")
    support: np.ndarray = column(np.float64, KEEP, KEEP, "support from the manager, 0-1")
    peer_help: np.ndarray = column(np.float64, KEEP, KEEP, "help from teammates, 0-1")
    peer_engagement: np.ndarray = column(np.float64, KEEP, KEEP, "teammates' mean engagement, 0-1")
    growth: np.ndarray = column(np.float64, KEEP, KEEP, "development and visible promotion, 0-1")
    perk_effect: np.ndarray = column(np.float64, KEEP, KEEP, "engagement lift from perks, logit")
    customer_mood: np.ndarray = column(np.float64, KEEP, KEEP, "mean satisfaction of the seat's accounts, 0-1")
    accounts: np.ndarray = column(np.float64, KEEP, KEEP, "active customer accounts the seat serves (this week's book)")
    account_satisfaction: np.ndarray = column(np.float64, KEEP, KEEP, "summed satisfaction of the seat's accounts")
    trust_credit: np.ndarray = column(np.float64, KEEP, KEEP, "trust earned or lost by survey follow-up")

    @property
    def on_long_absence(self) -> np.ndarray:
        return self.long_absence_weeks_left > 0

    def present_share(self) -> np.ndarray:
        """Share of the week each seat is worked: 0 when vacant or absent all week."""
        return self.occupied * (1.0 - self.absent_days / 5.0)


@dataclass(eq=False)
class CustomerState(_Columns):
    """Per-customer arrays with a free list: rows of churned customers are reused by new ones."""

    active: np.ndarray = column(bool, True, False, "a current customer")
    agent_id: np.ndarray = column(np.int64, -1, -1, "unique_id of the customer's Mesa agent (-1 until first asked for)")
    account_seat: np.ndarray = column(np.int64, SET, -1, "seat of the frontline employee serving the account (-1: a free row)")
    satisfaction: np.ndarray = column(np.float64, SET, KEEP, "satisfaction, 0-1")
    opened_week: np.ndarray = column(np.int64, SET, KEEP, "week the account was opened (its tenure: the week now minus this)")
    leniency: np.ndarray = column(np.float64, SET, KEEP, "personal quality shift, logit")

    @property
    def capacity(self) -> int:
        return len(self.active)

    def __post_init__(self) -> None:
        self._free: np.ndarray | None = None  # the free rows in order, kept as rows open and close (None: not listed yet)

    def free_rows(self, n: int) -> np.ndarray:
        """The n lowest free rows, for new customers, growing the arrays when needed."""
        if len(self._free_list()) < n:
            self._grow(max(n - len(self._free), self.capacity // 2 + 1))
        return self._free[:n]

    def reset(self, rows: np.ndarray, role: str) -> None:
        """As for every table, and the free rows listed again: closed rows join the list, opened ones leave it."""
        closing = _in_order(rows[self.active[rows]]) if role == "vacant" and self._free is not None else None
        super().reset(rows, role)
        if self._free is None:
            return
        if closing is not None:
            self._free = np.insert(self._free, np.searchsorted(self._free, closing), closing)  # both in order
        elif np.array_equal(self._free[:len(rows)], rows):  # the usual case: the rows free_rows gave
            self._free = self._free[len(rows):]
        else:
            self._free = np.setdiff1d(self._free, rows)

    def _free_list(self) -> np.ndarray:
        if self._free is None:
            self._free = np.flatnonzero(~self.active)
        return self._free

    def _grow(self, extra: int) -> None:
        start = self.capacity
        for c in fields(self):
            arr = getattr(self, c.name)
            setattr(self, c.name, np.concatenate([arr, np.full(extra, _initial(c), dtype=arr.dtype)]))
        if self._free is not None:
            self._free = np.concatenate([self._free, np.arange(start, start + extra)])


def _in_order(rows: np.ndarray) -> np.ndarray:
    """The distinct rows in increasing order, as np.unique gives them; rows already so (as drawn) come back as they are.

    Sorting is used, not np.unique, which is much slower for a few thousand rows in numpy 2.5."""
    if len(rows) < 2 or bool((rows[1:] > rows[:-1]).all()):
        return rows
    ordered = np.sort(rows)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


class Roster(Protocol):
    """Who the phases tell when people join or leave and accounts open or close (the model's agents)."""

    def joined(self, seats: np.ndarray) -> None: ...
    def leaving(self, seats: np.ndarray, reason: str) -> None: ...
    def accounts_opened(self, rows: np.ndarray) -> None: ...
    def accounts_closing(self, rows: np.ndarray) -> None: ...


@dataclass(eq=False)
class World:
    """Everything the phases read and write: the org, the arrays, and the organisation's own values."""

    org: OrgStructure
    staff: StaffState
    customers: CustomerState
    roster: Roster
    week: int
    team_demand: np.ndarray  # each team's demand factor (1 = as staffed), fixed at set-up
    account_difficulty: np.ndarray  # per seat: how demanding its customer accounts are (logit), fixed
    team_trust_credit: np.ndarray  # per team: trust earned or lost by survey follow-up
    team_support: np.ndarray  # per team: support from its manager this week
    team_attention: np.ndarray  # per team: share of the attention its people need that the manager gives
    starting_book: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))  # customers at the start, per department: the base for new business
    reputation: float = 0.5  # employer reputation, 0-1
    staff_enps: float = 0.0  # what the staff in post say about us, eNPS points (at the end of the last week)
    alumni_enps: float = 0.0  # what leavers say about us, eNPS points
    promotions_last_year: float = 0.0  # internal promotions over the trailing year
    fills: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # seats to fill this week
    events: WeekEvents = field(default_factory=WeekEvents)  # what happened this week, and its money
    department_group: np.ndarray | None = None  # seat -> department group, the top seat last; None: no departments
    n_department_groups: int = 1

    def start_week(self) -> WeekEvents:
        """A fresh record of the week's events, keeping money per department when there are departments."""
        self.events = WeekEvents(department_of=self.department_group, n_departments=self.n_department_groups)
        return self.events
