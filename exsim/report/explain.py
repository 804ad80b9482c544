"""What a run means, in words drawn from its own tables: effects against the baseline with intervals,
the mechanism that carries them, where the baseline sits against the published facts, and caveats."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from exsim.metrics.kpis import BY_NAME
from exsim.report.wording import MIN_INTERVAL_REPLICATES
from exsim.results.summary import yearly_kpis

# headline outcomes a board asks about, in the order a report lists them
EFFECT_KPIS = ("engagement", "enps", "voluntary_attrition_rate", "absence_rate", "burnout_share", "csat",
               "customer_churn_rate", "revenue")
# the causal chain the model records, lever to outcome (DESIGN.md section 2)
CHAIN = ("trained_manager_share", "manager_support", "trust_manager", "trust_org", "burnout_share", "engagement",
         "absence_rate", "quit_hazard", "voluntary_attrition_rate", "vacancies", "reputation",
         "applicants_per_vacancy", "csat", "customers")
# daily experience: the channels through which a lever reaches engagement and behaviour
CHANNELS = ("manager_support", "trust_manager", "trust_org", "burnout_share")
CHANNEL_WORDS = {"manager_support": "manager support", "trust_manager": "trust in the manager",
                 "trust_org": "trust in the organisation", "burnout_share": "burnout"}

def paired_effects(scenario: pd.DataFrame, baseline: pd.DataFrame, kpis=CHAIN + EFFECT_KPIS) -> pd.DataFrame:
    """Last-year change of each KPI, scenario minus baseline, per paired replicate; then mean, 90% interval, n.

    `clear` marks a change whose 90% interval excludes zero (3+ replicates), or, with 2 replicates,
    whose both replicates move the same way by more than their spread; a single run is never `clear`.
    """
    kpis = list(dict.fromkeys(k for k in kpis if k in scenario.columns or BY_NAME[k].rate_of))
    s, b = yearly_kpis(scenario), yearly_kpis(baseline)
    last = s["year"].max()
    s = s[s["year"] == last].set_index("replicate")[kpis]
    b = b[b["year"] == last].set_index("replicate")[kpis]
    diff = (s - b).dropna(how="all")
    rows = []
    for kpi in kpis:
        values = diff[kpi].dropna().to_numpy(dtype=float)
        n = len(values)
        mean = float(values.mean()) if n else float("nan")
        p05, p95 = (np.percentile(values, [5, 95]) if n >= MIN_INTERVAL_REPLICATES else (np.nan, np.nan))
        shown = BY_NAME[kpi].fmt.format(abs(mean) * BY_NAME[kpi].scale) if n else "0"
        if n and float(shown.replace(",", "").lstrip("+")) == 0:  # rounds to zero on the report's scale
            clear = False
        elif n >= MIN_INTERVAL_REPLICATES:
            clear = bool(p05 > 0 or p95 < 0)
        elif n == 2:
            clear = bool(np.all(np.sign(values) == np.sign(mean)) and abs(mean) > np.ptp(values))
        else:
            clear = False
        sd = float(values.std(ddof=1)) if n > 1 else float("nan")
        rows.append({"kpi": kpi, "baseline": float(b[kpi].mean()), "scenario": float(s[kpi].mean()), "change": mean,
                     "p05": float(p05), "p95": float(p95), "replicates": n, "clear": clear,
                     "strength": abs(mean) / (sd / math.sqrt(n)) if n > 1 and sd > 0 else abs(mean)})
    return pd.DataFrame(rows).set_index("kpi")


def change_text(row: pd.Series, kpi: str) -> str:
    """"+0.031 [0.020, 0.045]" in the KPI's display units; shares in points, money in EUR thousand."""
    info = BY_NAME[kpi]
    unit = " points" if info.scale == 100.0 else ""
    fmt = info.fmt.replace("{:", "{:+") if "+" not in info.fmt else info.fmt
    text = fmt.format(row["change"] * info.scale) + unit
    if row["replicates"] >= MIN_INTERVAL_REPLICATES:
        text += f" [{info.fmt.format(row['p05'] * info.scale)}, {info.fmt.format(row['p95'] * info.scale)}]"
    return text


