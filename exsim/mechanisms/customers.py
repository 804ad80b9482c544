"""Customers: satisfaction follows the service they get; they churn when dissatisfied; new ones arrive."""

import numpy as np

from exsim.config.departments import SeatConfig, at_rows
from exsim.config.schema import Customers, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.common import bounded, for_rows, largest, relax, sigmoid, thinned_rows, total, weekly_probability
from exsim.mechanisms.state import CustomerState, StaffState, World


def serve_customers(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Customers: satisfaction follows the service they get; the dissatisfied leave; word of mouth wins new ones.

    Customers' mood feeds back to the staff who serve them; revenue is counted on the book that remains.
    """
    cust, events = world.customers, world.events
    update_satisfaction(cust, world.staff, cfg, world.account_difficulty, rng)
    churned = draw_churn(cust, _per_customer(cfg, cust).customers, rng)
    events.churned_seats = cust.account_seat[churned].copy()
    close_accounts(world, churned)
    events.new_customers = win_customers(world, cfg, rng)
    customer_mood(cust, world.staff, cfg.customers)
    revenue = _per_customer(cfg, cust).costs.revenue_per_customer_eur
    if events.by_department:
        events.spend("revenue", total(cust.active, revenue) / WEEKS_PER_YEAR, cust.active * revenue / WEEKS_PER_YEAR,
                     seats=_served_by(cust))
    else:
        events.spend("revenue", total(cust.active, revenue) / WEEKS_PER_YEAR)


def win_customers(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> int:
    """New accounts in each department with a frontline (word of mouth from its own customers); returns how many."""
    cust, org, won = world.customers, world.org, 0
    for department, book in enumerate(world.starting_book):
        frontline = org.frontline_seats(department)
        if not len(frontline):
            continue
        own = cust.active if len(org.departments) == 1 else cust.active & (org.department_of[_served_by(cust)] == department)
        csat = mean_where(cust.satisfaction, own)
        new = draw_new_customers(book, csat, at_rows(cfg, frontline[0]).customers, rng)
        if new:
            open_accounts(world, frontline[rng.integers(0, len(frontline), new)], cfg, rng)
        won += new
    return won


def mean_where(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of values where mask holds (nan for none), without copying them out (values must be finite).

    einsum, not np.dot: dot would call the BLAS library, whose threads spin on other cores.
    """
    count = np.count_nonzero(mask)
    return float(np.einsum("i,i->", values, mask) / count) if count else float("nan")


def _per_customer(cfg: ScenarioConfig | SeatConfig, cust: CustomerState) -> ScenarioConfig | SeatConfig:
    """The config for each customer row (its account seat's department's values); `cfg` itself when one block."""
    return at_rows(cfg, _served_by(cust)) if isinstance(cfg, SeatConfig) else cfg


def count_accounts(customers: CustomerState, staff: StaffState) -> None:
    """Each seat's active accounts, counted afresh (after accounts are moved between seats)."""
    staff.accounts[:] = _per_seat(customers, len(staff.occupied))


def _per_seat(customers: CustomerState, n_seats: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Each seat's count (or sum of `weights`) over the accounts it holds; free rows (account_seat -1) fall in
    an extra first bin that is dropped."""
    return np.bincount(customers.account_seat + 1, weights=weights, minlength=n_seats + 1)[1:]


def _served_by(cust: CustomerState) -> np.ndarray:
    """Each customer row's account seat (0 for free rows, whose values are not used)."""
    return np.maximum(cust.account_seat, 0)


def open_accounts(world: World, seats: np.ndarray, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """New customer accounts held by these seats, starting at the reference satisfaction."""
    cust, own = world.customers, at_rows(cfg, seats).customers
    rows = cust.free_rows(len(seats))
    cust.reset(rows, "new")
    cust.account_seat[rows] = seats
    cust.opened_week[rows] = world.week
    cust.satisfaction[rows] = own.satisfaction_reference
    cust.leniency[rows] = rng.normal(0.0, own.customer_mood_sd, len(rows))
    np.add.at(world.staff.accounts, seats, 1.0)
    world.roster.accounts_opened(rows)


def close_accounts(world: World, rows: np.ndarray) -> None:
    """These customers leave; their rows are free for new ones."""
    world.roster.accounts_closing(rows)
    np.subtract.at(world.staff.accounts, world.customers.account_seat[rows], 1.0)
    world.customers.reset(rows, "vacant")


def service_index(staff: StaffState, cust: Customers) -> np.ndarray:
    """Service-quality index (logit) each seat gives its accounts: engagement, skill, strain, continuity."""
    present = 1.0 - staff.absent_days / 5.0
    new_contact = bounded(1.0 - staff.tenure_weeks / np.maximum(cust.continuity_weeks, 1e-9), 0.0, 1.0)
    discontinuity = np.where(staff.occupied, 1.0 - present * (1.0 - new_contact), 1.0)
    index = (cust.base_quality
             + cust.engagement_effect * (staff.engagement - cust.engagement_reference)
             + cust.skill_effect * (staff.skill - 1.0)
             - cust.strain_effect * staff.strain
             - cust.discontinuity_penalty * discontinuity)
    return np.where(staff.occupied, index, cust.base_quality - cust.discontinuity_penalty - cust.vacant_seat_penalty)


def experienced_quality(customers: CustomerState, staff: StaffState, cust: Customers,
                        account_difficulty: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Quality each customer (or each of `rows`, current customers) perceives: the seat's service, the account's
    difficulty, their leniency."""
    seat = _served_by(customers) if rows is None else customers.account_seat[rows]
    rows = slice(None) if rows is None else rows
    index = (service_index(staff, cust) - account_difficulty)[seat] + customers.leniency[rows]  # per seat, then per customer
    return sigmoid(index)


def update_satisfaction(customers: CustomerState, staff: StaffState, cfg: ScenarioConfig,
                        account_difficulty: np.ndarray, rng: np.random.Generator) -> None:
    """Customers served this week (only they) move their satisfaction toward the quality they got."""
    cust = _per_customer(cfg, customers).customers  # each customer's department's values
    served = np.flatnonzero(customers.active & (rng.random(customers.capacity) < cust.interactions_per_week))
    quality = experienced_quality(customers, staff, cfg.customers, account_difficulty, served)
    customers.satisfaction[served] = relax(customers.satisfaction[served], quality,
                                           for_rows(cust.satisfaction_time_constant_weeks, served))


def draw_churn(customers: CustomerState, cust: Customers, rng: np.random.Generator) -> np.ndarray:
    """Rows of customers who leave this week, each at their own weekly churn chance (0 for free rows).

    Drawn by thinning at the highest possible churn chance (that at satisfaction 0): hazards are
    computed only for the few candidates.
    """
    return thinned_rows(rng, customers.capacity, _highest_churn_probability(cust),
                        lambda rows: customers.active[rows] * churn_chance(customers, cust, rows))


def churn_chance(customers: CustomerState, cust: Customers, rows: np.ndarray) -> np.ndarray:
    """Weekly churn chance of these customers: the base rate, rising as satisfaction falls below the reference."""
    sensitivity = for_rows(cust.churn_sensitivity, rows)
    reference = for_rows(cust.satisfaction_reference, rows)
    return weekly_probability(for_rows(cust.base_churn_per_year, rows) / WEEKS_PER_YEAR
                              * np.exp(sensitivity * (reference - customers.satisfaction[rows])))


def _highest_churn_probability(cust: Customers) -> float:
    """A bound on any customer's weekly churn chance: at satisfaction 0, with a margin for rounding."""
    hazard = (largest(cust.base_churn_per_year) / WEEKS_PER_YEAR
              * np.exp(largest(cust.churn_sensitivity) * largest(cust.satisfaction_reference)))
    return min(float(weekly_probability(hazard)) * (1.0 + 1e-9) + 1e-12, 1.0)


def draw_new_customers(starting_book: int, csat: float, cust: Customers, rng: np.random.Generator) -> int:
    """Customers won this week: a base flow, more when satisfied customers spread the word."""
    word_of_mouth = np.exp(cust.word_of_mouth * ((csat if np.isfinite(csat) else cust.satisfaction_reference)
                                                 - cust.satisfaction_reference))
    return int(rng.poisson(cust.acquisition_per_year / WEEKS_PER_YEAR * starting_book * word_of_mouth))


def customer_mood(customers: CustomerState, staff: StaffState, cust: Customers) -> None:
    """Each seat's summed satisfaction of its book and its mean (the reference for seats without accounts).

    The accounts each seat holds are counted as accounts open and close (`count_accounts` counts them afresh).
    """
    staff.account_satisfaction[:] = _per_seat(customers, len(staff.occupied), customers.satisfaction)
    staff.customer_mood[:] = np.where(staff.accounts > 0, staff.account_satisfaction / np.maximum(staff.accounts, 1),
                                      cust.satisfaction_reference)
