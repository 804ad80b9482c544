"""Output folders are exsim's own: foreign files are never deleted, names never escape results/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exsim.errors import UserError
from exsim.results.folders import claim_output, clean_leftovers, default_output, is_exsim_folder, safe_name
from exsim.results.writer import write_folder

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--years", "1", "--replicates", "1", "--no-figures", "--set", "org.headcount=60", "--set", "sim.burn_in_weeks=10"]


def exsim(*args, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "exsim.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False, timeout=600)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's folder: a scenario file, its data, and a documents folder with a thesis in it."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "my.toml").write_text(f'extends = "{ROOT / "configs" / "baseline.toml"}"\n')
    (tmp_path / "proj" / "data.csv").write_text("id,manager\n1,\n")
    (tmp_path / "mydocs").mkdir()
    (tmp_path / "mydocs" / "thesis.txt").write_text("four years of work")
    return tmp_path


@pytest.mark.parametrize("out", ["mydocs", "proj", ".", "..", "proj/data.csv", "proj/data.csv/sub"])
def test_run_never_writes_over_a_folder_or_file_it_did_not_write(project, out):
    before = snapshot(project)
    done = exsim("run", "proj/my.toml", *SMALL, "--out", out, cwd=project)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "--out" in done.stderr and out.split("/")[0] in done.stderr
    assert snapshot(project) == before


def test_empty_out_is_a_mistake(project):
    done = exsim("run", "proj/my.toml", *SMALL, "--out", "", cwd=project)
    assert done.returncode == 2 and "--out" in done.stderr and "empty" in done.stderr


def test_rerun_replaces_its_own_folder_but_keeps_a_users_file_in_it(project):
    first = exsim("run", "proj/my.toml", *SMALL, "--out", "res", cwd=project)
    assert first.returncode == 0, first.stderr
    manifest = json.loads((project / "res" / "manifest.json").read_text())
    assert "summary.csv" in manifest["files"] and "exsim_version" in manifest
    again = exsim("run", "proj/my.toml", *SMALL, "--out", "res", cwd=project)
    assert again.returncode == 0, again.stderr
    (project / "res" / "notes.txt").write_text("my notes on the run")
    refused = exsim("run", "proj/my.toml", *SMALL, "--out", "res", cwd=project)
    assert refused.returncode == 2 and "notes.txt" in refused.stderr
    assert (project / "res" / "notes.txt").read_text() == "my notes on the run"
    assert not [p for p in project.iterdir() if p.name.startswith(".res.")]


def test_out_through_a_symlink_writes_the_target_and_leaves_no_hidden_link(project):
    assert exsim("run", "proj/my.toml", *SMALL, "--out", "real", cwd=project).returncode == 0
    (project / "link").symlink_to("real")
    done = exsim("run", "proj/my.toml", *SMALL, "--out", "link", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "link").is_symlink() and is_exsim_folder(project / "real")
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("name", ["", ".", "..", "../escape", "/tmp/abs", "a/../../b", "x" * 300, "...hidden"])
def test_default_folder_stays_directly_under_results(name):
    folder = default_output(name)
    assert folder.parent == Path("results")
    assert folder.name not in ("", ".", "..") and not folder.name.startswith(".") and len(folder.name) <= 100
    assert "/" not in folder.name and "\\" not in folder.name


def test_safe_name_keeps_readable_names():
    assert safe_name("baseline") == "baseline"
    assert safe_name("manager-training+span_of_control=25") == "manager-training+span_of_control=25"
    assert safe_name("Wide spans (2027)") == "Wide-spans-2027"


def test_an_empty_existing_folder_may_be_used(tmp_path):
    (tmp_path / "empty").mkdir()
    assert claim_output(tmp_path / "empty") == tmp_path / "empty"


def test_write_folder_refuses_a_foreign_folder_even_when_asked_directly(tmp_path):
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UserError, match="did not write"):
        write_folder(tmp_path / "theirs", lambda folder: (folder / "x.csv").write_text("a\n"), {})
    assert (tmp_path / "theirs" / "photo.jpg").read_bytes() == b"\xff\xd8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs"]


def test_leftovers_of_dead_writers_are_cleaned_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    for name in (f".res.tmp-{dead_pid}-0", f".res.old-{dead_pid}", ".res.ab12_x.tmp", f".res.tmp-{os.getpid()}-0",
                 ".other.ab12_x.tmp", "res-notes"):
        (tmp_path / name).mkdir()
    removed = {p.name for p in clean_leftovers(tmp_path / "res")}
    assert removed == {f".res.tmp-{dead_pid}-0", f".res.old-{dead_pid}", ".res.ab12_x.tmp"}
    assert {p.name for p in tmp_path.iterdir()} == {f".res.tmp-{os.getpid()}-0", ".other.ab12_x.tmp", "res-notes"}


def test_a_failing_write_leaves_nothing_behind(tmp_path):
    def explode(folder: Path) -> None:
        (folder / "half.csv").write_text("a\n")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_folder(tmp_path / "res", explode, {})
    assert list(tmp_path.iterdir()) == []


def test_set_overrides_name_the_run_and_its_folder(project):
    done = exsim("run", "proj/my.toml", *SMALL, "--set", "org.span_of_control=12", cwd=project)
    assert done.returncode == 0, done.stderr
    folder = project / "results" / "baseline+headcount=60,burn_in_weeks=10,span_of_control=12"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenario"] == folder.name


def test_baseline_of_the_same_file_compares_the_overrides_and_says_so(project):
    done = exsim("run", "proj/my.toml", *SMALL,
                 "--set", "org.span_of_control=12", "--baseline", "proj/my.toml", "--out", "case", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "applies to the scenario only" in done.stderr
    manifest = json.loads((project / "case" / "manifest.json").read_text())
    assert manifest["baseline_config"]["org"]["span_of_control"] != manifest["config"]["org"]["span_of_control"]
    same = exsim("run", "proj/my.toml", "--years", "1", "--replicates", "1", "--baseline", "proj/my.toml",
                 "--out", "same", cwd=project)
    assert same.returncode == 2 and "same configuration" in same.stderr
    assert not (project / "same").exists()
