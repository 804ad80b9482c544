"""A resumable store of finished runs: one Parquet file per run, written atomically.

A design (sweep, sensitivity) keeps only each run's yearly KPIs, streamed to disk as runs finish,
so memory stays bounded however large the design. After a crash, kill or Ctrl-C, running the
same command again reuses every stored run and computes only what is missing.

A run is first written to a hidden `.KEY.tmp-PID` file, then renamed to `KEY.parquet`: a reader
sees a whole run or none. A temporary file whose process is gone (killed mid-write) is removed
when the store is next opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from exsim.results import yearly_kpis
from exsim.results.folders import process_alive
from exsim.runs.executors import RunGroup, RunSpec
from exsim.runs.progress import Progress
from exsim.runs.replicates import group_by_settling, simulate

_TEMPORARY = re.compile(r"^\.?[0-9a-f]+\.tmp-(?P<pid>\d+)$")  # also the older `KEY.tmp-PID` files


def yearly_for_spec(spec: RunSpec) -> pd.DataFrame:
    """One run's yearly KPIs, tagged with the spec's tags (the run records only its timeseries)."""
    result = simulate(spec.config, spec.seed, spec.replicate, settle_under=spec.settle_under, detail=False)
    yearly = yearly_kpis(result.tables["timeseries"])
    for name, value in spec.tags.items():
        yearly[name] = value
    yearly["seed"] = spec.seed
    return yearly


def yearly_for_group(group: RunGroup) -> list[pd.DataFrame]:
    """The task the executors run for designs: the yearly KPIs of runs that share a settled organisation."""
    return [yearly_for_spec(spec) for spec in group.specs]


class RunStore:
    """Finished runs under `folder`, keyed by RunSpec.key; opening it removes dead writers' temporary files."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.removed = self.clean()

    def path(self, spec: RunSpec) -> Path:
        return self.folder / f"{spec.key}.parquet"

    def has(self, spec: RunSpec) -> bool:
        return self.path(spec).is_file()

    def put(self, spec: RunSpec, table: pd.DataFrame) -> None:
        """Write atomically (a temporary file, flushed to disk, then renamed): a reader sees the whole file or none."""
        tmp = self.folder / f".{spec.key}.tmp-{os.getpid()}"
        with open(tmp, "wb") as file:
            table.to_parquet(file, index=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, self.path(spec))

    def load(self, specs: list[RunSpec]) -> pd.DataFrame:
        """Stored runs in spec order, each tagged with its own spec's tags (specs may share a run)."""
        return pd.concat([pd.read_parquet(self.path(s)).assign(**s.tags) for s in specs], ignore_index=True)

    def clean(self) -> list[Path]:
        """Remove temporary files of writers that are no longer running; return them."""
        removed = []
        for entry in self.folder.iterdir():
            match = _TEMPORARY.match(entry.name)
            if match and not process_alive(int(match["pid"])):
                entry.unlink(missing_ok=True)
                removed.append(entry)
        return removed


def run_design(specs: list[RunSpec], store: RunStore, executor, label: str, say=print) -> tuple[pd.DataFrame, int]:
    """Run what the store lacks, storing each run as it finishes; returns all runs' yearly rows and the reused count."""
    distinct = {s.key: s for s in specs}  # identical runs (same config, seed, replicate) once
    missing = [s for s in distinct.values() if not store.has(s)]
    reused = len(distinct) - len(missing)
    same = f" ({len(distinct)} distinct)" if len(distinct) < len(specs) else ""
    say(f"{label}: {len(specs)} runs{same}, {reused} reused from {store.folder}, {len(missing)} to compute on {executor!r}")
    progress = Progress(len(missing), f"{label}: runs", show_after=0.0)
    try:
        groups = group_by_settling(missing, at_least=2 * (getattr(executor, "workers", None) or 2))
        for group, tables in executor.map(yearly_for_group, groups):
            for spec, table in zip(group.specs, tables):
                store.put(spec, table)
            progress(len(group.specs))
    finally:
        progress.close()
    return store.load(specs), reused
