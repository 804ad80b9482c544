"""Money in euros: every lever costs what it costs. Each phase spends its own lines; this one the running costs."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.state import StaffState, World


def pay_running_costs(world: World, cfg: ScenarioConfig) -> None:
    """Running costs: salaries, sick days, open vacancies, perks, managers' extra people hours, conversations."""
    for line, per_seat in running_costs_per_seat(world.staff, world.org.is_manager, cfg).items():
        world.events.spend(line, float(per_seat.sum()), per_seat)


def running_costs(staff: StaffState, is_manager: np.ndarray, config: ScenarioConfig) -> dict[str, float]:
    """This week's running costs by line, in euros."""
    return {line: float(per_seat.sum()) for line, per_seat in running_costs_per_seat(staff, is_manager, config).items()}


def running_costs_per_seat(staff: StaffState, is_manager: np.ndarray, config: ScenarioConfig) -> dict[str, np.ndarray]:
    """This week's running costs by line and seat, in euros.

    Salaries follow `policy.pay_level`; a workload below 1.0 is capacity bought with staff (their
    salaries count, and an understaffed organisation saves them); managers' hours for people beyond
    those their job already includes (`costs.people_hours_in_salary`) are priced at their hourly
    cost (fewer hours free time for other work: a negative cost), so removing a manager saves the
    salary once, not twice; development conversations at their cost each (a programme line).
    """
    costs, policy = config.costs, config.policy
    salary = salaries(is_manager, config)
    employees = staff.occupied & ~is_manager
    manager_hour_eur = costs.salary_manager_eur * policy.pay_level / costs.working_hours_per_year
    extra_people_hours = config.managers.hours_for_people - costs.people_hours_in_salary  # the rest is in the salary
    return {
        "cost_salaries": salary * (staff.occupied + employees * (1.0 / config.work.workload - 1.0)) / WEEKS_PER_YEAR,
        "cost_absence": staff.absent_days * costs.sick_day_eur,
        "cost_vacancy": ~staff.occupied * costs.vacancy_week_eur,
        "cost_perks": staff.occupied * policy.perks_eur_per_employee / WEEKS_PER_YEAR,
        "cost_manager_time": (staff.occupied & is_manager) * extra_people_hours * manager_hour_eur,
        "cost_programmes": (staff.occupied * policy.development_conversations_per_year
                            * costs.development_conversation_eur / WEEKS_PER_YEAR),
    }


def salaries(is_manager: np.ndarray, config: ScenarioConfig) -> np.ndarray:
    """Yearly salary per seat at the current pay level."""
    costs = config.costs
    return np.where(is_manager, costs.salary_manager_eur, costs.salary_employee_eur) * config.policy.pay_level


def turnover_cost(is_manager: np.ndarray, exits: np.ndarray, config: ScenarioConfig) -> np.ndarray:
    """Replacement cost of each person leaving these seats (a share of their yearly salary), in `exits` order."""
    costs = config.costs
    share = np.where(is_manager, costs.replacement_share_manager, costs.replacement_share_employee)
    return (share * salaries(is_manager, config))[exits]
