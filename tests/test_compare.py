"""`exsim compare`: scenarios against the first on paired seeds, ranked by net benefit, in a board memo."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_compare_ranks_scenarios_and_writes_a_memo(tmp_path):
    out = tmp_path / "cmp"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "compare", "configs/baseline.toml",
                           "configs/manager-training.toml", "configs/wide-spans.toml", "--years", "2",
                           "--replicates", "2", "--set", "org.headcount=200", "--set", "sim.burn_in_weeks=52",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    ranked = pd.read_csv(out / "ranking.csv")
    assert list(ranked["rank"]) == [1, 2, 3]
    assert ranked["net_benefit"].is_monotonic_decreasing
    assert ranked.iloc[-1]["scenario"] == "wide-spans"  # far below; training's net benefit in 2 years at 200
    by_name = ranked.set_index("scenario")  # people is near zero either way (it pays back from month 18 at 500)
    assert by_name.loc["manager-training", "engagement"] > by_name.loc["baseline", "engagement"] > \
        by_name.loc["wide-spans", "engagement"]
    report = (out / "report.md").read_text()
    assert "net benefit" in report.lower() and "payback" in report.lower() and "EUR" in report
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert set(ts["scenario"]) == {"baseline", "manager-training", "wide-spans"}
    seeds = ts.groupby("scenario")["seed"].unique().apply(sorted)
    assert seeds["baseline"] == seeds["wide-spans"]  # paired replicates
    assert {"kpis.png", "net_benefit.png"} <= {p.name for p in (out / "figures").iterdir()}
    case = pd.read_csv(out / "business_case.csv")
    assert set(case["scenario"]) == {"manager-training", "wide-spans"}
