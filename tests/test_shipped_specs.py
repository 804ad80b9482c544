"""Every experiment spec in experiments/ runs at a small size with the command its design belongs to.

Small means 60 people, 1 year, 1 replicate, a short burn-in; Sobol and Morris specs also get 2
base samples (through a copy of the spec). The README's `exsim sweep experiments/equal-budget.toml
--dask local` runs on Dask and locally, with equal tables.
"""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from exsim.analysis.experiment import SENSITIVITY_DESIGNS, load_experiment

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "experiments").glob("*.toml"))
SMALL = ["--years", "1", "--replicates", "1", "--set", "org.headcount=60", "--set", "sim.burn_in_weeks=20"]


def exsim(*args):
    done = subprocess.run([sys.executable, "-m", "exsim.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def small_copy(spec: Path, folder: Path) -> Path:
    """The spec with 2 base samples and its base as an absolute path (so the copy finds it)."""
    text = spec.read_text()
    base = re.search(r'^base = "(.*)"', text, re.M).group(1)
    text = text.replace(f'base = "{base}"', f'base = "{(spec.parent / base).resolve()}"')
    text = re.sub(r"^samples = \d+", "samples = 2", text, flags=re.M)
    copy = folder / spec.name
    copy.write_text(text)
    return copy


def test_there_are_specs_to_run():
    assert len(SPECS) >= 4


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_shipped_spec_runs_small(spec, tmp_path):
    design = load_experiment(spec).spec.design
    out = tmp_path / "out"
    if design in SENSITIVITY_DESIGNS:
        check_sensitivity(small_copy(spec, tmp_path), out)
    else:
        check_sweep(spec, out)


def check_sweep(spec: Path, out: Path) -> None:
    exsim("sweep", spec, *SMALL, "--workers", "2", "--out", out)
    experiment = load_experiment(spec)
    table = pd.read_parquet(out / "results.parquet")
    assert table["point"].nunique() == experiment.design_size()
    assert len(table) == experiment.design_size()  # 1 replicate x 1 year per point
    outcomes = table[experiment.spec.outcomes]
    assert not outcomes.isna().any().any(), outcomes[outcomes.isna().any(axis=1)]
    assert set(experiment.spec.parameters) <= set(table.columns)
    assert set(pd.read_csv(out / "summary.csv")["outcome"]) == set(experiment.spec.outcomes)
    assert (out / "report.md").read_text().startswith(f"# exsim sweep: {spec.name}")


def check_sensitivity(spec: Path, out: Path) -> None:
    exsim("sensitivity", spec, *SMALL, "--workers", "2", "--out", out)
    experiment = load_experiment(spec)
    points = pd.read_csv(out / "points.csv")
    assert len(points) == experiment.design_size()
    assert not points[experiment.spec.outcomes].isna().any().any()
    indices = pd.read_csv(out / "indices.csv")
    assert len(indices) == len(experiment.spec.outcomes) * len(experiment.spec.parameters)
    assert indices["rank"].between(1, len(experiment.spec.parameters)).all()
    assert {f"{o}.png" for o in experiment.spec.outcomes} <= {p.name for p in (out / "figures").iterdir()}


def test_readme_equal_budget_on_dask_equals_local_and_reruns(tmp_path):
    spec = ROOT / "experiments" / "equal-budget.toml"
    on_dask = exsim("sweep", spec, *SMALL, "--dask", "local", "--workers", "2", "--out", tmp_path / "dask")
    assert "Dask cluster" in on_dask.stderr
    exsim("sweep", spec, *SMALL, "--workers", "1", "--out", tmp_path / "local")
    table = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    assert list(table["option"]) == ["nothing", "perks", "training", "staff"]
    pd.testing.assert_frame_equal(table, pd.read_parquet(tmp_path / "local" / "results.parquet"))
    again = exsim("sweep", spec, *SMALL, "--workers", "1", "--out", tmp_path / "dask")  # reuses the stored runs
    assert "4 reused" in again.stderr and "0 to compute" in again.stderr
    pd.testing.assert_frame_equal(table, pd.read_parquet(tmp_path / "dask" / "results.parquet"))
