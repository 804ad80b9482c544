"""Perks: a small, saturating lift that only works where the basics hold (seeds 002, 004; F9)."""

import numpy as np

from exsim.config.schema import Policy, ScenarioConfig
from exsim.mechanisms.common import bounded
from exsim.mechanisms.state import StaffState, World
from exsim.mechanisms.trust import programme_strength


def basics_hold(staff: StaffState, policy: Policy) -> np.ndarray:
    """0-1: how far manager support and a bearable load are in place (the lower of the two counts)."""
    basics = np.minimum(staff.support, 1.0 - staff.strain)
    return bounded((basics - policy.perks_basics_threshold) / policy.perks_basics_range, 0.0, 1.0)


def update_perks(world: World, cfg: ScenarioConfig) -> None:
    """Perks: a lift that saturates in euros, works only where the basics hold, and toxic leadership blunts."""
    world.staff.perk_effect[:] = perk_lift(world.staff, cfg.policy, programme_strength(cfg.culture))


def perk_lift(staff: StaffState, policy: Policy, strength: float = 1.0) -> np.ndarray:
    """Engagement lift (logit) from the perks budget, saturating in euros and gated by the basics.

    `strength` (0-1) weakens it where senior leadership undermines programmes.
    """
    eur = policy.perks_eur_per_employee
    saturation = eur / (eur + policy.perks_half_effect_eur)
    return strength * policy.perks_max_effect * saturation * basics_hold(staff, policy)
