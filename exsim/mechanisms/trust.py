"""Trust in the manager (follows support) and in the organisation (follows the trust climate), slowly."""

from exsim.config.schema import Culture
from exsim.mechanisms.common import relax
from exsim.model.state import StaffState


def update_trust(staff: StaffState, culture: Culture) -> None:
    """Trust moves toward what people experience with a time constant of months (seed 000)."""
    staff.trust_manager[:] = relax(staff.trust_manager, staff.support, culture.trust_time_constant_weeks)
    staff.trust_org[:] = relax(staff.trust_org, culture.trust, culture.trust_time_constant_weeks)
