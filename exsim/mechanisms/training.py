"""Manager training: a programme keeps a share of managers trained; gains build over months and fade."""

import numpy as np

from exsim.config.schema import ScenarioConfig, Training
from exsim.config.timebase import WEEKS_PER_MONTH
from exsim.mechanisms.common import bounded, for_rows, total
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
    trained = np.flatnonzero(staff.trained_week >= 0)  # only they have a gain: the rest stay 0
    staff.training_gain[:] = 0.0
    if len(trained):
        staff.training_gain[trained] = (training_gain(staff.trained_week[trained], world.week, cfg.training, trained)
                                        * for_rows(programme_strength(cfg.culture), trained))
    world.events.spend("cost_programmes", total(enrolled, cfg.training.cost_eur_per_manager),
                       enrolled * cfg.training.cost_eur_per_manager)


def training_gain(trained_week: np.ndarray, week: int, training: Training, seats=slice(None)) -> np.ndarray:
    """Behaviour gain of managers trained in `trained_week` (-1: untrained, gain 0), in `seats` (for
    departments' own values): rises over `months_to_effect`, fades over `fade_months`."""
    age = np.where(trained_week >= 0, week - trained_week, -1).astype(np.float64)
    rise_weeks = np.maximum(for_rows(training.months_to_effect, seats) * WEEKS_PER_MONTH, 1e-9)
    rise = bounded(age / rise_weeks, 0.0, 1.0)
    fade = np.exp(-np.maximum(age - rise_weeks, 0.0) / (for_rows(training.fade_months, seats) * WEEKS_PER_MONTH))
    return np.where(age >= 0, for_rows(training.behaviour_gain, seats) * rise * fade, 0.0)


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
