"""Readable names, units and sources of config keys (from the schema), and a scenario's changes in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exsim.config.schema import parameter_sections

NOT_CHANGES = ("sim.", "lesson.")  # run settings and dashboard texts are not what a scenario changes
SECTION_PREFIXED = {"share", "cost"}  # field names that need their section to be read ("Training share")

# The config keys that price each business-case line (exsim/mechanisms/finance.py and the programme phases).
COST_SOURCES = {
    "saved_turnover": ("costs.replacement_share_employee", "costs.replacement_share_manager",
                       "costs.salary_employee_eur", "costs.salary_manager_eur", "policy.pay_level"),
    "saved_absence": ("costs.sick_day_eur",),
    "saved_vacancies": ("costs.vacancy_week_eur",),
    "saved_salaries": ("costs.salary_employee_eur", "costs.salary_manager_eur", "policy.pay_level", "work.workload"),
    "revenue_gain": ("costs.revenue_per_customer_eur",),
    "perks_cost": ("policy.perks_eur_per_employee",),
    "manager_time_cost": ("managers.hours_for_people", "costs.people_hours_in_salary", "costs.working_hours_per_year",
                          "costs.salary_manager_eur"),
    "programmes_cost": ("training.share", "training.cost_eur_per_manager", "costs.survey_eur_per_employee",
                        "costs.follow_up_eur_per_team", "policy.development_conversations_per_year",
                        "costs.development_conversation_eur"),
}


@dataclass(frozen=True)
class ParameterInfo:
    key: str
    name: str  # "Workload"
    unit: str  # "demand / staffed capacity"
    meaning: str
    source: str

    @property
    def label(self) -> str:
        """The axis label: "Workload (demand / staffed capacity)"."""
        return f"{self.name} ({self.unit})" if self.unit and self.unit not in ("text", "policy", "name") else self.name


def parameter_info(key: str) -> ParameterInfo | None:
    """What the schema says about a dotted key ("work.workload", "departments.sales.work.workload"); None if unknown."""
    parts = key.split(".")
    if len(parts) >= 4 and parts[0] == "departments":
        info = parameter_info(".".join(parts[2:]))
        if info is None:
            return None
        return ParameterInfo(key, f"{info.name} in {parts[1]}", info.unit, f"{info.meaning} (department {parts[1]})",
                             info.source)
    if len(parts) != 2:
        return None
    section, field = parts
    model = parameter_sections().get(section)
    if model is None or field not in model.model_fields:
        return None
    spec = model.model_fields[field]
    extra = spec.json_schema_extra or {}
    unit = str(extra.get("unit", ""))
    words = [w for w in field.split("_") if w != "eur"]
    if "per" in words and "per" in unit.split():  # "perks_eur_per_employee" in EUR per employee per year: "Perks"
        words = words[:words.index("per")]
    name = " ".join(words)
    if name in SECTION_PREFIXED:
        name = f"{section} {name}"
    meaning = (spec.description or "").split(" [")[0]
    return ParameterInfo(key, name[:1].upper() + name[1:], unit, meaning, str(extra.get("source", "")))


def parameter_label(key: str) -> str:
    """An axis label for a config key: its name and unit from the schema, or the key itself when unknown."""
    info = parameter_info(key)
    return info.label if info is not None else key


def format_value(value: Any, unit: str = "") -> str:
    """A config value for a reader: shares in %, euros with separators, yes/no for true/false."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if unit.startswith("share") and 0 <= value <= 1:
            return f"{value:.0%}"
        if "EUR" in unit:
            return f"EUR {value:,.0f}"
        return f"{value:g}"
    if value is None:
        return "none"
    return str(value)


def flatten(tree: dict, prefix: str = "") -> dict[str, Any]:
    """{"work": {"workload": 1.0}} -> {"work.workload": 1.0}; lists (interventions) stay whole."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def config_changes(scenario: dict, baseline: dict) -> list[dict]:
    """Each config key whose value differs between two resolved configs (as in manifest.json), with its meaning.

    Rows: key, name, meaning, unit, source, baseline, scenario (values as given). Run settings (sim.*) are left out.
    """
    s, b = flatten(scenario), flatten(baseline)
    rows = []
    for key in [*s, *(k for k in b if k not in s)]:
        if key.startswith(NOT_CHANGES) or key == "interventions" or s.get(key) == b.get(key):
            continue
        info = parameter_info(key)
        rows.append({"key": key, "name": info.name if info else key, "meaning": info.meaning if info else "",
                     "unit": info.unit if info else "", "source": info.source if info else "",
                     "baseline": b.get(key), "scenario": s.get(key)})
    return rows


def changes_in_words(scenario: dict, baseline: dict, baseline_name: str = "the baseline") -> list[str]:
    """One sentence per change against the baseline, e.g.
    "Share of managers in the training programme (share of managers): 0% in the baseline, 100% here (`training.share`)."
    """
    lines = []
    for row in config_changes(scenario, baseline):
        what = row["meaning"] or row["name"]
        unit = f" ({row['unit']})" if row["unit"] and row["unit"] not in ("text", "policy", "name") else ""
        lines.append(f"{what[:1].upper() + what[1:]}{unit}: {format_value(row['baseline'], row['unit'])} in "
                     f"{baseline_name}, {format_value(row['scenario'], row['unit'])} here (`{row['key']}`).")
    added = [item for item in scenario.get("interventions", []) if item not in baseline.get("interventions", [])]
    for item in added:
        lines.append(intervention_in_words(item))
    removed = [item for item in baseline.get("interventions", []) if item not in scenario.get("interventions", [])]
    for item in removed:
        lines.append(f"The intervention \"{item.get('name')}\" of {baseline_name} is not scheduled here.")
    return lines


def intervention_in_words(item: dict) -> str:
    """A scheduled intervention as a sentence: what it sets, when, where and at what cost."""
    sets = ", ".join(f"{parameter_info(k).meaning if parameter_info(k) else k} to "
                     f"{format_value(v, parameter_info(k).unit if parameter_info(k) else '')} (`{k}`)"
                     for k, v in (item.get("set") or {}).items())
    when = f"from week {item.get('start_week', 1)}"
    if item.get("end_week"):
        when += f" to week {item['end_week']}"
    if item.get("ramp_weeks"):
        when += f", phased in over {item['ramp_weeks']} weeks"
    where = f" in {', '.join(item['where'])}" if item.get("where") else ""
    cost = []
    if item.get("cost_eur"):
        cost.append(f"EUR {item['cost_eur']:,.0f} at the start")
    if item.get("cost_eur_per_year"):
        cost.append(f"EUR {item['cost_eur_per_year']:,.0f} a year while active")
    programme = f" runs the programme {item['programme']}" if item.get("programme") else ""
    what = f" sets {sets}" if sets else ""
    joined = " and".join(part for part in (programme, what) if part) or " changes nothing"
    return (f"The intervention \"{item.get('name', 'intervention')}\"{joined}, {when}{where}"
            + (f"; it costs {' and '.join(cost)}." if cost else "."))
