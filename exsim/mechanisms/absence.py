"""Sickness absence: short spells within a week, long spells over weeks; burnout raises both."""

import math

import numpy as np

from exsim.config.schema import Absence, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.common import for_rows, largest, saturating_multiplier, thinned_rows, weekly_probability
from exsim.mechanisms.state import StaffState, World


def update_absence(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Absence: long spells end or continue, new short and long spells start (burnout raises both).

    Spell starts are drawn by thinning (a rare event over every seat: chances are computed only for
    the candidates); spell lengths are drawn for those who start one.
    """
    staff, absence = world.staff, cfg.absence
    n = len(staff.occupied)
    staff.long_absence_weeks_left[:] = np.maximum(staff.long_absence_weeks_left - 1, 0)
    at_work = staff.occupied & ~staff.on_long_absence
    ceiling = largest(absence.max_burnout_multiplier)  # burnout multiplies the rates by at most this
    long_starters = thinned_rows(rng, n, start_bound(absence.long_spells_per_year, ceiling),
                                 lambda rows: at_work[rows] * start_chance(staff, absence, rows, long=True))
    long_weeks = for_rows(absence.long_spell_weeks, long_starters)
    staff.long_absence_weeks_left[long_starters] = rng.geometric(1.0 / long_weeks, len(long_starters))
    at_work[long_starters] = False
    short_starters = thinned_rows(rng, n, start_bound(absence.short_spells_per_year, math.sqrt(ceiling)),
                                  lambda rows: at_work[rows] * start_chance(staff, absence, rows, long=False))
    short_days = for_rows(absence.short_spell_days, short_starters)
    staff.absent_days[:] = np.where(staff.on_long_absence, 5.0, 0.0) * staff.occupied
    staff.absent_days[short_starters] = np.minimum(rng.geometric(1.0 / short_days, len(short_starters)), 5)
    staff.absent_days_total += staff.absent_days


def start_chance(staff: StaffState, absence: Absence, seats: np.ndarray, long: bool) -> np.ndarray:
    """Chance this week that each of `seats` starts a long (or short) spell: burnout raises the long
    spells' rate by its multiplier and the short ones' by its square root."""
    risk = saturating_multiplier(for_rows(absence.burnout_effect, seats) * staff.burnout[seats],
                                 for_rows(absence.max_burnout_multiplier, seats))
    if long:
        return weekly_probability(for_rows(absence.long_spells_per_year, seats) / WEEKS_PER_YEAR * risk)
    return weekly_probability(for_rows(absence.short_spells_per_year, seats) / WEEKS_PER_YEAR * np.sqrt(risk))


def start_bound(spells_per_year, multiplier: float) -> float:
    """At least any seat's chance of starting such a spell in a week (the thinning bound)."""
    return float(weekly_probability(largest(spells_per_year) / WEEKS_PER_YEAR * multiplier * (1.0 + 1e-6)))
