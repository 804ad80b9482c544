"""A resumable store of finished runs: one Parquet file per run, written atomically.

A design (sweep, sensitivity) keeps only each run's yearly KPIs, streamed to disk as runs finish,
so memory stays bounded however large the design. After a crash, kill or Ctrl-C, running the
same command again reuses every stored run and computes only what is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from exsim.results import yearly_kpis
from exsim.runs.executors import RunSpec
from exsim.runs.progress import Progress
from exsim.runs.replicates import simulate


def yearly_for_spec(spec: RunSpec) -> pd.DataFrame:
    """The task the executors run for designs: one run's yearly KPIs, tagged with the spec's tags."""
    result = simulate(spec.config, spec.seed, spec.replicate)
    yearly = yearly_kpis(result.tables["timeseries"])
    ts = result.tables["timeseries"]
    for column in ("trust_org", "quit_hazard", "manager_support"):
        yearly[column] = ts.groupby("year")[column].mean().to_numpy()
    for name, value in spec.tags.items():
        yearly[name] = value
    yearly["seed"] = spec.seed
    return yearly


class RunStore:
    """Finished runs under `folder`, keyed by RunSpec.key."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, spec: RunSpec) -> Path:
        return self.folder / f"{spec.key}.parquet"

    def has(self, spec: RunSpec) -> bool:
        return self.path(spec).is_file()

    def put(self, spec: RunSpec, table: pd.DataFrame) -> None:
        """Write atomically: a reader sees the whole file or none."""
        tmp = self.path(spec).with_suffix(f".tmp-{os.getpid()}")
        table.to_parquet(tmp, index=False)
        os.replace(tmp, self.path(spec))

    def load(self, specs: list[RunSpec]) -> pd.DataFrame:
        """Stored runs in spec order, each tagged with its own spec's tags (specs may share a run)."""
        return pd.concat([pd.read_parquet(self.path(s)).assign(**s.tags) for s in specs], ignore_index=True)


def run_design(specs: list[RunSpec], store: RunStore, executor, label: str, say=print) -> tuple[pd.DataFrame, int]:
    """Run what the store lacks, storing each run as it finishes; returns all runs' yearly rows and the reused count."""
    missing = list({s.key: s for s in specs if not store.has(s)}.values())  # identical runs once
    reused = len(specs) - len(missing)
    say(f"{label}: {len(specs)} runs, {reused} reused from {store.folder}, {len(missing)} to compute on {executor!r}")
    progress = Progress(len(missing), f"{label}: runs")
    try:
        for spec, table in executor.map(yearly_for_spec, missing):
            store.put(spec, table)
            progress(1)
    finally:
        progress.close()
    return store.load(specs), reused
