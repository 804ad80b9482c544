"""Strain from demands minus resources (job demands-resources); sustained strain becomes burnout."""

import numpy as np

from exsim.config.schema import Work
from exsim.mechanisms.common import relax, sigmoid
from exsim.model.state import StaffState


def strain_target(staff: StaffState, work: Work, extra: np.ndarray | float = 0.0) -> np.ndarray:
    """Strain the current load and resources lead to (0-1); `extra` adds logit strain; absence is rest."""
    resources = (staff.support + staff.peer_help + staff.trust_org) / 3.0
    index = (work.base_strain + work.overload_strain * (staff.workload - 1.0)
             - work.resource_relief * (resources - 0.5) - staff.resilience + extra)
    return sigmoid(index) * (1.0 - staff.absent_days / 5.0)


def update_strain_and_burnout(staff: StaffState, work: Work, extra: np.ndarray | float = 0.0) -> None:
    """Strain follows its target in weeks; burnout builds above a threshold and fades slowly below it."""
    staff.strain[:] = relax(staff.strain, strain_target(staff, work, extra), work.strain_time_constant_weeks)
    excess = staff.strain - work.burnout_threshold
    build = work.burnout_gain * np.maximum(excess, 0.0)
    fade = work.burnout_recovery * staff.burnout * (excess < 0)
    staff.burnout[:] = np.clip(staff.burnout + build - fade, 0.0, 1.0) * staff.occupied
