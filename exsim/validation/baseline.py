"""The published facts a single run can be checked on, from its own tables (the report's "against published facts").

Facts that need extra scenarios (onboarding, contagion, time to impact, ...) are left to `exsim validate`.
"""

from __future__ import annotations

import pandas as pd

from exsim.config import validate_config
from exsim.errors import UserError
from exsim.validation import checks
from exsim.validation.facts import load_facts
from exsim.validation.runner import fact_row, format_model_figure

# checks in exsim/validation/checks.py that need only the run itself (the others run extra scenarios)
RUN_CHECKS = ("voluntary_attrition", "absence", "tenure_hazard", "team_engagement_csat", "team_engagement_turnover",
              "manager_variance_share", "span", "replacement_costs", "sick_day_cost")


def run_facts(tables: dict[str, pd.DataFrame], config) -> pd.DataFrame:
    """One row per fact a run can be checked on (validate's columns, plus `figure`: the model's value as printed).

    `tables` are one scenario's timeseries, teams and spells; `config` its ScenarioConfig.
    """
    runs = {"base": tables}
    rows = []
    for fact in load_facts():
        if fact.check not in RUN_CHECKS:
            continue
        try:
            result = getattr(checks, fact.check)(runs, config)
        except Exception as exc:  # a small run may lack what a check needs (teams with customers, long tenures)
            result = checks.CheckResult(float("nan"), note=f"not computable on this run ({type(exc).__name__})")
        rows.append(fact_row(fact, result))
    facts = pd.DataFrame(rows)
    facts["figure"] = [_figure(row) for _, row in facts.iterrows()]
    return facts


def facts_of_scenario(tables: dict[str, pd.DataFrame], config_dict: dict, scenario: str) -> pd.DataFrame | None:
    """run_facts for one scenario of combined tables, its config as written in a manifest; None if it cannot be read."""
    own = {name: tables[name][tables[name]["scenario"] == scenario] for name in ("timeseries", "teams", "spells")
           if name in tables}
    if len(own) < 3:
        return None
    try:
        config = validate_config(config_dict, origin="manifest")
    except UserError:
        return None
    return run_facts(own, config)


def _figure(row: pd.Series) -> str:
    """The model's figure in the fact's unit: shares in %, with the 90% interval when there is one."""
    if not pd.notna(row["model"]):
        return "-"
    if str(row["unit"]).startswith("share"):
        text = f"{row['model']:.1%}"
        if pd.notna(row["model_p05"]) and pd.notna(row["model_p95"]):
            text += f" [{row['model_p05']:.1%}, {row['model_p95']:.1%}]"
        return text
    return format_model_figure(row)
