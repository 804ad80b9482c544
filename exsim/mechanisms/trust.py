"""Trust in the manager (follows support) and in the organisation (climate, survey follow-up, leadership)."""

import numpy as np

from exsim.config.schema import Culture
from exsim.mechanisms.common import relax
from exsim.model.state import StaffState


def org_trust_target(staff: StaffState, culture: Culture) -> np.ndarray:
    """The climate plus what surveys taught people, capped by toxic senior leadership (seed 002)."""
    return np.clip(culture.trust + staff.trust_credit, 0.0, 1.0 - culture.senior_toxicity)


def update_trust(staff: StaffState, culture: Culture) -> None:
    """Trust moves toward what people experience with a time constant of months (seed 000)."""
    staff.trust_manager[:] = relax(staff.trust_manager, staff.support, culture.trust_time_constant_weeks)
    staff.trust_org[:] = relax(staff.trust_org, org_trust_target(staff, culture), culture.trust_time_constant_weeks)