def level_text(value: float, kpi: str) -> str:
    info = BY_NAME[kpi]
    return info.fmt.format(value * info.scale) + ("%" if info.scale == 100.0 else "")


def effects_markdown(effects: pd.DataFrame, scenario: str, baseline: str) -> list[str]:
    """The headline effects table: baseline, scenario and the paired change with its interval."""
    n = int(effects["replicates"].max())
    note = (f"mean over {n} paired replicates, 90% interval in brackets" if n >= MIN_INTERVAL_REPLICATES
            else ("single run, no interval" if n == 1 else f"n = {n}, no interval"))
    lines = [f"### Headline effects in the last year: {scenario} against {baseline}", "",
             f"Each row: the last simulated year, {note}. Shares change in percentage points.", "",
             f"| KPI | {baseline} | {scenario} | change |", "|---|---|---|---|"]
    for kpi in EFFECT_KPIS:
        if kpi in effects.index:
            row = effects.loc[kpi]
            mark = "" if row["clear"] or n < 2 else " (within noise)"
            lines.append(f"| {BY_NAME[kpi].label} | {level_text(row['baseline'], kpi)} | "
                         f"{level_text(row['scenario'], kpi)} | {change_text(row, kpi)}{mark} |")
    return lines


def mechanism_sentences(effects: pd.DataFrame) -> list[str]:
    """How the change works in the model, from its own tables: the channel that moved most, then the chain."""
    n = int(effects["replicates"].max())
    moved = [k for k in CHAIN if k in effects.index and (effects.loc[k, "clear"] or (n == 1 and _visible(effects, k)))]
    if not moved:
        return ["None of the quantities the model records along its causal chain (manager support, trust, burnout, "
                "engagement, quits) moved beyond the noise between replicates in the last year."]
    channels = [k for k in CHANNELS if k in moved]
    lines = []
    if channels:
        main, rest = channels[0], channels[1:]  # the first channel along the chain that moved: where the change enters
        direction = "rises" if effects.loc[main, "change"] > 0 else "falls"
        then = ""
        if rest:
            then = " and with it " + " and ".join(
                f"{CHANNEL_WORDS[k]} {'rises' if effects.loc[k, 'change'] > 0 else 'falls'} "
                f"({change_text(effects.loc[k], k)})" for k in rest)
        lines.append(f"**Mechanism.** The change works through {CHANNEL_WORDS[main]}: it {direction} "
                     f"({change_text(effects.loc[main], main)}){then}.")
    else:
        lines.append("**Mechanism.** Manager support, trust and burnout did not move clearly: the change acts on "
                     "engagement and behaviour directly (for example through well-being or pay) rather than through "
                     "the manager or workload.")
    chain = "; ".join(f"{BY_NAME[k].label.split(' (')[0].lower()} {change_text(effects.loc[k], k)}" for k in moved)
    lines.append(f"Along the model's causal chain (lever, daily experience, engagement and burnout, behaviour, "
                 f"outcomes), what moved{' clearly' if n > 1 else ''} in the last year: {chain}.")
    if n == 1:
        lines.append("A single run cannot separate these changes from noise; run with `--replicates 3` or more.")
    return lines


def _visible(effects: pd.DataFrame, kpi: str) -> bool:
    """With one run, a change worth naming: at least 2% of the baseline level (or 0.5 points of a share)."""
    row = effects.loc[kpi]
    return abs(row["change"]) >= max(0.02 * abs(row["baseline"]), 0.005 if BY_NAME[kpi].scale == 100 else 1e-9)


