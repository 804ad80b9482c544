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
