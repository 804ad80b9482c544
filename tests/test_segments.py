"""`exsim calibrate --segment`: one settled quit rate per segment with the tenure shape shared; the
segments checked before anything runs; calibrated.toml with a [departments.<segment>] table each."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.calibration.fit import ReplicatePool
from exsim.calibration.output import calibrated_toml
from exsim.calibration.segments import (
    MIN_LEAVERS,
    WINDOW,
    calibrated_config,
    describe,
    fit_rates,
    guesses,
    plan_segments,
)
from exsim.calibration.targets import Targets, observed_targets
from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH
from exsim.data.errors import DataError
from exsim.data.records import read_employee_records
from tests.synthetic_survival import draw_survival_file

ROOT = Path(__file__).resolve().parents[1]
TRUTH = {"north": 0.06, "south": 0.14}  # exits per person-year, constant in tenure


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> Path:
    """Survival records of two regions whose exit hazards differ, plus a tiny third one and a pay group."""
    parts = []
    for i, (region, hazard) in enumerate(TRUTH.items()):
        frame = draw_survival_file(700, (0, np.inf), (hazard,), max_tenure_months=120, seed=i)
        parts.append(frame.assign(Region=region))
    tiny = draw_survival_file(25, (0, np.inf), (0.1,), max_tenure_months=120, seed=9).assign(Region="islands")
    frame = pd.concat([*parts, tiny], ignore_index=True)
    frame["EmployeeNumber"] = np.arange(len(frame))
    frame["PAY"] = np.where(frame.index % 2, "hourly", "salaried")
    frame["SCORE"] = np.round(np.random.default_rng(1).uniform(0, 1, len(frame)), 3)
    path = tmp_path_factory.mktemp("segments") / "people.csv"
    frame.to_csv(path, index=False)
    return path


def read(path):
    return read_employee_records(path, {"tenure": "TENURE", "left": "LEFT"}, tenure_unit="months", design="survival")


def exponential(rate: float, months) -> Targets:
    """What a model with a constant hazard `rate` gives: retention exp(-rate t), nearly noiseless."""
    months = pd.Index(months)
    return Targets("survival", rate, pd.Series(np.exp(-rate * months / 12), index=months),
                   pd.Series(0.002, index=months), all_exits=True)


def test_the_rates_of_two_segments_are_recovered_within_their_intervals(people):
    records = read(people)
    observed = observed_targets(records)
    plan = plan_segments(records, "Region", load_config(), observed)
    assert [s.name for s in plan.fitted] == ["north", "south"] and [s.name for s in plan.small] == ["islands"]
    calls = []

    def simulate(rates):
        calls.append(rates)
        return {s.name: exponential(rates[s.name], s.observed.curve.index) for s in plan.fitted}

    start = guesses(plan, observed, {"north": 0.1, "south": 0.1})
    assert start["north"] < 0.1 < start["south"]  # first guesses follow the observed rates
    found, runs = fit_rates(plan.fitted, start, (0.01, 0.4), simulate, seed=3, resamples=60)
    assert runs == len(calls) and runs in (WINDOW, 2 * WINDOW)  # one run serves both segments
    ratios = [call["south"] / call["north"] for call in calls[-WINDOW:]]
    assert np.allclose(ratios, ratios[0])  # the segments move together from their centres
    for name, truth in TRUTH.items():
        row = found[name]
        assert row["low"] <= truth <= row["high"], (name, row)
        assert abs(row["best"] / truth - 1) < 0.15 and row["identified"]
        assert row["window_low"] < row["best"] < row["window_high"]
    far, runs = fit_rates(plan.fitted, {"north": 0.02, "south": 0.35}, (0.01, 0.4), simulate, seed=3, resamples=0)
    assert runs > WINDOW  # guesses three-fold off: the windows move to the estimates
    assert abs(far["north"]["best"] / 0.06 - 1) < 0.15 and abs(far["south"]["best"] / 0.14 - 1) < 0.15


def test_segments_are_named_counted_and_sized_by_the_people_still_employed(people):
    records = read(people)
    plan = plan_segments(records, "region", load_config(), observed_targets(records))  # case does not matter
    counts = {s.name: (s.people, s.leavers, s.staff) for s in plan.segments}
    assert counts["islands"][0] == 25 and counts["islands"][1] < MIN_LEAVERS
    frame = records.frame
    for name, (n, leavers, staff) in counts.items():
        own = frame[frame["Region"] == name]
        assert (n, leavers, staff) == (len(own), int(own["left"].sum()), int((~own["left"]).sum()))
    assert sum(plan.shares.values()) == pytest.approx(1.0, abs=1e-9)
    total = sum(s.staff for s in plan.segments)
    assert all(plan.shares[s.name] == pytest.approx(s.staff / total, abs=2e-6) for s in plan.segments)
    lines = describe(plan)
    assert "islands" in lines[1] and "exits of 25 people" in lines[1] and "keep the organisation's rate" in lines[1]
    tables = plan.tables({"north": 0.0612345678, "south": 0.14})
    assert tables["north"] == {"share": plan.shares["north"], "attrition": {"base_quit_rate_per_year": 0.0612346}}
    assert tables["islands"] == {"share": plan.shares["islands"]}  # too few exits: the organisation's rate


def test_calibrated_toml_has_a_department_per_segment_that_runs(people, tmp_path):
    records = read(people)
    base = load_config(None, ["org.headcount=400"])
    plan = plan_segments(records, "Region", base, observed_targets(records))
    tables = plan.tables({"north": 0.06, "south": 0.14})
    (tmp_path / "base.toml").write_text("[org]\nheadcount = 400\n")
    result = SimpleNamespace(best_params={"attrition.base_quit_rate_per_year": 0.1})
    text = calibrated_toml(tmp_path / "base.toml", result, people, {}, tmp_path, tables, "Region")
    assert tomllib.loads(text)["departments"]["south"]["attrition"] == {"base_quit_rate_per_year": 0.14}
    (tmp_path / "calibrated.toml").write_text(text)
    config = load_config(tmp_path / "calibrated.toml")
    assert list(config.departments) == ["north", "south", "islands"]
    assert calibrated_config(base, tables).departments == config.departments
    model = OrgModel(config, rng=1, burn_in_weeks=0)
    label = model.org.department_label()
    rate = np.broadcast_to(model.current.attrition.base_quit_rate_per_year, label.shape)
    for name, expected in (("north", 0.06), ("south", 0.14), ("islands", 0.1), ("executive", 0.1)):
        np.testing.assert_array_equal(rate[label == name], expected)


def test_bad_segments_are_refused_naming_what_is_there(people, tmp_path):
    records = read(people)
    observed = observed_targets(records)
    with pytest.raises(DataError, match=r"--segment site: the file has no such column; its columns are TENURE, LEFT, "
                                        r"EmployeeNumber, Region, PAY, SCORE"):
        plan_segments(records, "site", load_config(), observed)
    with pytest.raises(DataError, match="the file's tenure, not a group of people"):
        plan_segments(records, "TENURE", load_config(), observed)
    with pytest.raises(DataError, match="the file's employee id, not a group of people"):
        plan_segments(records, "EmployeeNumber", load_config(), observed)
    with pytest.raises(DataError, match=r"column 'SCORE' has [\d,]+ different values; expected at most 50 groups"):
        plan_segments(records, "SCORE", load_config(), observed)
    departments = load_config(None, ["departments.north.share=0.5", "departments.east.share=0.5"])
    with pytest.raises(DataError, match="south, islands are not among the departments of the scenario's "
                                        r"\[departments\] tables; the segments: north, south, islands; the departments: "
                                        "north, east"):
        plan_segments(records, "Region", departments, observed)
    small = records.frame[records.frame["Region"] == "islands"].reset_index(drop=True)
    few = type(records)(**{**records.__dict__, "frame": pd.concat([small, small.assign(Region="other")])})
    with pytest.raises(DataError, match=f"no segment has {MIN_LEAVERS} exits to fit a rate to: islands"):
        plan_segments(few, "Region", load_config(), observed)


def test_calibrate_with_an_unknown_segment_exits_2_before_writing(people, tmp_path):
    out = tmp_path / "cal"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", str(people), "--map", "tenure=TENURE",
                           "--map", "left=LEFT", "--tenure-unit", "months", "--segment", "site", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "--segment site: the file has no such column; its columns are TENURE, LEFT, EmployeeNumber, Region, PAY, SCORE" \
        in done.stderr
    assert "trial" not in done.stderr and not out.exists()


def model_people(path: Path) -> None:
    """Survival records drawn from the model: two departments whose settled quit rates are 0.06 and 0.14."""
    config = load_config(None, ["org.headcount=800", "sim.burn_in_weeks=104",
                                *(f"departments.{name}.share=0.5" for name in TRUTH),
                                *(f"departments.{name}.attrition.base_quit_rate_per_year={rate}"
                                  for name, rate in TRUTH.items())])
    model = OrgModel(config, rng=21)
    model.run(52 * 7)
    spells = model.tables()["spells"]
    hired = spells[(spells["hire_week"] >= 1) & (spells["department"] != "executive")]  # the top seat's few spells
    pd.DataFrame({"TENURE": hired["tenure_weeks"] / CALENDAR_WEEKS_PER_MONTH,
                  "LEFT": hired["exit_week"].notna().astype(int), "Department": hired["department"]}).to_csv(path, index=False)


@pytest.mark.slow  # about 45 seconds: a model-generated file, a small search, rounds of nine runs
def test_segment_calibration_recovers_two_departments_rates_from_model_data(tmp_path):
    path = tmp_path / "people.csv"
    model_people(path)
    out = tmp_path / "cal"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", str(path), "--map", "tenure=TENURE",
                           "--map", "left=LEFT", "--tenure-unit", "months", "--design", "survival",
                           "--params", "attrition.base_quit_rate_per_year", "--trials", "4", "--candidates", "1",
                           "--replicates", "1", "--years", "5", "--set", "org.headcount=400",
                           "--set", "sim.burn_in_weeks=104", "--workers", "1", "--segment", "department",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "segments.csv").set_index("segment")
    assert table.loc["north", "best"] < table.loc["south", "best"]
    for name, truth in TRUTH.items():
        assert abs(table.loc[name, "best"] / truth - 1) < 0.4, table.loc[name].to_dict()
    assert f"segment south: attrition.base_quit_rate_per_year = {table.loc['south', 'best']:.4g}" in done.stdout
    departments = tomllib.loads((out / "calibrated.toml").read_text())["departments"]
    assert {name: d["attrition"]["base_quit_rate_per_year"] for name, d in departments.items()} == \
        pytest.approx(table["best"].to_dict(), rel=1e-5)
    assert "## Segments" in (out / "report.md").read_text()


def test_fit_segments_runs_the_calibrated_organisation_and_checks_it_on_fresh_seeds(people, monkeypatch):
    """The wiring on a tiny organisation (too small and short to tell the rates apart: the recovery is the
    slow test's): every run is the calibrated organisation (a department per segment), the last one on
    fresh seeds."""
    from exsim.calibration import segments
    from exsim.calibration.command import within_run
    from exsim.calibration.segments import fit_segments

    monkeypatch.setattr(segments, "ROUNDS", 1)  # one round: re-centring is the analytic test's
    records = read(people)
    base = load_config(None, ["org.headcount=150", "sim.burn_in_weeks=10", "sim.years=2", "sim.replicates=1"])
    observed = within_run(observed_targets(records), 2)
    plan = plan_segments(records, "Region", base, observed)
    with CountingPool(1, 1) as pool:
        fit = fit_segments(plan, base, {}, {}, observed, pool, seed=2, say=lambda _: None, resamples=40)
    runs = pool.configs
    table = fit.table.set_index("segment")
    assert len(runs) == fit.runs == WINDOW + 1
    assert all(list(config.departments) == ["north", "south", "islands"] for config in runs)
    seeds = [config.sim.seed == base.sim.seed for config in runs]
    assert seeds == [True] * WINDOW + [False]  # common seeds for the fit, fresh ones for the check
    last = runs[-1].departments
    assert {name: last[name].attrition.get("base_quit_rate_per_year") for name in last} == \
        {"north": pytest.approx(fit.rates["north"], rel=1e-5), "south": pytest.approx(fit.rates["south"], rel=1e-5),
         "islands": None}  # islands: too few exits, the organisation's rate
    for name in ("north", "south"):
        assert table.loc[name, "window_low"] <= table.loc[name, "best"] <= table.loc[name, "window_high"]
        assert table.loc[name, "resamples"] == 40
    assert not table.loc["islands", "fitted"] and "keeps the organisation's rate" in table.loc["islands", "note"]
    assert set(fit.rates) == {"north", "south"} and fit.departments == plan.tables(fit.rates)
    assert WINDOW < fit.runs <= 3 * WINDOW + 1  # the lattice (each rate once) and one check run
    assert np.isfinite(table.loc[["north", "south"], ["simulated_attrition", "loss"]].to_numpy(dtype=float)).all()


class CountingPool(ReplicatePool):
    """A replicate pool that keeps every config it was asked to run (`configs`), in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configs = []

    def run(self, config):
        self.configs.append(config)
        return super().run(config)
