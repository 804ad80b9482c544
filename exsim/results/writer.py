"""Write a run's folder atomically: everything goes to a temporary sibling, renamed at the end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pandas as pd

import exsim
from exsim.results.folders import MANIFEST, claim_output, temporary_sibling
from exsim.results.replicate import ReplicateResult
from exsim.results.summary import has_departments, summarise, summarise_departments

TABLES = ("timeseries", "teams", "spells", "org", "departments")


def combine(results: list[ReplicateResult]) -> dict[str, pd.DataFrame]:
    """Concatenate each table over replicates (in replicate order)."""
    return {name: pd.concat([r.tables[name] for r in results], ignore_index=True) for name in TABLES}


def write_run(out: Path, tables: dict[str, pd.DataFrame], manifest: dict,
              extras: Callable[[Path], None] | None = None) -> Path:
    """Write tables as Parquet, summary.csv, manifest.json, then `extras(folder)` (figures, report).

    Nothing appears at `out` until all of it is written; an older exsim folder there is replaced.
    """

    def contents(folder: Path) -> None:
        for name in TABLES:
            tables[name].to_parquet(folder / f"{name}.parquet", index=False)
        summarise(tables["timeseries"]).to_csv(folder / "summary.csv", index=False, float_format="%.6g")
        if has_departments(tables["departments"]):
            summarise_departments(tables["departments"]).to_csv(folder / "departments_summary.csv", index=False,
                                                                float_format="%.6g")
        if extras is not None:
            extras(folder)

    return write_folder(out, contents, manifest)


def write_folder(out: Path, contents: Callable[[Path], None], manifest: dict) -> Path:
    """Fill a temporary sibling of `out` (`contents(folder)` plus manifest.json), then rename it to `out`.

    `out` must be new or a folder exsim wrote (see `claim_output`); the manifest lists every file
    written, so a later write can tell the user's own files from exsim's.
    """
    out = claim_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(out)
    try:
        contents(tmp)
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        manifest = {**manifest, "exsim_version": exsim.__version__, "git_commit": git_commit(), "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        _replace(tmp, claim_output(out))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _replace(tmp: Path, out: Path) -> None:
    """Swap `tmp` in for `out`; the old folder (exsim's, checked by the caller) is removed afterwards."""
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
