"""What happened in one week: the counts the recorder needs and the week's money, line by line."""

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
    money: dict[str, float] = field(default_factory=_no_money)  # euros this week, by line

    def spend(self, line: str, eur: float) -> None:
        """Add euros to one line of this week's money (revenue counts as a line too)."""
        self.money[line] += eur
