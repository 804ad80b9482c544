"""Engagement relaxes toward a weighted, bounded function of its drivers; teammates pull it along."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.mechanisms.common import bounded, relax, sigmoid
from exsim.mechanisms.drivers import fairness
from exsim.mechanisms.state import StaffState, World


def engagement_target(staff: StaffState, config: ScenarioConfig) -> np.ndarray:
    """The level the job's resources support (0-1). Slow drivers enter relative to a middling 0.5.

    Demands (workload, strain, burnout) do not enter: they act on exit and absence through
    burnout, so each cause is counted once (job demands-resources, Schaufeli & Bakker 2004).
    """
    eng = config.engagement
    index = (
        eng.intercept
        + eng.manager_support * staff.support
        + eng.trust_manager * staff.trust_manager
        + eng.trust_org * staff.trust_org
        + eng.peer_support * staff.peer_help
        + eng.growth * (staff.growth - 0.5)
        + eng.fairness * (fairness(config) - 0.5)
        + eng.pay_level * np.log(config.policy.pay_level)
        + eng.purpose * (config.culture.purpose - 0.5)
        + eng.customer_pride * (staff.customer_mood - config.customers.satisfaction_reference)
        + staff.perk_effect
        + staff.disposition
    )
    return sigmoid(index)


def update_engagement(world: World, config: ScenarioConfig) -> None:
    """Engagement: inertia toward what the resources support, plus emotional contagion from teammates."""
    staff = world.staff
    moved = relax(staff.engagement, engagement_target(staff, config), config.engagement.time_constant_weeks)
    moved += config.culture.contagion * (staff.peer_engagement - moved)
    staff.engagement[:] = bounded(moved, 0.0, 1.0) * staff.occupied

