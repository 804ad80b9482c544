"""Each published figure computed from the model's own result tables (timeseries, teams, spells).

A check takes the runs it needs (scenario name -> tables) and the config under test, and returns
a CheckResult: the model's figure, its 90% interval over replicates where there is one, and
whether a side condition holds (e.g. the hazard peak falls in months 1-6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exsim.config import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from exsim.results import yearly_kpis
from exsim.validation.scenarios import EXTREMES, INTERVENTION_WEEK, SPAN_GRID, WORKLOAD_GRID

OVERLOAD = 1.15  # felt workload at or above 115% of capacity counts as "overtime" (F4)
CONTAGION_WINDOW = 20  # weeks after a quit (F7: ~135 days)
MIN_TEAM = 3

Runs = dict[str, dict[str, pd.DataFrame]]


@dataclass
class CheckResult:
    value: float
    low: float | None = None
    high: float | None = None
    condition_holds: bool = True
    note: str = ""


def over_replicates(values: pd.Series | np.ndarray, note: str = "") -> CheckResult:
    """Mean with the 5th-95th percentile over replicates."""
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if len(arr) == 0:
        return CheckResult(float("nan"), note="no data")
    return CheckResult(float(arr.mean()), float(np.percentile(arr, 5)), float(np.percentile(arr, 95)), note=note)


def _yearly(runs: Runs, name: str) -> pd.DataFrame:
    return yearly_kpis(runs[name]["timeseries"])


# ---- organisation-level figures ------------------------------------------------------------
def voluntary_attrition(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return over_replicates(_yearly(runs, "base").groupby("replicate")["voluntary_attrition_rate"].mean())


def absence(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return over_replicates(_yearly(runs, "base").groupby("replicate")["absence_rate"].mean())


def span(runs: Runs, config: ScenarioConfig) -> CheckResult:
    teams = runs["base"]["teams"].drop_duplicates(["replicate", "team_id"])
    return over_replicates(teams.groupby("replicate")["span"].mean(), note=f"median {teams['span'].median():.0f}")


def replacement_costs(runs: Runs, config: ScenarioConfig) -> CheckResult:
    employee, manager = config.costs.replacement_share_employee, config.costs.replacement_share_manager
    inside = 0.21 <= manager <= 2.0
    return CheckResult(employee, condition_holds=inside, note=f"employees {employee:.0%}, managers {manager:.0%}")


def sick_day_cost(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return CheckResult(config.costs.sick_day_eur)


# ---- spells: tenure, overload, onboarding --------------------------------------------------
def observed_spells(spells: pd.DataFrame) -> pd.DataFrame:
    """Tenure at the start and end of each spell's observed part, and whether it ended in a quit."""
    last_week = int(np.nanmax(spells["exit_week"].astype(float).fillna(0)).item())
    end = spells["exit_week"].astype(float).fillna(spells["hire_week"] + spells["tenure_weeks"])
    last_week = max(last_week, int(end.max()))
    start = np.maximum(spells["hire_week"], 1)
    return pd.DataFrame({
        "replicate": spells["replicate"],
        "t0": (start - spells["hire_week"]).astype(float),
        "t1": (end - spells["hire_week"]).astype(float),
        "quit": (spells["exit_reason"] == "voluntary").to_numpy(),
        "workload": spells["workload"],
    })


def weekly_quit_rate_by_band(obs: pd.DataFrame, edges_weeks: np.ndarray) -> np.ndarray:
    """Quits per person-week in each tenure band [edges_weeks[i], edges_weeks[i+1]) weeks (left-truncated, right-censored)."""
    lo, hi = edges_weeks[:-1], edges_weeks[1:]
    exposure = np.clip(np.minimum(obs["t1"].to_numpy()[:, None], hi) - np.maximum(obs["t0"].to_numpy()[:, None], lo), 0, None)
    t1 = obs["t1"].to_numpy()[:, None]
    events = (obs["quit"].to_numpy()[:, None] & (t1 > lo) & (t1 <= hi)).sum(axis=0)
    return events / np.maximum(exposure.sum(axis=0), 1e-9)


def monthly_hazard_curve(spells: pd.DataFrame, months: int = 36) -> pd.Series:
    """Monthly quit hazard by tenure month (1-based), pooled over replicates."""
    edges = np.arange(months + 1) * WEEKS_PER_MONTH
    weekly = weekly_quit_rate_by_band(observed_spells(spells), edges)
    return pd.Series(1 - (1 - weekly) ** WEEKS_PER_MONTH, index=np.arange(1, months + 1), name="monthly hazard")


