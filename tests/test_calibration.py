"""`exsim calibrate`: targets from HR data, Optuna search, outputs, resume, recovery and errors."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.calibration.output import calibrated_toml, toml_value

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SMALL = ["--set", "org.headcount=250", "--set", "sim.burn_in_weeks=150", "--workers", "2", "--candidates", "2"]
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared datasets not found at {SHARED}")


def calibrate(*args):
    return subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", *args], capture_output=True, text=True,
                          cwd=ROOT, check=False)


def export_as_hr_file(path: Path, base_quit_rate: float) -> None:
    """Spells of a model run written as an HR export with hire and exit dates (a known truth)."""
    config = load_config(None, ["org.headcount=250", f"attrition.base_quit_rate_per_year={base_quit_rate}",
                                "sim.burn_in_weeks=150"])
    model = OrgModel(config, rng=11)
    model.run(52 * 5)
    spells = model.tables()["spells"]
    start = pd.Timestamp("2015-01-05")
    hire = start + pd.to_timedelta(spells["hire_week"].astype(int) * 7, unit="D")
    exit_ = start + pd.to_timedelta(spells["exit_week"].astype(float) * 7, unit="D")
    pd.DataFrame({"EmpID": spells["employee_id"], "Hired": hire.dt.strftime("%Y-%m-%d"),
                  "Left": exit_.dt.strftime("%Y-%m-%d").where(spells["exit_week"].notna(), ""),
                  "Reason": spells["exit_reason"].fillna("")}).to_csv(path, index=False)


@pytest.mark.slow  # about a minute; resuming is also covered by tests/test_calibration_resume.py
def test_recovers_a_known_quit_rate_within_its_interval_and_resumes(tmp_path):
    data = tmp_path / "export.csv"
    export_as_hr_file(data, base_quit_rate=0.15)
    out = tmp_path / "fit"
    args = [str(data), "--map", "employee_id=EmpID", "--map", "hire_date=Hired", "--map", "exit_date=Left",
            "--map", "exit_reason=Reason", "--params", "attrition.base_quit_rate_per_year:0.02:0.4",
            "--set", "org.headcount=250", "--set", "sim.burn_in_weeks=150", "--years", "4", "--out", str(out)]
    first = calibrate(*args, "--trials", "6")
    assert first.returncode == 0, first.stderr
    done = calibrate(*args, "--trials", "14")
    assert done.returncode == 0, done.stderr
    assert "resuming: 6 trials" in done.stderr
    params = pd.read_csv(out / "parameters.csv").set_index("parameter").loc["attrition.base_quit_rate_per_year"]
    assert params["low"] - 0.02 <= 0.15 <= params["high"] + 0.02
    assert abs(params["best"] - 0.15) < 0.05  # the default is 0.055: far outside
    fit = pd.read_csv(out / "fit.csv")  # the winner re-run on fresh seeds: within 15% of the observed attrition
    assert abs(fit.iloc[0]["difference"]) < 0.15 * fit.iloc[0]["observed"]
    candidates = pd.read_csv(out / "candidates.csv")
    assert len(candidates) == 6 and "emulator optimum" in set(candidates["candidate"])  # 5 trials and the emulator's
    assert candidates["winner"].iloc[0] and candidates["winner"].sum() == 1
    scenario = (out / "calibrated.toml").read_text()
    assert "base_quit_rate_per_year" in scenario and "headcount = 250" in scenario
    run = subprocess.run([sys.executable, "-m", "exsim.cli", "run", str(out / "calibrated.toml"), "--years", "1",
                          "--set", "sim.burn_in_weeks=20", "--no-figures", "--out", str(tmp_path / "run")],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    assert {"curve.png", "trials.png"} <= {p.name for p in (out / "figures").iterdir()}


@needs_shared
def test_ibm_cross_sectional_attrition_close_after_calibration(tmp_path):
    done = calibrate(str(SHARED / "ibm_hr_attrition.csv"), "--trials", "14", *SMALL, "--out", str(tmp_path / "ibm"))
    assert done.returncode == 0, done.stderr
    fit = pd.read_csv(tmp_path / "ibm" / "fit.csv").set_index("target")
    assert fit.loc["share who left", "observed"] == pytest.approx(237 / 1470, abs=1e-3)
    assert abs(fit.loc["share who left", "difference"]) < 0.06
    assert abs(fit.loc["exit share in tenure year 0", "difference"]) < 0.15
    assert "not identified" in done.stdout or "identified by these data" in (tmp_path / "ibm" / "report.md").read_text()


@needs_shared
def test_dated_dataset_attrition_close_after_calibration(tmp_path):
    done = calibrate(str(SHARED / "hr_dataset_v14.csv"), "--trials", "14", *SMALL, "--out", str(tmp_path / "hr"))
    assert done.returncode == 0, done.stderr
    fit = pd.read_csv(tmp_path / "hr" / "fit.csv").set_index("target")
    assert abs(fit.loc["annual voluntary attrition", "difference"]) < 0.03
    assert abs(fit.loc["retention at month 12", "difference"]) < 0.15


def test_malformed_file_gives_its_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("EmployeeID,Tenure,Left\n1,3,maybe\n2,4,0\n")
    done = calibrate(str(bad), "--tenure-unit", "years", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "row 2" in done.stderr and "maybe" in done.stderr
    assert not (tmp_path / "out").exists()
    done = calibrate(str(bad), "--params", "attrition.no_such_key:0:1", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and not (tmp_path / "out").exists()


def test_calibrated_toml_is_valid_toml_with_a_relative_extends_that_moves_with_its_folder(tmp_path):
    project = tmp_path / "project"
    (project / "configs").mkdir(parents=True)
    (project / "configs" / "base.toml").write_text("[org]\nheadcount = 80\n")
    folder = project / "results" / "cal"
    folder.mkdir(parents=True)
    result = SimpleNamespace(best_params={"attrition.base_quit_rate_per_year": 0.1234567, "org.span_of_control": 9.0})
    overrides = {"managers.selection": "leadership", "org.span_of_control": 7.0, "sim.years": 2}
    text = calibrated_toml(project / "configs" / "base.toml", result, Path("people.csv"), overrides, folder)
    data = tomllib.loads(text)
    assert data["extends"] == "../../configs/base.toml"
    assert data["managers"] == {"selection": "leadership"} and data["sim"] == {"name": "calibrated"}
    assert data["org"]["span_of_control"] == 9.0  # the fitted value replaces the override: one key, once
    assert text.count("span_of_control") == 1
    (folder / "calibrated.toml").write_text(text)
    moved = tmp_path / "elsewhere"
    shutil.move(project, moved)
    config = load_config(moved / "results" / "cal" / "calibrated.toml")
    assert config.org.headcount == 80 and config.managers.selection == "leadership"
    assert config.attrition.base_quit_rate_per_year == pytest.approx(0.123457)


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "line\nbreak\ttab", "\x01\x7f", "ünï €", ""])
def test_toml_strings_round_trip(value):
    assert tomllib.loads(f"key = {toml_value(value)}\n")["key"] == value
