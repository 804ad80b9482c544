"""What interventions put in force, and the checks a scenario's `[[interventions]]` must pass.

Part of the config layer: loading a scenario checks its interventions here (keys, values, timing)
without importing the model; `exsim.interventions` applies them week by week.
"""

from __future__ import annotations

import difflib
from typing import Any

from exsim.config.keys import split_key
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


RESHAPING_KEYS = ("org.span_of_control", "org.span_variation")  # org keys a running model can change: a reorganisation


def changes(item: Intervention) -> dict[str, Any]:
    """The config values an intervention puts in force: its programme's, then its own `set`."""
    return {**PROGRAMMES.get(item.programme or "", {}), **item.set}


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
    from exsim.config.loading import ConfigError, validate_config  # loading checks interventions: import on use

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
        if section == "org" and (text := _org_problem(key, base)):
            problems.append(text)
            continue
        if section in ("sim", "interventions", "lesson") or not isinstance(base.get(section), dict):
            problems.append(f"set key {key!r}: only model sections can change in time (not sim, lesson or interventions)")
            continue
        data = {**base, section: {**base[section], name: value}}
        try:
            validate_config(data, origin=f"set {key!r}")
        except ConfigError as exc:
            problems.append(str(exc))
    return problems


def _org_problem(key: str, base: dict[str, Any]) -> str | None:
    """Why an org key cannot change in a running model (None for the span keys of a generated organisation)."""
    if key not in RESHAPING_KEYS:
        return (f"set key {key!r}: the organisation's {split_key(key)[1]} cannot change in a running model; only "
                f"{' and '.join(RESHAPING_KEYS)} can (a reorganisation at start_week). To change {key}, set it in "
                f"the scenario's [org] section (it then holds from the start), e.g. --set {key}=...")
    if base["org"].get("chart"):
        return (f"set key {key!r}: the organisation comes from an org chart (org.chart), whose shape cannot be "
                "reorganised; drop the change, or generate the organisation (no org.chart) to reorganise it")
    return None
