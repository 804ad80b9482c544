"""Org charts with departments on every command: the chart is checked against the scenario's departments before
anything runs or is written, and a department only the chart has is addressable like one the scenario declares."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from exsim import OrgModel
from exsim.analysis.experiment import load_experiment
from exsim.cli import main
from exsim.config import load_config, validate_config
from tests.test_data_orgchart import DEPARTMENT_CHART

CHART = DEPARTMENT_CHART.replace("Afdeling", "department")  # E1 heads Ops and Sales; E9, E11 executive staff
OTHER_CHART = CHART.replace("Sales", "Support")  # the same people in Ops and Support
SMALL = "[sim]\nyears = 1\nreplicates = 1\nburn_in_weeks = 2\n"
MISMATCHES = {  # scenario text after SMALL -> what the message says besides the chart's departments
    "table": ("[departments.IT.work]\nworkload = 1.3\n", "the scenario's departments: IT; the chart's: Ops, Sales"),
    "size": ("[departments.Sales]\nheadcount = 7\n",
             "Sales headcount = 7 (the chart has 5); the scenario's departments: Sales; the chart's departments: "
             "Ops 4, Sales 5"),
    "where": ('[[interventions]]\nname = "train"\nprogramme = "manager_training"\nwhere = ["Legal"]\n',
              "where names 'Legal', which the org chart does not have; the scenario's departments: none"),
}


@pytest.fixture
def files(tmp_path):
    """Paths: chart, other (chart), ok (a scenario without departments), bad (one whose IT table the chart lacks)."""
    paths = {"chart": tmp_path / "chart.csv", "other": tmp_path / "other.csv", "ok": tmp_path / "ok.toml",
             "bad": tmp_path / "bad.toml"}
    paths["chart"].write_text(CHART)
    paths["other"].write_text(OTHER_CHART)
    paths["ok"].write_text(SMALL)
    paths["bad"].write_text(SMALL + MISMATCHES["table"][0])
    return paths


def invoke(args):
    return CliRunner().invoke(main, [str(a) for a in args])


def chart_set(path: Path) -> str:
    return f"org.chart={json.dumps(str(path))}"


def write_spec(path: Path, base: Path, chart: Path | None, parameters: str, design: str = "grid",
               sets: dict | None = None) -> Path:
    settings = {"sim.burn_in_weeks": 2, **({"org.chart": str(chart)} if chart else {}), **(sets or {})}
    set_line = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in settings.items())
    path.write_text(f'base = {json.dumps(str(base))}\ndesign = "{design}"\nsamples = 2\nreplicates = 1\nyears = 1\n'
                    f'outcomes = ["engagement"]\nset = {{ {set_line} }}\n{parameters}')
    return path


def assert_stopped_before_anything(done, out: Path, *texts: str) -> None:
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output and "runs [" not in done.output
    for text in texts:
        assert text in done.output, done.output
    assert not out.exists(), "the output folder was created"
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")], "runs were stored"


# ---- a chart that disagrees with the scenario stops every command up front --------------------------

@pytest.mark.parametrize("kind", list(MISMATCHES))
def test_run_stops_before_running_when_the_charts_departments_disagree(files, tmp_path, kind):
    text, message = MISMATCHES[kind]
    files["bad"].write_text(SMALL + text)
    out = tmp_path / "out"
    done = invoke(["run", files["bad"], "--org-chart", files["chart"], "--workers", "2", "--replicates", "2",
                   "--no-figures", "--out", out])
    assert_stopped_before_anything(done, out, str(files["chart"]), str(files["bad"]), message)
    assert "Ops" in done.output and "Sales" in done.output


def test_run_checks_the_baseline_against_the_chart_too(files, tmp_path):
    out = tmp_path / "out"
    done = invoke(["run", files["ok"], "--org-chart", files["chart"], "--baseline", files["bad"], "--no-figures",
                   "--out", out])
    assert_stopped_before_anything(done, out, f"{files['bad']}: {files['chart']}", MISMATCHES["table"][1])


def test_compare_stops_before_running_and_names_the_scenario(files, tmp_path):
    out = tmp_path / "out"
    done = invoke(["compare", files["ok"], files["bad"], "--set", chart_set(files["chart"]), "--workers", "2",
                   "--out", out])
    assert_stopped_before_anything(done, out, f"{files['bad']}: {files['chart']}", MISMATCHES["table"][1])


def test_validate_stops_before_running(files, tmp_path):
    out = tmp_path / "out"
    done = invoke(["validate", files["bad"], "--set", chart_set(files["chart"]), "--only", "F1", "--out", out])
    assert_stopped_before_anything(done, out, str(files["chart"]), MISMATCHES["table"][1])


@pytest.mark.parametrize("command, design", [("sweep", "grid"), ("sensitivity", "morris")])
def test_sweep_and_sensitivity_stop_before_running(files, tmp_path, command, design):
    spec = write_spec(tmp_path / "spec.toml", files["bad"], files["chart"],
                      '[parameters."work.workload"]\nlow = 1.0\nhigh = 1.2\n', design)
    out = tmp_path / "out"
    done = invoke([command, spec, "--workers", "2", "--out", out])
    assert_stopped_before_anything(done, out, f"{spec}: {files['chart']}", MISMATCHES["table"][1])


def test_every_design_point_is_checked_against_its_own_chart(files, tmp_path):
    """Sales is in the first chart, not in the second: the point that runs on the second stops the sweep."""
    spec = write_spec(tmp_path / "spec.toml", files["ok"], None,
                      f'[parameters."org.chart"]\nvalues = {json.dumps([str(files["chart"]), str(files["other"])])}\n'
                      '[parameters."departments.Sales.work.workload"]\nvalues = [1.0, 1.3]\n')
    out = tmp_path / "out"
    done = invoke(["sweep", spec, "--out", out])
    assert_stopped_before_anything(done, out, f"design point org.chart = {str(files['other'])!r}", str(files["other"]),
                                   "the scenario's departments: Sales; the chart's: Ops, Support")


# ---- a department only the chart has is addressable -------------------------------------------------

def workload_ratio(config, reference) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's department and its felt workload in week 1 under `config` over that under `reference` (same seed)."""
    models = [OrgModel(c, rng=3, burn_in_weeks=0) for c in (config, reference)]
    for model in models:
        model.run(1)
    return models[0].org.department_label(), models[0].world.staff.workload / models[1].world.staff.workload


