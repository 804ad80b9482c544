"""The Python API: the same tables as the command line for the same seed, specs built without files, clear errors."""

import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import exsim
from exsim.calibration.output import calibrated_toml

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
TINY = ["org.headcount=60", "sim.burn_in_weeks=8"]
TINY_SET = [arg for item in TINY for arg in ("--set", item)]


def cli(*args, cwd=ROOT):
    done = subprocess.run([sys.executable, "-m", "exsim.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done


def assert_same(api: pd.DataFrame, written: pd.DataFrame, rtol: float = 0.0):
    """Equal values and columns; dtypes as Parquet stores them (CSV files round to 6 significant digits: rtol)."""
    pd.testing.assert_frame_equal(api.reset_index(drop=True), written.reset_index(drop=True), check_dtype=False,
                                  check_exact=rtol == 0.0, rtol=rtol or 1e-5, atol=0.0)


def test_run_returns_the_tables_the_cli_writes(tmp_path):
    cli("run", BASELINE, *TINY_SET, "--years", 1, "--replicates", 2, "--seed", 11, "--workers", 1, "--no-figures",
        "--out", tmp_path / "cli")
    result = exsim.run(BASELINE, set=TINY, years=1, replicates=2, seed=11, workers=1, progress=False)
    for name in ("timeseries", "teams", "spells", "org", "departments"):
        assert_same(result[name], pd.read_parquet(tmp_path / "cli" / f"{name}.parquet"))
    assert_same(result.summary, pd.read_csv(tmp_path / "cli" / "summary.csv"), rtol=1e-5)
    assert result.timeseries["scenario"].iloc[0] == "baseline+headcount=60,burn_in_weeks=8"
    assert result.out is None and not any(tmp_path.glob("results*"))


def test_run_writes_only_when_asked(tmp_path):
    config = exsim.scenario({"org": {"headcount": 60}, "sim.burn_in_weeks": 8}, years=1, replicates=1, seed=3)
    result = exsim.run(config, workers=1, out=tmp_path / "run", figures=False, progress=False)
    assert result.out == tmp_path / "run"
    written = pd.read_parquet(tmp_path / "run" / "timeseries.parquet")
    assert_same(result.timeseries, written)
    assert (tmp_path / "run" / "report.md").is_file()


def test_scenario_from_dict_path_and_config_agree():
    from_dict = exsim.scenario({"org": {"headcount": 90, "span_of_control": 12}})
    from_dotted = exsim.scenario(None, {"org.headcount": 90, "org.span_of_control": 12})
    from_strings = exsim.scenario(None, ["org.headcount=90", "org.span_of_control=12"])
    assert from_dict == from_dotted == from_strings
    longer = exsim.scenario(from_dict, years=from_dict.sim.years + 1)
    assert longer.sim.years == from_dict.sim.years + 1  # a copy: the given config is left as it was
    assert exsim.scenario(BASELINE).sim.name == "baseline"


@pytest.mark.parametrize("bad, words", [
    ({"org": {"headcont": 5}}, "headcont"),
    ("no/such/file.toml", "does not exist"),
    (42, "expected a path, a dict or a ScenarioConfig"),
])
def test_bad_configs_raise_config_error_naming_the_culprit(bad, words):
    with pytest.raises(exsim.ConfigError, match=words):
        exsim.scenario(bad)


def test_bad_set_raises_config_error():
    with pytest.raises(exsim.ConfigError, match="span_of_control"):
        exsim.run(None, set={"org.span_of_control": "wide"}, years=1, replicates=1)
    with pytest.raises(exsim.ConfigError, match="section.key=value"):
        exsim.scenario(None, ["org.headcount"])


def test_compare_returns_what_the_cli_writes(tmp_path):
    wide = tmp_path / "wide.toml"
    wide.write_text(f'extends = "{BASELINE.as_posix()}"\n[sim]\nname = "wide"\n[org]\nspan_of_control = 14\n')
    cli("compare", BASELINE, wide, *TINY_SET, "--years", 1, "--replicates", 2, "--seed", 5, "--workers", 1,
        "--out", tmp_path / "cli")
    result = exsim.compare([BASELINE, wide], set=TINY, years=1, replicates=2, seed=5, workers=1)
    assert list(result.ranking["scenario"]) == list(pd.read_csv(tmp_path / "cli" / "ranking.csv")["scenario"])
    assert_same(result.ranking, pd.read_csv(tmp_path / "cli" / "ranking.csv"), rtol=1e-5)
    assert set(result.timeseries["scenario"]) == {"baseline", "wide"}
    assert set(result.business_case["scenario"]) == {"wide"}


SPEC = {"years": 1, "replicates": 2, "seed": 4, "outcomes": ["engagement", "voluntary_attrition_rate"],
        "set": {"org.headcount": 60, "sim.burn_in_weeks": 8},
        "parameters": {"org.span_of_control": {"values": [6, 12]}}}


def test_sweep_from_a_dict_matches_the_cli_on_a_spec_file(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(f'base = "{BASELINE.as_posix()}"\nyears = 1\nreplicates = 2\nseed = 4\n'
                    'outcomes = ["engagement", "voluntary_attrition_rate"]\n'
                    '[set]\n"org.headcount" = 60\n"sim.burn_in_weeks" = 8\n'
                    '[parameters]\n"org.span_of_control" = { values = [6, 12] }\n')
    cli("sweep", spec, "--workers", 1, "--out", tmp_path / "cli")
    result = exsim.sweep({**SPEC, "base": BASELINE}, workers=1)
    assert_same(result.table, pd.read_parquet(tmp_path / "cli" / "results.parquet"))
    assert sorted(result.summary["org.span_of_control"].unique()) == [6, 12]
    assert not list(tmp_path.glob(".*runs")) or (tmp_path / ".cli.runs").exists()  # only the CLI's own store


def test_sweep_on_a_config_built_in_python_needs_no_file():
    base = exsim.scenario({"org": {"headcount": 60}, "sim": {"burn_in_weeks": 8}})
    spec = {k: v for k, v in SPEC.items() if k != "set"}
    result = exsim.sweep(spec, base=base, workers=1)
    assert len(result.table) == 2 * 2 * 1  # points x replicates x years
    again = exsim.sweep({**spec, "years": 1}, base=base, workers=1)
    assert_same(result.table, again.table)


def test_sweep_spec_mistakes_name_the_key():
    with pytest.raises(exsim.ConfigError, match="org.span_of_contrl"):
        exsim.sweep({"base": BASELINE, "parameters": {"org.span_of_contrl": {"values": [6, 12]}}})
    with pytest.raises(exsim.ConfigError, match="sensitivity design"):
        exsim.sweep({**SPEC, "base": BASELINE, "design": "morris"})


def test_sensitivity_from_a_dict():
    spec = {**SPEC, "design": "morris", "samples": 2, "replicates": 1,
            "parameters": {"org.span_of_control": {"low": 6, "high": 12}, "dummy": {"low": 0.0, "high": 1.0}}}
    result = exsim.sensitivity(spec, base=BASELINE, workers=1)
    assert set(result.indices["lever"]) == {"org.span_of_control", "dummy"}
    assert {"mu_star", "rank", "outcome"} <= set(result.indices.columns)


def test_validate_one_fact():
    result = exsim.validate(BASELINE, facts=["F12"], replicates=2, years=3, seed=1, workers=1, set=TINY, progress=False)
    assert result.table["id"].tolist() == ["F12"]
    assert {"inside", "model", "target"} <= set(result.table.columns)
    with pytest.raises(exsim.ConfigError, match="F99"):
        exsim.validate(facts=["F99"])


def test_calibrate_bad_records_raise_a_user_error(tmp_path):
    from exsim.errors import UserError

    with pytest.raises(UserError):
        exsim.calibrate(pd.DataFrame({"name": ["a", "b"]}), config=BASELINE, trials=1)
    with pytest.raises(UserError, match="records"):
        exsim.calibrate(3.5)


def test_calibrated_toml_with_leadership_selection_is_valid_toml(tmp_path):
    result = SimpleNamespace(best_params={"attrition.base_quit_rate_per_year": 0.1, "org.span_of_control": 9.0})
    overrides = {"managers.selection": "leadership", "org.span_of_control": 7.0, "sim.name": 'odd "name"\\x',
                 "departments.R&D \"lab\".org.headcount": 12}
    text = calibrated_toml(BASELINE, result, Path('data "file".csv'), overrides, tmp_path)
    data = tomllib.loads(text)  # valid TOML: strings escaped, no key twice
    assert data["managers"]["selection"] == "leadership"
    assert data["org"]["span_of_control"] == 9.0 and text.count("span_of_control") == 1
    assert data["departments"]['R&D "lab"']["org"]["headcount"] == 12


def test_api_functions_are_documented_with_examples():
    for name in ("run", "compare", "sweep", "sensitivity", "validate", "calibrate", "scenario"):
        assert getattr(exsim, name).__doc__, name
    assert "exsim.run(" in exsim.api.__doc__ and "exsim.sweep(" in exsim.api.__doc__


@pytest.mark.slow  # a small fit: about a minute on 2 cores
def test_calibrate_from_python_fits_a_dataframe_and_writes_nothing(tmp_path, monkeypatch):
    from tests.test_calibration import export_as_hr_file

    export_as_hr_file(tmp_path / "export.csv", base_quit_rate=0.15)
    records = pd.read_csv(tmp_path / "export.csv")
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    result = exsim.calibrate(records, map={"employee_id": "EmpID", "hire_date": "Hired", "exit_date": "Left",
                                           "exit_reason": "Reason"},
                             params="attrition.base_quit_rate_per_year:0.02:0.4", trials=8, candidates=2,
                             years=4, set={"org.headcount": 250, "sim.burn_in_weeks": 150})
    rate = result.config.attrition.base_quit_rate_per_year
    assert rate == pytest.approx(result.best_params["attrition.base_quit_rate_per_year"]) and 0.08 < rate < 0.25
    assert "base_quit_rate_per_year" in result.toml and len(result.fit) >= 1
    assert set(tmp_path.rglob("*")) == before  # without out= nothing is kept
