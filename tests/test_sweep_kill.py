"""SIGKILL a running sweep at several moments; a rerun gives the tables of an uninterrupted run.

The moments are found by watching the run store (`.OUT.runs` beside --out): right after it
appears (no run finished), after the first stored run, and once every run is stored (the
command is then writing the results folder). No fixed sleeps: the test polls the folder.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "org.headcount=60", "--set", "sim.burn_in_weeks=20", "--years", "1", "--replicates", "2"]
RUNS = 6  # 3 points x 2 replicates
SPEC = ('design = "grid"\noutcomes = ["voluntary_attrition_rate", "engagement", "csat"]\n[parameters]\n'
        '"org.span_of_control" = { values = [4, 10, 25] }\n')


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "kill.toml"
    path.write_text(f'base = "{ROOT / "configs" / "baseline.toml"}"\n' + SPEC)
    return path


def sweep(spec: Path, out: Path, workers: int = 2) -> list[str]:
    """The sweep command line."""
    return [sys.executable, "-m", "exsim.cli", "sweep", str(spec), *SMALL, "--workers", str(workers), "--out", str(out)]


def stored(runs: Path) -> int:
    return len(list(runs.glob("*.parquet"))) if runs.is_dir() else 0


def kill_when(spec: Path, out: Path, ready) -> subprocess.Popen:
    """Start a sweep in its own process group and SIGKILL its main process once `ready(store folder)` holds.

    Returns the killed process; it fails the test if the sweep finished before the moment came.
    """
    runs = out.parent / f".{out.name}.runs"
    proc = subprocess.Popen(sweep(spec, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        while not ready(runs) and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None, f"the sweep ended before the moment to kill it: {proc.stderr.read().decode()}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        try:  # worker processes of the killed sweep, if any are left
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc


@pytest.fixture(scope="module")
def reference(spec, tmp_path_factory) -> pd.DataFrame:
    """The tables of an uninterrupted sweep on one worker."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    done = subprocess.run(sweep(spec, out, workers=1), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return pd.read_parquet(out / "results.parquet")


MOMENTS = {
    "store just created": lambda runs: runs.is_dir(),
    "after the first run": lambda runs: stored(runs) >= 1,
    "all runs stored, writing results": lambda runs: stored(runs) >= RUNS,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_killed_sweep_reruns_to_the_same_tables(spec, reference, tmp_path, moment):
    out = tmp_path / "sweep"
    runs = tmp_path / ".sweep.runs"
    killed = kill_when(spec, out, MOMENTS[moment])
    assert killed.returncode == -signal.SIGKILL
    kept = stored(runs)
    assert not (out / "results.parquet").exists() or kept == RUNS  # results only once every run is stored
    again = subprocess.run(sweep(spec, out), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{kept} reused" in again.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), reference)
    leftovers = [p.name for p in tmp_path.rglob("*") if ".tmp" in p.name or ".old-" in p.name]
    assert leftovers == []
    assert sorted(p.name for p in runs.iterdir()) == sorted(p.name for p in runs.glob("*.parquet"))


def test_temporary_files_of_dead_writers_are_removed(tmp_path):
    from exsim.runs.store import RunStore

    folder = tmp_path / ".x.runs"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = [folder / f".{'a' * 24}.tmp-{dead_pid}", folder / f"{'b' * 24}.tmp-{dead_pid}"]  # new and old naming
    live = folder / f".{'c' * 24}.tmp-{os.getppid()}"  # a writer that is still running
    for path in [*stale, live]:
        path.write_bytes(b"partial")
    store = RunStore(folder)
    assert sorted(store.removed) == sorted(stale)
    assert live.exists() and not any(p.exists() for p in stale)
