"""Run the scenarios the facts need, compute every check, and write the validation folder."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from exsim.config import ScenarioConfig
from exsim.results import combine
from exsim.runs import run_replicates
from exsim.validation import checks
from exsim.validation.facts import Fact, load_facts
from exsim.validation.scenarios import scenario_config, scenarios_for


def select_facts(only: list[str] | None) -> list[Fact]:
    """All facts, or those whose id starts with one of `only` (F5 selects F5a and F5b)."""
    facts = load_facts()
    if not only:
        return facts
    chosen = [f for f in facts if any(f.id == o or (f.id.startswith(o) and not f.id[len(o)].isdigit()) for o in only)]
    unknown = [o for o in only if not any(f.id.startswith(o) for f in facts)]
    if unknown:
        raise ValueError(f"unknown fact id(s) {', '.join(unknown)}; facts: {', '.join(f.id for f in facts)}")
    return chosen


def run_scenarios(base: ScenarioConfig, names: list[str], workers: int | None, show_progress: bool) -> checks.Runs:
    """Each named scenario with the base config's seed and replicates (paired across scenarios).

    A scenario whose config equals an earlier one's (span 8 on a config with span 8) reuses its runs.
    """
    runs: checks.Runs = {}
    done: dict[str, str] = {}  # config without its name -> the scenario that ran it
    for name in names:
        config = scenario_config(base, name)
        key = config.model_copy(update={"sim": config.sim.model_copy(update={"name": "-"})}).model_dump_json()
        if key in done:
            runs[name] = runs[done[key]]
            continue
        done[key] = name
        runs[name] = combine(run_replicates(config, workers=workers, show_progress=show_progress))
    return runs


def run_validation(base: ScenarioConfig, facts: list[Fact], workers: int | None = None,
                   show_progress: bool = True) -> tuple[pd.DataFrame, checks.Runs]:
    """The validation table (one row per fact) and the runs behind it."""
    runs = run_scenarios(base, scenarios_for([f.check for f in facts]), workers, show_progress)
    rows = [fact_row(fact, getattr(checks, fact.check)(runs, base)) for fact in facts]
    return pd.DataFrame(rows), runs


def fact_row(fact: Fact, result: checks.CheckResult) -> dict:
    """A row of validation.csv: the fact, its target and the model's figure (with its interval), and whether it is inside."""
    inside = (math.isfinite(result.value) and fact.low <= result.value <= fact.high and result.condition_holds)
    return {
        "id": fact.id, "fact": fact.fact, "source": fact.source, "published": fact.published,
        "target": fact.target, "unit": fact.unit, "model": result.value,
        "model_p05": result.low, "model_p95": result.high, "note": result.note,
        "inside": bool(inside),
    }


def format_model_figure(row: pd.Series) -> str:
    """The model's figure with its 90% interval over replicates, when it has one."""
    def fmt(x):
        return f"{x:.3g}" if abs(x) >= 0.01 or x == 0 else f"{x:.2e}"
    text = fmt(row["model"])
    if pd.notna(row["model_p05"]) and pd.notna(row["model_p95"]):
        text += f" [{fmt(row['model_p05'])}, {fmt(row['model_p95'])}]"
    return text


def write_validation(out: Path, table: pd.DataFrame, runs: checks.Runs, manifest: dict) -> None:
    """validation.csv, report.md (and report.html beside it) and figures, written atomically into `out`."""
    from exsim.report.html import write_html
    from exsim.results.writer import write_folder
    from exsim.validation.figures import write_validation_figures

    def contents(folder: Path) -> None:
        table.to_csv(folder / "validation.csv", index=False)
        figures = write_validation_figures(folder, runs)
        text = validation_report(table, figures, manifest)
        (folder / "report.md").write_text(text)
        write_html(folder, text, title="exsim validate")

    write_folder(out, contents, manifest)


def validation_report(table: pd.DataFrame, figures: list[str], manifest: dict) -> str:
    lines = ["# exsim validate", "",
             f"Command: `{manifest['command']}`  ",
             f"{manifest['replicates']} replicates x {manifest['years']} years per scenario, seed {manifest['seed']}.", "",
             f"{int(table['inside'].sum())} of {len(table)} facts inside their target range.", "",
             "| fact | source | published figure | target | model [90% over replicates] | inside |",
             "|---|---|---|---|---|---|"]
    for _, row in table.iterrows():
        model = format_model_figure(row) + (f" ({row['note']})" if row["note"] else "")
        lines.append(f"| {row['id']} {row['fact']} | {row['source']} | {row['published']} | {row['target']} | "
                     f"{model} | {'yes' if row['inside'] else '**no**'} |")
    lines += ["", "## Figures", ""] + [f"![{name}](figures/{name})\n" for name in figures]
    return "\n".join(lines) + "\n"