def assert_only_sales_changes(config, reference, factor=1.3) -> None:
    label, ratio = workload_ratio(config, reference)
    sales = label == "Sales"
    assert sales.sum() == 5 and set(label[~sales]) == {"Ops", "executive"}
    np.testing.assert_allclose(ratio[sales], factor)
    np.testing.assert_allclose(ratio[~sales], 1.0)
    workload = np.broadcast_to(OrgModel(config, rng=3, burn_in_weeks=0).current.work.workload, label.shape)
    np.testing.assert_array_equal(workload[sales], factor)
    np.testing.assert_array_equal(workload[~sales], reference.work.workload)


def test_run_set_reaches_a_chart_department_without_a_table(files, tmp_path):
    out = tmp_path / "out"
    done = invoke(["run", files["ok"], "--org-chart", files["chart"], "--set", "departments.Sales.work.workload=1.3",
                   "--workers", "1", "--no-figures", "--out", out])
    assert done.exit_code == 0, done.output
    used = validate_config(json.loads((out / "manifest.json").read_text())["config"])
    assert used.departments["Sales"].work == {"workload": 1.3} and "Ops" not in used.departments
    reference = load_config(files["ok"], [chart_set(files["chart"]), "departments.Sales.work.workload=1.0"])
    assert_only_sales_changes(used, reference)
    spells = pd.read_parquet(out / "spells.parquet")
    assert set(spells["department"]) == {"Ops", "Sales", "executive"}


def test_sweep_varies_a_chart_department_without_a_table(files, tmp_path):
    spec = write_spec(tmp_path / "spec.toml", files["ok"], files["chart"],
                      '[parameters."departments.Sales.work.workload"]\nvalues = [1.0, 1.3]\n')
    out = tmp_path / "out"
    done = invoke(["sweep", spec, "--workers", "1", "--out", out])
    assert done.exit_code == 0, done.output
    results = pd.read_csv(out / "results.csv")
    assert sorted(results["departments.Sales.work.workload"]) == [1.0, 1.3]
    experiment = load_experiment(spec)
    low, high = (experiment.config_for({"departments.Sales.work.workload": v}) for v in (1.0, 1.3))
    assert_only_sales_changes(high, low)


