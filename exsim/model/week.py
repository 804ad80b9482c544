"""The week: an ordered list of named phases, each a function of the state, this week's config and its streams.

Adding a mechanism means writing its module in `exsim/mechanisms/`, adding one `Phase` here and its
parameters to the schema (see CONTRIBUTING.md). `OrgModel.step`'s docstring is generated from this list.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from exsim.config.schema import ScenarioConfig
from exsim.mechanisms import absence, attrition, brand, burnout, contagion, customers, drivers, engagement, finance
from exsim.mechanisms import hiring, listening, manager_support, peers, perks, programmes, training, trust, workload
from exsim.mechanisms.state import World
from exsim.metrics.events import WeekEvents
from exsim.model.streams import Streams


@dataclass(frozen=True)
class Phase:
    """One step of the week: `run(world, config, *the random streams named in streams)`.

    The function's docstring starts with "Name: what happens", which names the phase.
    """

    run: Callable[..., None]
    streams: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first line of the phase function's docstring."""
        return inspect.getdoc(self.run).splitlines()[0]

    @property
    def source(self) -> str:
        """The phase function's file under exsim/, e.g. `mechanisms/workload.py`."""
        return self.run.__module__.removeprefix("exsim.").replace(".", "/") + ".py"

    @property
    def name(self) -> str:
        return self.summary.split(":")[0].lower()


PHASES: tuple[Phase, ...] = (
    Phase(programmes.take_effect),
    Phase(training.run_programme, ("training",)),
    Phase(workload.update_workload),
    Phase(manager_support.update_support),
    Phase(listening.listen, ("listening",)),
    Phase(trust.update_trust),
    Phase(peers.update_peers),
    Phase(drivers.update_growth),
    Phase(perks.update_perks),
    Phase(burnout.update_strain_and_burnout),
    Phase(engagement.update_engagement),
    Phase(absence.update_absence, ("absence",)),
    Phase(finance.pay_running_costs),
    Phase(hiring.choose_fills, ("hiring",)),
    Phase(attrition.exits, ("attrition",)),
    Phase(hiring.fill_seats, ("hiring", "promotion")),
    Phase(contagion.feel_contagion),
    Phase(hiring.age),
    Phase(customers.serve_customers, ("customers",)),
    Phase(brand.update_brand),
)


def run_week(world: World, config: ScenarioConfig, streams: Streams) -> WeekEvents:
    """Run every phase in order on `world` with this week's config; returns what happened."""
    world.start_week()
    for phase in PHASES:
        if phase.streams:
            phase.run(world, config, *[streams[name] for name in phase.streams])
        else:
            phase.run(world, config)
    return world.events


def describe_week() -> str:
    """The phases as a numbered list: `1. Interventions: ...` (the step docstring and README use it)."""
    return "\n".join(f"{i}. {phase.summary.rstrip('.')} (`{phase.source}`)" for i, phase in enumerate(PHASES, 1))
