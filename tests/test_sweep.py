"""`exsim sweep`: designs, the tidy table, response curves, resuming after a kill, bad specs."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from exsim.analysis.experiment import load_experiment
from exsim.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "org.headcount=60", "--set", "sim.burn_in_weeks=20", "--years", "1"]


def spec(tmp_path, body, name="spec.toml"):
    path = tmp_path / name
    path.write_text(f'base = "{ROOT / "configs" / "baseline.toml"}"\n' + body)
    return path


def exsim(*args, **kw):
    return subprocess.run([sys.executable, "-m", "exsim.cli", *args], capture_output=True, text=True, cwd=ROOT, **kw)


def test_designs_make_the_promised_points(tmp_path):
    grid = load_experiment(spec(tmp_path, 'design = "grid"\n[parameters]\n"org.span_of_control" = { values = [4, 8] }\n'
                                          '"work.workload" = { low = 0.9, high = 1.1, steps = 3 }\n'))
    assert len(grid.points()) == 6 and {p["org.span_of_control"] for p in grid.points()} == {4, 8}
    lhs = load_experiment(spec(tmp_path, 'design = "lhs"\nsamples = 10\n[parameters]\n"org.headcount" = { low = 50, high = 150 }\n'))
    values = sorted(p["org.headcount"] for p in lhs.points())
    assert len(values) == 10 and all(isinstance(v, int) for v in values) and 50 <= values[0] and values[-1] <= 150
    assert len({v // 10 for v in values}) == 10  # one per stratum: a Latin hypercube
    listed = load_experiment(spec(tmp_path, 'design = "list"\n[parameters]\nlabel = { values = ["a", "b"] }\n'
                                            '"work.workload" = { values = [1.0, 1.1] }\n'))
    assert listed.points() == [{"label": "a", "work.workload": 1.0}, {"label": "b", "work.workload": 1.1}]


@pytest.mark.parametrize("body, message", [
    ('[parameters]\n"org.span_of_contrl" = { values = [4] }\n', "did you mean 'span_of_control'"),
    ('[parameters]\n"work.workload" = { low = 1, high = 9 }\n', "work.workload = 9.0 is out of range"),
    ('[parameters]\n"work.workload" = { low = 1.2 }\n', "give `values = [...]` or both `low` and `high`"),
    ('outcomes = ["happiness"]\n[parameters]\n"work.workload" = { values = [1] }\n', "unknown outcome(s) happiness"),
    ('design = "spiral"\n[parameters]\n"work.workload" = { values = [1] }\n', "design"),
])
def test_bad_specs_name_the_key(tmp_path, body, message):
    with pytest.raises(ConfigError) as err:
        load_experiment(spec(tmp_path, body))
    assert message in str(err.value)


def test_sweep_end_to_end_and_rerun_reuses_every_run(tmp_path):
    path = spec(tmp_path, 'design = "grid"\nreplicates = 2\n[parameters]\n"org.span_of_control" = { values = [4, 8, 16, 24, 30] }\n')
    out = tmp_path / "sweep"
    done = exsim("sweep", str(path), *SMALL, "--workers", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "0 reused" in done.stderr and "sweep: runs:   0%" in done.stderr  # the progress bar shows from the start
    table = pd.read_parquet(out / "results.parquet")
    assert {"point", "org.span_of_control", "replicate", "seed", "year", "voluntary_attrition_rate"} <= set(table.columns)
    assert table.groupby(["point", "replicate"]).ngroups == 10
    summary = pd.read_csv(out / "summary.csv")
    engagement = summary[summary.outcome == "engagement"].sort_values("org.span_of_control")["mean"]
    assert engagement.iloc[0] > engagement.iloc[-1]  # span 4 beats span 30
    assert (out / "figures" / "engagement_vs_org_span_of_control.png").is_file()
    again = exsim("sweep", str(path), *SMALL, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "10 reused" in again.stderr and "0 to compute" in again.stderr
    pd.testing.assert_frame_equal(table, pd.read_parquet(out / "results.parquet"))


def test_text_and_true_false_parameters_make_tables_but_no_curves(tmp_path):
    path = spec(tmp_path, 'design = "grid"\nreplicates = 1\noutcomes = ["engagement"]\n[parameters]\n'
                          'option = { values = ["a", "b"] }\n"policy.refill_vacancies" = { values = [true, false] }\n')
    out = tmp_path / "sweep"
    done = exsim("sweep", str(path), *SMALL, "--workers", "1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / "results.parquet")
    assert sorted(table["option"].unique()) == ["a", "b"] and table.groupby("point").ngroups == 4
    assert not (out / "figures").exists() or not any((out / "figures").iterdir())
    assert "| 3 | b | False |" in (out / "report.md").read_text()


def test_a_huge_design_is_counted_not_built(tmp_path, monkeypatch):
    from exsim.analysis.experiment import Experiment
    from exsim.errors import UserError

    path = spec(tmp_path, '[parameters]\n"work.workload" = { low = 0.9, high = 1.2, steps = 1000 }\n'
                          '"org.span_of_control" = { low = 4, high = 20, steps = 1000 }\n')
    experiment = load_experiment(path)
    monkeypatch.setattr(Experiment, "points", lambda self: pytest.fail("the points were built"))
    assert experiment.design_size() == 1_000_000 and experiment.run_count() == 4_000_000
    with pytest.raises(UserError, match=r"1,000,000 points x 4 replicates = 4,000,000 runs, roughly [\d.]+ days.*--yes"):
        experiment.check_size(yes=False, workers=2)
    experiment.check_size(yes=True, workers=2)
    sobol = load_experiment(spec(tmp_path, 'design = "sobol"\nsamples = 100000\n[parameters]\na = { low = 0, high = 1 }\n'
                                           'b = { low = 0, high = 1 }\n', name="sobol.toml"))
    assert sobol.run_count() == 100_000 * 4 * 4  # Saltelli: samples x (levers + 2), x replicates


def test_a_design_of_10000_runs_needs_no_yes(tmp_path):
    path = spec(tmp_path, 'replicates = 10\n[parameters]\n"work.workload" = { low = 0.9, high = 1.2, steps = 1000 }\n')
    experiment = load_experiment(path)
    assert experiment.run_count() == 10_000
    experiment.check_size(yes=False)


def test_bad_spec_exits_2_without_traceback(tmp_path):
    path = spec(tmp_path, '[parameters]\n"org.span_of_contrl" = { values = [4] }\n')
    done = exsim("sweep", str(path), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "did you mean" in done.stderr and "Traceback" not in done.stderr


def test_a_design_run_records_only_its_timeseries_and_it_is_the_full_runs():
    """Designs keep yearly KPIs only, so their runs skip team sums and spells; the timeseries is unchanged."""
    from exsim.config import load_config
    from exsim.results import yearly_kpis
    from exsim.runs.executors import RunSpec
    from exsim.runs.replicates import simulate
    from exsim.runs.store import yearly_for_spec

    config = load_config(Path("configs/reorganise.toml"), ["org.headcount=120", "sim.years=2", "sim.burn_in_weeks=20",
                                                           "sim.name=light"])
    full = simulate(config, 7, 0)
    light = simulate(config, 7, 0, detail=False)
    assert set(full.tables) == {"timeseries", "teams", "spells", "departments", "org"}
    assert set(light.tables) == {"timeseries"}
    pd.testing.assert_frame_equal(light.tables["timeseries"], full.tables["timeseries"])
    yearly = yearly_for_spec(RunSpec(config, 7, 0, tags={"point": 1}))
    pd.testing.assert_frame_equal(yearly.drop(columns=["point", "seed"]), yearly_kpis(full.tables["timeseries"]))
