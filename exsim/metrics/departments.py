"""Weekly KPIs per department (one group, "all", when the organisation has no departments: the timeseries' own)."""

from __future__ import annotations

from collections import deque

import numpy as np

from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.metrics.events import WeekEvents
from exsim.metrics.kpis import DEPARTMENT_KPIS

EXECUTIVE_LABEL = "executive"  # the top seat when there are departments


def department_groups(org) -> tuple[list[str], np.ndarray]:
    """The department groups' labels (the executive top seat last, when there is one) and each seat's group."""
    names = list(org.departments)
    has_top = bool((org.department_of < 0).any())
    return names + ([EXECUTIVE_LABEL] if has_top else []), np.where(org.department_of < 0, len(names), org.department_of)


class Departments:
    """Groups the seats by department and sums each week's KPIs per group.

    `org` is the model's OrgStructure (department_of: -1 for the executive top seat).
    """

    def __init__(self, org):
        self.labels, self.code = department_groups(org)
        self._quits = deque(maxlen=WEEKS_PER_YEAR)
        self._heads = deque(maxlen=WEEKS_PER_YEAR)

    def regroup(self, org) -> None:
        """Each seat's group again, after a reorganisation moved people between seats (the groups stay)."""
        self.labels, self.code = department_groups(org)

    @property
    def grouped(self) -> bool:
        """Whether there are departments (else the one group is the organisation: its rows are the timeseries')."""
        return len(self.labels) > 1

    def label_of(self, seat: int) -> str:
        return self.labels[self.code[seat]]

    def per_group(self, values: np.ndarray | None, seats: np.ndarray | None = None) -> np.ndarray:
        """Sum of `values` (or a count) per department, over all seats or over `seats`."""
        codes = self.code if seats is None else self.code[seats]
        return np.bincount(codes, weights=None if values is None else values, minlength=len(self.labels))

    def track(self, world, events: WeekEvents) -> None:
        """Feed the trailing 52-week attrition (also in the unrecorded settling weeks)."""
        self._quits.append(self.per_group(None, events.quits).astype(np.float64))
        self._heads.append(self.per_group(world.staff.occupied.astype(np.float64)))

    def week_rows(self, world, events: WeekEvents, week: int, year: int) -> list[dict]:
        """One row per department for this week (after track)."""
        staff, org = world.staff, world.org
        occ, per_group = staff.occupied, self.per_group
        heads, quits = self._heads[-1], self._quits[-1]
        book = per_group(staff.accounts)  # accounts the department's seats serve this week
        managers = occ & org.is_manager
        columns = {
            "headcount": heads,
            "vacancies": per_group((~occ).astype(np.float64)),
            "engagement": _ratio(per_group(staff.engagement * occ), heads),
            "burnout_share": _ratio(per_group((staff.burnout > 0.5) * occ), heads),
            "manager_support": _ratio(per_group(staff.support * occ), heads),
            "absence_rate": _ratio(per_group(staff.absent_days * occ), 5.0 * heads),
            "quits": quits,
            "voluntary_attrition_rate": _ratio(np.sum(self._quits, axis=0) * WEEKS_PER_YEAR / len(self._quits),
                                               np.mean(self._heads, axis=0)),
            "customers": book,
            "csat": _ratio(per_group(staff.account_satisfaction), book),
            "trained_manager_share": _ratio(per_group((managers & (staff.trained_week >= 0)).astype(np.float64)),
                                            per_group(managers.astype(np.float64))),
        }
        columns |= events.department_money()
        return [{"week": week, "year": year, "department": label, **{k: float(columns[k][g]) for k in DEPARTMENT_KPIS}}
                for g, label in enumerate(self.labels)]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan)
