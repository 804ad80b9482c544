"""Strain from demands minus resources (job demands-resources); sustained strain becomes burnout."""

import numpy as np

from exsim.config.schema import ScenarioConfig, Work
from exsim.interventions import changes_running
from exsim.mechanisms.common import bounded, relax, sigmoid
from exsim.mechanisms.state import StaffState, World


def strain_target(staff: StaffState, work: Work, extra: np.ndarray | float = 0.0) -> np.ndarray:
    """Strain the current load and resources lead to (0-1); `extra` adds logit strain; absence is rest."""
    resources = (staff.support + staff.peer_help + staff.trust_org) / 3.0
    index = (work.base_strain + work.overload_strain * (staff.workload - 1.0)
             - work.resource_relief * (resources - 0.5) - staff.resilience + extra)
    return sigmoid(index) * (1.0 - staff.absent_days / 5.0)


def extra_strain(world: World, cfg: ScenarioConfig) -> np.ndarray:
    """Logit strain on top of load and resources: promoted untrained managers, change fatigue, customers."""
    staff = world.staff
    promoted_untrained = (staff.promoted & (staff.trained_week < 0)).astype(np.float64)
    n_changes = changes_running(cfg, world.week)
    unhappy = np.maximum(cfg.customers.satisfaction_reference - staff.customer_mood, 0.0)
    return (cfg.managers.promoted_strain * promoted_untrained
            + cfg.work.change_fatigue_strain * np.maximum(n_changes - 1, 0)
            + cfg.customers.unhappy_customer_strain * unhappy)


def update_strain_and_burnout(world: World, cfg: ScenarioConfig) -> None:
    """Strain and burnout: overload, promoted managers, change fatigue and unhappy customers against resources.

    Strain follows its target in weeks; burnout builds above a threshold and fades slowly below it.
    """
    staff, work, extra = world.staff, cfg.work, extra_strain(world, cfg)
    staff.strain[:] = relax(staff.strain, strain_target(staff, work, extra), work.strain_time_constant_weeks)
    excess = staff.strain - work.burnout_threshold
    build = work.burnout_gain * np.maximum(excess, 0.0)
    fade = work.burnout_recovery * staff.burnout * (excess < 0)
    staff.burnout[:] = bounded(staff.burnout + build - fade, 0.0, 1.0) * staff.occupied
