"""Interventions in time: config values that change at a start week, ramp up, and may end.

`[[interventions]]` in a scenario file names config keys to change (`set`) and/or a named
programme, a start week, a ramp, an optional end and costs. Several changes at once cause change
fatigue: each weakens the others and adds strain (seed 002).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from exsim.config.keys import get_dotted, set_dotted, split_key
from exsim.config.schema import Intervention, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR

PROGRAMMES: dict[str, dict[str, Any]] = {
    "manager_training": {"training.share": 1.0},
    "leadership_selection": {"managers.selection": "leadership"},
    "pulse_surveys": {"listening.surveys_per_year": 4, "listening.follow_up_rate": 0.9},
    "surveys_without_follow_up": {"listening.surveys_per_year": 4, "listening.follow_up_rate": 0.0},
    "good_onboarding": {"policy.onboarding_quality": 0.9},
    "perks": {"policy.perks_eur_per_employee": 1500},
    "development_conversations": {"policy.development_conversations_per_year": 4},
    "fair_pay": {"policy.pay_fairness": 0.85, "policy.recognition": 0.75},
}
CHANGE_WINDOW_WEEKS = 26  # a change keeps people busy for about six months after it starts (assumption)


def changes(item: Intervention) -> dict[str, Any]:
    """The config values an intervention puts in force: its programme's, then its own `set`."""
    return {**PROGRAMMES.get(item.programme or "", {}), **item.set}


def weight(item: Intervention, week: int) -> float:
    """0 before the start, rising linearly over the ramp to 1, back to 0 from the end week."""
    if week < item.start_week or (item.end_week is not None and week >= item.end_week):
        return 0.0
    if item.ramp_weeks == 0:
        return 1.0
    return min(1.0, (week - item.start_week + 1) / item.ramp_weeks)


def concurrent_changes(config: ScenarioConfig, week: int) -> int:
    """Interventions that started within the change window and are still running."""
    return sum(1 for item in config.interventions
               if item.start_week <= week < item.start_week + item.ramp_weeks + CHANGE_WINDOW_WEEKS
               and weight(item, week) > 0)


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

    def one_off_costs(self, week: int) -> float:
        """Start-up costs falling due this week plus running costs of active interventions."""
        total = 0.0
        for item in self.base.interventions:
            total += item.cost_eur if week == item.start_week else 0.0
            total += item.cost_eur_per_year / WEEKS_PER_YEAR if weight(item, week) > 0 else 0.0
        return total

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


def check_interventions(config: ScenarioConfig) -> list[str]:
    """Problems with the interventions' programmes, keys, values and timing, as messages naming the item."""
    return [message for _, message in intervention_problems(config)]


def intervention_problems(config: ScenarioConfig) -> list[tuple[tuple, str]]:
    """(key path, message) for each problem with an intervention; the message names it by index and name."""
    problems: list[tuple[tuple, str]] = []
    base = config.model_dump()
    base["interventions"] = []
    for i, item in enumerate(config.interventions):
        where = f"interventions[{i}] ({item.name})"
        problems += [(("interventions", i), f"{where}: {text}") for text in _timing_problems(item, config.sim.years)]
        if item.programme and item.programme not in PROGRAMMES:
            problems.append((("interventions", i, "programme"),
                             f"{where}: unknown programme {item.programme!r}; programmes: {', '.join(PROGRAMMES)}"))
        if not item.programme and not item.set:
            problems.append((("interventions", i),
                             f"{where}: say what changes with `programme = ...` or `set = {{ \"section.key\" = value }}`"))
        problems += [(("interventions", i, "set"), f"{where}: {text}") for text in _set_problems(item, base)]
    return problems


def _timing_problems(item: Intervention, years: int) -> list[str]:
    """An intervention must start inside the run and end after it starts."""
    last_week = years * WEEKS_PER_YEAR
    problems = []
    if item.start_week > last_week:
        problems.append(f"start_week {item.start_week} is after the run ends in week {last_week} "
                        f"(sim.years = {years}): it would never happen; start it in week 1-{last_week} "
                        "or run more years")
    if item.end_week is not None and item.end_week <= item.start_week:
        problems.append(f"end_week {item.end_week} must come after start_week {item.start_week}")
    return problems


def _set_problems(item: Intervention, base: dict[str, Any]) -> list[str]:
    """Each key an intervention changes must be a model section's key, with a valid value."""
    from exsim.config.loading import ConfigError, validate_config

    problems = []
    for key, value in changes(item).items():
        if key.count(".") != 1:
            problems.append(f"set key {key!r} must be section.key, e.g. \"training.share\"")
            continue
        section, name = split_key(key)
        if section not in base:
            close = difflib.get_close_matches(section, [s for s in base if isinstance(base[s], dict)], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(f"set key {key!r}: unknown section {section!r}{hint}")
            continue
        if section in ("sim", "interventions", "lesson", "org") or not isinstance(base.get(section), dict):
            problems.append(f"set key {key!r}: only model sections can change in time "
                            "(not sim, lesson or org: the organisation's shape is fixed once built)")
            continue
        data = {**base, section: {**base[section], name: value}}
        try:
            validate_config(data, origin=f"set {key!r}")
        except ConfigError as exc:
            problems.append(str(exc))
    return problems
