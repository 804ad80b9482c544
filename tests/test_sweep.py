"""`exsim sweep`: designs, the tidy table, response curves, resuming after a kill, bad specs."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from exsim.analysis.experiment import load_experiment
from exsim.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "org.headcount=60", "--set", "sim.burn_in_weeks=20", "--years", "1"]


def spec(tmp_path, body, name="spec.toml"):
    path = tmp_path / name
    path.write_text(f'base = "{ROOT / "configs" / "baseline.toml"}"\n' + body)
    return path


def exsim(*args, **kw):
    return subprocess.run([sys.executable, "-m", "exsim.cli", *args], capture_output=True, text=True, cwd=ROOT, **kw)


def test_designs_make_the_promised_points(tmp_path):
    grid = load_experiment(spec(tmp_path, 'design = "grid"\n[parameters]\n"org.span_of_control" = { values = [4, 8] }\n'
                                          '"work.workload" = { low = 0.9, high = 1.1, steps = 3 }\n'))
    assert len(grid.points()) == 6 and {p["org.span_of_control"] for p in grid.points()} == {4, 8}
    lhs = load_experiment(spec(tmp_path, 'design = "lhs"\nsamples = 10\n[parameters]\n"org.headcount" = { low = 50, high = 150 }\n'))
    values = sorted(p["org.headcount"] for p in lhs.points())
    assert len(values) == 10 and all(isinstance(v, int) for v in values) and 50 <= values[0] and values[-1] <= 150
    assert len({v // 10 for v in values}) == 10  # one per stratum: a Latin hypercube
    listed = load_experiment(spec(tmp_path, 'design = "list"\n[parameters]\nlabel = { values = ["a", "b"] }\n'
                                            '"work.workload" = { values = [1.0, 1.1] }\n'))
    assert listed.points() == [{"label": "a", "work.workload": 1.0}, {"label": "b", "work.workload": 1.1}]


@pytest.mark.parametrize("body, message", [
    ('[parameters]\n"org.span_of_contrl" = { values = [4] }\n', "did you mean 'span_of_control'"),
    ('[parameters]\n"work.workload" = { low = 1, high = 9 }\n', "work.workload = 9.0 is out of range"),
    ('[parameters]\n"work.workload" = { low = 1.2 }\n', "give `values = [...]` or both `low` and `high`"),
    ('outcomes = ["happiness"]\n[parameters]\n"work.workload" = { values = [1] }\n', "unknown outcome(s) happiness"),
    ('design = "spiral"\n[parameters]\n"work.workload" = { values = [1] }\n', "design"),
])
def test_bad_specs_name_the_key(tmp_path, body, message):
    with pytest.raises(ConfigError) as err:
        load_experiment(spec(tmp_path, body))
    assert message in str(err.value)


def test_sweep_end_to_end_and_resume_after_a_kill(tmp_path):
    path = spec(tmp_path, 'design = "grid"\nreplicates = 2\n[parameters]\n"org.span_of_control" = { values = [4, 8, 16, 24, 30] }\n')
    out = tmp_path / "sweep"
    runs = tmp_path / ".sweep.runs"
    proc = subprocess.Popen([sys.executable, "-m", "exsim.cli", "sweep", str(path), *SMALL, "--workers", "1",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(runs.glob("*.parquet"))) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = len(list(runs.glob("*.parquet")))
    assert 3 <= stored < 10 and not out.exists()  # killed mid-way: some runs kept, no half-written results
    done = exsim("sweep", str(path), *SMALL, "--workers", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"{stored} reused" in done.stderr
    table = pd.read_parquet(out / "results.parquet")
    assert {"point", "org.span_of_control", "replicate", "seed", "year", "voluntary_attrition_rate"} <= set(table.columns)
    assert table.groupby(["point", "replicate"]).ngroups == 10
    summary = pd.read_csv(out / "summary.csv")
    engagement = summary[summary.outcome == "engagement"].sort_values("org.span_of_control")["mean"]
    assert engagement.iloc[0] > engagement.iloc[-1]  # span 4 beats span 30
    assert (out / "figures" / "engagement_vs_org_span_of_control.png").is_file()
    again = exsim("sweep", str(path), *SMALL, "--out", str(out))
    assert "10 reused" in again.stderr and "0 to compute" in again.stderr
    fresh = exsim("sweep", str(path), *SMALL, "--workers", "1", "--out", str(tmp_path / "fresh"))
    assert fresh.returncode == 0, fresh.stderr  # a fresh run on 1 worker equals the resumed one on 2
    pd.testing.assert_frame_equal(table, pd.read_parquet(tmp_path / "fresh" / "results.parquet"))


def test_bad_spec_exits_2_without_traceback(tmp_path):
    path = spec(tmp_path, '[parameters]\n"org.span_of_contrl" = { values = [4] }\n')
    done = exsim("sweep", str(path), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "did you mean" in done.stderr and "Traceback" not in done.stderr
