"""Write a run's folder atomically: everything goes to a temporary sibling, renamed at the end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

import exsim
from exsim.runs.replicates import ReplicateResult

TABLES = ("timeseries", "teams", "spells")


def combine(results: list[ReplicateResult]) -> dict[str, pd.DataFrame]:
    """Concatenate each table over replicates (in replicate order)."""
    return {name: pd.concat([r.tables[name] for r in results], ignore_index=True) for name in TABLES}


def write_run(out: Path, tables: dict[str, pd.DataFrame], manifest: dict,
              extras: Callable[[Path], None] | None = None) -> Path:
    """Write tables as Parquet, summary.csv, manifest.json, then `extras(folder)` (figures, report).

    Nothing appears at `out` until all of it is written; an older folder there is replaced.
    """
    from exsim.results.summary import summarise

    def contents(folder: Path) -> None:
        for name in TABLES:
            tables[name].to_parquet(folder / f"{name}.parquet", index=False)
        summarise(tables["timeseries"]).to_csv(folder / "summary.csv", index=False, float_format="%.6g")
        if extras is not None:
            extras(folder)

    return write_folder(out, contents, manifest)


def write_folder(out: Path, contents: Callable[[Path], None], manifest: dict) -> Path:
    """Fill a temporary sibling of `out` (`contents(folder)` plus manifest.json), then rename it to `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    tmp.chmod(0o755)
    try:
        contents(tmp)
        manifest = {**manifest, "exsim_version": exsim.__version__, "git_commit": git_commit()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _replace(tmp: Path, out: Path) -> None:
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def git_commit() -> str | None:
    """The commit of the exsim checkout, if it is one."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                              text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
