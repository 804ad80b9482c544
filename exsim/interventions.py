"""Interventions in time: config values that change at a start week, ramp up, and may end.

`[[interventions]]` in a scenario file names config keys to change (`set`) and/or a named
programme, a start week, a ramp, an optional end and costs. Several changes at once cause change
fatigue: each weakens the others and adds strain (seed 002). The organisation's shape
(`RESHAPING_KEYS`) does not ramp: it switches at the start week (and back at the end week), and
the model reorganises then (exsim.org.reorganise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from exsim.config.departments import EXECUTIVE, SeatConfig, department_config, department_names
from exsim.config.interventions import RESHAPING_KEYS, changes
from exsim.config.keys import get_dotted, set_dotted
from exsim.config.schema import Intervention, Org, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR


def weight(item: Intervention, week: int) -> float:
    """0 before the start, rising linearly over the ramp to 1, back to 0 from the end week."""
    if week < item.start_week or (item.end_week is not None and week >= item.end_week):
        return 0.0
    if item.ramp_weeks == 0:
        return 1.0
    return min(1.0, (week - item.start_week + 1) / item.ramp_weeks)


def applies(item: Intervention, department: str) -> bool:
    """Whether an intervention reaches a department (the executive top seat: only changes for everyone)."""
    return not item.where or department in item.where


def concurrent_changes(config: ScenarioConfig, week: int, department: str | None = None) -> int:
    """Interventions that started within the change window (`work.change_window_weeks` after the ramp) and still run.

    Only those reaching `department` when one is named.
    """
    window = config.work.change_window_weeks
    return sum(1 for item in config.interventions
               if item.start_week <= week < item.start_week + item.ramp_weeks + window
               and weight(item, week) > 0 and (department is None or applies(item, department)))


def changes_running(config: ScenarioConfig | SeatConfig, week: int) -> int | np.ndarray:
    """Changes under way where each seat is: one count for a single-block organisation, else one per seat."""
    if isinstance(config, SeatConfig):
        return config.changes_running
    return concurrent_changes(config, week)


def costs_due(config: ScenarioConfig, week: int) -> list[tuple[Intervention, float]]:
    """Each intervention with the euros falling due this week: start-up costs, and running costs while active."""
    return [(item, (item.cost_eur if week == item.start_week else 0.0)
             + (item.cost_eur_per_year / WEEKS_PER_YEAR if weight(item, week) > 0 else 0.0))
            for item in config.interventions]


def fatigue_dilution(config: ScenarioConfig, n_changes: int) -> float:
    """How much of each change's effect survives when several run at once (1 = all of it)."""
    return 1.0 / (1.0 + config.work.change_fatigue_dilution * max(n_changes - 1, 0))


@dataclass
class Schedule:
    """Builds the config in force each week from the base config and its interventions.

    With departments, each department's own config is blended with the interventions that reach
    it, and the week's config is a SeatConfig: values seat by seat (`department_of` from the org).
    """

    base: ScenarioConfig
    department_of: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        names = department_names(self.base)
        self._departments = [*names, EXECUTIVE]  # the executive top seat last
        self._bases = [department_config(self.base, name).model_dump() for name in names] + [self.base.model_dump()]
        # whether an intervention changes the organisation's shape (a reorganisation when it starts or ends)
        self.reshapes = any(key in RESHAPING_KEYS for item in self.base.interventions for key in changes(item))

    def config_at(self, week: int) -> ScenarioConfig | SeatConfig:
        """The effective config this week (the base config when nothing is active and there are no departments)."""
        if len(self._departments) == 1:
            if not self.base.interventions:
                return self.base
            return self._blended(0, self._weights(week, 0))
        key = (week_weights := tuple(self._weights(week, d) for d in range(len(self._departments))))
        if key not in self._cache:
            configs = [self._blended(d, weights) for d, weights in enumerate(week_weights)]
            running = [concurrent_changes(self.base, week, name) for name in self._departments]
            self._cache[key] = SeatConfig(configs, self.department_of, running)
        return self._cache[key]

    def orgs_at(self, week: int) -> tuple[Org, ...]:
        """The org section in force this week in each department (the organisation's when it is one block)."""
        departments = range(max(len(self._departments) - 1, 1))  # not the executive top seat
        return tuple(self._blended(d, self._weights(week, d)).org for d in departments)

    def _weights(self, week: int, d: int) -> tuple[float, ...]:
        """Each intervention's weight this week in department d (0 where it does not reach), diluted by fatigue."""
        department = self._departments[d]
        dilution = fatigue_dilution(self.base, concurrent_changes(self.base, week, department))
        return tuple(round(weight(item, week) * dilution, 4) if applies(item, department) else 0.0
                     for item in self.base.interventions)

    def _blended(self, d: int, weights: tuple[float, ...]) -> ScenarioConfig:
        if (d, weights) not in self._cache:
            self._cache[(d, weights)] = self._blend(self._bases[d], weights)
        return self._cache[(d, weights)]

    def _blend(self, base: dict, weights: tuple[float, ...]) -> ScenarioConfig:
        data = {section: dict(values) if isinstance(values, dict) else values for section, values in base.items()}
        for item, w in zip(self.base.interventions, weights):
            for key, target in changes(item).items():
                old = get_dotted(data, key)
                set_dotted(data, key, (target if w > 0 else old) if key in RESHAPING_KEYS else _between(old, target, w))
        return ScenarioConfig.model_validate(data)


def _between(old: Any, new: Any, w: float) -> Any:
    """Numbers move linearly; other values switch once the change is half-way in."""
    if isinstance(old, bool) or isinstance(new, bool) or not isinstance(old, (int, float)):
        return new if w >= 0.5 else old
    value = old + w * (float(new) - old)
    return round(value) if isinstance(old, int) else value
