"""One executor interface, two backends: local processes (the default) and a Dask cluster.

An executor takes run specs (a config, a seed, a replicate) and yields each finished run's result
as it arrives; callers order and store them. Every run is deterministic in its spec, so the
results do not depend on the backend or the number of workers.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from exsim.config import ScenarioConfig

MAX_ATTEMPTS = 3
PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies


@dataclass(frozen=True)
class RunSpec:
    """One simulation to run: the resolved config, its seed and replicate index, and free-form tags.

    `settle_under`: the status quo whose settled organisation the run starts from (its own values
    from week 1; exsim.config.settling), or None to settle under its own config.
    """

    config: ScenarioConfig
    seed: int
    replicate: int
    tags: dict[str, Any] = field(default_factory=dict)
    settle_under: ScenarioConfig | None = None

    @property
    def key(self) -> str:
        """A stable hash of everything that determines the run's result."""
        parts = [self.config.model_dump(mode="json"), self.seed, self.replicate]
        if self.settle_under is not None:
            parts.append(self.settle_under.model_dump(mode="json"))
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class RunGroup:
    """Runs that start from the same settled organisation, done together in one task so they share it."""

    specs: tuple[RunSpec, ...]

    @property
    def key(self) -> str:
        return hashlib.sha256("".join(s.key for s in self.specs).encode()).hexdigest()[:24]


Task = Callable[[RunSpec], Any]


class LocalExecutor:
    """Runs specs in local worker processes (in this process when workers is 1)."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)

    def __repr__(self) -> str:
        return f"local processes ({self.workers} worker{'s' if self.workers > 1 else ''})"

    def map(self, task: Task, specs: list[RunSpec]) -> Iterator[tuple[RunSpec, Any]]:
        """Yield (spec, task(spec)) as runs finish; a worker that dies is reported and its runs retried."""
        if self.workers == 1 or len(specs) <= 1:
            for spec in specs:
                yield spec, task(spec)
            return
        pending, attempt = list(specs), 0
        while pending:
            attempt += 1
            finished = []
            try:
                for spec, result in self._pool_map(task, pending):
                    finished.append(spec.key)
                    yield spec, result
                pending = []
            except BrokenProcessPool:
                pending = [s for s in pending if s.key not in set(finished)]
                if attempt >= MAX_ATTEMPTS:
                    raise RuntimeError(f"worker processes kept dying; {len(pending)} runs could not be finished") from None
                print(f"a worker process died; retrying {len(pending)} unfinished runs", file=sys.stderr)

    def _pool_map(self, task: Task, specs: list[RunSpec]) -> Iterator[tuple[RunSpec, Any]]:
        # fork where available: scripts and notebooks need no `if __name__ == "__main__"` guard
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(specs)), initializer=worker_init,
                                   mp_context=multiprocessing.get_context(method))
        try:
            futures = {pool.submit(task, spec): spec for spec in specs}
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            _stop_at_once(pool)  # Ctrl-C, an error or an abandoned generator: no run is waited for
            raise
        pool.shutdown(wait=True)


def worker_init() -> None:
    """In a worker process: leave Ctrl-C to the parent, and die with the parent (Linux), so a
    killed or interrupted command leaves no orphaned workers behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: workers end when their queue closes


def _stop_at_once(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers without waiting for running tasks."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


class DaskExecutor:
    """Runs specs on a Dask distributed cluster: an existing scheduler address, or 'local' for a LocalCluster."""

    def __init__(self, address: str, workers: int | None = None):
        from distributed import Client, LocalCluster

        self.address = address
        if address == "local":
            self._cluster = LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1), threads_per_worker=1,
                                         processes=True, host="127.0.0.1", dashboard_address=None)
            self.client = Client(self._cluster)
        else:
            self._cluster = None
            self.client = Client(address, timeout="20s")

    def __repr__(self) -> str:
        return f"Dask cluster at {self.client.scheduler.address}"

    def map(self, task: Task, specs: list[RunSpec]) -> Iterator[tuple[RunSpec, Any]]:
        """Yield (spec, result) as runs finish; Dask retries a run whose worker dies (up to 2 times)."""
        from distributed import as_completed as dask_completed

        futures = self.client.map(task, specs, key=[f"exsim-{s.key}" for s in specs], retries=MAX_ATTEMPTS - 1, pure=False)
        by_key = {f.key: spec for f, spec in zip(futures, specs)}
        for future in dask_completed(futures):
            yield by_key[future.key], future.result()
            future.release()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(workers: int | None = None, dask: str | None = None) -> LocalExecutor | DaskExecutor:
    """Local processes by default; a Dask cluster when `dask` is an address or 'local'."""
    if dask:
        return DaskExecutor(dask, workers)
    return LocalExecutor(workers)


def close(executor) -> None:
    """Shut down what the executor started (a Dask client and LocalCluster)."""
    if hasattr(executor, "close"):
        executor.close()
