"""Compare scenarios against the first on paired seeds: KPIs, business cases, ranking, a board memo."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from exsim.analysis.business_case import business_case, business_case_markdown, per_replicate, weekly_gains  # noqa: E402
from exsim.config import ScenarioConfig  # noqa: E402
from exsim.config.timebase import WEEKS_PER_YEAR  # noqa: E402
from exsim.results import combine, yearly_kpis  # noqa: E402
from exsim.results.summary import has_departments, yearly_department_kpis  # noqa: E402
from exsim.runs.replicates import run_scenarios  # noqa: E402


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
            row["paid_back_replicates"] = int(total.loc["payback_month", "replicates"]) if "payback_month" in total.index else 0
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
    if row["replicates"] > 1:
        cell += f" [{fmt.format(row[metric + '_p05'] * scale)}, {fmt.format(row[metric + '_p95'] * scale)}]"
    return cell


def net_benefit_fan(runs: dict[str, dict[str, pd.DataFrame]]):
    """Cumulative net benefit against the first scenario: median and 90% band over replicates."""
    names = list(runs)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for i, name in enumerate(names[1:], start=1):
        gains = weekly_gains(runs[name]["timeseries"], runs[names[0]]["timeseries"])
        wide = gains.pivot(index="week", columns="replicate", values="net_benefit").cumsum() / 1e6
        years = wide.index / WEEKS_PER_YEAR
        ax.plot(years, wide.median(axis=1), color=f"C{i}", label=name)
        ax.fill_between(years, wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1), color=f"C{i}", alpha=0.2, lw=0)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("years simulated")
    ax.set_ylabel(f"cumulative net benefit vs {names[0]} (EUR million)")
    ax.set_title("Cumulative net benefit: median and 90% of replicates", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def compare_report(ranked: pd.DataFrame, cases: dict[str, pd.DataFrame], baseline: str, manifest: dict,
                   figures: list[str], effects: pd.DataFrame | None = None) -> str:
    """A memo a strategist can paste: ranking by net benefit, payback, and each business case."""
    years = manifest["years"]
    lines = [f"# Comparing {len(ranked)} scenarios against {baseline}", "",
             f"Command: `{manifest['command']}`  ",
             f"{manifest['replicates']} replicates x {years} years, paired seeds (common random numbers) from seed "
             f"{manifest['seed']}.", "", "## Ranking by net benefit", "",
             f"Net benefit is everything saved or earned against {baseline} minus what the programme costs, "
             f"in euros over {years} years; brackets hold 90% of replicates.", "",
             "| rank | scenario | net benefit | payback | ROI | engagement | voluntary attrition | absence | csat |",
             "|---|---|---|---|---|---|---|---|---|"]
    for _, row in ranked.iterrows():
        if row["scenario"] == baseline:
            money, payback, roi = "(baseline)", "", ""
        else:
            money = f"EUR {row['net_benefit'] / 1e3:,.0f}k [{row['net_benefit_p05'] / 1e3:,.0f}k, {row['net_benefit_p95'] / 1e3:,.0f}k]"
            payback = _payback_text(row)
            roi = f"{row['roi']:.0%}" if pd.notna(row.get("roi")) else "no programme cost"
        lines.append(f"| {row['rank']} | {row['scenario']} | {money} | {payback} | {roi} | {row['engagement']:.2f} | "
                     f"{row['voluntary_attrition_rate']:.1%} | {row['absence_rate']:.1%} | {row['csat']:.2f} |")
    lines += ["", "Engagement, attrition, absence and csat are last-year means over replicates.", ""]
    if effects is not None:
        lines += department_lines(effects, baseline)
    for name, case in cases.items():
        lines += [business_case_markdown(case, name, baseline), ""]
    lines += ["## Figures", ""] + [f"![{f}](figures/{f})\n" for f in figures]
    return "\n".join(lines) + "\n"


def _payback_text(row: pd.Series) -> str:
    paid, total = int(row.get("paid_back_replicates", 0) or 0), int(row.get("replicates", 0) or 0)
    if paid * 2 <= total:
        return f"not within the run ({paid} of {total} replicates pay back)"
    return f"month {row['payback_month']:.0f} ({paid} of {total} replicates)"


def write_comparison(out: Path, runs, cases, ranked, manifest) -> None:
    """Tables, business cases, ranking, figures and report.md, written atomically."""
    from exsim.report.figures import kpi_figure, save_figure
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
                   save_figure(net_benefit_fan(runs), folder / "figures" / "net_benefit.png")]
        effects = department_effects(runs)
        if effects is not None:
            effects.to_csv(folder / "department_effects.csv", index=False, float_format="%.6g")
        (folder / "report.md").write_text(compare_report(ranked, cases, next(iter(runs)), manifest, figures, effects))

    write_folder(out, contents, manifest)
