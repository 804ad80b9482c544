"""Interventions in time: config values that change at a start week, ramp up, and may end.

`[[interventions]]` in a scenario file names config keys to change (`set`) and/or a named
programme, a start week, a ramp, an optional end and costs. Several changes at once cause change
fatigue: each weakens the others and adds strain (seed 002).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exsim.config.interventions import changes
from exsim.config.keys import get_dotted, set_dotted
from exsim.config.schema import Intervention, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR


def weight(item: Intervention, week: int) -> float:
    """0 before the start, rising linearly over the ramp to 1, back to 0 from the end week."""
    if week < item.start_week or (item.end_week is not None and week >= item.end_week):
        return 0.0
    if item.ramp_weeks == 0:
        return 1.0
    return min(1.0, (week - item.start_week + 1) / item.ramp_weeks)


def concurrent_changes(config: ScenarioConfig, week: int) -> int:
    """Interventions that started within the change window (`work.change_window_weeks` after the ramp) and still run."""
    window = config.work.change_window_weeks
    return sum(1 for item in config.interventions
               if item.start_week <= week < item.start_week + item.ramp_weeks + window
               and weight(item, week) > 0)


def costs_due(config: ScenarioConfig, week: int) -> float:
    """Start-up costs falling due this week plus running costs of active interventions."""
    total = 0.0
    for item in config.interventions:
        total += item.cost_eur if week == item.start_week else 0.0
        total += item.cost_eur_per_year / WEEKS_PER_YEAR if weight(item, week) > 0 else 0.0
    return total


def fatigue_dilution(config: ScenarioConfig, n_changes: int) -> float:
    """How much of each change's effect survives when several run at once (1 = all of it)."""
    return 1.0 / (1.0 + config.work.change_fatigue_dilution * max(n_changes - 1, 0))


@dataclass
class Schedule:
    """Builds the config in force each week from the base config and its interventions."""

    base: ScenarioConfig

    def __post_init__(self) -> None:
        self._base_dict = self.base.model_dump()
        self._cache: dict[tuple, ScenarioConfig] = {}

    def config_at(self, week: int) -> ScenarioConfig:
        """The effective config this week (the base config when nothing is active)."""
        if not self.base.interventions:
            return self.base
        n_changes = concurrent_changes(self.base, week)
        dilution = fatigue_dilution(self.base, n_changes)
        weights = tuple(round(weight(item, week) * dilution, 4) for item in self.base.interventions)
        if weights not in self._cache:
            self._cache[weights] = self._blend(weights)
        return self._cache[weights]

    def _blend(self, weights: tuple[float, ...]) -> ScenarioConfig:
        data = {section: dict(values) if isinstance(values, dict) else values
                for section, values in self._base_dict.items()}
        for item, w in zip(self.base.interventions, weights):
            for key, target in changes(item).items():
                set_dotted(data, key, _between(get_dotted(data, key), target, w))
        return ScenarioConfig.model_validate(data)


def _between(old: Any, new: Any, w: float) -> Any:
    """Numbers move linearly; other values switch once the change is half-way in."""
    if isinstance(old, bool) or isinstance(new, bool) or not isinstance(old, (int, float)):
        return new if w >= 0.5 else old
    value = old + w * (float(new) - old)
    return round(value) if isinstance(old, int) else value
