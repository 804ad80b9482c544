"""Peer help and engagement of teammates, summed over teammate ties with a sparse matrix product."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.mechanisms.state import World


def update_peers(world: World, cfg: ScenarioConfig) -> None:
    """Peers: help (culture of helping x teammates' spare capacity) and teammates' mean engagement."""
    org, staff, culture = world.org, world.staff, cfg.culture
    present = staff.present_share()
    columns = np.stack([present, present * (1.0 - staff.strain), present * staff.engagement], axis=1)
    n_present, spare, engaged = org.peer_sums(columns).T  # one pass over the ties for all three sums
    has_peers = n_present > 0
    safe = np.where(has_peers, n_present, 1.0)
    staff.peer_help[:] = culture.peer_help * np.where(has_peers, spare / safe, 0.0)
    staff.peer_engagement[:] = np.where(has_peers, engaged / safe, staff.engagement)
