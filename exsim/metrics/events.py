"""What happened in one week: the counts the recorder needs and the week's money, line by line (and by department)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MONEY_LINES = ("cost_salaries", "cost_turnover", "cost_absence", "cost_vacancy", "cost_perks", "cost_manager_time",
               "cost_programmes", "revenue")


def _no_seats() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


def _no_money() -> dict[str, float]:
    return dict.fromkeys(MONEY_LINES, 0.0)


@dataclass(eq=False)
class WeekEvents:
    """Filled by the week's phases, read by the recorder; a new one starts every week."""

    quits: np.ndarray = field(default_factory=_no_seats)  # seats whose holder quit
    involuntary: np.ndarray = field(default_factory=_no_seats)  # seats with an involuntary exit
    churned_seats: np.ndarray = field(default_factory=_no_seats)  # serving seat of each customer lost
    hires: int = 0  # external hires (promotions not included)
    promotions: int = 0  # manager seats filled from the team
    referral_hires: int = 0
    new_customers: int = 0
    changes_active: int = 0  # interventions within their change window
    quit_hazard_per_year: float = 0.0  # mean voluntary quit hazard of the staff in post, per year
    applicants_per_vacancy: float = 0.0
    enps_definition: object = None  # the engagement config world.staff_enps was measured under this week (brand phase)
    money: dict[str, float] = field(default_factory=_no_money)  # euros this week, by line
    department_of: np.ndarray | None = None  # seat -> department group (the top seat last); None: one group
    n_departments: int = 1
    money_by_department: dict[str, np.ndarray] = field(default_factory=dict)  # euros by line and group (with groups)

    def __post_init__(self) -> None:
        if self.department_of is not None:
            self.money_by_department = {line: np.zeros(self.n_departments) for line in MONEY_LINES}

    def spend(self, line: str, eur: float, eur_per_seat: np.ndarray | float = 0.0, seats: np.ndarray | None = None) -> None:
        """Add `eur` to one line of this week's money (revenue counts as a line too).

        With departments, `eur_per_seat` says where the euros fall: one amount per seat, or per seat
        in `seats` (an index array), adding up to `eur`; a department's share is the sum over its seats.
        """
        self.money[line] += eur
        if self.department_of is not None:
            groups = self.department_of if seats is None else self.department_of[seats]
            weights = np.broadcast_to(np.asarray(eur_per_seat, dtype=np.float64), groups.shape)
            self.money_by_department[line] += np.bincount(groups, weights=weights, minlength=self.n_departments)

    @property
    def by_department(self) -> bool:
        """Whether the money is also kept per department (so spenders must say per seat where it falls)."""
        return self.department_of is not None

    def department_money(self) -> dict[str, np.ndarray]:
        """Euros by line and department group (one group: the organisation's money)."""
        if self.department_of is None:
            return {line: np.array([eur]) for line, eur in self.money.items()}
        return self.money_by_department
