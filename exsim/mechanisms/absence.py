"""Sickness absence: short spells within a week, long spells over weeks; burnout raises both."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.common import for_rows, saturating_multiplier, weekly_probability
from exsim.mechanisms.state import World


def update_absence(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Absence: long spells end or continue, new short and long spells start (burnout raises both).

    One draw per seat decides who starts a spell; spell lengths are drawn for those who start one.
    """
    staff, absence = world.staff, cfg.absence
    n = len(staff.occupied)
    staff.long_absence_weeks_left[:] = np.maximum(staff.long_absence_weeks_left - 1, 0)
    at_work = staff.occupied & ~staff.on_long_absence
    risk = saturating_multiplier(absence.burnout_effect * staff.burnout, absence.max_burnout_multiplier)
    starts_long = at_work & (rng.random(n) < weekly_probability(absence.long_spells_per_year / WEEKS_PER_YEAR * risk))
    long_starters = np.flatnonzero(starts_long)
    long_weeks = for_rows(absence.long_spell_weeks, long_starters)
    staff.long_absence_weeks_left[long_starters] = rng.geometric(1.0 / long_weeks, len(long_starters))
    at_work &= ~starts_long
    starts_short = at_work & (rng.random(n) < weekly_probability(absence.short_spells_per_year / WEEKS_PER_YEAR * np.sqrt(risk)))
    short_starters = np.flatnonzero(starts_short)
    short_days = for_rows(absence.short_spell_days, short_starters)
    staff.absent_days[:] = np.where(staff.on_long_absence, 5.0, 0.0) * staff.occupied
    staff.absent_days[short_starters] = np.minimum(rng.geometric(1.0 / short_days, len(short_starters)), 5)
    staff.absent_days_total += staff.absent_days
