"""Every shipped scenario and lesson runs through `exsim run` (small sizes) and gives sane KPIs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from exsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs").glob("*.toml")) + sorted((ROOT / "configs" / "lessons").glob("*.toml"))
SMALL = ["--years", "1", "--replicates", "1", "--workers", "1", "--no-figures",
         "--set", "org.headcount=80", "--set", "sim.burn_in_weeks=26"]


def test_the_shipped_set_is_what_we_think_it_is():
    names = {p.stem for p in SHIPPED}
    assert {"baseline", "manager-training", "perks", "understaffing", "wide-spans"} <= names
    assert len(SHIPPED) >= 12


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT / "configs").as_posix())
def test_shipped_config_runs_and_gives_kpis_in_range(path, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["run", str(path), *SMALL, "--out", str(out)])
    assert done.exit_code == 0, done.output
    summary = pd.read_csv(out / "summary.csv")
    final = summary[summary["year"] == summary["year"].max()].set_index("metric")["mean"]
    for rate in ("voluntary_attrition_rate", "absence_rate", "engagement", "csat"):
        assert 0.0 <= final[rate] <= 1.0 and math.isfinite(final[rate]), (rate, final[rate])
    assert -100 <= final["enps"] <= 100


def test_shipped_config_with_its_business_case(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "case"
    done = CliRunner().invoke(main, ["run", "configs/manager-training.toml", *SMALL, "--baseline",
                                     "configs/baseline.toml", "--out", str(out)])
    assert done.exit_code == 0, done.output
    case = pd.read_csv(out / "business_case.csv")
    missing = case[case["mean"].isna()]
    # not given: ROI per year (over the whole run only) and the payback month when no replicate paid back
    paid_back = case.loc[case["metric"] == "paid_back_replicates", "mean"].iloc[0]
    allowed = (missing["metric"] == "roi") & (missing["period"] != "total") | (
        (missing["metric"] == "payback_month") & (paid_back == 0))
    assert allowed.all(), missing
    assert case.loc[case["metric"] == "net_benefit", "mean"].notna().all()
