"""`exsim bench`: set-up, burn-in and stepping time, throughput per employee and per customer account, and memory.

Each size runs in a fresh Python process (`measure`), so its memory is its own: peak resident
memory minus the resident memory after the imports (the interpreter, numpy, pandas, Mesa, exsim).
With `--compare-mesa` a plain per-agent Mesa model of the same weekly update
(exsim/bench_reference.py) is measured at each size in another fresh process (`measure_mesa`),
starting from the same day-one organisation, and exsim's employee-weeks per second are given as a
multiple of its.

Employees are the organisation's seats (its headcount); an employee-week is one seat stepped one
week. Customer accounts are stepped in the same weeks, so employee-weeks/s and customer-weeks/s
are the same stepping time counted two ways, never to be added.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from exsim.config import load_config

DEFAULT_SIZES = (1_000, 10_000, 100_000)
CUSTOMERS_PER_FRONTLINE = 10
MAX_SIZE = 2_000_000
DEFAULT_MESA_WEEKS = 10
SEED = 1


# ---- measuring, inside a fresh process ----------------------------------------------------
class _Clock:
    """Wall and CPU seconds since it was started."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _memory_kb() -> tuple[int, int]:
    """(resident, peak resident) memory of this process in KB (Linux /proc; elsewhere both the peak)."""
    try:
        with open("/proc/self/status") as status:
            values = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith(("VmRSS", "VmHWM"))}
        return values["VmRSS"], values["VmHWM"]
    except (OSError, KeyError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes
        return peak, peak


def _reset_peak() -> bool:
    """Start the peak resident memory afresh from now (Linux); False where it cannot be reset."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _baseline_kb() -> int:
    """Resident memory now, with the peak reset to it: the base that memory is counted above."""
    gc.collect()
    _reset_peak()
    return _memory_kb()[0]


def _memory_fields(baseline_kb: int, employees: int, prefix: str = "") -> dict:
    peak_kb = _memory_kb()[1]
    above = max(peak_kb - baseline_kb, 0)
    return {f"{prefix}baseline_rss_mb": round(baseline_kb / 1024, 1), f"{prefix}peak_rss_mb": round(peak_kb / 1024, 1),
            f"{prefix}memory_above_baseline_mb": round(above / 1024, 1),
            f"{prefix}bytes_per_employee": round(above * 1024 / employees)}


def _bench_config(employees: int):
    return load_config(None, [f"org.headcount={employees}", f"customers.per_frontline_employee={CUSTOMERS_PER_FRONTLINE}"])


def measure(employees: int, weeks: int, burn_in_weeks: int | None = None, seed: int = SEED) -> dict:
    """Build an organisation of `employees`, settle it, step it `weeks` recorded weeks; time each and read memory.

    `burn_in_weeks` (default: the config's `sim.burn_in_weeks`) is how many settling weeks are
    measured; fewer than the config's are scaled up to it and flagged `burn_in_extrapolated`.
    """
    from exsim.model import OrgModel

    config = _bench_config(employees)
    full_burn_in = config.sim.burn_in_weeks
    burn_in = full_burn_in if burn_in_weeks is None else burn_in_weeks
    if not 0 <= burn_in <= full_burn_in:
        raise ValueError(f"burn_in_weeks must be 0-{full_burn_in} (the config's sim.burn_in_weeks), not {burn_in}")

    class TimedSettling(OrgModel):
        """OrgModel whose settling weeks (the burn-in, run at the end of construction) are timed apart."""

        def settle(self, n: int) -> None:
            clock = _Clock()
            super().settle(n)
            self.settle_time = clock.read()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    baseline_kb = _baseline_kb()
    clock = _Clock()
    model = TimedSettling(config, rng=seed, burn_in_weeks=burn_in)
    model.datacollector = None  # as in exsim's runs (exsim.runs.replicates.simulate): the recorder keeps the record
    total_wall, total_cpu = clock.read()
    burn_wall, burn_cpu = model.settle_time
    setup_wall, setup_cpu = total_wall - burn_wall, total_cpu - burn_cpu
    customers = int(model.customers.active.sum())
    step_wall = step_cpu = 0.0
    customer_weeks = 0
    for _ in range(weeks):
        customer_weeks += int(model.customers.active.sum())  # the accounts this week's step serves
        clock = _Clock()
        model.step()
        wall, cpu = clock.read()
        step_wall, step_cpu = step_wall + wall, step_cpu + cpu
    employee_weeks = employees * weeks
    scale = full_burn_in / burn_in if burn_in else 0.0
    return {
        "employees": employees,
        "customers": customers,
        "weeks": weeks,
        "seed": seed,
        "cpus": os.cpu_count(),
        "load_average": None if load is None else round(load, 2),
        "setup_s": round(setup_wall, 6),
        "setup_cpu_s": round(setup_cpu, 6),
        "burn_in_weeks": full_burn_in,
        "burn_in_weeks_measured": burn_in,
        "burn_in_measured_s": round(burn_wall, 6) if burn_in else None,
        "burn_in_s": round(burn_wall * scale, 6) if burn_in else None,
        "burn_in_cpu_s": round(burn_cpu * scale, 6) if burn_in else None,
        "burn_in_extrapolated": bool(burn_in) and burn_in < full_burn_in,
        "step_s": round(step_wall, 6),
        "step_cpu_s": round(step_cpu, 6),
        "employee_weeks": employee_weeks,
        "customer_weeks": customer_weeks,
        "employee_weeks_per_s": round(employee_weeks / step_wall, 1),
        "customer_weeks_per_s": round(customer_weeks / step_wall, 1),
        "employee_weeks_per_cpu_s": round(employee_weeks / max(step_cpu, 1e-9), 1),
        "agent_weeks_per_s": round((employee_weeks + customer_weeks) / step_wall, 1),  # the old figure, for comparison
        **_memory_fields(baseline_kb, employees),
    }


def write_day_one(employees: int, path: str, seed: int = SEED) -> dict:
    """Build exsim's day-one organisation of `employees` and pickle it as plain lists (the reference's start) to `path`."""
    from exsim.bench_reference import day_one_state
    from exsim.model import OrgModel

    with open(path, "wb") as out:
        pickle.dump(day_one_state(OrgModel(_bench_config(employees), rng=seed, burn_in_weeks=0)), out,
                    protocol=pickle.HIGHEST_PROTOCOL)
    return {"employees": employees, "day_one": path}


def measure_mesa(employees: int, weeks: int, day_one: str | None = None, seed: int = SEED) -> dict:
    """The plain Mesa reference (exsim/bench_reference.py) at `employees`, stepped `weeks` from exsim's day one.

    `day_one` is a file written by `write_day_one` in another process; memory is then counted above
    the resident memory after the imports, and includes the day-one lists it is built from. Without
    it exsim's model is built here first and the peak is counted from after it was freed
    (`mesa_memory_after_exsim_build`: freed memory the process keeps can hide some of the agents').
    """
    from exsim.bench_reference import ReferenceModel, day_one_state  # noqa: F401  (DayOne's module, for unpickling)

    config = _bench_config(employees)
    if day_one is None:
        from exsim.model import OrgModel

        state = day_one_state(OrgModel(config, rng=seed, burn_in_weeks=0))
        baseline_kb = _baseline_kb()
    else:
        baseline_kb = _baseline_kb()
        with open(day_one, "rb") as file:
            state = pickle.load(file)
    clock = _Clock()
    model = ReferenceModel(state, config, seed=seed)
    setup_wall, setup_cpu = clock.read()
    customers = model.customers
    step_wall = step_cpu = 0.0
    customer_weeks = 0
    for _ in range(weeks):
        customer_weeks += model.customers
        clock = _Clock()
        model.step()
        wall, cpu = clock.read()
        step_wall, step_cpu = step_wall + wall, step_cpu + cpu
    employee_weeks = employees * weeks
    return {
        "employees": employees,
        "mesa_customers": customers,
        "mesa_weeks": weeks,
        "mesa_setup_s": round(setup_wall, 6),
        "mesa_setup_cpu_s": round(setup_cpu, 6),
        "mesa_step_s": round(step_wall, 6),
        "mesa_step_cpu_s": round(step_cpu, 6),
        "mesa_employee_weeks": employee_weeks,
        "mesa_customer_weeks": customer_weeks,
        "mesa_employee_weeks_per_s": round(employee_weeks / step_wall, 1),
        "mesa_customer_weeks_per_s": round(customer_weeks / step_wall, 1),
        "mesa_employee_weeks_per_cpu_s": round(employee_weeks / max(step_cpu, 1e-9), 1),
        **_memory_fields(baseline_kb, employees, prefix="mesa_"),
        "mesa_memory_after_exsim_build": day_one is None,
    }


# ---- running each size in a fresh process -------------------------------------------------
def _in_subprocess(function: str, what: str, **kwargs) -> dict:
    """Run `exsim.bench.<function>(**kwargs)` in a fresh interpreter and parse its JSON line."""
    code = ("import json, sys, exsim.bench as b; "
            f"print(json.dumps(b.{function}(**json.loads(sys.argv[1]))))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(kwargs)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise click.ClickException(f"{what} failed (exit code {done.returncode}):\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_in_subprocess(employees: int, weeks: int, burn_in_weeks: int | None = None) -> dict:
    """`measure` in a fresh interpreter."""
    return _in_subprocess("measure", f"the benchmark at {employees:,} employees",
                          employees=employees, weeks=weeks, burn_in_weeks=burn_in_weeks)


def measure_mesa_in_subprocess(employees: int, weeks: int) -> dict:
    """`measure_mesa` in a fresh interpreter, from a day-one organisation built in another."""
    with tempfile.TemporaryDirectory(prefix="exsim-bench-") as folder:
        path = str(Path(folder) / "day_one.pickle")
        _in_subprocess("write_day_one", f"building the day-one organisation at {employees:,} employees",
                       employees=employees, path=path)
        return _in_subprocess("measure_mesa", f"the plain Mesa reference at {employees:,} employees",
                              employees=employees, weeks=weeks, day_one=path)


def compared(row: dict, mesa: dict) -> dict:
    """The exsim row with the reference's fields and exsim's employee-weeks/s as a multiple of the reference's."""
    return {**row, **mesa,
            "x_plain_mesa": round(row["employee_weeks_per_s"] / mesa["mesa_employee_weeks_per_s"], 2),
            "x_plain_mesa_cpu": round(row["employee_weeks_per_cpu_s"] / mesa["mesa_employee_weeks_per_cpu_s"], 2)}


# ---- the table ----------------------------------------------------------------------------
def _seconds(wall: float | None, cpu: float | None, mark: str = "") -> str:
    if wall is None:
        return "not measured"
    return f"{wall:.2f}{mark} ({cpu:.2f})"


def _rate(value: float) -> str:
    return f"{value / 1e6:.2f} M" if value >= 1e6 else f"{value / 1e3:.1f} k"


def _rates(wall: float, cpu: float) -> str:
    return f"{_rate(wall)} ({_rate(cpu)})"


def format_table(rows: list[dict], weeks: int) -> str:
    """The results as text: times, then throughput and memory, then the plain Mesa reference when measured."""
    first = rows[0]
    load = "" if first.get("load_average") is None else f"; load average {first['load_average']:.1f} when it began"
    lines = [
        f"exsim bench: default scenario, {CUSTOMERS_PER_FRONTLINE} customer accounts per frontline employee, "
        f"seed {first['seed']}; each size in a fresh process; {first['cpus']} CPUs{load}.",
        f"Seconds of wall time (CPU time in brackets). set-up: building the organisation, no burn-in; burn-in: the "
        f"{first['burn_in_weeks']} unrecorded settling weeks (sim.burn_in_weeks) every run steps before week 1; "
        f"stepping: {weeks} recorded weeks.",
        "",
        f"{'employees':>10} {'customers':>10} {'set-up s':>16} {'burn-in s':>18} {'stepping s':>16}",
    ]
    for r in rows:
        mark = "*" if r["burn_in_extrapolated"] else ""
        lines.append(f"{r['employees']:>10,} {r['customers']:>10,} {_seconds(r['setup_s'], r['setup_cpu_s']):>16} "
                     f"{_seconds(r['burn_in_s'], r['burn_in_cpu_s'], mark):>18} "
                     f"{_seconds(r['step_s'], r['step_cpu_s']):>16}")
    extrapolated = [r for r in rows if r["burn_in_extrapolated"]]
    if extrapolated:
        r = extrapolated[0]
        lines.append(f"* extrapolated: the first {r['burn_in_weeks_measured']} of {r['burn_in_weeks']} burn-in weeks "
                     f"measured (--burn-in-weeks) and scaled to {r['burn_in_weeks']}.")
    has_mesa = "x_plain_mesa" in first
    lines += [
        "",
        "Throughput over the stepping time, per wall second (per CPU second in brackets). Employees and their "
        "customer accounts are stepped in the same weeks: employee-weeks/s and customer-weeks/s are the SAME "
        "time divided by employees x weeks and by accounts x weeks, not additive.",
        "Memory: peak resident memory minus the resident memory after the imports (MB), and that per employee "
        "(their accounts included).",
        "",
        f"{'employees':>10} {'employee-weeks/s':>20} {'customer-weeks/s':>20} {'MB above base':>14} {'B/employee':>11}"
        + (f" {'x plain Mesa':>15}" if has_mesa else ""),
    ]
    for r in rows:
        lines.append(f"{r['employees']:>10,} {_rates(r['employee_weeks_per_s'], r['employee_weeks_per_cpu_s']):>20} "
                     f"{_rate(r['customer_weeks_per_s']):>20} "
                     f"{r['memory_above_baseline_mb']:>14,.0f} {r['bytes_per_employee']:>11,}"
                     + (f" {_times(r['x_plain_mesa'], r['x_plain_mesa_cpu']):>15}" if has_mesa else ""))
    lines.append(f"(base after imports: {first['baseline_rss_mb']:.0f} MB)")
    if has_mesa:
        lines += [
            "",
            f"Plain Mesa reference (exsim/bench_reference.py: one Mesa agent per employee and per account, the main "
            f"phases in Python), {first['mesa_weeks']} weeks from the same day-one organisation. x plain Mesa: "
            "exsim's employee-weeks/s over the reference's (per CPU second in brackets).",
            "",
            f"{'employees':>10} {'customers':>10} {'set-up s':>16} {'stepping s':>16} {'employee-weeks/s':>20} "
            f"{'customer-weeks/s':>17} {'MB above base':>14} {'B/employee':>11}",
        ]
        for r in rows:
            lines.append(f"{r['employees']:>10,} {r['mesa_customers']:>10,} "
                         f"{_seconds(r['mesa_setup_s'], r['mesa_setup_cpu_s']):>16} "
                         f"{_seconds(r['mesa_step_s'], r['mesa_step_cpu_s']):>16} "
                         f"{_rates(r['mesa_employee_weeks_per_s'], r['mesa_employee_weeks_per_cpu_s']):>20} "
                         f"{_rate(r['mesa_customer_weeks_per_s']):>17} "
                         f"{r['mesa_memory_above_baseline_mb']:>14,.0f} {r['mesa_bytes_per_employee']:>11,}")
    return "\n".join(lines)


def _times(wall: float, cpu: float) -> str:
    return f"{wall:.1f}x ({cpu:.1f}x)"


# ---- the command --------------------------------------------------------------------------
def parse_sizes(sizes: str) -> list[int]:
    """'1000,10_000' -> [1000, 10000]; a click error naming --sizes otherwise."""
    try:
        counts = [int(s) for s in sizes.replace("_", "").split(",") if s.strip()]
        if not counts or min(counts) < 10 or max(counts) > MAX_SIZE:
            raise ValueError
    except ValueError:
        raise click.BadParameter(f"{sizes!r}: give whole numbers from 10 to {MAX_SIZE:,}, separated by commas, "
                                 "e.g. 1000,10000", param_hint="--sizes") from None
    return counts


@click.command("bench")
@click.option("--sizes", default=",".join(map(str, DEFAULT_SIZES)), show_default=True,
              help="Comma-separated organisation sizes (employees) to measure.")
@click.option("--weeks", type=click.IntRange(1, 520), default=52, show_default=True,
              help="Recorded weeks to step at each size.")
@click.option("--burn-in-weeks", type=click.IntRange(0), default=None,
              help="Burn-in weeks to measure (default: all of the scenario's sim.burn_in_weeks). Fewer are "
                   "scaled up to the scenario's and marked extrapolated; 0 skips the burn-in.")
@click.option("--compare-mesa", is_flag=True,
              help="Also measure a plain per-agent Mesa model of the same weekly update at each size "
                   "(exsim/bench_reference.py) and give exsim's employee-weeks/s as a multiple of it.")
@click.option("--mesa-weeks", type=click.IntRange(1, 520), default=None,
              help=f"Weeks to step the plain Mesa reference (with --compare-mesa; default {DEFAULT_MESA_WEEKS}: it is "
                   "slow at large sizes, and the comparison is per employee-week).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of results (every field) instead of tables.")
def bench(sizes: str, weeks: int, burn_in_weeks: int | None, compare_mesa: bool, mesa_weeks: int | None,
          as_json: bool) -> None:
    """Measure set-up, burn-in and stepping time, employee- and customer-weeks per second, and memory.

    10 customer accounts per frontline employee; each size in a fresh process. With --compare-mesa,
    a plain Mesa model of the same weekly update is measured in the same run.
    """
    counts = parse_sizes(sizes)
    full_burn_in = load_config().sim.burn_in_weeks
    if burn_in_weeks is not None and burn_in_weeks > full_burn_in:
        raise click.BadParameter(f"{burn_in_weeks} is more than the scenario's sim.burn_in_weeks ({full_burn_in}); "
                                 f"give 0-{full_burn_in} (fewer are scaled up to {full_burn_in})",
                                 param_hint="--burn-in-weeks")
    if mesa_weeks is not None and not compare_mesa:
        raise click.BadParameter("only applies with --compare-mesa", param_hint="--mesa-weeks")
    rows = []
    for n in counts:
        if not as_json:
            click.echo(f"measuring {n:,} employees ...", err=True)
        row = measure_in_subprocess(n, weeks, burn_in_weeks)
        if compare_mesa:
            if not as_json:
                click.echo(f"measuring the plain Mesa reference at {n:,} employees ...", err=True)
            row = compared(row, measure_mesa_in_subprocess(n, mesa_weeks or DEFAULT_MESA_WEEKS))
        rows.append(row)
    click.echo(json.dumps(rows, indent=2) if as_json else format_table(rows, weeks))
