"""Manager training: a programme keeps a share of managers trained; gains build over months and fade."""

import numpy as np

from exsim.config.schema import ScenarioConfig, Training
from exsim.config.timebase import WEEKS_PER_MONTH
from exsim.mechanisms.state import StaffState, World
from exsim.mechanisms.trust import programme_strength
from exsim.org import OrgStructure


def run_programme(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Manager training: enrolment while the programme runs (from week 1), gains building and fading; its cost."""
    staff, enrolled = world.staff, 0
    if cfg.training.share > 0 and world.week >= 1:
        enrolled = train_managers(world.org, staff, cfg.training, world.week, rng)
    staff.training_gain[:] = training_gain(staff, world.week, cfg.training) * programme_strength(cfg.culture)
    world.events.spend("cost_programmes", enrolled * cfg.training.cost_eur_per_manager)


def training_gain(staff: StaffState, week: int, training: Training) -> np.ndarray:
    """Behaviour gain per seat: rises over `months_to_effect`, fades over `fade_months` (0 if untrained)."""
    age = np.where(staff.trained_week >= 0, week - staff.trained_week, -1).astype(np.float64)
    rise_weeks = max(training.months_to_effect * WEEKS_PER_MONTH, 1e-9)
    rise = np.clip(age / rise_weeks, 0.0, 1.0)
    fade = np.exp(-np.maximum(age - rise_weeks, 0.0) / (training.fade_months * WEEKS_PER_MONTH))
    return np.where(age >= 0, training.behaviour_gain * rise * fade, 0.0)


def train_managers(org: OrgStructure, staff: StaffState, training: Training, week: int,
                   rng: np.random.Generator) -> int:
    """Enrol untrained managers until `training.share` of managers in post are trained; returns how many."""
    leaders = org.team_leader[staff.occupied[org.team_leader]]
    trained = staff.trained_week[leaders] >= 0
    shortfall = int(np.floor(training.share * len(leaders) + 1e-9)) - int(trained.sum())
    if shortfall <= 0:
        return 0
    chosen = rng.choice(leaders[~trained], size=shortfall, replace=False)
    staff.trained_week[chosen] = week
    return shortfall