def facts_markdown(facts: pd.DataFrame, scenario: str) -> list[str]:
    """Where the baseline sits against the published figures."""
    inside = int(facts["inside"].sum())
    lines = [f"## The baseline against published facts ({scenario})", "",
             f"{inside} of {len(facts)} figures that this run can be checked on sit inside their target range "
             "(exsim/validation/facts.toml; `exsim validate` checks the rest, which need extra scenarios). "
             "Model figures: mean over replicates, 90% interval in brackets from 3 replicates on.", "",
             "| fact | published | target | this run | inside |", "|---|---|---|---|---|"]
    for _, row in facts.iterrows():
        model = row["figure"]
        if row["note"]:
            model += f" ({row['note']})"
        lines.append(f"| {row['id']} {row['fact']} | {row['published']} | {row['target']} | {model} | "
                     f"{'yes' if row['inside'] else '**no**'} |")
    return lines


def caveats(config: dict, replicates: int, years: int, facts: pd.DataFrame | None = None,
            sensitivity: pd.DataFrame | None = None) -> list[str]:
    """What a reader should keep in mind: sample size, horizon, assumed prices, facts missed, and (from an
    `exsim sensitivity` run's indices, exsim.analysis.sensitivity.read_sensitivity) the levers that dominate."""
    from exsim.report.catalogue import COST_SOURCES, parameter_info

    lines = ["## Caveats", ""]
    if replicates < MIN_INTERVAL_REPLICATES:
        lines.append(f"- {'A single run' if replicates == 1 else f'{replicates} replicates'}: no interval can be "
                     "given, and a change smaller than the noise between runs cannot be told apart from it. Use "
                     "`--replicates 8` for a board paper.")
    else:
        lines.append(f"- {replicates} replicates: intervals are the 5th to 95th percentile over replicates, so they "
                     "show the spread of outcomes between runs, not a statistical confidence bound on the mean.")
    lines.append(f"- Horizon {years} year{'s' if years != 1 else ''}: effects the seeds place at 12-24 months "
                 "(reputation, recruitment) are only partly in a shorter run.")
    assumed = sorted({key for keys in COST_SOURCES.values() for key in keys
                      if (info := parameter_info(key)) is not None and info.source.startswith("assumption")
                      and ("EUR" in info.unit or key.startswith("costs."))})
    if assumed:
        lines.append("- The euros rest on prices that are assumptions, not published figures: "
                     + ", ".join(f"`{key}`" for key in assumed)
                     + ". Put in your organisation's own figures with `--set` before presenting the money.")
    lines.append("- The model's behaviour parameters are set to reproduce published averages (exsim validate), not "
                 "your organisation; `exsim calibrate` fits them to your own HR records.")
    if facts is not None and len(facts) and not facts["inside"].all():
        missed = ", ".join(facts.loc[~facts["inside"], "id"])
        lines.append(f"- The baseline misses the published range on {missed} (table above): read effects on those "
                     "quantities with care.")
    if sensitivity is not None and len(sensitivity):
        lines += dominant_levers(sensitivity)
    return lines


def dominant_levers(indices: pd.DataFrame, top: int = 3) -> list[str]:
    """Caveat lines: per outcome of a sensitivity run, the levers that move it most, assumptions marked."""
    from exsim.report.catalogue import parameter_info

    name = indices["index_name"].iloc[0]
    lines = [f"- What dominates the outcomes, from the sensitivity run in `{indices['source'].iloc[0]}` (levers ranked "
             f"by {name}; the results above hold for the values this run used, so check these first):"]
    for outcome, group in indices.groupby("outcome", sort=False):
        leading = group[group["index"] > 0].sort_values("rank").head(top)  # a lever that moves nothing dominates nothing
        named = []
        for _, row in leading.iterrows():
            info = parameter_info(row["lever"])
            assumed = info is not None and info.source.startswith("assumption")
            named.append(f"`{row['lever']}` ({name} {row['index']:.2g}{', an assumption' if assumed else ''})")
        label = BY_NAME[outcome].label if outcome in BY_NAME else outcome
        lines.append(f"  - {label}: {', '.join(named)}")
    return lines
