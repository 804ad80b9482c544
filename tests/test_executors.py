"""Executors: local processes and a Dask LocalCluster give identical tables for the same seeds."""

import pandas as pd

from exsim import load_config
from exsim.results import combine
from exsim.runs import run_replicates
from exsim.runs.executors import DaskExecutor, LocalExecutor, RunSpec


def small():
    return load_config(None, ["org.headcount=80", "sim.years=1", "sim.replicates=3", "sim.burn_in_weeks=10"])


def test_local_and_dask_give_identical_tables():
    config = small()
    local = combine(run_replicates(config, show_progress=False, executor=LocalExecutor(2)))
    dask = DaskExecutor("local", workers=2)
    try:
        assert "127.0.0.1" in repr(dask)
        remote = combine(run_replicates(config, show_progress=False, executor=dask))
    finally:
        dask.close()
    for name in ("timeseries", "teams", "spells"):
        pd.testing.assert_frame_equal(local[name], remote[name])


def test_run_keys_are_stable_and_distinguish_configs_and_seeds():
    a, b = small(), load_config(None, ["org.headcount=81", "sim.years=1", "sim.replicates=3", "sim.burn_in_weeks=10"])
    assert RunSpec(a, 1, 0).key == RunSpec(small(), 1, 0).key
    assert len({RunSpec(a, 1, 0).key, RunSpec(a, 2, 0).key, RunSpec(b, 1, 0).key, RunSpec(a, 1, 1).key}) == 4


def test_local_executor_yields_every_spec_once():
    config = small()
    specs = [RunSpec(config, seed, i) for i, seed in enumerate([5, 6, 7, 8])]
    got = [spec.replicate for spec, value in LocalExecutor(2).map(_double_seed, specs)]
    assert sorted(got) == [0, 1, 2, 3]


def _double_seed(spec):
    return spec.seed * 2


def test_a_dying_worker_is_reported_and_its_runs_retried(tmp_path, capfd, monkeypatch):
    monkeypatch.setenv("EXSIM_TEST_MARKER", str(tmp_path / "died-once"))
    config = small()
    specs = [RunSpec(config, seed, i) for i, seed in enumerate([5, 6, 7, 8])]
    got = {spec.replicate: value for spec, value in LocalExecutor(2).map(_die_once, specs)}
    assert got == {0: 10, 1: 12, 2: 14, 3: 16}
    assert "a worker process died; retrying" in capfd.readouterr().err


def _die_once(spec):
    import os
    from pathlib import Path

    marker = Path(os.environ["EXSIM_TEST_MARKER"])
    if spec.replicate == 2 and not marker.exists():
        marker.touch()
        os._exit(1)  # the worker process dies mid-run
    return spec.seed * 2
