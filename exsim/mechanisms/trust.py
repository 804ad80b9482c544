"""Trust in the manager (follows support) and in the organisation (climate, survey follow-up, leadership)."""

import numpy as np

from exsim.config.schema import Culture, ScenarioConfig
from exsim.mechanisms.common import bounded, relax
from exsim.mechanisms.state import StaffState, World


def programme_strength(culture: Culture) -> float:
    """0-1: how much of an EX programme's effect survives toxic senior leadership (`toxicity_blunting`)."""
    return 1.0 - culture.toxicity_blunting * culture.senior_toxicity


def org_trust_target(staff: StaffState, culture: Culture) -> np.ndarray:
    """The climate plus what surveys taught people, capped by toxic senior leadership (seed 002)."""
    return bounded(culture.trust + staff.trust_credit, 0.0, 1.0 - culture.senior_toxicity)


def update_trust(world: World, cfg: ScenarioConfig) -> None:
    """Trust: in the manager following support, in the organisation following climate and survey follow-up.

    Both move with a time constant of months (seed 000).
    """
    staff, culture = world.staff, cfg.culture
    staff.trust_manager[:] = relax(staff.trust_manager, staff.support, culture.trust_time_constant_weeks)
    staff.trust_org[:] = relax(staff.trust_org, org_trust_target(staff, culture), culture.trust_time_constant_weeks)
