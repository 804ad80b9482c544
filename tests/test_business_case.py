"""The business case in euros: savings, revenue, programme cost, net benefit, ROI and payback."""

import numpy as np
import pandas as pd
import pytest

from exsim.analysis.business_case import business_case, payback_month, weekly_gains
from exsim.metrics.kpis import COST_LINES

COST = (*COST_LINES, "cost_salaries")


def series(weeks=104, replicates=2, **values):
    rows = []
    for r in range(replicates):
        for w in range(1, weeks + 1):
            row = {"replicate": r, "week": w, "year": (w - 1) // 52 + 1, "revenue": 0.0, **{c: 0.0 for c in COST}}
            row.update({k: (v(w) if callable(v) else v) for k, v in values.items()})
            rows.append(row)
    return pd.DataFrame(rows)


def test_savings_minus_programme_cost_is_the_net_benefit():
    base = series(cost_turnover=1000.0, cost_absence=500.0, revenue=10000.0)
    scen = series(cost_turnover=600.0, cost_absence=400.0, revenue=10100.0,
                  cost_programmes=lambda w: 20000.0 if w == 1 else 100.0)
    case = business_case(scen, base).set_index(["period", "metric"])
    saved_per_week = 400 + 100 + 100
    assert case.loc[("year 1", "saved_turnover"), "mean"] == pytest.approx(400 * 52)
    assert case.loc[("year 1", "revenue_gain"), "mean"] == pytest.approx(100 * 52)
    expected_total = saved_per_week * 104 - (20000 + 100 * 103)
    assert case.loc[("total", "net_benefit"), "mean"] == pytest.approx(expected_total)
    assert case.loc[("total", "roi"), "mean"] == pytest.approx(expected_total / (20000 + 100 * 103))
    # cumulative: -20000 + 600 in week 1, then +500 a week: turns positive in week 40
    assert case.loc[("total", "payback_month"), "mean"] == pytest.approx(np.ceil(40 / (52 / 12)))


def test_never_paying_back_is_nan_and_pairing_is_enforced():
    assert np.isnan(payback_month(pd.Series([-5.0, 1.0, 1.0])))
    assert payback_month(pd.Series([1.0, 1.0])) == 1
    with pytest.raises(ValueError, match="paired"):
        weekly_gains(series(weeks=10), series(weeks=11))


def test_run_with_baseline_reports_the_business_case(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "case"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "run", "configs/manager-training.toml", "--baseline",
                           "configs/baseline.toml", "--years", "2", "--replicates", "2", "--set", "org.headcount=150",
                           "--set", "sim.burn_in_weeks=30", "--no-figures", "--out", str(out)],
                          capture_output=True, text=True, cwd=root, check=False)
    assert done.returncode == 0, done.stderr
    assert "net benefit against baseline" in done.stdout
    case = pd.read_csv(out / "business_case.csv")
    assert {"period", "metric", "mean", "p05", "p95"} <= set(case.columns)
    assert set(case["period"]) == {"year 1", "year 2", "total"}
    cost = case[(case.period == "total") & (case.metric == "programme_cost")]["mean"].iloc[0]
    assert cost > 0  # training the managers is not free
    report = (out / "report.md").read_text()
    assert "Business case: manager-training+headcount=150,burn_in_weeks=30 against baseline" in report
    assert "Net benefit" in report
    assert set(pd.read_parquet(out / "timeseries.parquet")["scenario"]) == {"baseline", "manager-training+headcount=150,burn_in_weeks=30"}