def tenure_hazard(runs: Runs, config: ScenarioConfig) -> CheckResult:
    spells = runs["base"]["spells"]
    peak = int(monthly_hazard_curve(spells, 24).idxmax())
    ratios = []
    for _, group in observed_spells(spells).groupby("replicate"):
        short, long = weekly_quit_rate_by_band(group, np.array([0, 2 * WEEKS_PER_YEAR, 1e9]))  # under and over 2 years
        ratios.append(short / long if long > 0 else np.nan)
    result = over_replicates(ratios, note=f"peak in month {peak}")
    result.condition_holds = 1 <= peak <= 6
    return result


def overload_ratio(runs: Runs, config: ScenarioConfig) -> CheckResult:
    ratios = []
    for _, obs in observed_spells(runs["large"]["spells"]).groupby("replicate"):
        over = obs["workload"] >= OVERLOAD
        exposure = obs["t1"] - obs["t0"]
        rate_over = obs.loc[over, "quit"].sum() / exposure[over].sum()
        rate_rest = obs.loc[~over, "quit"].sum() / exposure[~over].sum()
        ratios.append(rate_over / rate_rest if rate_rest > 0 else np.nan)
    share = (runs["large"]["spells"]["workload"] >= OVERLOAD).mean()
    return over_replicates(ratios, note=f"{share:.0%} of spells overloaded")


def _six_month_quits(spells: pd.DataFrame) -> pd.Series:
    end = int(spells["exit_week"].astype(float).max(skipna=True) or 0)
    end = max(end, int((spells["hire_week"] + spells["tenure_weeks"]).max()))
    hires = spells[(spells["hire_week"] >= 1) & (spells["hire_week"] <= end - 26)]
    quit_early = (hires["exit_reason"] == "voluntary") & (hires["exit_week"].astype(float) - hires["hire_week"] <= 26)
    return quit_early.groupby(hires["replicate"]).mean()


def onboarding(runs: Runs, config: ScenarioConfig) -> CheckResult:
    good = _six_month_quits(runs["onboarding_good"]["spells"])
    poor = _six_month_quits(runs["onboarding_poor"]["spells"])
    result = over_replicates(1 - good / poor)
    result.value = float(1 - good.mean() / poor.mean())  # pooled: stabler than the mean of ratios
    return result


# ---- teams --------------------------------------------------------------------------------
def _team_years(runs: Runs) -> pd.DataFrame:
    teams = runs["base"]["teams"]
    return teams[teams["headcount"] >= MIN_TEAM]


def _per_replicate_year(teams: pd.DataFrame, fn) -> pd.Series:
    per_year = teams.groupby(["replicate", "year"]).apply(fn, include_groups=False)
    return per_year.groupby(level="replicate").mean()


def team_engagement_csat(runs: Runs, config: ScenarioConfig) -> CheckResult:
    teams = _team_years(runs)
    teams = teams[teams["customers"] >= 10]
    return over_replicates(_per_replicate_year(teams, lambda t: t["engagement"].corr(t["csat"])))


def team_engagement_turnover(runs: Runs, config: ScenarioConfig) -> CheckResult:
    teams = _team_years(runs)
    return over_replicates(_per_replicate_year(teams, lambda t: t["engagement"].corr(t["voluntary_attrition_rate"])))


def manager_variance_share(runs: Runs, config: ScenarioConfig) -> CheckResult:
    teams = _team_years(runs)
    return over_replicates(_per_replicate_year(teams, lambda t: t["engagement"].corr(t["manager_support"]) ** 2))


