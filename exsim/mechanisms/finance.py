"""Weekly revenue and costs in euros."""

import numpy as np

from exsim.config.schema import Costs, Policy
from exsim.model.state import StaffState


def weekly_money(staff: StaffState, is_manager: np.ndarray, exits: np.ndarray, n_customers: int,
                 costs: Costs, policy: Policy, programme_eur: float) -> dict[str, float]:
    """Revenue and the cost lines of one week.

    `exits` are the seats whose holder left this week; `programme_eur` is what EX programmes
    (training, surveys and their follow-up, development conversations, scheduled interventions) cost.
    """
    salary = np.where(is_manager, costs.salary_manager_eur, costs.salary_employee_eur)
    replacement = np.where(is_manager, costs.replacement_share_manager, costs.replacement_share_employee) * salary
    return {
        "revenue": n_customers * costs.revenue_per_customer_eur / 52.0,
        "cost_salaries": float((salary * staff.occupied).sum() / 52.0),
        "cost_turnover": float(replacement[exits].sum()),
        "cost_absence": float(staff.absent_days.sum() * costs.sick_day_eur),
        "cost_vacancy": float((~staff.occupied).sum() * costs.vacancy_week_eur),
        "cost_perks": float(staff.occupied.sum() * policy.perks_eur_per_employee / 52.0),
        "cost_programmes": float(programme_eur),
    }
