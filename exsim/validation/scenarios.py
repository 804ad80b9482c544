"""The scenarios each check needs, as variations of the config under test (paired seeds)."""

from __future__ import annotations

from typing import Any

from exsim.config import ScenarioConfig, set_dotted, split_key, validate_config

INTERVENTION_WEEK = 53  # the time-course checks start an EX programme at the start of year 2
PERKS_EUR = 1500

SCENARIOS: dict[str, list[str]] = {
    "base": [],
    "onboarding_good": ["policy.onboarding_quality=1.0"],
    "onboarding_poor": ["policy.onboarding_quality=0.0"],
    "perks": [f"policy.perks_eur_per_employee={PERKS_EUR}"],
    "training": ["training.share=1.0"],
    "surveys_no_follow_up": ["listening.surveys_per_year=4", "listening.follow_up_rate=0.0"],
    "understaffed": ["work.workload=1.3"],
    "understaffed_perks": ["work.workload=1.3", f"policy.perks_eur_per_employee={PERKS_EUR}"],
    "understaffed_training": ["work.workload=1.3", "training.share=1.0"],
    "intervention": [],  # base plus the scheduled programme below
    "large": ["org.headcount=3000"],  # event studies (contagion, overload) need many teams
}
# Plausibility: the levers' response curves and their extremes (issue: a ceiling without a hard cap).
SPAN_GRID = (3, 5, 8, 12, 20, 30, 50)
WORKLOAD_GRID = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)
SCENARIOS.update({f"span_{v}": [f"org.span_of_control={v}"] for v in SPAN_GRID})
SCENARIOS.update({f"workload_{v}": [f"work.workload={v}"] for v in WORKLOAD_GRID})
SCENARIOS["trust_0.1"] = ["culture.trust=0.1"]
EXTREMES = ("span_50", "workload_1.5", "trust_0.1")

CHECK_SCENARIOS: dict[str, tuple[str, ...]] = {
    "onboarding": ("onboarding_good", "onboarding_poor"),
    "training_beats_perks": ("base", "perks", "training"),
    "impact_engagement": ("base", "intervention"),
    "impact_attrition": ("base", "intervention"),
    "impact_applicants": ("base", "intervention"),
    "surveys_without_follow_up": ("base", "surveys_no_follow_up"),
    "understaffing": ("base", "understaffed", "understaffed_perks", "understaffed_training"),
    "turnover_contagion": ("large",),
    "overload_ratio": ("large",),
    "extreme_attrition": EXTREMES,
    "extreme_absence": EXTREMES,
    "extreme_enps": EXTREMES,
    "smooth_span": tuple(f"span_{v}" for v in SPAN_GRID),
    "smooth_workload": tuple(f"workload_{v}" for v in WORKLOAD_GRID),
}

EX_PROGRAMME = {
    "name": "EX programme",
    "set": {"policy.pay_fairness": 0.9, "policy.recognition": 0.8, "policy.development_conversations_per_year": 4},
    "start_week": INTERVENTION_WEEK,
}


def scenarios_for(checks: list[str]) -> list[str]:
    """The scenario names the given checks need, base first."""
    names = {"base"}
    for check in checks:
        names.update(CHECK_SCENARIOS.get(check, ("base",)))
    return sorted(names, key=list(SCENARIOS).index)


def scenario_config(base: ScenarioConfig, name: str) -> ScenarioConfig:
    """The base config with the scenario's changes, named after the scenario."""
    data: dict[str, Any] = base.model_dump()
    for item in SCENARIOS[name]:
        key, value = item.split("=")
        field = split_key(key)[-1]
        set_dotted(data, key, int(value) if field == "headcount" else float(value))
    data["sim"]["name"] = name
    if name == "intervention":
        data["interventions"] = [*data["interventions"], EX_PROGRAMME]
    return validate_config(data, origin=f"validation scenario {name}")
