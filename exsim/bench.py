"""`exsim bench`: set-up time, stepping throughput and peak memory at several organisation sizes.

Each size runs in a fresh Python process so its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

from exsim.config import load_config

DEFAULT_SIZES = (1_000, 10_000, 100_000)
CUSTOMERS_PER_FRONTLINE = 10


def measure(employees: int, weeks: int, seed: int = 1) -> dict:
    """Build an organisation of `employees` and step it `weeks`; time both and read peak memory."""
    from exsim.model import OrgModel

    config = load_config(None, [f"org.headcount={employees}", f"customers.per_frontline_employee={CUSTOMERS_PER_FRONTLINE}"])
    start = time.perf_counter()
    model = OrgModel(config, rng=seed, burn_in_weeks=0)
    setup_s = time.perf_counter() - start
    customers = int(model.customers.active.sum())
    start = time.perf_counter()
    model.run(weeks)
    step_s = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "employees": employees,
        "customers": customers,
        "weeks": weeks,
        "setup_s": round(setup_s, 3),
        "step_s": round(step_s, 3),
        "agent_weeks_per_s": round((employees + customers) * weeks / step_s),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "bytes_per_agent": round(peak_kb * 1024 / (employees + customers)),
    }


def measure_in_subprocess(employees: int, weeks: int) -> dict:
    """Run `measure` in a fresh interpreter and parse its JSON line."""
    code = f"import json, exsim.bench as b; print(json.dumps(b.measure({employees}, {weeks})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark at {employees} employees failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
