"""Sickness absence: short spells within a week, long spells over weeks; burnout raises both."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.common import saturating_multiplier, weekly_probability
from exsim.mechanisms.state import World


def update_absence(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Absence: long spells end or continue, new short and long spells start (burnout raises both)."""
    staff, absence = world.staff, cfg.absence
    n = len(staff.occupied)
    staff.long_absence_weeks_left[:] = np.maximum(staff.long_absence_weeks_left - 1, 0)
    at_work = staff.occupied & ~staff.on_long_absence
    risk = saturating_multiplier(absence.burnout_effect * staff.burnout, absence.max_burnout_multiplier)
    starts_long = at_work & (rng.random(n) < weekly_probability(absence.long_spells_per_year / WEEKS_PER_YEAR * risk))
    lengths = rng.geometric(1.0 / absence.long_spell_weeks, n)
    staff.long_absence_weeks_left[:] = np.where(starts_long, lengths, staff.long_absence_weeks_left)
    at_work &= ~starts_long
    starts_short = at_work & (rng.random(n) < weekly_probability(absence.short_spells_per_year / WEEKS_PER_YEAR * np.sqrt(risk)))
    short_days = np.minimum(rng.geometric(1.0 / absence.short_spell_days, n), 5)
    staff.absent_days[:] = np.where(staff.on_long_absence, 5.0, np.where(starts_short, short_days, 0.0)) * staff.occupied
    staff.absent_days_total += staff.absent_days
