"""Replicates: seeds from numpy.random.SeedSequence, run in parallel processes, identical for any worker count."""

from __future__ import annotations

import os

import numpy as np

from exsim.config import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.model.streams import entropy_from
from exsim.results.replicate import ReplicateResult
from exsim.runs.progress import Progress
from exsim.runs.settled import group_key, start_model


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """One independent integer seed per replicate, spawned from the root seed."""
    return [entropy_from(child) for child in np.random.SeedSequence(seed).spawn(replicates)]


def simulate(config: ScenarioConfig, seed: int, replicate: int = 0, progress=None,
             settle_under: ScenarioConfig | None = None, detail: bool = True) -> ReplicateResult:
    """Build the model with this seed, run config.sim.years, return its tables tagged with scenario and replicate.

    The tables are the model's: timeseries, teams, spells and org (the run's org chart, one row per seat).
    With `settle_under` the run starts from that status quo's settled organisation (exsim.runs.settled).
    Without `detail` only the timeseries is recorded and returned (what designs keep).
    """
    model = start_model(config, seed, settle_under)
    model.recorder.detail = detail
    model.datacollector = None  # the tables below are the run's record; Mesa's collector would copy them weekly
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
    return simulate(spec.config, spec.seed, spec.replicate, settle_under=spec.settle_under)


def simulate_group(group) -> list[ReplicateResult]:
    """Run a RunGroup's specs one after the other in this process, sharing their settled organisation."""
    return [simulate_spec(spec) for spec in group.specs]


def group_by_settling(specs: list, at_least: int = 1) -> list:
    """RunGroups of the specs that start from the same settled organisation, in first-seen order.

    Groups are halved (largest first) until there are `at_least` of them, so every worker has work;
    each part then settles its organisation once.
    """
    from exsim.runs.executors import RunGroup

    groups: dict[str, list] = {}
    for spec in specs:
        groups.setdefault(group_key(spec.config, spec.seed, spec.settle_under), []).append(spec)
    parts = list(groups.values())
    while len(parts) < at_least and max(map(len, parts), default=1) > 1:
        largest = max(range(len(parts)), key=lambda i: len(parts[i]))
        members = parts.pop(largest)
        parts[largest:largest] = [members[: len(members) // 2], members[len(members) // 2:]]
    return [RunGroup(tuple(members)) for members in parts]


def replicate_specs(config: ScenarioConfig) -> list:
    """One RunSpec per replicate, seeds spawned from config.sim.seed."""
    from exsim.runs.executors import RunSpec

    return [RunSpec(config, seed, i) for i, seed in enumerate(replicate_seeds(config.sim.seed, config.sim.replicates))]


def run_replicates(config: ScenarioConfig, workers: int | None = None, show_progress: bool = True,
                   executor=None) -> list[ReplicateResult]:
    """Run config.sim.replicates seeds derived from config.sim.seed; results in replicate order.

    `executor` (from exsim.runs.executors.make_executor) defaults to local processes with `workers`.
    """
    return run_scenarios([config], None, workers, show_progress, executor)[config.sim.name]


def run_scenarios(configs: list[ScenarioConfig], settle_under: ScenarioConfig | None = None, workers: int | None = None,
                  show_progress: bool = True, executor=None) -> dict[str, list[ReplicateResult]]:
    """Every scenario's replicates, by scenario name, each list in replicate order.

    With `settle_under`, replicate i of every scenario starts from the same settled organisation
    (the status quo's, seed i): it is settled once and the scenarios run from it in one task.
    """
    from exsim.runs.executors import LocalExecutor, RunSpec

    specs = [RunSpec(config, seed, i, settle_under=settle_under)
             for config in configs for i, seed in enumerate(replicate_seeds(config.sim.seed, config.sim.replicates))]
    groups = group_by_settling(specs, at_least=2 * (getattr(executor, "workers", None) or workers or default_workers()))
    weeks = {config.sim.name: config.sim.years * WEEKS_PER_YEAR for config in configs}
    total = sum(weeks[s.config.sim.name] for s in specs)
    label = f"{len(configs)} scenarios" if len(configs) > 1 else configs[0].sim.name
    progress = Progress(total, f"{label}: simulating weeks") if show_progress else None
    executor = executor or LocalExecutor(min(workers or default_workers(), len(groups)))
    results: dict[str, dict[int, ReplicateResult]] = {config.sim.name: {} for config in configs}
    try:
        if isinstance(executor, LocalExecutor) and executor.workers == 1:
            for spec in (spec for group in groups for spec in group.specs):  # a group's runs one after another
                results[spec.config.sim.name][spec.replicate] = simulate(spec.config, spec.seed, spec.replicate, progress,
                                                                         settle_under=spec.settle_under)
        else:
            for group, finished in executor.map(simulate_group, groups):
                for spec, result in zip(group.specs, finished):
                    results[spec.config.sim.name][spec.replicate] = result
                if progress is not None:
                    progress(sum(weeks[s.config.sim.name] for s in group.specs))
    finally:
        if progress is not None:
            progress.close()
    return {name: [by_replicate[i] for i in sorted(by_replicate)] for name, by_replicate in results.items()}

