"""The examples run as they are: each script in examples/ finishes and prints what it promises."""

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, monkeypatch, capsys):
    import multiprocessing

    monkeypatch.chdir(ROOT)
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        namespace = runpy.run_path(str(script), run_name="__main__")
    finally:  # mesa's batch_run sets the start method for the whole process
        multiprocessing.set_start_method(method, force=True)
    printed = capsys.readouterr().out
    assert "rows from batch_run" in printed and "retention" in printed
    assert namespace["result"].timeseries["replicate"].nunique() == 2
    assert namespace["model"].running is False
