"""Where a what-if starts: the status quo's settled organisation, with the scenario in force from week 1.

A scenario compared against a baseline (`exsim compare`, `exsim run --baseline`) or a design point
of a sweep answers "what happens from now on if we change this": its settling weeks run under the
status quo's values (the baseline, or the spec's base config) on the scenario's own organisation
(its org section and its departments' sizes and org values: the shape it starts with), and
its own values apply from week 1. Costs and benefits are then counted over the same weeks.
"""

from __future__ import annotations

import hashlib
import json

from exsim.config.schema import ScenarioConfig

SHAPE_KEYS = ("share", "headcount", "org")  # what a department's shape is made of


def settling_config(status_quo: ScenarioConfig, scenario: ScenarioConfig) -> ScenarioConfig:
    """The config the scenario's settling weeks run under: the status quo's values on the scenario's organisation.

    A department of the scenario that the status quo does not have takes the status quo's
    organisation-wide values; the status quo's interventions (all from week 1 on) play no part.
    """
    data = status_quo.model_dump()
    data["sim"], data["lesson"], data["org"] = scenario.sim.model_dump(), scenario.lesson.model_dump(), scenario.org.model_dump()
    departments = {}
    for name, department in scenario.departments.items():
        own = status_quo.departments.get(name)
        departments[name] = {**(own.model_dump() if own else {}),
                             **{key: getattr(department, key) for key in SHAPE_KEYS}}
    data["departments"] = departments
    data["interventions"] = []
    return ScenarioConfig.model_validate(data)


def settling_key(config: ScenarioConfig, seed: int) -> str:
    """A hash of what a settled organisation depends on: the settling config (not its name or run length) and the seed."""
    values = config.model_dump(mode="json", exclude={"lesson": True, "interventions": True,
                                                     "sim": {"name", "years", "replicates", "seed"}})
    return hashlib.sha256(json.dumps([values, seed], sort_keys=True).encode()).hexdigest()[:24]
