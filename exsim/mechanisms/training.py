"""Manager training: a programme keeps a share of managers trained; gains build over months and fade."""

import numpy as np

from exsim.config.schema import ScenarioConfig, Training
from exsim.config.timebase import WEEKS_PER_MONTH
from exsim.mechanisms.common import for_rows, total
from exsim.mechanisms.state import StaffState, World
from exsim.mechanisms.trust import programme_strength


def run_programme(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Manager training: enrolment while the programme runs (from week 1), gains building and fading; its cost."""
    staff, org, enrolled = world.staff, world.org, np.zeros(world.org.n_seats, dtype=bool)
    if np.any(cfg.training.share > 0) and world.week >= 1:
        for group in np.unique(org.department_of[org.team_leader]):  # each department keeps its own share trained
            leaders = org.team_leader[org.department_of[org.team_leader] == group]
            share = for_rows(cfg.training.share, leaders[0])
            enrolled[train_managers(leaders, staff, share, world.week, rng)] = True
    staff.training_gain[:] = training_gain(staff, world.week, cfg.training) * programme_strength(cfg.culture)
    world.events.spend("cost_programmes", total(enrolled, cfg.training.cost_eur_per_manager),
                       enrolled * cfg.training.cost_eur_per_manager)


def training_gain(staff: StaffState, week: int, training: Training) -> np.ndarray:
    """Behaviour gain per seat: rises over `months_to_effect`, fades over `fade_months` (0 if untrained)."""
    age = np.where(staff.trained_week >= 0, week - staff.trained_week, -1).astype(np.float64)
    rise_weeks = np.maximum(training.months_to_effect * WEEKS_PER_MONTH, 1e-9)
    rise = np.clip(age / rise_weeks, 0.0, 1.0)
    fade = np.exp(-np.maximum(age - rise_weeks, 0.0) / (training.fade_months * WEEKS_PER_MONTH))
    return np.where(age >= 0, training.behaviour_gain * rise * fade, 0.0)


def train_managers(manager_seats: np.ndarray, staff: StaffState, share: float, week: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Enrol untrained managers among `manager_seats` until `share` of those in post are trained; returns them."""
    leaders = manager_seats[staff.occupied[manager_seats]]
    trained = staff.trained_week[leaders] >= 0
    shortfall = int(np.floor(share * len(leaders) + 1e-9)) - int(trained.sum())
    if shortfall <= 0:
        return np.empty(0, dtype=np.int64)
    chosen = rng.choice(leaders[~trained], size=shortfall, replace=False)
    staff.trained_week[chosen] = week
    return chosen
