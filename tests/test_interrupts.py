"""Ctrl-C and kill on `exsim run` with worker processes: a clean stop, nothing half-written, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = [sys.executable, "-m", "exsim.cli", "run", "configs/baseline.toml", "--years", "20", "--replicates", "4",
       "--workers", "2", "--no-figures", "--set", "sim.burn_in_weeks=10"]


def start_with_workers(out: Path) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """Start a long run in its own process group and wait until its two workers exist."""
    proc = subprocess.Popen([*RUN, "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=_as_in_a_terminal)
    parent = psutil.Process(proc.pid)
    workers: list[psutil.Process] = []
    while len(workers) < 2 and proc.poll() is None:
        workers = [p for p in parent.children(recursive=True) if "resource_tracker" not in " ".join(p.cmdline())]
        psutil.wait_procs([parent], timeout=0.2)
    assert proc.poll() is None, "the run ended before its workers started"
    while proc.poll() is None and min(_cpu_seconds(w) for w in workers) < BUSY_SECONDS:
        psutil.wait_procs([parent], timeout=0.2)  # both are simulating: past start-up and its signal set-up
    assert proc.poll() is None, "the run ended before its workers got busy"
    return proc, workers


BUSY_SECONDS = 1.0


def _as_in_a_terminal() -> None:
    """Ctrl-C at its default, as a terminal starts a command: the test process may have inherited it
    ignored (from a library an earlier test ran in this worker), and an ignored SIGINT is inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cpu_seconds(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return float("inf")
    return times.user + times.system


@pytest.mark.parametrize("how", ["ctrl-c to the group", "sigkill to the parent"])
def test_an_interrupted_run_leaves_no_workers_and_no_output(tmp_path, how):
    out = tmp_path / "run"
    proc, workers = start_with_workers(out)
    if how == "ctrl-c to the group":
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 130, err
        assert "Traceback" not in err and "interrupted" in err
    else:
        proc.kill()
        proc.communicate(timeout=300)
    _, alive = psutil.wait_procs(workers, timeout=60)
    assert alive == [], f"orphaned workers: {[p.pid for p in alive]}"
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary sibling