# ---- contagion: an event study on the spells ------------------------------------------------
def team_week_panel(spells: pd.DataFrame, weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Headcount and quits per (team, week) from the spells of one replicate (weeks 1..weeks)."""
    members = spells[spells["team_id"] >= 0]
    teams = int(members["team_id"].max()) + 1
    start = np.clip(members["hire_week"].to_numpy(), 1, weeks + 1)
    stop = members["exit_week"].astype(float).fillna(weeks + 1).to_numpy().astype(int)
    change = np.zeros((teams, weeks + 2))
    np.add.at(change, (members["team_id"].to_numpy(), start), 1)
    np.add.at(change, (members["team_id"].to_numpy(), np.clip(stop, 1, weeks + 1)), -1)
    headcount = np.cumsum(change, axis=1)[:, 1:weeks + 1]
    quits = np.zeros((teams, weeks))
    quit_rows = members[members["exit_reason"] == "voluntary"]
    np.add.at(quits, (quit_rows["team_id"].to_numpy(), quit_rows["exit_week"].to_numpy().astype(int) - 1), 1)
    return headcount, quits


def contagion_counts(spells: pd.DataFrame, weeks: int, window: int = CONTAGION_WINDOW) -> np.ndarray:
    """Mantel-Haenszel parts of the quit-rate ratio of exposed over unexposed team-weeks, stratified by team.

    A team-week is exposed when a teammate quit in the `window` weeks before it. Returns the summed
    numerator and denominator [sum Qe*Hu/T, sum Qu*He/T] so replicates can be pooled.
    """
    heads, quits = team_week_panel(spells, weeks)
    cum_q = np.concatenate([np.zeros((len(quits), 1)), np.cumsum(quits, axis=1)], axis=1)
    t = np.arange(weeks)
    recent = cum_q[:, t] - cum_q[:, np.maximum(t - window, 0)]
    exposed = recent > 0
    valid = t >= window  # the first weeks have no full look-back
    qe = (quits * exposed)[:, valid].sum(axis=1)
    he = (heads * exposed)[:, valid].sum(axis=1)
    qu = (quits * ~exposed)[:, valid].sum(axis=1)
    hu = (heads * ~exposed)[:, valid].sum(axis=1)
    total = np.maximum(he + hu, 1e-9)
    return np.array([(qe * hu / total).sum(), (qu * he / total).sum()])


def contagion_rise(counts: np.ndarray) -> float:
    """Relative rise of the quit rate in the weeks after a teammate's quit (Mantel-Haenszel, within teams)."""
    return float(counts[0] / counts[1] - 1) if counts[1] > 0 else float("nan")


def turnover_contagion(runs: Runs, config: ScenarioConfig) -> CheckResult:
    spells = runs["large"]["spells"]
    weeks = int(runs["large"]["timeseries"]["week"].max())
    counts = [contagion_counts(group, weeks) for _, group in spells.groupby("replicate")]
    result = over_replicates([contagion_rise(c) for c in counts], note="pooled over replicates")
    result.value = contagion_rise(np.sum(counts, axis=0))
    return result


# ---- money: training versus perks -------------------------------------------------------------
def _attrition_and_programme_cost(runs: Runs, name: str) -> pd.DataFrame:
    yearly = _yearly(runs, name)
    yearly["programme_cost"] = yearly[["cost_perks", "cost_manager_time", "cost_programmes"]].sum(axis=1)
    return yearly.groupby("replicate")[["voluntary_attrition_rate", "programme_cost"]].mean()


def training_beats_perks(runs: Runs, config: ScenarioConfig) -> CheckResult:
    """F9: attrition points saved per EUR 1M a year by manager training minus those saved by perks (paired seeds)."""
    base = _attrition_and_programme_cost(runs, "base")
    per_euro = {}
    for name in ("perks", "training"):
        other = _attrition_and_programme_cost(runs, name)
        saved = (base["voluntary_attrition_rate"] - other["voluntary_attrition_rate"]).mean()
        spent = (other["programme_cost"] - base["programme_cost"]).mean()
        per_euro[name] = saved / spent * 1e6
    note = (f"attrition points per EUR 1M a year: training {100 * per_euro['training']:.2f}, "
            f"perks {100 * per_euro['perks']:.2f}")
    advantage = 100 * (per_euro["training"] - per_euro["perks"])  # also defined where perks lower attrition not at all
    return CheckResult(float(advantage), condition_holds=per_euro["training"] > 0, note=note)


# ---- time to impact --------------------------------------------------------------------------
def impact_curve(runs: Runs, column: str) -> pd.Series:
    """Mean paired difference (intervention - base) of a weekly column, from the intervention on."""
    def wide(name):
        return runs[name]["timeseries"].pivot(index="week", columns="replicate", values=column)
    diff = (wide("intervention") - wide("base")).mean(axis=1)
    return diff[diff.index >= INTERVENTION_WEEK]


def months_to_half_way(curve: pd.Series, smooth_weeks: int) -> float:
    """Months from the intervention until the smoothed difference first reaches half its final level."""
    smoothed = curve.rolling(smooth_weeks, min_periods=1, center=True).mean()
    final = curve.iloc[-WEEKS_PER_YEAR:].mean()
    reached = smoothed[smoothed / final >= 0.5] if final != 0 else smoothed.iloc[:0]
    if reached.empty:
        return float("inf")
    return float((reached.index[0] - INTERVENTION_WEEK) / WEEKS_PER_MONTH)


def impact_engagement(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return CheckResult(months_to_half_way(impact_curve(runs, "engagement"), 3))


def impact_attrition(runs: Runs, config: ScenarioConfig) -> CheckResult:
    curve = impact_curve(runs, "quit_hazard")
    result = CheckResult(months_to_half_way(curve, 9))
    result.condition_holds = curve.iloc[-WEEKS_PER_YEAR:].mean() < 0  # the programme lowers quits
    return result


def impact_applicants(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return CheckResult(months_to_half_way(impact_curve(runs, "applicants_per_vacancy"), 1))


# ---- listening and understaffing ----------------------------------------------------------
def _last_year_mean(runs: Runs, name: str, column: str) -> pd.Series:
    ts = runs[name]["timeseries"]
    last = ts[ts["year"] == ts["year"].max()]
    return last.groupby("replicate")[column].mean()


def surveys_without_follow_up(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return over_replicates(_last_year_mean(runs, "surveys_no_follow_up", "trust_org") - _last_year_mean(runs, "base", "trust_org"))


def understaffing(runs: Runs, config: ScenarioConfig) -> CheckResult:
    def attrition(name):
        return _yearly(runs, name).groupby("replicate")["voluntary_attrition_rate"].mean()
    understaffed = attrition("understaffed")
    fix = (understaffed - attrition("base")).mean()
    shares = {name: (understaffed - attrition(f"understaffed_{name}")).mean() / fix for name in ("perks", "training")}
    note = f"perks {shares['perks']:.0%}, training {shares['training']:.0%} of the staffing fix"
    return CheckResult(float(max(shares.values())), condition_holds=fix > 0, note=note)


# ---- plausibility: extremes and smooth response curves ---------------------------------------
SLOPE_NOISE = 0.01  # attrition steps under 1 point count as flat (assumption)


def _extreme(runs: Runs, kpi: str, worst) -> CheckResult:
    """The worst of the extreme scenarios' mean yearly `kpi` (worst = max or min), with its interval."""
    per_scenario = {name: _yearly(runs, name).groupby("replicate")[kpi].mean() for name in EXTREMES}
    name = worst(per_scenario, key=lambda n: per_scenario[n].mean())
    result = over_replicates(per_scenario[name])
    result.note = ", ".join(f"{n} {v.mean():.3g}" for n, v in per_scenario.items())
    return result


def extreme_attrition(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return _extreme(runs, "voluntary_attrition_rate", max)


def extreme_absence(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return _extreme(runs, "absence_rate", max)


def extreme_enps(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return _extreme(runs, "enps", min)


def response_curve(runs: Runs, names: list[str], kpi: str = "voluntary_attrition_rate") -> np.ndarray:
    """Mean yearly `kpi` per scenario (columns) and replicate (rows); replicates share seeds across scenarios."""
    return np.column_stack([_yearly(runs, name).groupby("replicate")[kpi].mean().to_numpy() for name in names])


def largest_slope_change(x: np.ndarray, y: np.ndarray) -> float:
    """The largest ratio between neighbouring slopes of a rising curve y(x) (inf if it falls).

    `y` holds one row per replicate (or is a single curve). Each step of the mean curve is read
    give or take one standard error of the paired replicate steps, and as at least SLOPE_NOISE; two
    neighbouring slopes differ by the smallest ratio those readings allow. Replicate noise is thus
    neither a kink nor a fall, while a hinge (a step several times its neighbour's) still shows.
    """
    per_replicate = np.atleast_2d(y)
    steps = np.diff(per_replicate, axis=1)
    mean, error = steps.mean(axis=0), step_errors(steps)
    if np.any(mean < -np.maximum(SLOPE_NOISE, 2.0 * error)):
        return float("inf")  # the curve turns down beyond the noise: not monotone
    low = np.maximum(mean - error, SLOPE_NOISE) / np.diff(x)
    high = np.maximum(mean + error, SLOPE_NOISE) / np.diff(x)
    ratios = np.maximum(low[1:] / high[:-1], low[:-1] / high[1:])
    return float(np.max(np.maximum(ratios, 1.0)))


def step_errors(steps: np.ndarray) -> np.ndarray:
    """Standard error of each mean step over replicates (rows); zero for a single curve."""
    if len(steps) < 2:
        return np.zeros(steps.shape[1])
    return steps.std(axis=0, ddof=1) / np.sqrt(len(steps))


def _smooth(runs: Runs, prefix: str, grid: tuple, x: np.ndarray) -> CheckResult:
    y = response_curve(runs, [f"{prefix}_{v}" for v in grid])
    steps = np.diff(y, axis=1)
    note = ("attrition " + ", ".join(f"{v}: {a:.1%}" for v, a in zip(grid, y.mean(axis=0)))
            + "; steps (points) " + ", ".join(f"{100 * m:+.1f}±{100 * e:.1f}" for m, e in zip(steps.mean(axis=0), step_errors(steps))))
    return CheckResult(largest_slope_change(x, y), note=note)


def smooth_span(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return _smooth(runs, "span", SPAN_GRID, np.log(np.array(SPAN_GRID, dtype=float)))


def smooth_workload(runs: Runs, config: ScenarioConfig) -> CheckResult:
    return _smooth(runs, "workload", WORKLOAD_GRID, np.array(WORKLOAD_GRID))
