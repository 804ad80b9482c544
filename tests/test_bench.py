"""`exsim bench` and its plain Mesa reference: fields present and consistent, the reference's update agreeing
with exsim's mechanisms, clear errors. No wall-clock assertions: nothing here says what is faster."""

import json
import subprocess
import sys

import click
import numpy as np
import pytest
from click.testing import CliRunner

from exsim import OrgModel, load_config
from exsim.bench import format_table, measure, measure_mesa
from exsim.bench_reference import Employee, ReferenceModel, day_one_state
from exsim.cli import main

SIZE = ["org.headcount=200", "customers.per_frontline_employee=10"]


def _consistent(row: dict, prefix: str = "") -> None:
    """Throughputs times the stepping time give back the employee- and customer-weeks."""
    step = row[f"{prefix}step_s"]
    weeks = row[f"{prefix}weeks" if prefix else "weeks"]
    assert row[f"{prefix}employee_weeks"] == row["employees"] * weeks
    assert row[f"{prefix}employee_weeks_per_s"] * step == pytest.approx(row["employees"] * weeks, rel=1e-3)
    assert row[f"{prefix}customer_weeks_per_s"] * step == pytest.approx(row[f"{prefix}customer_weeks"], rel=1e-3)
    assert row[f"{prefix}employee_weeks_per_cpu_s"] * row[f"{prefix}step_cpu_s"] == pytest.approx(
        row["employees"] * weeks, rel=1e-3)
    assert row[f"{prefix}memory_above_baseline_mb"] >= 0 and row[f"{prefix}bytes_per_employee"] >= 0
    assert row[f"{prefix}peak_rss_mb"] >= row[f"{prefix}baseline_rss_mb"] - 1  # MB rounding


def test_measure_counts_employees_and_customers_apart_and_extrapolates_a_capped_burn_in():
    row = measure(200, 3, burn_in_weeks=4)
    _consistent(row)
    assert row["employees"] == 200 and row["weeks"] == 3
    assert row["customers"] > 200  # accounts are counted as accounts, not as employees
    assert 0.8 * row["customers"] * 3 <= row["customer_weeks"] <= 1.2 * row["customers"] * 3
    assert row["burn_in_weeks"] == load_config().sim.burn_in_weeks and row["burn_in_weeks_measured"] == 4
    assert row["burn_in_extrapolated"] is True
    assert row["burn_in_s"] == pytest.approx(row["burn_in_measured_s"] * row["burn_in_weeks"] / 4, rel=1e-3)
    assert row["setup_s"] >= 0 and row["setup_cpu_s"] >= 0
    none = measure(200, 1, burn_in_weeks=0)
    assert none["burn_in_s"] is None and none["burn_in_extrapolated"] is False


def test_measure_mesa_fields_are_consistent():
    row = measure_mesa(200, 2)
    _consistent(row, prefix="mesa_")
    assert row["mesa_customers"] > 200 and row["mesa_weeks"] == 2 and row["mesa_memory_after_exsim_build"] is True


def test_bench_json_compares_with_plain_mesa_in_the_same_run():
    args = ["bench", "--json", "--sizes", "200", "--weeks", "2", "--burn-in-weeks", "2", "--compare-mesa",
            "--mesa-weeks", "2"]
    done = subprocess.run([sys.executable, "-m", "exsim.cli", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    _consistent(row)
    _consistent(row, prefix="mesa_")
    assert row["mesa_memory_after_exsim_build"] is False  # the day-one organisation came from another process
    assert row["x_plain_mesa"] == pytest.approx(row["employee_weeks_per_s"] / row["mesa_employee_weeks_per_s"], rel=0.01)
    assert row["x_plain_mesa_cpu"] == pytest.approx(
        row["employee_weeks_per_cpu_s"] / row["mesa_employee_weeks_per_cpu_s"], rel=0.01)
    text = format_table([row], 2)
    for words in ("employee-weeks/s", "customer-weeks/s", "not additive", "burn-in", "extrapolated", "CPU",
                  "MB above base", "x plain Mesa", "bench_reference.py"):
        assert words in text, words


def _reference(overrides=(), weeks=12, seed=3) -> ReferenceModel:
    config = load_config(None, [*SIZE, *overrides])
    state = day_one_state(OrgModel(load_config(None, SIZE), rng=seed, burn_in_weeks=0))
    model = ReferenceModel(state, config, seed=seed)
    for _ in range(weeks):
        model.step()
    return model


def _exsim(overrides=(), weeks=12, seed=3) -> OrgModel:
    model = OrgModel(load_config(None, [*SIZE, *overrides]), rng=seed, burn_in_weeks=0)
    model.run(weeks)
    return model


def _exsim_mean(model: OrgModel, column: str) -> float:
    staff = model.staff
    return float(np.mean(getattr(staff, column)[staff.occupied]))


def test_one_reference_week_follows_exsims_equations():
    """From the same day one, a week of the reference lands where a week of exsim does (the draws differ)."""
    config = load_config(None, SIZE)
    exsim_model = OrgModel(config, rng=5, burn_in_weeks=0)
    reference = ReferenceModel(day_one_state(exsim_model), config, seed=5)
    exsim_model.step()
    reference.step()
    for column in ("workload", "support", "trust_manager", "trust_org", "peer_help", "strain", "engagement",
                   "customer_mood"):
        assert reference.mean(column) == pytest.approx(_exsim_mean(exsim_model, column), abs=0.01), column


@pytest.mark.parametrize(("lever", "column", "direction"), [
    (("work.workload=1.0", "work.workload=1.5"), "burnout", +1),
    (("work.workload=1.0", "work.workload=1.5"), "strain", +1),
    (("culture.trust=0.5", "culture.trust=0.9"), "engagement", +1),
    (("culture.peer_help=0.2", "culture.peer_help=0.9"), "strain", -1),
])
def test_the_reference_moves_the_way_exsim_does(lever, column, direction):
    low, high = lever
    reference_change = _reference([high]).mean(column) - _reference([low]).mean(column)
    exsim_change = _exsim_mean(_exsim([high]), column) - _exsim_mean(_exsim([low]), column)
    assert np.sign(reference_change) == np.sign(exsim_change) == direction


def test_the_reference_loses_and_hires_people_and_accounts():
    model = _reference(["attrition.base_quit_rate_per_year=0.5"], weeks=10)
    assert any(tenure < 10 for tenure in model.agents_by_type[Employee].get("tenure_weeks")), "no one was hired"
    assert 0 < model.employees <= 200
    assert model.customers > 0


@pytest.mark.parametrize(("args", "option"), [
    (["--sizes", "ten"], "--sizes"),
    (["--sizes", "5"], "--sizes"),
    (["--sizes", ""], "--sizes"),
    (["--weeks", "0"], "--weeks"),
    (["--burn-in-weeks", "-1"], "--burn-in-weeks"),
    (["--burn-in-weeks", "100000"], "--burn-in-weeks"),
    (["--mesa-weeks", "3"], "--mesa-weeks"),
    (["--compare-mesa", "--mesa-weeks", "0"], "--mesa-weeks"),
])
def test_bad_options_end_in_one_clear_line(args, option):
    result = CliRunner().invoke(main, ["bench", *args])
    assert result.exit_code == 2, result.output
    assert option in result.output and "Traceback" not in result.output


def test_a_failed_measurement_is_reported_not_raised_as_a_traceback():
    from exsim.bench import _in_subprocess

    with pytest.raises(click.ClickException, match="failed"):
        _in_subprocess("no_such_measurement", "the test measurement", employees=10)
