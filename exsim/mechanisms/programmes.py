"""Interventions under way: change fatigue from changes running at once, and what they cost."""

from exsim.config.schema import ScenarioConfig
from exsim.interventions import concurrent_changes, costs_due
from exsim.mechanisms.state import World


def take_effect(world: World, cfg: ScenarioConfig) -> None:
    """Interventions: the changes running at once (change fatigue); start-up and running costs falling due."""
    organisation = cfg.organisation
    world.events.changes_active = concurrent_changes(organisation, world.week)
    world.events.spend("cost_programmes", costs_due(organisation, world.week))
