"""End to end through the command line, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXSIM = [sys.executable, "-m", "exsim.cli"]

TIMESERIES_COLUMNS = {
    "scenario", "replicate", "seed", "week", "year", "headcount", "managers", "vacancies", "engagement", "enps",
    "burnout_share", "absence_rate", "quits", "involuntary_exits", "hires", "voluntary_attrition_rate",
    "customers", "new_customers", "churned_customers", "csat", "customer_churn_rate", "revenue",
    "cost_salaries", "cost_turnover", "cost_absence", "cost_vacancy", "cost_perks",
}
TEAM_COLUMNS = {
    "scenario", "replicate", "seed", "year", "team_id", "manager_id", "span", "headcount", "workload",
    "manager_support", "engagement", "enps", "burnout_share", "quits", "voluntary_attrition_rate",
    "absence_rate", "customers", "csat", "customer_churn_rate",
}
ORG_COLUMNS = {"scenario", "replicate", "seed", "seat", "manager_seat", "team_id", "level", "is_manager", "frontline"}
SPELL_COLUMNS = {
    "scenario", "replicate", "seed", "employee_id", "seat", "team_id", "manager_id", "role", "frontline",
    "hire_week", "exit_week", "exit_reason", "tenure_weeks", "engagement", "burnout", "workload", "absent_weeks",
}


def exsim(*args, cwd=ROOT):
    return subprocess.run([*EXSIM, *args], capture_output=True, text=True, cwd=cwd, check=False)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "small"
    done = exsim("run", "configs/baseline.toml", "--years", "2", "--replicates", "2", "--workers", "2",
                 "--seed", "9", "--set", "org.headcount=120", "--set", "sim.burn_in_weeks=20", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    return out


def test_run_writes_every_file_and_column(run_folder):
    names = {p.name for p in run_folder.iterdir()}
    assert {"manifest.json", "timeseries.parquet", "teams.parquet", "spells.parquet", "org.parquet", "summary.csv",
            "figures", "report.md"} <= names
    ts = pd.read_parquet(run_folder / "timeseries.parquet")
    teams = pd.read_parquet(run_folder / "teams.parquet")
    spells = pd.read_parquet(run_folder / "spells.parquet")
    assert TIMESERIES_COLUMNS <= set(ts.columns)
    assert TEAM_COLUMNS <= set(teams.columns)
    assert SPELL_COLUMNS <= set(spells.columns)
    org = pd.read_parquet(run_folder / "org.parquet")
    assert ORG_COLUMNS <= set(org.columns) and len(org) == 2 * 120
    assert len(ts) == 2 * 2 * 52 and sorted(ts["replicate"].unique()) == [0, 1]
    assert sorted(teams["year"].unique()) == [1, 2]
    summary = pd.read_csv(run_folder / "summary.csv")
    assert {"scenario", "year", "metric", "mean", "p05", "p95", "replicates"} <= set(summary.columns)
    row = summary[(summary.metric == "engagement") & (summary.year == 1)].iloc[0]
    assert row["p05"] <= row["mean"] <= row["p95"] and row["replicates"] == 2


def test_manifest_records_config_seeds_and_version(run_folder):
    manifest = json.loads((run_folder / "manifest.json").read_text())
    assert manifest["config"]["org"]["headcount"] == 120
    assert manifest["config"]["sim"]["seed"] == 9 and len(manifest["seeds"]) == 2
    assert manifest["exsim_version"] and manifest["started"] <= manifest["finished"]
    assert "--replicates 2" in manifest["command"]


def test_figures_are_pngs_and_report_links_them(run_folder):
    figures = sorted(p.name for p in (run_folder / "figures").iterdir() if p.suffix == ".png")
    assert figures == ["kpis.png", "network.png", "staffing.png", "teams.png"]
    for name in figures:
        assert (run_folder / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (run_folder / "figures" / name).with_suffix(".svg").read_text().lstrip().startswith(("<?xml", "<svg"))
        assert f"figures/{name}" in (run_folder / "report.md").read_text()
    assert "Voluntary attrition" in (run_folder / "report.md").read_text()


def test_config_error_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "' + str(ROOT / "configs" / "baseline.toml") + '"\n[org]\nspan_of_contol = 9\n')
    done = exsim("run", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "did you mean 'span_of_control'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    done = exsim("run", "configs/baseline.toml", "--set", "work.workload=9", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "work.workload = 9 is out of range" in done.stderr
    done = exsim("run", "configs/missing.toml")
    assert done.returncode == 2 and "scenario file not found" in done.stderr
    done = exsim("run", "configs/baseline.toml", "--replicates", "0")
    assert done.returncode == 2 and "--replicates" in done.stderr


def test_help_explains_every_option():
    for command in ([], ["run"], ["bench"]):
        done = exsim(*command, "--help")
        assert done.returncode == 0
    text = exsim("run", "--help").stdout
    for option in ("--years", "--seed", "--replicates", "--workers", "--out", "--set"):
        assert option in text


def test_bench_json_reports_the_promised_keys():
    done = exsim("bench", "--json", "--sizes", "300", "--weeks", "3")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert {"employees", "customers", "weeks", "setup_s", "agent_weeks_per_s", "peak_rss_mb"} <= set(row)
    assert row["employees"] == 300 and row["weeks"] == 3
    assert row["customers"] > 0 and row["agent_weeks_per_s"] > 0 and row["peak_rss_mb"] > 0
    bad = exsim("bench", "--sizes", "ten")
    assert bad.returncode == 2 and "--sizes" in bad.stderr


def test_run_on_an_org_chart_and_a_broken_one(tmp_path):
    chart = tmp_path / "chart.csv"
    rows = ["employee_id,manager_id", "1,"] + [f"{i},1" for i in (2, 3)] + [f"{i},{2 + i % 2}" for i in range(4, 20)]
    chart.write_text("\n".join(rows) + "\n")
    out = tmp_path / "chart-run"
    done = exsim("run", "configs/baseline.toml", "--org-chart", str(chart), "--years", "1", "--replicates", "1",
                 "--set", "sim.burn_in_weeks=10", "--no-figures", "--out", str(out))
    assert done.returncode == 0, done.stderr
    spells = pd.read_parquet(out / "spells.parquet")
    assert spells["seat"].max() == 18 and set(spells[spells.seat == 0]["role"]) == {"manager"}
    assert "org chart" in (out / "report.md").read_text()
    broken = tmp_path / "loop.csv"
    broken.write_text("employee_id,manager_id\n1,\n2,1\n3,4\n4,3\n")
    done = exsim("run", "configs/baseline.toml", "--org-chart", str(broken), "--out", str(tmp_path / "no"))
    assert done.returncode == 2 and "loop" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "no").exists()
