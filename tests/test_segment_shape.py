"""`exsim calibrate --segment` with a fitted tenure shape: the shape is refitted with every segment's rate free
(the segments' own tenure curves, not everyone's pooled one), and the scenario's shape is kept when the refit's
region holds it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim import load_config
from exsim.calibration.output import _segment_lines, calibrated_toml
from exsim.calibration.segments import (
    RATE,
    WINDOW,
    Segment,
    SharedFit,
    fit_rates,
    fit_shared,
    guesses,
    plan_segments,
)
from exsim.calibration.targets import Targets, observed_targets
from exsim.calibration.uncertainty import TRIALS_PER_TERM, n_terms
from exsim.data.records import read_employee_records
from tests.synthetic_survival import Weibull, draw_file
from tests.test_segments import CountingPool

ROOT = Path(__file__).resolve().parents[1]
SHAPE = "attrition.late_multiplier"  # stands for the shape here: the analytic model's Weibull exponent
RANGE = {SHAPE: (0.2, 1.5)}
BOUNDS = (0.005, 1.0)


def weibull_people(path: Path, rates: dict[str, float], exponent: float, sizes: dict[str, int], seed: int = 0,
                   max_tenure_months: float = 120) -> Path:
    """Survival records of segments whose cumulative hazard is rate x (years ** exponent), censored at a cut-off."""
    parts = []
    for i, (name, rate) in enumerate(rates.items()):
        truth = Weibull(exponent, 12 * rate ** (-1 / exponent))
        parts.append(draw_file(sizes[name], truth, max_tenure_months=max_tenure_months, seed=seed + i).assign(Region=name))
    frame = pd.concat(parts, ignore_index=True)
    frame["EmployeeNumber"] = np.arange(len(frame))
    frame.to_csv(path, index=False)
    return path


def read(path):
    return read_employee_records(path, {"tenure": "TENURE", "left": "LEFT"}, tenure_unit="months", design="survival")


def weibull(rate: float, exponent: float, months) -> Targets:
    """What a model with cumulative hazard rate x years ** exponent gives, nearly noiseless."""
    months = pd.Index(months)
    return Targets("survival", rate, pd.Series(np.exp(-rate * (months / 12) ** exponent), index=months),
                   pd.Series(0.003, index=months), all_exits=True)


def fitted(path: Path):
    """The plan of the file's segments, a simulator of the analytic model, step 1's rates and the joint refit."""
    records = read(path)
    observed = observed_targets(records)
    plan = plan_segments(records, "Region", load_config(), observed)

    def simulate(rates, shape=None):
        exponent = (shape or {}).get(SHAPE, 1.0)
        return {s.name: weibull(rates[s.name], exponent, s.observed.curve.index) for s in plan.fitted}

    first = guesses(plan, observed, {s.name: 0.1 for s in plan.fitted})
    rates, _ = fit_rates(plan.fitted, first, BOUNDS, simulate, seed=3, resamples=60)
    joint = fit_shared(plan.fitted, {n: r["best"] for n, r in rates.items()}, {SHAPE: 1.0}, RANGE, BOUNDS, simulate,
                       seed=3, resamples=60)
    return plan, rates, joint


def test_pooling_fast_and_slow_leavers_bends_the_shape_and_the_segments_refit_does_not(tmp_path):
    """Two segments with constant hazards (the scenario's shape, exponent 1) of 0.03 and 0.5 a year: everyone
    pooled looks like a hazard falling with tenure (the fast leavers go first), so a shape fitted to them
    excludes the truth; with each segment's rate free the refit holds it and the rates come back."""
    truth = {"north": 0.03, "south": 0.5}
    path = weibull_people(tmp_path / "people.csv", truth, 1.0, {"north": 700, "south": 700}, seed=10)
    records = read(path)
    observed = observed_targets(records)
    everyone = Segment("everyone", records.n_used, 0, 0, records, observed)

    def pooled(rates, shape=None):
        return {"everyone": weibull(rates["everyone"], (shape or {}).get(SHAPE, 1.0), observed.curve.index)}

    bent = fit_shared([everyone], {"everyone": 0.1}, {SHAPE: 1.0}, RANGE, BOUNDS, pooled, seed=3, resamples=60)
    assert bent.shape[SHAPE]["high"] < 0.9 and not bent.holds({SHAPE: 1.0})
    _, rates, joint = fitted(path)
    assert joint.holds({SHAPE: 1.0}) and joint.shape[SHAPE]["low"] <= 1.0 <= joint.shape[SHAPE]["high"]
    for name, rate in truth.items():
        assert rates[name]["low"] <= rate <= rates[name]["high"], (name, rates[name])
        assert joint.rates[name]["low"] <= rate <= joint.rates[name]["high"], (name, joint.rates[name])


def test_a_shape_the_segments_demand_is_found_with_their_rates(tmp_path):
    """Exponent 0.6 (a hazard falling within each segment), rates 0.06 and 0.14: the scenario's exponent 1 is
    outside the refit's region; the refit finds the exponent and the rates, which step 1's fit under the
    scenario's shape misses."""
    truth = {"north": 0.06, "south": 0.14}
    path = weibull_people(tmp_path / "people.csv", truth, 0.6, {"north": 700, "south": 700}, seed=6)
    _, rates, joint = fitted(path)
    assert not joint.holds({SHAPE: 1.0})
    shape = joint.shape[SHAPE]
    assert shape["low"] <= 0.6 <= shape["high"] and shape["identified"]
    assert shape["window_low"] < shape["best"] < shape["window_high"]
    for name, rate in truth.items():
        row = joint.rates[name]
        assert row["low"] <= rate <= row["high"] and row["identified"], (name, row)
        assert abs(row["best"] / rate - 1) < 0.2
        assert rates[name]["high"] < rate  # under the wrong shape the rates are far too low
    assert joint.runs % (TRIALS_PER_TERM * n_terms(2, interactions=True)) == 0 and joint.runs > 12  # it moved


@pytest.mark.parametrize("exponent", [1.0, 0.7])
def test_a_small_segment_and_heavy_censoring(tmp_path, exponent):
    """A segment of 300 people beside one of 1,500, everyone hired within three years (most still employed):
    the right shape is kept or found, and both rates lie in their intervals."""
    truth = {"north": 0.15, "south": 0.3}
    path = weibull_people(tmp_path / "people.csv", truth, exponent, {"north": 300, "south": 1500}, seed=21,
                          max_tenure_months=36)
    plan, rates, joint = fitted(path)
    assert [s.name for s in plan.fitted] == ["north", "south"]
    assert joint.holds({SHAPE: 1.0}) == (exponent == 1.0)
    final = rates if exponent == 1.0 else joint.rates
    for name, rate in truth.items():
        assert final[name]["low"] <= rate <= final[name]["high"], (name, final[name])
    assert joint.shape[SHAPE]["low"] <= exponent <= joint.shape[SHAPE]["high"]


def test_the_region_holds_a_shape_inside_every_widened_interval_or_beyond_an_open_window_edge():
    """Two shape parameters: each interval at 97.5% (Bonferroni for 95% jointly); fits piled on a window edge that
    is no search bound leave the region open beyond it, on a search bound closed."""
    rng = np.random.default_rng(1)
    cloud = np.column_stack([rng.normal(1.0, 0.05, 400), rng.uniform(0.5, 0.7, 400)])
    cloud[:, 1] = np.minimum(cloud[:, 1], 0.6)  # the second parameter's fits pile on its window's high edge, 0.6
    rows = {"a": {"window_low": 0.8, "window_high": 1.2}, "b": {"window_low": 0.4, "window_high": 0.6}}
    region = SharedFit({}, rows, cloud, np.array([False, False]), np.array([False, False]), 0)
    assert region.holds({"a": 1.0, "b": 0.55}) and region.holds({"a": 1.08, "b": 0.9})  # beyond the open edge
    assert not region.holds({"a": 1.2, "b": 0.55}) and not region.holds({"a": 1.0, "b": 0.45})
    on_bound = SharedFit({}, rows, cloud, np.array([False, False]), np.array([False, True]), 0)
    assert not on_bound.holds({"a": 1.0, "b": 0.9})  # the edge is the search's bound: nothing lies beyond it
    assert SharedFit({}, rows, np.empty((0, 2)), np.zeros(2, bool), np.zeros(2, bool), 0).holds({"a": 9, "b": 9})


def test_fit_segments_refits_the_shape_in_the_calibrated_organisation(monkeypatch, tmp_path):
    """The wiring on a tiny organisation: step 1's runs under the scenario's shape, a round of the joint refit,
    one check on fresh seeds; the shape table, the values calibrated.toml writes and the report's lines."""
    from exsim.calibration import segments
    from exsim.calibration.command import within_run
    from exsim.calibration.segments import fit_segments

    monkeypatch.setattr(segments, "ROUNDS", 1)
    path = weibull_people(tmp_path / "people.csv", {"north": 0.06, "south": 0.14}, 1.0, {"north": 500, "south": 500})
    records = read(path)
    base = load_config(None, ["org.headcount=150", "sim.burn_in_weeks=10", "sim.years=2", "sim.replicates=1",
                              f"{SHAPE}=0.9"])
    observed = within_run(observed_targets(records), 2)
    plan = plan_segments(records, "Region", base, observed)
    parameters = {RATE: (0.01, 0.4), SHAPE: (0.2, 1.5)}
    with CountingPool(1, 1) as pool:
        fit = fit_segments(plan, base, {RATE: 0.2, SHAPE: 0.3}, parameters, observed, pool, seed=2,
                           say=lambda _: None, resamples=20)
    runs = pool.configs
    joint_runs = TRIALS_PER_TERM * n_terms(2, interactions=True)
    row = fit.shape.set_index("parameter").loc[SHAPE]
    moved = not row["kept"]
    assert len(runs) == fit.runs == 1 + WINDOW + 1 + joint_runs + moved  # a pilot, step 1, its check, the refit
    shapes = [config.attrition.late_multiplier for config in runs]
    assert shapes[:WINDOW + 2] == [0.9] * (WINDOW + 2)  # step 1: the scenario's shape, not the search's 0.3
    assert len(set(shapes[WINDOW + 2:WINDOW + 2 + joint_runs])) == joint_runs and all(0.2 <= s <= 1.5 for s in shapes)
    fresh = [config.sim.seed != base.sim.seed for config in runs]
    assert fresh == [False] * (WINDOW + 1) + [True] + [False] * joint_runs + [True] * moved  # checks on fresh seeds
    assert (row["scenario"], row["search"]) == (0.9, 0.3)
    assert row["window_low"] <= row["refitted"] <= row["window_high"]
    assert row["written"] == (0.9 if row["kept"] else row["refitted"]) and fit.values[SHAPE] == row["written"]
    check = runs[-1] if moved else runs[WINDOW + 1]
    assert check.attrition.late_multiplier == pytest.approx(row["written"])
    people = {s.name: s.people for s in plan.fitted}
    mean = sum(fit.rates[n] * people[n] for n in fit.rates) / sum(people[n] for n in fit.rates)
    assert fit.values[RATE] == pytest.approx(mean) and check.attrition.base_quit_rate_per_year == pytest.approx(mean)
    assert {n: check.departments[n].attrition["base_quit_rate_per_year"] for n in fit.rates} == pytest.approx(
        fit.rates, rel=1e-5)  # the check's config holds the rates to 6 significant digits, as calibrated.toml does
    assert fit.notes and "tenure shape refitted with each segment's rate free" in fit.notes[0]
    lines = "\n".join(_segment_lines(fit, "survival"))
    assert "### The tenure shape with the segments' rates free" in lines and f"| {SHAPE} | 0.9 | 0.3 |" in lines
    (tmp_path / "base.toml").write_text("[org]\nheadcount = 150\n")
    result = type("Result", (), {"best_params": {RATE: 0.2, SHAPE: 0.3}})()
    text = calibrated_toml(tmp_path / "base.toml", result, path, {}, tmp_path, fit.departments, "Region", fit.values)
    attrition = tomllib.loads(text)["attrition"]
    assert attrition["late_multiplier"] == pytest.approx(fit.values[SHAPE], rel=1e-5)  # the segment fit's, not the search's
    assert attrition["base_quit_rate_per_year"] == pytest.approx(fit.values[RATE], rel=1e-5)


@pytest.mark.slow  # about two minutes: a model-generated file, a small search, the rates' rounds and the shape's
def test_segment_calibration_with_a_fitted_shape_recovers_the_rates_from_model_data(tmp_path):
    """Records drawn from the model (settled rates 0.06 and 0.14, the default shape); the search fits the rate
    and the late level on everyone pooled; the segment fit refits the late level with both rates free."""
    from tests.test_segments import TRUTH, model_people

    path = tmp_path / "people.csv"
    model_people(path)
    out = tmp_path / "cal"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", str(path), "--map", "tenure=TENURE",
                           "--map", "left=LEFT", "--tenure-unit", "months", "--design", "survival",
                           "--params", f"{RATE},{SHAPE}", "--trials", "6", "--candidates", "1",
                           "--replicates", "1", "--years", "5", "--set", "org.headcount=400",
                           "--set", "sim.burn_in_weeks=104", "--workers", "1", "--segment", "department",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "segments.csv").set_index("segment")
    for name, truth in TRUTH.items():
        assert abs(table.loc[name, "best"] / truth - 1) < 0.4, table.loc[name].to_dict()
    shape = pd.read_csv(out / "segment_shape.csv").set_index("parameter").loc[SHAPE]
    assert shape["scenario"] == 1.0 and shape["low"] <= 1.0 <= shape["high"], shape.to_dict()
    calibrated = tomllib.loads((out / "calibrated.toml").read_text())
    assert calibrated["attrition"]["late_multiplier"] == pytest.approx(shape["written"], rel=1e-5)
    assert {name: d["attrition"]["base_quit_rate_per_year"] for name, d in calibrated["departments"].items()} == \
        pytest.approx(table["best"].to_dict(), rel=1e-5)
    assert "tenure shape refitted with each segment's rate free" in done.stdout
    assert "### The tenure shape with the segments' rates free" in (out / "report.md").read_text()
