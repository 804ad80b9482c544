"""Mistakes on the command line end in one message and exit 2, never a traceback, and write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--years", "1", "--replicates", "1", "--no-figures", "--set", "org.headcount=60"]

# (arguments, text the message must contain)
MISTAKES = [
    (["run", "nope.toml"], "nope.toml"),
    (["run", "configs"], "configs"),
    (["run", "configs/baseline.toml", *QUICK, "--dask", "not-an-address"], "--dask"),
    (["run", "configs/baseline.toml", *QUICK, "--dask", "tcp://"], "--dask"),
    (["run", "configs/baseline.toml", *QUICK, "--org-chart", "missing.csv"], "missing.csv"),
    (["run", "configs/baseline.toml", *QUICK, "--baseline", "missing.toml"], "missing.toml"),
    (["run", "configs/baseline.toml", *QUICK, "--years", "0"], "--years"),
    (["run", "configs/baseline.toml", *QUICK, "--workers", "0"], "--workers"),
    (["run", "configs/baseline.toml", *QUICK, "--seed", "-1"], "--seed"),
    (["run", "configs/baseline.toml", *QUICK, "--replicates", "many"], "--replicates"),
    (["run", "configs/baseline.toml", *QUICK, "--out", ""], "--out"),
    (["run", "configs/baseline.toml", *QUICK, "--out", "README.md"], "README.md"),
    (["run", "configs/baseline.toml", "--years", "1", "--baseline", "configs/baseline.toml"], "same configuration"),
    (["compare", "configs/baseline.toml"], "at least one scenario"),
    (["compare", "configs/baseline.toml", "nope.toml"], "nope.toml"),
    (["compare", "configs/baseline.toml", "configs/perks.toml", "--replicates", "1"], "--replicates"),
    (["compare", "configs/baseline.toml", "configs/perks.toml", "--out", "configs"], "configs"),
    (["validate", "--only", "F99"], "F99"),
    (["validate", "--only", ","], "--only"),
    (["validate", "--years", "2"], "--years"),
    (["validate", "--out", "exsim"], "exsim"),
    (["bench", "--sizes", "abc"], "--sizes"),
    (["bench", "--sizes", "5"], "--sizes"),
    (["bench", "--sizes", ","], "--sizes"),
    (["bench", "--sizes", "1000000000"], "--sizes"),
    (["bench", "--weeks", "0"], "--weeks"),
    (["params", "nosuchsection"], "nosuchsection"),
    (["dashboard", "--port", "0"], "--port"),
    (["nosuchcommand"], "nosuchcommand"),
]


@pytest.mark.parametrize(("args", "culprit"), MISTAKES, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_mistake_gives_one_message_and_exit_2(args, culprit, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    before = sorted(p.name for p in (ROOT / "results").iterdir())
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    assert culprit in done.output
    assert len(done.output.strip().splitlines()) <= 6, done.output
    assert sorted(p.name for p in (ROOT / "results").iterdir()) == before


def test_unexpected_failure_is_one_line_and_debug_shows_the_traceback(monkeypatch):
    import exsim.cli

    def broken(*args, **kwargs):
        raise RuntimeError("something inside exsim broke")

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(exsim.cli, "load_config", broken)
    done = CliRunner().invoke(main, ["run", "configs/baseline.toml"])
    assert done.exit_code == 1
    assert "something inside exsim broke" in done.output and "--debug" in done.output
    assert "Traceback" not in done.output
    debug = CliRunner().invoke(main, ["run", "configs/baseline.toml", "--debug"])
    assert isinstance(debug.exception, RuntimeError)


def test_debug_shows_the_traceback_of_a_user_mistake_too(monkeypatch):
    monkeypatch.chdir(ROOT)
    done = CliRunner().invoke(main, ["--debug", "run", "nope.toml"])
    assert done.exception is not None and "nope.toml" in str(done.exception)
