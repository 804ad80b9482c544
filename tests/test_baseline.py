"""The shipped baseline: a fixed-seed regression check, and its place inside FACTS F1, F2 and F12."""

import pandas as pd
import pytest

from exsim import load_config
from exsim.results import combine, yearly_kpis
from exsim.runs import run_replicates
from tests.regenerate_baseline import BASELINE_FILE, ROOT, baseline_summary


def test_fixed_seed_baseline_matches_committed_summary():
    expected = pd.read_csv(BASELINE_FILE)
    actual = baseline_summary()
    pd.testing.assert_frame_equal(actual[["scenario", "year", "metric"]], expected[["scenario", "year", "metric"]],
                                  check_dtype=False)
    for column in ("mean", "p05", "p95"):
        assert actual[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=1e-6, abs=1e-9), (
            f"baseline {column} changed: if the model change is deliberate, run `make baseline` and commit")


@pytest.fixture(scope="module")
def baseline_runs():
    config = load_config(ROOT / "configs" / "baseline.toml", ["sim.replicates=6", "sim.seed=2026"])
    return combine(run_replicates(config, workers=2, show_progress=False))


def test_baseline_voluntary_attrition_inside_f1(baseline_runs):
    rate = yearly_kpis(baseline_runs["timeseries"])["voluntary_attrition_rate"].mean()
    assert 0.10 <= rate <= 0.18  # FACTS F1: 10-18% voluntary a year


def test_baseline_absence_inside_f2(baseline_runs):
    rate = yearly_kpis(baseline_runs["timeseries"])["absence_rate"].mean()
    assert 0.04 <= rate <= 0.06  # FACTS F2: 4-6% of work days


def test_baseline_span_inside_f12(baseline_runs):
    teams = baseline_runs["teams"]
    spans = teams.drop_duplicates(["replicate", "team_id"])["span"]
    assert 6 <= spans.mean() <= 10  # FACTS F12: mean span 6-10
    assert spans.median() <= spans.mean() + 1
