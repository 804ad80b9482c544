"""Replicates: seeds from numpy.random.SeedSequence, run in parallel processes, identical for any worker count."""

from __future__ import annotations

import os

import numpy as np

from exsim.config import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.model import OrgModel
from exsim.model.streams import entropy_from
from exsim.results.replicate import ReplicateResult
from exsim.runs.progress import Progress


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """One independent integer seed per replicate, spawned from the root seed."""
    return [entropy_from(child) for child in np.random.SeedSequence(seed).spawn(replicates)]


def simulate(config: ScenarioConfig, seed: int, replicate: int = 0, progress=None) -> ReplicateResult:
    """Build the model with this seed, run config.sim.years, return its tables tagged with scenario and replicate.

    The tables are the model's: timeseries, teams, spells and org (the run's org chart, one row per seat).
    """
    model = OrgModel(config, rng=seed)
    model.run(config.sim.years * WEEKS_PER_YEAR, progress=progress)
    tables = model.tables()
    for table in tables.values():
        table.insert(0, "seed", seed)
        table.insert(0, "replicate", replicate)
        table.insert(0, "scenario", config.sim.name)
    return ReplicateResult(replicate, seed, tables)


def default_workers() -> int:
    return os.cpu_count() or 1


def simulate_spec(spec) -> ReplicateResult:
    """Run one RunSpec (the executors' task)."""
    return simulate(spec.config, spec.seed, spec.replicate)


def replicate_specs(config: ScenarioConfig) -> list:
    """One RunSpec per replicate, seeds spawned from config.sim.seed."""
    from exsim.runs.executors import RunSpec

    return [RunSpec(config, seed, i) for i, seed in enumerate(replicate_seeds(config.sim.seed, config.sim.replicates))]


def run_replicates(config: ScenarioConfig, workers: int | None = None, show_progress: bool = True,
                   executor=None) -> list[ReplicateResult]:
    """Run config.sim.replicates seeds derived from config.sim.seed; results in replicate order.

    `executor` (from exsim.runs.executors.make_executor) defaults to local processes with `workers`.
    """
    from exsim.runs.executors import LocalExecutor

    specs = replicate_specs(config)
    weeks = config.sim.years * WEEKS_PER_YEAR
    progress = Progress(weeks * len(specs), f"{config.sim.name}: simulating weeks") if show_progress else None
    executor = executor or LocalExecutor(min(workers or default_workers(), len(specs)))
    results: dict[int, ReplicateResult] = {}
    try:
        if isinstance(executor, LocalExecutor) and executor.workers == 1:
            return [simulate(s.config, s.seed, s.replicate, progress) for s in specs]
        for spec, result in executor.map(simulate_spec, specs):
            results[spec.replicate] = result
            if progress is not None:
                progress(weeks)
        return [results[i] for i in range(len(specs))]
    finally:
        if progress is not None:
            progress.close()
