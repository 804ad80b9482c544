"""Replicates: seeds from numpy.random.SeedSequence, run in parallel processes, identical for any worker count."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exsim.config import ScenarioConfig
from exsim.model import OrgModel
from exsim.model.streams import entropy_from
from exsim.runs.progress import Progress

WEEKS_PER_YEAR = 52


@dataclass
class ReplicateResult:
    """The tables of one replicate run."""

    replicate: int
    seed: int
    tables: dict[str, pd.DataFrame]


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """One independent integer seed per replicate, spawned from the root seed."""
    return [entropy_from(child) for child in np.random.SeedSequence(seed).spawn(replicates)]


def simulate(config: ScenarioConfig, seed: int, replicate: int = 0, progress=None) -> ReplicateResult:
    """Build the model with this seed, run config.sim.years, return its tables tagged with scenario and replicate."""
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


def run_replicates(config: ScenarioConfig, workers: int | None = None, show_progress: bool = True) -> list[ReplicateResult]:
    """Run config.sim.replicates seeds derived from config.sim.seed, in order of replicate."""
    seeds = replicate_seeds(config.sim.seed, config.sim.replicates)
    workers = min(workers or default_workers(), len(seeds))
    weeks = config.sim.years * WEEKS_PER_YEAR
    progress = Progress(weeks * len(seeds), f"{config.sim.name}: simulating weeks") if show_progress else None
    try:
        if workers <= 1:
            return [simulate(config, s, i, progress) for i, s in enumerate(seeds)]
        return _run_in_processes(config, seeds, workers, weeks, progress)
    finally:
        if progress is not None:
            progress.close()


def _run_in_processes(config, seeds, workers, weeks, progress) -> list[ReplicateResult]:
    # fork where the platform has it: scripts and notebooks need no `if __name__ == "__main__"` guard
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    results: dict[int, ReplicateResult] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(simulate, config, seed, i) for i, seed in enumerate(seeds)]
        for future in as_completed(futures):
            result = future.result()
            results[result.replicate] = result
            if progress is not None:
                progress(weeks)
    return [results[i] for i in range(len(seeds))]
