"""Compare scenarios against the first on paired seeds: KPIs, business cases, ranking, a board memo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from exsim.analysis.business_case import (business_case, business_case_markdown, payback_text, per_replicate,
                                          roi_text, weekly_gains)
from exsim.config import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.report.wording import has_interval, interval_note, interval_phrase, money, money_with_interval, plural
from exsim.results import combine, yearly_kpis
from exsim.results.summary import has_departments, yearly_department_kpis
from exsim.runs.replicates import run_scenarios


def paired(configs: list[ScenarioConfig]) -> list[ScenarioConfig]:
    """The scenarios with the first one's seed, replicates, years and settling weeks, and unique names."""
    first, seen, out = configs[0].sim, set(), []
    for config in configs:
        config = config.model_copy(deep=True)
        name = config.sim.name
        while name in seen:
            name = f"{name}+"
        seen.add(name)
        for key in ("seed", "replicates", "years", "burn_in_weeks"):
            setattr(config.sim, key, getattr(first, key))
        config.sim.name = name
        out.append(config)
    return out


def run_comparison(configs: list[ScenarioConfig], workers: int | None = None, executor=None) -> dict[str, dict[str, pd.DataFrame]]:
    """Each scenario's tables, in the given order; every scenario starts from the first one's settled organisation."""
    runs = run_scenarios(configs, settle_under=configs[0], workers=workers, executor=executor)
    return {c.sim.name: combine(runs[c.sim.name]) for c in configs}


