"""Bad experiment specs and options: exit code 2, one message naming the culprit, no traceback, nothing written.

Each case runs the real command line (`python -m exsim.cli sweep|sensitivity SPEC ...`) in a
fresh folder; the spec is written there as `spec.toml` (or the bytes given).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from exsim.analysis.experiment import load_experiment
from exsim.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BASE = f'base = "{ROOT / "configs" / "baseline.toml"}"\n'
ONE = '[parameters]\n"work.workload" = { values = [1.0, 1.1] }\n'
SOBOL = BASE + 'design = "sobol"\nsamples = 2\n' + ONE
TINY = 'years = 1\nreplicates = 1\n[set]\n"org.headcount" = 60\n"sim.burn_in_weeks" = 0\n'
DEEP = "x = " + "[" * 3000 + "]" * 3000 + "\n"

# id: (command, spec text or bytes, extra options, texts the message must contain; "{spec}" is the spec's path)
CASES = {
    "sobol given to sweep": ("sweep", SOBOL, [], ["{spec}", 'design = "sobol"', "exsim sensitivity"]),
    "grid given to sensitivity": ("sensitivity", BASE + ONE, [], ["{spec}", 'design = "grid"', "exsim sweep"]),
    "key with two dots": ("sweep", BASE + '[parameters]\n"org.span.x" = { values = [1] }\n', [],
                          ["{spec}", "'org.span.x'", "section.key"]),
    "unknown section": ("sweep", BASE + '[parameters]\n"orgs.span_of_control" = { values = [4] }\n', [],
                        ["{spec}", "[orgs]", "did you mean 'org'"]),
    "unknown key": ("sweep", BASE + '[parameters]\n"org.span_of_contrl" = { values = [4] }\n', [],
                    ["{spec}", "span_of_contrl", "did you mean 'span_of_control'"]),
    "text for a number": ("sweep", BASE + '[parameters]\n"work.workload" = { values = ["high"] }\n', [],
                          ["{spec}", "'work.workload'", "'high' is text", "takes a number"]),
    "infinite low": ("sweep", BASE + '[parameters]\n"work.workload" = { low = -inf, high = 1.2 }\n', [],
                     ["{spec}", '"work.workload".low', "finite"]),
    "mixed values": ("sweep", BASE + '[parameters]\nlabel = { values = [1, "a"] }\n', [],
                     ["{spec}", '"label".values', "mixes a number and text"]),
    "empty parameters": ("sweep", BASE + "[parameters]\n", [], ["{spec}", "parameters is empty"]),
    "unknown outcome": ("sweep", BASE + 'outcomes = ["engagment"]\n' + ONE, [],
                        ["{spec}", "engagment", "did you mean 'engagement'"]),
    "no base": ("sweep", ONE, [], ["{spec}", "missing key 'base'"]),
    "base file missing": ("sweep", 'base = "nope.toml"\n' + ONE, [], ["{spec}", "nope.toml", "does not exist"]),
    "base with a typo": ("sweep", 'base = "typo.toml"\n' + ONE, [], ["typo.toml", "headcont", "did you mean 'headcount'"]),
    "latin-1 spec": ("sweep", (BASE + "# café\n" + ONE).encode("latin-1"), [], ["{spec}", "not UTF-8", "line 2"]),
    "utf-16 spec without a byte-order mark": ("sweep", (BASE + ONE).encode("utf-16-le"), [], ["{spec}", "UTF-16"]),
    "byte-order mark is read, the typo found": ("sweep", b"\xef\xbb\xbf" + (BASE + "desgn = 1\n" + ONE).encode(), [],
                                                ["{spec}", "did you mean 'design'"]),
    "bad TOML": ("sweep", BASE + "[parameters\n", [], ["{spec}", "not valid TOML", "line 2"]),
    "spec is a folder": ("sweep", None, [], ["SPEC", "is a directory"]),
    "--set on a varied key": ("sweep", BASE + ONE, ["--set", "work.workload=1.3"],
                              ["--set work.workload=1.3", "{spec}", "varies"]),
    "[set] on a varied key": ("sweep", BASE + '[set]\n"work.workload" = 1.3\n' + ONE, [],
                              ["{spec}", "'work.workload' is both in [set] and in [parameters]"]),
    "--set typo": ("sensitivity", SOBOL, ["--set", "org.headcont=60"], ["--set org.headcont=60", "did you mean 'headcount'"]),
    "huge grid": ("sweep", BASE + '[parameters]\na = { low = 0, high = 1, steps = 1000 }\n'
                  'b = { low = 0, high = 1, steps = 1000 }\n', [], ["{spec}", "1,000,000 points", "--yes"]),
    "huge sobol": ("sensitivity", BASE + 'design = "sobol"\nsamples = 100000\n' + ONE, [],
                   ["{spec}", "300,000 points x 4 replicates = 1,200,000 runs", "--yes"]),
    "bad --dask address": ("sweep", BASE + TINY + ONE, ["--dask", "not-an-address"], ["--dask not-an-address"]),
    "--out on a file": ("sweep", BASE + ONE, ["--out", "afile/sub"], ["--out afile/sub", "afile"]),
    "--out on a user's folder": ("sweep", BASE + TINY + ONE, ["--out", "mine"], ["--out mine", "did not write"]),
}


@pytest.fixture
def place(tmp_path):
    """A working folder with a base config that has a typo, a file and a user's own folder."""
    (tmp_path / "typo.toml").write_text("[org]\nheadcont = 60\n")
    (tmp_path / "afile").write_text("not a folder\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("years of work\n")
    return tmp_path


@pytest.mark.parametrize("case", list(CASES))
def test_a_mistake_ends_in_one_message_and_exit_2(place, case):
    command, body, options, expected = CASES[case]
    spec = place / "spec.toml"
    if body is None:
        spec.mkdir()
    elif isinstance(body, bytes):
        spec.write_bytes(body)
    else:
        spec.write_text(body)
    before = sorted(p.relative_to(place) for p in place.rglob("*"))
    out = [] if "--out" in options else ["--out", "out"]
    done = subprocess.run([sys.executable, "-m", "exsim.cli", command, str(spec), *options, *out],
                          cwd=place, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "not a mistake exsim recognised" not in done.stderr
    for text in expected:
        assert text.replace("{spec}", str(spec)) in done.stderr
    assert len(done.stderr) < 2000
    assert sorted(p.relative_to(place) for p in place.rglob("*")) == before  # nothing written, nothing removed
    assert (place / "mine" / "thesis.txt").read_text() == "years of work\n"


@pytest.mark.parametrize("body, message", [
    ('design = "morris"\n' + ONE, "exsim sensitivity"),
    ('[parameters]\n"work.workload" = { low = 1, high = nan }\n', '"work.workload".high: must be a finite number'),
    ('[set]\n"org.headcont" = 60\n' + ONE, "[set] key 'org.headcont': unknown key 'headcont' in [org]"),
    (DEEP + ONE, "too deeply"),
    ('[parameters]\n"org.headcount" = { values = [60.5] }\n', "org.headcount = 60.5"),
    ('[parameters]\n"policy.refill_vacancies" = { values = [0, 1] }\n', "takes true/false"),
    ('[parameters]\n"sim.name" = { low = 0, high = 1 }\n', "takes text"),
    ('[parameters]\n"work.workload" = { values = [1.0], low = 1, high = 2 }\n', "not both"),
    ('[parameters]\n"work.workload" = { values = [] }\n', "is empty"),
    ('[parameters]\n"work.workload" = { low = -1, high = 1.2, log = true }\n', "log-scaled range needs low > 0"),
    ('design = "list"\n[parameters]\na = { values = [1, 2] }\n"work.workload" = { values = [1.0] }\n',
     "same length for every parameter (found 'a': 2, 'work.workload': 1)"),
    ('design = "list"\n[parameters]\n"work.workload" = { low = 1.0, high = 1.2 }\n', "gives a range"),
    ('[parameters]\nyear = { values = [1, 2] }\n', "parameter 'year' is named like a column"),
    ('[parameters]\n"sim.years" = { values = [1, 2] }\n', "set by the spec's `years`"),
    ('[parameters]\n"interventions.x" = { values = [1] }\n', "no section [interventions]"),
    ('[set]\n"org.headcount" = "sixty"\n' + ONE, "'sixty' is text, but org.headcount takes a number"),
    ('[set]\n"costs.sick_day_eur" = inf\n' + ONE, "numbers must be finite"),
    ('[set.org]\nheadcount = 60\n' + ONE, 'as "section.key" = value'),
    ('samples = "10"\n' + ONE, "samples = '10' has the wrong type: expected a whole number"),
    ('outcomes = ["engagement", "engagement"]\n' + ONE, "lists engagement more than once"),
    ("".join(f"k{i} = 1\n" for i in range(300)) + ONE, "'k19' and 280 more"),
    ('[parameters]\n"work.workload" = { values = [1979-05-27] }\n', "values must be numbers, text or true/false"),
])
def test_spec_mistakes_name_the_spec_and_key(tmp_path, body, message):
    spec = tmp_path / "spec.toml"
    spec.write_text(BASE + body)
    with pytest.raises(ConfigError) as err:
        load_experiment(spec).check_command("sweep")
    assert str(err.value).startswith(str(spec)) and message in str(err.value)


@pytest.mark.parametrize("override, message", [
    ("org.headcount=abc", "org.headcount = 'abc' has the wrong type"),
    ("costs.sick_day_eur=inf", "finite"),
    ("org.headcount=1", "org.headcount = 1 is out of range"),
    ("sim.years=2", "comes from the spec's `years` (or --years)"),
    (",", "expected section.key=value"),
])
def test_set_mistakes_name_the_option(tmp_path, override, message):
    spec = tmp_path / "spec.toml"
    spec.write_text(BASE + ONE)
    with pytest.raises(ConfigError) as err:
        load_experiment(spec, [override])
    assert str(err.value).startswith(f"--set {override}") and message in str(err.value)
