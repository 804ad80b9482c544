"""Sweep benchmark: runs per minute of a baseline sweep with 1 and 2 workers, local and Dask.

`python -m exsim.runs.bench_sweep [RUNS] [YEARS]` (default 200 runs of 5 years) prints one JSON
object per backend and worker count, then the scaling efficiency (rate with 2 workers / 2 x rate
with 1).
"""

from __future__ import annotations

import json
import sys
import time

from exsim.config import load_config
from exsim.runs.executors import DaskExecutor, LocalExecutor, RunSpec
from exsim.runs.store import yearly_for_spec


def sweep_specs(runs: int, years: int) -> list[RunSpec]:
    """`runs` baseline runs: spans 4..13 x replicate seeds (a realistic one-parameter sweep)."""
    specs = []
    for i in range(runs):
        config = load_config(None, [f"org.span_of_control={4 + i % 10}", f"sim.years={years}"])
        specs.append(RunSpec(config, 1000 + i // 10, i // 10, tags={"point": i % 10}))
    return specs


def runs_per_minute(executor, specs: list[RunSpec]) -> float:
    start = time.perf_counter()
    for _ in executor.map(yearly_for_spec, specs):
        pass
    return len(specs) / (time.perf_counter() - start) * 60


def main(runs: int = 200, years: int = 5) -> list[dict]:
    specs = sweep_specs(runs, years)
    rows = []
    for backend in ("local", "dask"):
        for workers in (1, 2):
            executor = LocalExecutor(workers) if backend == "local" else DaskExecutor("local", workers)
            try:
                rate = runs_per_minute(executor, specs)
            finally:
                if backend == "dask":
                    executor.close()
            rows.append({"backend": backend, "workers": workers, "runs": runs, "years": years,
                         "runs_per_minute": round(rate, 1)})
            print(json.dumps(rows[-1]), flush=True)
    for backend in ("local", "dask"):
        one, two = (r["runs_per_minute"] for r in rows if r["backend"] == backend)
        print(json.dumps({"backend": backend, "scaling_efficiency_2_workers": round(two / (2 * one), 2)}), flush=True)
    return rows


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