def business_cases(runs: dict[str, dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Every scenario but the first, against the first."""
    names = list(runs)
    base = runs[names[0]]["timeseries"]
    return {name: business_case(runs[name]["timeseries"], base) for name in names[1:]}


def ranking(runs: dict[str, dict[str, pd.DataFrame]], cases: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Scenarios ranked by mean total net benefit against the first, with last-year KPIs."""
    rows = []
    for name, tables in runs.items():
        yearly = yearly_kpis(tables["timeseries"])
        last = yearly[yearly["year"] == yearly["year"].max()].mean(numeric_only=True)
        row = {"scenario": name, "engagement": last["engagement"], "voluntary_attrition_rate": last["voluntary_attrition_rate"],
               "absence_rate": last["absence_rate"], "csat": last["csat"]}
        if name in cases:
            total = cases[name][cases[name]["period"] == "total"].set_index("metric")
            for metric in ("net_benefit", "programme_cost", "roi", "payback_month"):
                if metric in total.index:
                    row[metric] = total.loc[metric, "mean"]
                    row[f"{metric}_p05"] = total.loc[metric, "p05"]
                    row[f"{metric}_p95"] = total.loc[metric, "p95"]
            row["paid_back_replicates"] = int(total.loc["paid_back_replicates", "mean"])
            row["replicates"] = int(total.loc["net_benefit", "replicates"])
        else:
            row["net_benefit"] = 0.0
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("net_benefit", ascending=False).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


DEPARTMENT_EFFECTS = ("voluntary_attrition_rate", "engagement", "manager_support")


def department_effects(runs: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame | None:
    """Each scenario's last-year change against the first, per department: mean and 90% interval over paired replicates.

    None when the organisation has no departments. The executive top seat is left out.
    """
    names = list(runs)
    if not has_departments(runs[names[0]]["departments"]):
        return None

    def last_year(name: str) -> pd.DataFrame:
        yearly = yearly_department_kpis(runs[name]["departments"])
        return yearly[yearly["year"] == yearly["year"].max()].set_index(["replicate", "department"])

    base, rows = last_year(names[0]), []
    for name in names[1:]:
        change = (last_year(name)[list(DEPARTMENT_EFFECTS)] - base[list(DEPARTMENT_EFFECTS)])
        change = change.join(department_net_benefit(runs[name]["departments"], runs[names[0]]["departments"])).reset_index()
        for department, replicates in change.groupby("department", sort=False):
            if department == "executive":
                continue
            row = {"scenario": name, "department": department, "replicates": len(replicates)}
            for metric in (*DEPARTMENT_EFFECTS, "net_benefit", "programme_cost"):
                row[metric] = replicates[metric].mean()
                row[f"{metric}_p05"], row[f"{metric}_p95"] = replicates[metric].quantile([0.05, 0.95])
            rows.append(row)
    order = {name: i for i, name in enumerate(runs[names[0]]["departments"]["department"].unique())}  # as listed
    return pd.DataFrame(rows).sort_values("department", key=lambda d: d.map(order), kind="stable", ignore_index=True)


def department_net_benefit(scenario: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Each department's business case over the whole run, per replicate (index: replicate, department).

    The same lines as the organisation's, from each department's own money: what its seats cost and
    the revenue of the accounts they serve; a targeted intervention's cost falls on the seats it reaches.
    """
    cases = []
    for department, own in scenario.groupby("department", sort=False):
        gains = weekly_gains(own, baseline[baseline["department"] == department])
        total = per_replicate(gains).query("period == 'total'")
        cases.append(total.assign(department=department)[["replicate", "department", "net_benefit", "programme_cost"]])
    return pd.concat(cases).set_index(["replicate", "department"])


def department_lines(effects: pd.DataFrame, baseline: str) -> list[str]:
    """Where each scenario works: the department whose engagement rises most, and every department's change."""
    lines = ["## Where it works: departments", "",
             f"Last-year change against {baseline} in each department, and each department's net benefit over the run "
             "(its own savings and revenue minus what it spent more; a targeted programme's cost falls where it "
             "applies). Mean over paired replicates, 90% in brackets; the top seat is left out.", ""]
    for name, table in effects.groupby("scenario", sort=False):
        best = table.loc[table["engagement"].idxmax()]
        lines += [f"**{name}**: {best['department']} gains most in engagement ({best['engagement']:+.3f}); its "
                  f"voluntary attrition moves {best['voluntary_attrition_rate'] * 100:+.1f} points and its net benefit "
                  f"is EUR {best['net_benefit'] / 1e3:,.0f}k.", "",
                  "| department | voluntary attrition (points) | engagement | manager support | net benefit (EUR k) "
                  "| programme cost (EUR k) |", "|---|---|---|---|---|---|"]
        for _, row in table.iterrows():
            cells = [_change(row, "voluntary_attrition_rate", 100, "{:+.1f}"), _change(row, "engagement", 1, "{:+.3f}"),
                     _change(row, "manager_support", 1, "{:+.3f}"), _change(row, "net_benefit", 1e-3, "{:+,.0f}"),
                     _change(row, "programme_cost", 1e-3, "{:+,.0f}")]
            lines.append(f"| {row['department']} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _change(row: pd.Series, metric: str, scale: float, fmt: str) -> str:
    cell = fmt.format(row[metric] * scale)
    if row["replicates"] >= 3:
        cell += f" [{fmt.format(row[metric + '_p05'] * scale)}, {fmt.format(row[metric + '_p95'] * scale)}]"
    return cell


def net_benefit_fan(runs: dict[str, dict[str, pd.DataFrame]], cases: dict[str, pd.DataFrame] | None = None):
    """Cumulative net benefit against the first scenario: mean over replicates (the tables' figure), 90% band from
    3 replicates on; the end of each line is labelled with the total the business case gives, and payback marked."""
    from exsim.report.figures import scenario_colours
    from exsim.report.style import legend_outside, new_figure

    names = list(runs)
    colours = scenario_colours(names)
    fig, ax = new_figure(figsize=(9, 5))
    n = 0
    for name in names[1:]:
        gains = weekly_gains(runs[name]["timeseries"], runs[names[0]]["timeseries"])
        wide = gains.pivot(index="week", columns="replicate", values="net_benefit").cumsum() / 1e6
        n = wide.shape[1]
        years = wide.index / WEEKS_PER_YEAR
        mean = wide.mean(axis=1)
        ax.plot(years, mean, color=colours[name], lw=2, label=name)
        if has_interval(n):
            ax.fill_between(years, wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1), color=colours[name],
                            alpha=0.18, lw=0)
        ax.annotate(f"{money(mean.iloc[-1] * 1e6)}", (years[-1], mean.iloc[-1]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8, color=colours[name])
        if cases is not None and name in cases:
            total = cases[name][cases[name]["period"] == "total"].set_index("metric")
            month = total.loc["payback_month", "mean"]
            if np.isfinite(month):
                ax.axvline(month / 12, color=colours[name], ls=":", lw=1)
                ax.annotate(f"payback month {month:.0f}", (month / 12, 0), xytext=(3, 4), textcoords="offset points",
                            fontsize=7, color=colours[name], rotation=90, va="bottom")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("Years simulated")
    ax.set_xlim(0, max(runs[names[0]]["timeseries"]["week"].max() / WEEKS_PER_YEAR, 1e-9))
    ax.set_ylabel(f"Cumulative net benefit against {names[0]} (EUR million)")
    ax.set_title(f"Cumulative net benefit: {interval_note(n)}", fontsize=10)
    ax.grid(alpha=0.3)
    legend_outside(ax)
    return fig


def compare_report(ranked: pd.DataFrame, cases: dict[str, pd.DataFrame], baseline: str, manifest: dict,
                   figures: list[str], effects: pd.DataFrame | None = None,
                   runs: dict[str, dict[str, pd.DataFrame]] | None = None,
                   sensitivity: pd.DataFrame | None = None) -> str:
    """A memo a strategist can paste: ranking by net benefit, what each scenario changed and why it works,
    each business case with its cost sources, the baseline against the facts, caveats."""
    from exsim.report.catalogue import changes_in_words
    from exsim.report.explain import caveats, effects_markdown, mechanism_sentences, paired_effects

    years = manifest["years"]
    n = int(manifest["replicates"])
    configs = manifest.get("configs", {})
    lines = [f"# Comparing {len(ranked)} scenarios against {baseline}", "",
             f"Command: `{manifest['command']}`  ",
             f"{plural(n, 'replicate')} x {plural(years, 'year')}, paired seeds (common random numbers) from seed "
             f"{manifest['seed']}; {interval_phrase(n)}.", "", "## Ranking by net benefit", "",
             f"Net benefit is everything saved or earned against {baseline} minus what the programme costs, "
             f"in euros over {plural(years, 'year')}. Payback: the month the mean cumulative net benefit turns and "
             "stays positive (the line in net_benefit.png).", "",
             "| rank | scenario | net benefit | payback | ROI | engagement | voluntary attrition | absence | csat |",
             "|---|---|---|---|---|---|---|---|---|"]
    for _, row in ranked.iterrows():
        if row["scenario"] == baseline:
            cash, payback, roi = "(baseline)", "", ""
        else:
            case = cases[row["scenario"]]
            total = case[case["period"] == "total"].set_index("metric")
            cash, payback, roi = money_with_interval(total.loc["net_benefit"]), payback_text(case), roi_text(case)
        lines.append(f"| {row['rank']} | {row['scenario']} | {cash} | {payback} | {roi} | {row['engagement']:.2f} | "
                     f"{row['voluntary_attrition_rate']:.1%} | {row['absence_rate']:.1%} | {row['csat']:.2f} |")
    lines += ["", "Engagement, attrition, absence and csat are last-year means over replicates.", ""]
    for name, case in cases.items():
        lines += [f"## {name}: what changed, what it did, and why", ""]
        changes = changes_in_words(configs[name], configs[baseline], baseline) if name in configs and baseline in configs else []
        lines += [f"- {c}" for c in changes] if changes else ["- Nothing in the config: only the name differs."]
        if runs is not None:
            effects_ = paired_effects(runs[name]["timeseries"], runs[baseline]["timeseries"])
            lines += ["", *effects_markdown(effects_, name, baseline), "", *mechanism_sentences(effects_)]
        lines += ["", business_case_markdown(case, name, baseline, configs.get(name), configs.get(baseline)), ""]
    if effects is not None:
        lines += department_lines(effects, baseline)
    if runs is not None and baseline in configs:
        lines += _facts_lines(runs[baseline], configs[baseline], baseline)
    captions = {"kpis.png": "Headline KPIs week by week, every scenario: line the mean over replicates, band 90% of "
                            "replicates (from 3 replicates on); 0-1 scales on 0..1, rates from 0%.",
                "net_benefit.png": "Cumulative net benefit against the baseline: line the mean over replicates (its end "
                                   "is the table's total), band 90% of replicates; dotted: payback month."}
    lines += ["## Figures", "", "Every figure is also saved as SVG beside its PNG, for slides.", ""]
    for f in figures:
        lines += [f"![{f}](figures/{f})", "", captions.get(f, ""), ""]
    lines += caveats(configs.get(baseline, {}), n, years, sensitivity=sensitivity)
    return "\n".join(lines) + "\n"


def _facts_lines(tables: dict[str, pd.DataFrame], config: dict, baseline: str) -> list[str]:
    from exsim.report.explain import facts_markdown
    from exsim.validation.baseline import facts_of_scenario

    facts = facts_of_scenario(tables, config, baseline)
    return [] if facts is None else [*facts_markdown(facts, baseline), ""]


def write_comparison(out: Path, runs, cases, ranked, manifest, sensitivity: pd.DataFrame | None = None) -> None:
    """Tables, business cases, ranking, figures, report.md and report.html, written atomically.

    `sensitivity`: indices of an `exsim sensitivity` run, whose dominant levers the caveats name.
    """
    from exsim.report.figures import kpi_figure, save_figure
    from exsim.report.html import write_html
    from exsim.results.summary import summarise
    from exsim.results.writer import TABLES, write_folder

    def contents(folder: Path) -> None:
        for table in TABLES:
            pd.concat([r[table] for r in runs.values()], ignore_index=True).to_parquet(folder / f"{table}.parquet", index=False)
        timeseries = pd.concat([r["timeseries"] for r in runs.values()], ignore_index=True)
        summarise(timeseries).to_csv(folder / "summary.csv", index=False, float_format="%.6g")
        pd.concat([c.assign(scenario=n) for n, c in cases.items()], ignore_index=True).to_csv(
            folder / "business_case.csv", index=False, float_format="%.6g")
        ranked.to_csv(folder / "ranking.csv", index=False, float_format="%.6g")
        (folder / "figures").mkdir()
        figures = [save_figure(kpi_figure(timeseries), folder / "figures" / "kpis.png"),
                   save_figure(net_benefit_fan(runs, cases), folder / "figures" / "net_benefit.png")]
        effects = department_effects(runs)
        if effects is not None:
            effects.to_csv(folder / "department_effects.csv", index=False, float_format="%.6g")
        text = compare_report(ranked, cases, next(iter(runs)), manifest, figures, effects, runs, sensitivity)
        (folder / "report.md").write_text(text)
        write_html(folder, text, title=f"exsim compare: {', '.join(runs)}")

    write_folder(out, contents, manifest)