def test_roi_is_not_given_on_an_immaterial_cost():
    """A EUR 50 programme against EUR 10M of salaries: the ROI would be a ratio over noise, so it is n/a."""
    from exsim.analysis.business_case import business_case_markdown, roi_text

    base = series(replicates=3, cost_turnover=1000.0, cost_salaries=100_000.0)
    scen = series(replicates=3, cost_turnover=900.0, cost_salaries=100_000.0,
                  cost_programmes=lambda w: 50.0 if w == 1 else 0.0)
    case = business_case(scen, base)
    total = case.set_index(["period", "metric"])
    assert np.isnan(total.loc[("total", "roi"), "mean"])
    assert roi_text(case).startswith("n/a: cost EUR 0k under 0.1% of salaries")
    text = business_case_markdown(case, "cheap", "base")
    roi_row = next(line for line in text.splitlines() if line.startswith("| Return on investment"))
    assert "%" not in roi_row.replace("0.1% of salaries", "") and "n/a" in roi_row
    assert roi_row.split("|")[2].strip() == "-"  # no per-year ROI: a one-off cost and its benefits fall in different years
    # a material cost gets its ROI
    dear = series(replicates=3, cost_turnover=0.0, cost_salaries=100_000.0, cost_programmes=600.0)
    assert roi_text(business_case(dear, base)) == "67% [67%, 67%]"  # (1000 - 600) / 600
    # spending less than the baseline is no investment
    saving = series(replicates=3, cost_turnover=900.0, cost_salaries=100_000.0, cost_perks=-100.0)
    assert roi_text(business_case(saving, base)) == "n/a: spends less than the baseline"


def test_payback_is_the_same_in_ranking_and_detail():
    """Payback is one figure: the month the mean cumulative net benefit turns positive, with the replicates that pay back."""
    from exsim.analysis.business_case import business_case_markdown, payback_text
    from exsim.analysis.compare import compare_report

    base = series(replicates=3, cost_turnover=1000.0)
    # replicate 0 pays back in week 20, replicate 1 in week 60, replicate 2 never; the mean curve in between
    saved = {0: 1000.0, 1: 350.0, 2: 100.0}
    rows = []
    for r in range(3):
        one = series(replicates=1, cost_turnover=1000.0 - saved[r],
                     cost_programmes=lambda w: 20_000.0 if w == 1 else 0.0).assign(replicate=r)
        rows.append(one)
    scen = pd.concat(rows, ignore_index=True)
    case = business_case(scen, base)
    total = case[case["period"] == "total"].set_index("metric")
    assert total.loc["paid_back_replicates", "mean"] == 2
    mean_weekly = np.mean(list(saved.values()))  # the mean curve: -20000 + 483.3 a week
    expected_month = np.ceil((np.ceil(20_000 / mean_weekly) + 1) / (52 / 12))
    assert total.loc["payback_month", "mean"] == expected_month
    text = payback_text(case)
    assert text == f"month {expected_month:.0f} (2 of 3 replicates pay back)"
    detail = business_case_markdown(case, "scen", "base")
    assert text in detail
    ranked = pd.DataFrame([{"rank": 1, "scenario": "scen", "engagement": 0.6, "voluntary_attrition_rate": 0.1,
                            "absence_rate": 0.05, "csat": 0.7},
                           {"rank": 2, "scenario": "base", "engagement": 0.6, "voluntary_attrition_rate": 0.1,
                            "absence_rate": 0.05, "csat": 0.7}])
    memo = compare_report(ranked, {"scen": case}, "base", {"command": "exsim compare", "replicates": 3, "years": 2,
                                                            "seed": 1}, [])
    ranking_row = next(line for line in memo.splitlines() if line.startswith("| 1 | scen |"))
    assert text in ranking_row and memo.count(text) == 2  # the ranking and the business case say the same


def test_single_and_two_replicate_cases_give_no_interval():
    from exsim.analysis.business_case import business_case_markdown

    for n, phrase in ((1, "single run, no interval"), (2, "n = 2 replicates, no interval")):
        base = series(replicates=n, cost_turnover=1000.0, cost_salaries=10_000.0)
        scen = series(replicates=n, cost_turnover=500.0, cost_salaries=10_000.0, cost_programmes=200.0)
        text = business_case_markdown(business_case(scen, base), "s", "b")
        assert phrase in text
        net = next(line for line in text.splitlines() if line.startswith("| Net benefit"))
        assert "[" not in net and "EUR 31k" in net  # (500 - 200) x 104 weeks, no "[31k, 31k]"
