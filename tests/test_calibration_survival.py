"""Calibration on survival records (issue 11): the design is detected and said, the data's own noise
scales the misfit, the best candidates are re-run, held-out people are scored, and plain survival
models stand beside the calibrated model."""

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim.calibration.command import split_records
from exsim.calibration.targets import Targets, loss, observed_targets
from exsim.data.errors import DataError
from exsim.data.records import read_employee_records
from tests.synthetic_survival import draw_survival_file

ROOT = Path(__file__).resolve().parents[1]
BANDS, HAZARDS = (0, 3, 12, 24, 60, np.inf), (0.08, 0.22, 0.18, 0.12, 0.08)


@pytest.fixture(scope="module")
def survival_file(tmp_path_factory) -> Path:
    """~1,000 people followed up to 15 years, half still employed (censored), plus a column to segment by."""
    frame = draw_survival_file(1000, BANDS, HAZARDS, max_tenure_months=180, seed=5)
    frame["TENURE"] = frame["TENURE"].round(0)
    frame["PAY_GROUP"] = np.where(frame.index % 3 == 0, "hourly", "salaried")
    path = tmp_path_factory.mktemp("survival") / "people.csv"
    frame.to_csv(path, index=False)
    return path


def read(path, **kw):
    return read_employee_records(path, {"tenure": "TENURE", "left": "LEFT"}, tenure_unit="months", **kw)


def test_many_leavers_read_as_survival_records_with_the_reason_said(survival_file):
    records = read(survival_file)
    assert records.design == "survival"
    assert "have left" in records.design_reason and "--design snapshot" in records.design_reason
    assert records.extra_columns == ["PAY_GROUP"] and set(records.frame["PAY_GROUP"]) == {"hourly", "salaried"}


def test_the_user_can_say_snapshot_and_a_dated_design_needs_dates(survival_file):
    assert read(survival_file, design="snapshot").design == "snapshot"
    with pytest.raises(DataError, match="--design dates needs hire and exit dates"):
        read(survival_file, design="dates")


def test_survival_targets_are_kaplan_meier_with_standard_errors_against_the_truth(survival_file):
    observed = observed_targets(read(survival_file))
    assert observed.mode == "survival" and observed.all_exits  # no reason column: every exit counts
    assert list(observed.curve.index[:6]) == [3, 6, 12, 24, 36, 60]
    truth = np.exp(-np.array([sum(min(max(m - lo, 0), hi - lo) * h / 12 for lo, hi, h in zip(BANDS[:-1], BANDS[1:], HAZARDS))
                              for m in observed.curve.index]))
    z = (observed.curve.to_numpy() - truth) / observed.se.to_numpy()
    assert np.all(np.abs(z) < 3.5), z


def test_loss_is_a_chi_square_on_the_datas_own_noise():
    curve = pd.Series([0.9, 0.7, 0.5], index=[12, 24, 60])
    se = pd.Series([0.01, 0.02, 0.05], index=curve.index)
    observed = Targets("survival", 0.1, curve, se)
    assert loss(observed, Targets("survival", 0.1, curve, se * 0)) == 0.0
    off = Targets("survival", 0.1, curve - 0.05, se * 0)
    expected = sum((0.05 / np.sqrt(s ** 2 + 0.01 ** 2)) ** 2 for s in se)
    assert loss(observed, off) == pytest.approx(expected)  # a 5-point miss counts less where the data are noisier


def test_holdout_split_is_reproducible_and_disjoint(survival_file):
    records = read(survival_file)
    train, test = split_records(records, 0.3, seed=7)
    again, _ = split_records(records, 0.3, seed=7)
    assert len(test.frame) == 300 and len(train.frame) == 700
    assert set(train.frame["employee_id"]).isdisjoint(test.frame["employee_id"])
    assert train.frame["employee_id"].tolist() == again.frame["employee_id"].tolist()


