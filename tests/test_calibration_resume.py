"""Calibrate after a kill or Ctrl-C: the study resumes without repeating a trial and ends with --trials complete ones."""

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
TRIALS = 5
PARAMS = "attrition.base_quit_rate_per_year:0.02:0.4,attrition.engagement_effect:1:8"
HANG_GUARD = 600  # seconds: only so that a broken calibration cannot hang the test suite


@pytest.fixture
def tenure_file(tmp_path) -> Path:
    """Tenure in months and a left flag, some right-censored: the shape of a snapshot export."""
    rng = np.random.default_rng(3)
    months = rng.exponential(30, 300).round(1)
    path = tmp_path / "people.csv"
    pd.DataFrame({"employee_id": range(1, 301), "tenure_months": months,
                  "left": (rng.random(300) < 0.3).astype(int)}).to_csv(path, index=False)
    return path


def command(data: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "exsim.cli", "calibrate", str(data), "--set", "org.headcount=60",
            "--set", "sim.burn_in_weeks=20", "--years", "1", "--replicates", "1", "--workers", "1",
            "--trials", str(TRIALS), "--candidates", "2", "--params", PARAMS, "--out", str(out), *extra]


def trial_states(db: Path) -> dict[str, int]:
    """Trials by state, read from the study's SQLite file (empty while it does not exist yet)."""
    if not db.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return dict(con.execute("SELECT state, COUNT(*) FROM trials GROUP BY state").fetchall())
    except sqlite3.OperationalError:  # tables not created yet, or a writer holds the lock
        return {}


def wait_for_running_trial(proc: subprocess.Popen, db: Path, complete: int) -> None:
    """Poll the study until it has `complete` finished trials and one running; fail if the process ends first."""
    while True:
        states = trial_states(db)
        if states.get("COMPLETE", 0) >= complete and states.get("RUNNING", 0) >= 1:
            return
        assert proc.poll() is None, f"calibrate ended before {complete} trials: {proc.communicate()[1]}"
        time.sleep(0.05)


def final_study(out: Path) -> optuna.Study:
    return optuna.load_study(study_name="exsim-calibration", storage=f"sqlite:///{out / 'study.db'}")


def assert_resumed_cleanly(out: Path) -> None:
    """--trials complete trials, none left running, and no parameter set evaluated twice."""
    trials = final_study(out).get_trials(deepcopy=False)
    states = [t.state for t in trials]
    assert states.count(optuna.trial.TrialState.COMPLETE) == TRIALS
    assert optuna.trial.TrialState.RUNNING not in states
    points = [tuple(sorted(t.params.items())) for t in trials if t.params]
    assert len(points) == len(set(points)), "a parameter set was evaluated twice"


def test_sigkill_at_two_moments_then_resume_repeats_no_trial(tmp_path, tenure_file):
    out, db = tmp_path / "fit", tmp_path / "fit" / "study.db"
    args = command(tenure_file, out)
    left_running, logs = [], []
    for complete in (1, 3):
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_running_trial(proc, db, complete)
        proc.send_signal(signal.SIGKILL)
        logs.append(proc.communicate(timeout=HANG_GUARD)[1])
        left_running.append(trial_states(db).get("RUNNING", 0))
    finished = trial_states(db)["COMPLETE"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD, check=False)
    assert done.returncode == 0, done.stderr
    assert sum(left_running) >= 1  # a kill landed inside a trial ...
    for running, later_log in zip(left_running, [logs[1], done.stderr]):
        assert (f"marked {running} unfinished" in later_log) == (running > 0)  # ... and the next run failed it
    assert f"resuming: {finished} trials" in done.stderr
    assert_resumed_cleanly(out)
    assert (out / "calibrated.toml").is_file() and (out / "report.md").is_file()


def test_ctrl_c_stops_with_one_line_leaves_no_process_and_resumes(tmp_path, tenure_file):
    out = tmp_path / "fit"
    args = command(tenure_file, out, "--replicates", "2", "--workers", "2")
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_running_trial(proc, out / "study.db", 1)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers, "replicates should run in worker processes"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("stopped:") and "rerun the same command to resume" in last
    _, alive = psutil.wait_procs(workers, timeout=HANG_GUARD)
    assert not alive
    assert trial_states(out / "study.db").get("RUNNING", 0) == 0  # the interrupted trial is marked failed
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD, check=False)
    assert done.returncode == 0, done.stderr
    assert_resumed_cleanly(out)


def test_rerun_with_other_settings_is_refused_and_keeps_the_study(tmp_path, tenure_file):
    out = tmp_path / "fit"
    first = subprocess.run(command(tenure_file, out), cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD,
                           check=False)
    assert first.returncode == 0, first.stderr
    before = (out / "study.db").read_bytes()
    other = command(tenure_file, out, "--seed", "7")
    done = subprocess.run(other, cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "different settings" in done.stderr and str(out) in done.stderr
    assert (out / "study.db").read_bytes() == before
    again = subprocess.run(command(tenure_file, out, "--trials", str(TRIALS + 2)), cwd=ROOT, capture_output=True,
                           text=True, timeout=HANG_GUARD, check=False)
    assert again.returncode == 0 and f"resuming: {TRIALS} trials" in again.stderr, again.stderr
    points = [tuple(sorted(t.params.items())) for t in final_study(out).trials]
    assert len(points) == len(set(points)) == TRIALS + 2
