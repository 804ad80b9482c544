"""Bad scenario files and --set overrides: always a ConfigError naming the culprit, never another exception."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exsim.config import ConfigError, load_config
from exsim.config.loading import MAX_EXTENDS, MAX_PROBLEMS

ROOT = Path(__file__).resolve().parents[1]
GOOD = '[sim]\nname = "café"\nyears = 2\n[org]\nheadcount = 120\n'


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def config_error(path, overrides=()) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(path, list(overrides))
    return str(err.value)


# --- encodings and unreadable files ------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_utf8_bom_and_utf16_or_32_with_bom_load(tmp_path, encoding):
    path = write(tmp_path, "s.toml", GOOD.encode(encoding))
    config = load_config(path)
    assert (config.sim.name, config.org.headcount) == ("café", 120)


@pytest.mark.parametrize("content, expected", [
    (GOOD.encode("latin-1"), ["not UTF-8", "0xe9", "line 2", "save it as UTF-8"]),
    (GOOD.encode("cp1252"), ["not UTF-8", "save it as UTF-8"]),
    (GOOD.encode("utf-16-le"), ["not UTF-8", "UTF-16", "save it as UTF-8"]),
    (GOOD.encode("utf-16-be"), ["not UTF-8", "UTF-16", "save it as UTF-8"]),
    (bytes(range(256)) * 4, ["not UTF-8", "not a text file"]),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), ["not UTF-8"]),
    (codecs.BOM_UTF16_LE + b"[\x00s", ["not UTF-16"]),
    (b"[sim]\nname = \"\x00\"\n", ["not UTF-8"]),
])
def test_wrong_encodings_name_the_file_and_the_fix(tmp_path, content, expected):
    path = write(tmp_path, "s.toml", content)
    message = config_error(path)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message


def test_folder_special_file_and_huge_file_are_named(tmp_path):
    assert "is a folder" in config_error(tmp_path)
    assert "not a regular file" in config_error(Path("/dev/null"))
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(20_000_000)
    assert str(big) in config_error(big) and "at most" in config_error(big)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_named(tmp_path):
    path = write(tmp_path, "s.toml", GOOD)
    path.chmod(0)
    assert "cannot read" in config_error(path) and str(path) in config_error(path)


@pytest.mark.parametrize("name", ["a\x00b.toml", "x" * 5000 + ".toml"])
def test_impossible_file_names_are_a_config_error(tmp_path, name):
    assert "cannot open" in config_error(str(tmp_path) + "/" + name)


# --- extends -----------------------------------------------------------------------------------

def test_a_typo_in_a_parent_is_reported_against_the_parent(tmp_path):
    parent = write(tmp_path, "parent.toml", "[org]\nspan_of_contrl = 3\n")
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n[org]\nheadcunt = 300\n')
    message = config_error(child)
    assert f"{parent}: unknown key 'org.span_of_contrl'" in message
    assert f"{child}: unknown key 'org.headcunt'" in message


def test_a_value_overridden_by_the_child_is_reported_against_the_child(tmp_path):
    write(tmp_path, "parent.toml", "[org]\nheadcount = 300\nspan_of_control = 5\n")
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n[org]\nspan_of_control = 500\n')
    assert config_error(child).startswith(f"{child}: org.span_of_control = 500 is out of range")


def test_a_long_extends_chain_stops_with_a_message(tmp_path):
    for i in range(MAX_EXTENDS + 30):
        write(tmp_path, f"e{i}.toml", f'extends = "e{i + 1}.toml"\n')
    message = config_error(tmp_path / "e0.toml")
    assert "'extends' chain is longer than" in message and str(tmp_path / "e0.toml") in message


def test_a_chain_just_under_the_limit_loads(tmp_path):
    for i in range(MAX_EXTENDS - 1):
        write(tmp_path, f"e{i}.toml", f'extends = "e{i + 1}.toml"\n[org]\nheadcount = {100 + i}\n')
    write(tmp_path, f"e{MAX_EXTENDS - 1}.toml", "[sim]\nyears = 3\n")
    config = load_config(tmp_path / "e0.toml")
    assert (config.org.headcount, config.sim.years) == (100, 3)


@pytest.mark.parametrize("extends, expected", [
    ('""', "must be a file name in quotes"),
    ("3", "must be a file name in quotes"),
    ('"."', "is a folder"),
    ('"nowhere.toml"', "does not exist"),
    ('"child.toml"', "loops back"),
])
def test_bad_extends_names_the_child(tmp_path, extends, expected):
    child = write(tmp_path, "child.toml", f"extends = {extends}\n")
    message = config_error(child)
    assert expected in message and str(child) in message


# --- nesting and size --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "a = " + "{b = " * 5_000 + "1" + "}" * 5_000 + "\n",
    "a" + ".a" * 100_000 + " = 1\n",
    "[" + ".".join(["a"] * 100_000) + "]\n",
    "a = " + "[" * 30 + "]" * 30 + "\n",
])
def test_deep_nesting_is_a_config_error(tmp_path, text):
    path = write(tmp_path, "deep.toml", text)
    message = config_error(path)
    assert str(path) in message and ("nests too deeply" in message or "more than" in message)


def test_at_most_twenty_unknown_keys_are_listed(tmp_path):
    path = write(tmp_path, "many.toml", "[org]\n" + "".join(f"k{i} = 1\n" for i in range(200_000)))
    message = config_error(path)
    assert len(message) < 2_000
    assert f"'org.k{MAX_PROBLEMS - 1}'" in message and f"'org.k{MAX_PROBLEMS}'" not in message
    assert f"and {200_000 - MAX_PROBLEMS} more" in message


def test_at_most_twenty_problems_are_listed(tmp_path):
    items = '[[interventions]]\nprogramme = "perks"\ncost_eur = -1\n' * 60
    message = config_error(write(tmp_path, "many.toml", items))
    assert message.count("\n") == MAX_PROBLEMS and "... and 40 more" in message
    assert "interventions[19].cost_eur = -1 is out of range" in message and "interventions[20]" not in message


def test_a_long_value_is_cut_in_the_message(tmp_path):
    path = write(tmp_path, "long.toml", f'[org]\nheadcount = "{"9" * 1_000_000}"\n')
    message = config_error(path)
    assert "org.headcount" in message and len(message) < 500


# --- --set and labelled overrides --------------------------------------------------------------

@pytest.mark.parametrize("item, expected", [
    ("org.span.x=1", "must be section.key"),
    ("org.=1", "must be section.key"),
    (".x=1", "must be section.key"),
    ("=1", "must be section.key"),
    ("org", "expected section.key=value"),
    ("org.headcount=", "no value after '='"),
    ("org.headcount=   ", "no value after '='"),
    ("interventions.x=1", "interventions cannot be set"),
    ("org.span_of_control=inf", "must be a finite number"),
    ("org.span_of_control=nan", "must be a finite number"),
    ("org.span_of_control=-inf", "must be a finite number"),
    ('org.span_of_control="nan"', "must be a finite number"),
    ("costs.salary_employee_eur=1e400", "must be a finite number"),
    ("org.span_of_control={a=1}", "expected a number"),
    ("org.span_of_control=[1, 2]", "expected a number"),
    ("org.span_of_control=" + "[" * 50 + "]" * 50, "nests too deeply"),
    ("org.span_of_control={" + "a." * 200 + "b=1}", "more than"),
    ("sim.years=true", "true/false"),
    ("sim.years=2.5", "whole number"),
    ("sim.name=[1]", "expected text"),
    ("sim.seed=100000000000000000000000", "out of range"),
    ("orgg.headcount=9", "did you mean 'org'"),
    ("customers.per_frontline_employee=10000", "<= 1,000"),
    ("attrition.base_quit_rate_per_year=2", "<= 1"),
    ("costs.salary_employee_eur=1e300", "out of range"),
])
def test_bad_set_names_the_option(item, expected):
    message = config_error(None, [item])
    assert message.startswith(f"--set {item}: ") and expected in message


def test_set_on_a_section_that_is_not_a_table_names_both(tmp_path):
    path = write(tmp_path, "s.toml", "org = 5\n")
    message = config_error(path, ["org.headcount=100"])
    assert "--set org.headcount=100" in message and str(path) in message


def test_labelled_overrides_are_reported_against_their_source(tmp_path):
    path = write(tmp_path, "s.toml", GOOD)
    message = config_error(path, ["org.headcount=300", ("spec.toml [set]", "org.span_of_contrl=9")])
    assert message.startswith("spec.toml [set]: unknown key 'org.span_of_contrl'")
    assert "--set" not in message and str(path) not in message


def test_each_problem_is_reported_against_its_own_source(tmp_path):
    path = write(tmp_path, "s.toml", "[org]\nheadcount = 3\n")
    message = config_error(path, ["culture.trust=2"])
    assert f"{path}: org.headcount = 3" in message and "--set culture.trust=2: culture.trust = 2" in message


def test_an_override_fixes_the_file_value(tmp_path):
    path = write(tmp_path, "s.toml", "[org]\nheadcount = 3\n")
    assert load_config(path, [("spec [set]", "org.headcount=30")]).org.headcount == 30


# --- meaning: names, interventions -------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("", "needs a name"), ("   ", "needs a name"), (".", "dot"), ("..", "dot"), ("../x", "dot"),
    (".hidden", "dot"), ("a/b", "'/'"), ("/abs", "'/'"), ("a\\\\b", "'\\'"), ("a\\nb", "control"),
    ("a\\u0007b", "control"), ("x" * 101, "at most 100"),
])
def test_unsafe_scenario_names_are_rejected(tmp_path, name, expected):
    path = write(tmp_path, "s.toml", f'[sim]\nname = "{name}"\n')
    message = config_error(path)
    assert f"{path}: sim.name" in message and expected in message


@pytest.mark.parametrize("name", ["baseline", "wide spans 2", "café+span_of_control=25", "x" * 100, "a.b"])
def test_safe_scenario_names_load(tmp_path, name):
    assert load_config(write(tmp_path, "s.toml", f'[sim]\nname = "{name}"\n')).sim.name == name


INTERVENTION = '[[interventions]]\nname = "perks"\nprogramme = "perks"\n'


@pytest.mark.parametrize("lines, overrides, expected", [
    ("start_week = 300\n", [], "interventions[0] (perks): start_week 300 is after the run ends in week 104"),
    ("start_week = 30\nend_week = 10\n", [], "interventions[0] (perks): end_week 10 must come after start_week 30"),
    ("start_week = 100\n", ["sim.years=1"], "start_week 100 is after the run ends in week 52"),
    ('set = { "training.share" = inf }\n', [], "training.share = inf must be a finite number"),
    ('set = { "training.share" = [1] }\n', [], "training.share = [1] has the wrong type"),
    ('set = { "org.headcount" = 3 }\n', [], "cannot change in a running model"),
    ('set = { "training" = 3 }\n', [], "must be section.key"),
    ('programme = "nope"\n', [], "unknown programme 'nope'"),
    ("cost_eur = inf\n", [], "interventions[0].cost_eur = inf must be a finite number"),
    ("ramp_weeks = true\n", [], "true/false"),
])
def test_bad_interventions_are_named_by_index_and_name(tmp_path, lines, overrides, expected):
    path = write(tmp_path, "s.toml", "[sim]\nyears = 2\n" + INTERVENTION.replace('programme = "perks"\n', "")
                 + ('programme = "perks"\n' if "programme" not in lines else "") + lines)
    message = config_error(path, overrides)
    assert message.startswith(f"{path}: ") and expected in message


def test_an_intervention_inside_a_longer_run_loads(tmp_path):
    path = write(tmp_path, "s.toml", "[sim]\nyears = 2\n" + INTERVENTION + "start_week = 100\n")
    assert load_config(path, ["sim.years=3"]).interventions[0].start_week == 100


def test_too_many_interventions_are_rejected(tmp_path):
    path = write(tmp_path, "s.toml", INTERVENTION * 101)
    assert "at most 100" in config_error(path)


# --- generated garbage: ConfigError or a valid config, nothing else -----------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SECTIONS = ["sim", "org", "work", "attrition", "costs", "interventions", "extends", "x", ""]


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                         st.text(alphabet="[]{}=.\"',\n #abc1_-+ie", max_size=300).map(str.encode)))
def test_any_bytes_give_a_config_or_a_config_error(tmp_path, content):
    path = write(tmp_path, "fuzz.toml", content)
    try:
        load_config(path)
    except ConfigError as exc:
        assert str(path) in str(exc)


@FUZZ
@given(section=st.sampled_from(SECTIONS) | st.text(max_size=8), name=st.text(max_size=12),
       dots=st.integers(0, 3), value=st.text(max_size=30) | st.sampled_from(
           ["inf", "nan", "1e999", "-1", "true", "[1]", "{a=1}", '"x"', "0x10", "1979-05-27", "[[[[1]]]]"]))
def test_any_set_gives_a_config_or_a_config_error_naming_the_option(section, name, dots, value):
    item = f"{section}{'.' * dots}{name}={value}"
    try:
        load_config(None, [item])
    except ConfigError as exc:
        assert str(exc).startswith(f"--set {item}: ")


@FUZZ
@given(section=st.sampled_from(SECTIONS[:6]), key=st.sampled_from(["name", "years", "headcount", "workload",
                                                                    "base_quit_rate_per_year", "x", "start_week"]),
       value=st.one_of(st.floats(), st.integers(), st.booleans(), st.text(max_size=20),
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
def test_any_value_in_a_file_gives_a_config_or_a_config_error(tmp_path, section, key, value):
    from exsim.config.loading import validate_config

    try:
        validate_config({section: {key: value}} if section != "interventions" else {section: [{key: value}]},
                        origin="fuzz")
    except ConfigError as exc:
        assert str(exc).startswith("fuzz: ")


# --- the command line: exit 2, the culprit named, no traceback, nothing written ----------------

def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exsim.cli", "run", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


@pytest.mark.parametrize("content, args, culprit", [
    (GOOD.encode("latin-1"), [], "s.toml"),
    (b"a = " + b"[" * 100_000 + b"]" * 100_000, [], "s.toml"),
    (GOOD.encode(), ["--set", "org.span.x=1"], "--set org.span.x=1"),
    (GOOD.encode(), ["--set", "org.span_of_control=inf"], "--set org.span_of_control=inf"),
    ('[sim]\nname = "../escape"\n'.encode(), [], "sim.name"),
    (("[sim]\nyears = 2\n" + INTERVENTION + "start_week = 200\n").encode(), ["--years", "1"], "interventions[0] (perks)"),
])
def test_cli_mistakes_exit_2_with_the_culprit_and_write_nothing(tmp_path, content, args, culprit):
    write(tmp_path, "s.toml", content)
    done = run_cli("s.toml", "--years", "1", "--replicates", "1", "--no-figures", "--out", "out", *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and culprit in done.stderr
    assert len(done.stderr) < 2_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_cli_typo_in_parent_names_the_parent(tmp_path):
    write(tmp_path, "parent.toml", "[org]\nspan_of_contrl = 3\n")
    write(tmp_path, "child.toml", 'extends = "parent.toml"\n')
    done = run_cli("child.toml", "--no-figures", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "parent.toml: unknown key 'org.span_of_contrl'" in done.stderr and not (tmp_path / "out").exists()
