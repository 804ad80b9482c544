"""One scenario's replicates, optionally against a baseline on the same seeds, and the run folder they fill.

`exsim run` and `exsim.run` share these: the runs, the business case, and the folder (tables,
figures, business_case.csv, report.md and report.html with the published facts).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from exsim.analysis.business_case import business_case, business_case_markdown
from exsim.config import ScenarioConfig, config_to_dict
from exsim.results import combine, write_run
from exsim.runs.replicates import run_replicates, run_scenarios


def run_scenario(scenario: ScenarioConfig, reference: ScenarioConfig | None = None, workers: int | None = None,
                 executor=None, show_progress: bool = True) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """The scenario's tables and, with a `reference`, the business case against it.

    With a reference both run on the same seeds, the scenario starting from the reference's settled
    organisation (exsim.config.settling), and the tables hold both scenarios.
    """
    if reference is None:
        return combine(run_replicates(scenario, workers=workers, executor=executor, show_progress=show_progress)), None
    runs = run_scenarios([reference, scenario], settle_under=reference, workers=workers, executor=executor,
                         show_progress=show_progress)
    reference_tables, tables = combine(runs[reference.sim.name]), combine(runs[scenario.sim.name])
    case = business_case(tables["timeseries"], reference_tables["timeseries"])
    return {name: pd.concat([reference_tables[name], tables[name]], ignore_index=True) for name in tables}, case


def write_scenario_run(out: Path, tables: dict[str, pd.DataFrame], manifest: dict, scenario: ScenarioConfig,
                       reference: ScenarioConfig | None = None, case: pd.DataFrame | None = None,
                       figures: bool = True, sensitivity: pd.DataFrame | None = None) -> Path:
    """The run folder, written atomically: tables, figures, business case, and the report with the facts
    for the baseline (or the run itself) and, given a sensitivity run's indices, what dominates."""
    from exsim.report import write_figures, write_report
    from exsim.validation.baseline import facts_of_scenario

    case_text = None if case is None else business_case_markdown(
        case, scenario.sim.name, reference.sim.name, config_to_dict(scenario), config_to_dict(reference))
    checked = reference if reference is not None else scenario

    def extras(folder: Path) -> None:
        drawn = write_figures(folder, tables, scenario) if figures else []
        if case is not None:
            case.to_csv(folder / "business_case.csv", index=False, float_format="%.6g")
        facts = facts_of_scenario(tables, config_to_dict(checked), checked.sim.name)
        write_report(folder, tables["timeseries"], manifest, drawn, case_text, tables["departments"], facts,
                     sensitivity)

    return write_run(Path(out), tables, manifest, extras)