def test_calibrate_a_survival_file_end_to_end(survival_file, tmp_path):
    out = tmp_path / "cal"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", str(survival_file), "--map", "tenure=TENURE",
                           "--map", "left=LEFT", "--tenure-unit", "months", "--holdout", "0.3", "--trials", "6", "--candidates", "3",
                           "--replicates", "1", "--years", "6", "--set", "org.headcount=150",
                           "--set", "sim.burn_in_weeks=104", "--workers", "1", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert "design: " in done.stderr and "survival records" in done.stderr and "300 held out" in done.stderr
    assert "retention after month 60 is not fitted" in done.stderr  # 6 years follow new hires 60 months
    fit = pd.read_csv(out / "fit.csv")
    assert set(fit["sample"]) == {"fitted", "held out"}
    assert {"weibull", "exponential", "piecewise", "observed_se"} <= set(fit.columns)
    curve = fit[fit["target"].str.startswith("retention")]
    assert curve["weibull"].between(0, 1).all() and curve["observed_se"].gt(0).all()
    candidates = pd.read_csv(out / "candidates.csv")
    assert len(candidates) == 3 and candidates["loss_mean"].is_monotonic_increasing  # too few trials for an emulator
    assert candidates["winner"].tolist() == [True, False, False]
    report = (out / "report.md").read_text()
    assert "Design: " in report and "PAY_GROUP" in report and "weibull" in report and "people the fit never saw" in report
    assert "No intervals: 6 trials are too few for an emulator of 5 parameters (at least 22)" in report
    assert pd.read_csv(out / "parameters.csv")["low"].isna().all()  # no interval rather than a made-up one
    fitted = tomllib.loads((out / "calibrated.toml").read_text())["attrition"]
    assert {"start_multiplier", "late_multiplier", "tenure_peak_weeks"} <= set(fitted)
    best = candidates.iloc[0]
    assert fitted["late_multiplier"] == pytest.approx(best["attrition.late_multiplier"], rel=1e-5)


def test_a_run_too_short_for_the_first_retention_point_is_refused(survival_file):
    from exsim.calibration.command import within_run
    from exsim.errors import UserError
    observed = observed_targets(read(survival_file))
    assert list(within_run(observed, 4).curve.index) == [3, 6, 12, 24, 36]
    with pytest.raises(UserError, match="use --years 12"):
        within_run(observed, 1)


def test_left_truncated_records_give_the_true_retention_only_with_their_entry_tenure(tmp_path):
    """An export of people employed in the last two years misses earlier leavers: with the tenure at
    the start of observation mapped, Kaplan-Meier recovers the truth; without it, retention is overstated."""
    frame = draw_survival_file(3000, BANDS, HAZARDS, max_tenure_months=180, window_months=24, seed=9)
    path = tmp_path / "window.csv"
    frame.to_csv(path, index=False)
    truth = frame.attrs["truth"]
    mapped = read_employee_records(path, {"tenure": "TENURE", "left": "LEFT", "entry_tenure": "TENURE_AT_START"},
                                   tenure_unit="months", design="survival")
    with_entry = observed_targets(mapped)
    z = (with_entry.curve.to_numpy() - truth.survival(with_entry.curve.index.to_numpy())) / with_entry.se.to_numpy()
    assert np.all(np.abs(z) < 3.5), z
    assert observed_targets(read(path, design="survival")).curve.equals(with_entry.curve)  # the column is recognised
    frame.drop(columns="TENURE_AT_START").to_csv(path, index=False)
    naive = observed_targets(read(path, design="survival"))
    assert (naive.curve[60] - truth.survival(60)) > 0.08  # earlier leavers missing: retention looks far better


def test_an_entry_tenure_after_the_exit_names_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,TENURE,LEFT,START\n1,10,1,2\n2,5,0,7\n")
    with pytest.raises(DataError, match="start of observation") as err:
        read_employee_records(path, {"tenure": "TENURE", "left": "LEFT", "entry_tenure": "START"}, tenure_unit="months")
    assert "row 3" in str(err.value)