def test_sensitivity_set_reaches_a_chart_department_without_a_table(files, tmp_path):
    spec = write_spec(tmp_path / "spec.toml", files["ok"], files["chart"],
                      '[parameters."work.workload"]\nlow = 1.0\nhigh = 1.1\n', "morris")
    out = tmp_path / "out"
    done = invoke(["sensitivity", spec, "--set", "departments.Sales.attrition.base_quit_rate_per_year=0.3",
                   "--workers", "1", "--out", out])
    assert done.exit_code == 0, done.output
    base = load_experiment(spec, ["departments.Sales.attrition.base_quit_rate_per_year=0.3"]).base
    assert base.departments["Sales"].attrition == {"base_quit_rate_per_year": 0.3}
    model = OrgModel(base, rng=1, burn_in_weeks=0)
    rate = np.broadcast_to(model.current.attrition.base_quit_rate_per_year, (model.org.n_seats,))
    sales = model.org.department_label() == "Sales"
    assert (rate[sales] == 0.3).all() and (rate[~sales] == base.attrition.base_quit_rate_per_year).all()


# ---- an unknown department is named with the known ones ---------------------------------------------

KNOWN = "the scenario's departments: none (no [departments.<name>] tables); the org chart's ({chart}): Ops, Sales"


def test_run_set_on_an_unknown_department_lists_the_scenarios_and_the_charts(files, tmp_path):
    out = tmp_path / "out"
    done = invoke(["run", files["ok"], "--org-chart", files["chart"], "--set", "departments.Sals.work.workload=1.3",
                   "--no-figures", "--out", out])
    assert_stopped_before_anything(done, out, "--set departments.Sals.work.workload=1.3: no department 'Sals'",
                                   KNOWN.format(chart=files["chart"]))


def test_a_declared_table_and_the_charts_departments_are_both_known(files, tmp_path):
    files["ok"].write_text(SMALL + "[departments.Ops.work]\nworkload = 1.1\n")
    out = tmp_path / "out"
    done = invoke(["run", files["ok"], "--org-chart", files["chart"], "--set", "departments.IT.work.workload=1.3",
                   "--no-figures", "--out", out])
    assert_stopped_before_anything(done, out, "no department 'IT'; the scenario's departments: Ops; the org chart's")
    done = invoke(["run", files["ok"], "--org-chart", files["chart"], "--set", "departments.Ops.work.workload=1.2",
                   "--set", "departments.Sales.work.workload=1.2", "--workers", "1", "--no-figures", "--out", out])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("where", ["parameter", "set", "--set"])
def test_sweep_keys_on_an_unknown_department_list_the_scenarios_and_the_charts(files, tmp_path, where):
    key = "departments.Sals.work.workload"
    parameter = f'[parameters."{key if where == "parameter" else "work.workload"}"]\nvalues = [1.0, 1.3]\n'
    spec = write_spec(tmp_path / "spec.toml", files["ok"], files["chart"], parameter,
                      sets={key: 1.2} if where == "set" else None)
    out = tmp_path / "out"
    done = invoke(["sweep", spec, "--out", out, *(["--set", f"{key}=1.2"] if where == "--set" else [])])
    origin = {"parameter": f"parameter '{key}'", "set": f"[set] '{key}'", "--set": f"--set {key}=1.2"}[where]
    assert_stopped_before_anything(done, out, origin, "no department 'Sals'", KNOWN.format(chart=files["chart"]))


def test_without_a_chart_a_sweep_key_lists_the_scenarios_departments(files, tmp_path):
    files["ok"].write_text(SMALL + "[org]\nheadcount = 40\n[departments.a]\nshare = 0.5\n[departments.b]\nshare = 0.5\n")
    spec = write_spec(tmp_path / "spec.toml", files["ok"], None,
                      '[parameters."departments.c.work.workload"]\nvalues = [1.0, 1.3]\n')
    done = invoke(["sweep", spec, "--out", tmp_path / "out"])
    assert done.exit_code == 2, done.output
    assert "no department 'c'; the scenario's departments: a, b; no org chart" in done.output
