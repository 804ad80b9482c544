"""Interventions under way: change fatigue from changes running at once, and what they cost."""

import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.interventions import concurrent_changes, costs_due
from exsim.mechanisms.state import World
from exsim.org import OrgStructure


def take_effect(world: World, cfg: ScenarioConfig) -> None:
    """Interventions: the changes running at once (change fatigue); start-up and running costs falling due."""
    organisation = cfg.organisation
    world.events.changes_active = concurrent_changes(organisation, world.week)
    for item, eur in costs_due(organisation, world.week):
        if eur:
            reached = np.flatnonzero(applies_to_seats(item, world.org)) if world.events.by_department else None
            world.events.spend("cost_programmes", eur, eur / len(reached) if reached is not None else 0.0, seats=reached)


def applies_to_seats(item, org: OrgStructure) -> np.ndarray:
    """Which seats an intervention reaches (its cost is shared over them): a boolean per seat.

    As `exsim.interventions.applies`: everyone without a `where`, else its departments' seats.
    """
    if not item.where:
        return np.ones(org.n_seats, dtype=bool)
    return np.isin(org.department_label(), list(item.where))