@pytest.mark.slow
def test_recovers_a_known_tenure_shape_from_censored_model_data(tmp_path):
    """Survival records drawn from the model itself (a quiet start and a low late level, censored at
    the end of the run): calibration puts the known values inside its 95% bootstrap intervals.
    (The range of near-best trials used before put the late level 0.5 outside [0.58, 0.72].)"""
    from exsim import OrgModel, load_config
    truth = {"attrition.start_multiplier": 0.3, "attrition.late_multiplier": 0.5}
    setting = ["org.headcount=1000", "sim.burn_in_weeks=104", "attrition.late_decline_weeks=52"]
    model = OrgModel(load_config(None, [*setting, *(f"{k}={v}" for k, v in truth.items())]), rng=21)
    model.run(52 * 8)
    spells = model.tables()["spells"]
    hired = spells[spells["hire_week"] >= 1]
    path = tmp_path / "model-people.csv"
    pd.DataFrame({"TENURE": hired["tenure_weeks"] / (365.25 / 7 / 12), "LEFT": hired["exit_week"].notna().astype(int)}
                 ).to_csv(path, index=False)
    out = tmp_path / "cal"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", str(path), "--map", "tenure=TENURE",
                           "--map", "left=LEFT", "--tenure-unit", "months", "--design", "survival",
                           "--params", "attrition.start_multiplier:0.1:1.5,attrition.late_multiplier:0.2:1.5",
                           "--trials", "20", "--years", "8", *(a for s in setting for a in ("--set", s)),
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "parameters.csv").set_index("parameter")
    for key, value in truth.items():
        row = table.loc[key]
        width = row["search_high"] - row["search_low"]
        assert row["low"] <= value <= row["high"], (key, row.to_dict())
        assert row["high"] - row["low"] < 0.6 * width, (key, row.to_dict())  # the data say something


def test_a_holdout_too_small_to_score_is_refused_before_any_trial(tmp_path):
    frame = draw_survival_file(60, BANDS, HAZARDS, max_tenure_months=180, seed=2)
    path = tmp_path / "small.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "cal"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", str(path), "--map", "tenure=TENURE",
                           "--map", "left=LEFT", "--tenure-unit", "months", "--design", "survival", "--holdout", "0.1",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2 and "--holdout 0.1" in done.stderr and "held-out people are too few" in done.stderr
    assert "Traceback" not in done.stderr and "trial" not in done.stderr and not out.exists()


@pytest.mark.slow
def test_calibrated_run_reproduces_new_hire_retention_within_three_points(tmp_path):
    """Issue 11's end-to-end check (about 3 minutes): calibrate a censored survival file with the
    defaults, run calibrated.toml, and compare its new hires' retention with the data's Kaplan-Meier."""
    from exsim.analysis.survival import km_retention, spells_to_survival_frame
    frame = draw_survival_file(1100, BANDS, HAZARDS, max_tenure_months=180, seed=5)
    frame["TENURE"] = frame["TENURE"].round(0)
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    cal, run = tmp_path / "cal", tmp_path / "run"
    for args in (["calibrate", str(path), "--map", "tenure=TENURE", "--map", "left=LEFT", "--tenure-unit", "months",
                  "--holdout", "0.3", "--out", str(cal)],
                 ["run", str(cal / "calibrated.toml"), "--years", "12", "--replicates", "4", "--no-figures",
                  "--out", str(run)]):
        done = subprocess.run([sys.executable, "-m", "exsim.cli", *args], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr
    months = [12, 24, 36, 60]
    data = km_retention(read(path).survival_frame(), months)["retention"].to_numpy()
    spells = pd.read_parquet(run / "spells.parquet")
    model = km_retention(spells_to_survival_frame(spells, hired_during_run=True, voluntary_only=False), months)
    assert np.all(np.abs(model["retention"].to_numpy() - data) <= 0.031), (data, model["retention"].to_numpy())
    weibull = pd.read_csv(cal / "fit.csv").query("sample == 'held out'")
    assert weibull["weibull"].notna().any()  # the report sets the calibrated model beside a plain survival model
