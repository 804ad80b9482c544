"""Sweep benchmark: runs per minute of a lever sweep, as `exsim sweep` runs it and with every run settling alone.

`python -m exsim.runs.bench_sweep [RUNS] [YEARS] [BACKENDS]` (default 100 runs of 5 years, backends
"local,dask") sweeps the 500-person baseline's workload over 10 values, RUNS / 10 seeds each. For
each backend and 1 and 2 workers it prints one JSON object: runs a minute the way `exsim sweep`
runs them (every point starts from the base's settled organisation, settled once per seed and
shared), and, measured in the same process as the reference, the same runs each settling on its
own (how they ran before settled organisations were shared); then the scaling efficiency (rate
with 2 workers / 2 x rate with 1).
"""

from __future__ import annotations

import json
import sys
import time

from exsim.config import load_config
from exsim.runs.executors import DaskExecutor, LocalExecutor, RunSpec
from exsim.runs.replicates import group_by_settling, replicate_seeds
from exsim.runs.store import yearly_for_group, yearly_for_spec

WORKLOADS = (0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3)  # demand / staffed capacity: the swept lever


def sweep_specs(runs: int, years: int, shared: bool) -> list[RunSpec]:
    """`runs` runs of the baseline: each workload x replicate seeds, starting from the base's settled organisation if `shared`."""
    base = load_config(None, [f"sim.years={years}"])
    seeds = replicate_seeds(1000, max(1, runs // len(WORKLOADS)))
    return [RunSpec(load_config(None, [f"work.workload={w}", f"sim.years={years}"]), seed, r,
                    tags={"workload": w}, settle_under=base if shared else None)
            for r, seed in enumerate(seeds) for w in WORKLOADS][:runs]


def runs_per_minute(executor, specs: list[RunSpec], shared: bool) -> float:
    """Runs a minute of wall time for these specs on this executor."""
    start = time.perf_counter()
    if shared:
        for _ in executor.map(yearly_for_group, group_by_settling(specs, at_least=2 * executor_workers(executor))):
            pass
    else:
        for _ in executor.map(yearly_for_spec, specs):
            pass
    return len(specs) / (time.perf_counter() - start) * 60


def executor_workers(executor) -> int:
    return getattr(executor, "workers", None) or len(executor.client.scheduler_info()["workers"])


def main(runs: int = 100, years: int = 5, backends: str = "local,dask") -> list[dict]:
    rows = []
    for backend in backends.split(","):
        for workers in (1, 2):
            executor = LocalExecutor(workers) if backend == "local" else DaskExecutor("local", workers)
            try:
                shared = runs_per_minute(executor, sweep_specs(runs, years, shared=True), shared=True)
                alone = runs_per_minute(executor, sweep_specs(runs, years, shared=False), shared=False)
            finally:
                if backend == "dask":
                    executor.close()
            rows.append({"backend": backend, "workers": workers, "runs": runs, "years": years,
                         "runs_per_minute": round(shared, 1), "runs_per_minute_each_settling_alone": round(alone, 1),
                         "speed-up": round(shared / alone, 2)})
            print(json.dumps(rows[-1]), flush=True)
    for backend in backends.split(","):
        one, two = (r["runs_per_minute"] for r in rows if r["backend"] == backend)
        print(json.dumps({"backend": backend, "scaling_efficiency_2_workers": round(two / (2 * one), 2)}), flush=True)
    return rows


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]), *sys.argv[3:4])
