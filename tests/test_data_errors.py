"""Bad HR files, mappings, org charts and calibrate options: each a DataError (or exit 2) naming the culprit."""

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exsim.calibration.fit import parse_parameters
from exsim.calibration.targets import observed_targets
from exsim.config import ConfigError, load_config
from exsim.data import DataError, read_employee_records, read_mapping_file, read_org_chart
from exsim.data.orgchart import max_span

ROOT = Path(__file__).resolve().parents[1]
GOOD = "employee_id,tenure_months,left\n" + "".join(f"{i},{i % 40},{i % 3 == 0:d}\n" for i in range(1, 61))


def survival_text(rows: int = 1000, seed: int = 0) -> str:
    """Tenure in months and a left flag with censoring, as a snapshot export."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"employee_id": np.arange(1, rows + 1), "tenure_months": rng.exponential(30, rows).round(1),
                          "left": (rng.random(rows) < 0.3).astype(int)})
    return frame.to_csv(index=False)


def same_day_hires(rows: int = 40) -> str:
    return "employee_id,hire_date,exit_date\n" + "".join(f"{i},2020-01-01,\n" for i in range(1, rows + 1))


def xlsx_bytes(tmp_path: Path) -> bytes:
    """The start of an .xlsx workbook: a zip archive with the workbook's parts."""
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return path.read_bytes()


def parquet_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "table.parquet"
    pd.read_csv(pd.io.common.StringIO(GOOD)).to_parquet(path)
    return path.read_bytes()


# name: (file content (str: UTF-8 text, bytes: as is, callable: made from tmp_path), reader options, words the message holds)
BAD_RECORDS = {
    "empty file": ("", {}, ["empty"]),
    "blank lines": ("\n\n \n", {}, ["empty"]),
    "header only": ("employee_id,tenure_months,left\n", {}, ["no data rows"]),
    "duplicated header": ("EmployeeNumber,YearsAtCompany,Attrition,Attrition\n1,2,Yes,No\n", {},
                          ["'Attrition' in columns 3, 4", "row 1"]),
    "duplicated header with spaces": ("employee_id,tenure_months,left, left\n1,2,1,0\n", {}, ["'left' in columns 3, 4"]),
    "one column, spaces": ("employee_id tenure_months left\n1 12 1\n2 5 0\n", {}, ["only one column", "spaces"]),
    "decimal commas": ("employee_id;tenure_months;left\n1;12,5;1\n2;5;0\n", {}, ["decimal comma", "row 2", "12,5"]),
    "ragged rows": ("employee_id,tenure_months,left\n1,12,1\n2,5,0,7,8\n", {}, ["not a readable CSV", "fields"]),
    "unclosed quote": ('employee_id,tenure_months,left\n1,"12,1\n2,5,0\n', {}, ["not a readable CSV"]),
    "binary": (bytes(np.random.default_rng(1).integers(0, 256, 3000, dtype=np.uint8)), {}, ["binary"]),
    "excel renamed .csv": (xlsx_bytes, {}, ["Excel workbook", "Save As"]),
    "old excel renamed .csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), {}, [".xls"]),
    "parquet renamed .csv": (parquet_bytes, {}, ["Parquet file"]),
    "negative tenure": ("employee_id,tenure_months,left\n1,12,1\n2,-5,0\n", {}, ["row 3", "below 0", "-5"]),
    "infinite tenure": ("employee_id,tenure_months,left\n1,12,1\n2,inf,0\n", {}, ["row 3", "finite", "inf"]),
    "minus infinite tenure": ("employee_id,tenure_months,left\n1,-inf,1\n", {}, ["row 2", "-inf"]),
    "absurd tenure": ("employee_id,tenure_months,left\n1,12,1\n2,1e300,0\n", {}, ["row 3", "at most 70 years"]),
    "nan tenure": ("employee_id,tenure_months,left\n1,nan,1\n", {}, ["row 2", "not a number"]),
    "left is maybe": ("employee_id,tenure_months,left\n1,12,1\n2,5,maybe\n", {}, ["row 3", "'left'", "Yes/No"]),
    "left is 2": ("employee_id,tenure_months,left\n1,12,2\n", {}, ["row 2", "'2'", "1/0"]),
    "no left flags at all": ("employee_id,tenure_months,left\n1,12,\n2,5,\n", {}, ["no usable rows", "no left flag"]),
    "exit before hire": ("employee_id,hire_date,exit_date\n1,2020-01-01,2019-01-01\n", {}, ["row 2", "before the hire"]),
    "exit in the future": ("employee_id,hire_date,exit_date\n1,2020-01-01,2099-01-01\n", {},
                           ["row 2", "'exit_date'", "future"]),
    "hire in the future": ("employee_id,hire_date,exit_date\n1,2098-06-01,\n", {}, ["row 2", "'hire_date'", "future"]),
    "hire before 1900": ("employee_id,hire_date,exit_date\n1,1850-06-01,\n", {}, ["row 2", "before 1900"]),
    "bad date": ("employee_id,hire_date,exit_date\n1,2020-01-01,\n2,2020-13-45,\n", {}, ["row 3", "2020-13-45"]),
    "date format %Q": ("employee_id,hire_date,exit_date\n1,2020-01-01,\n", {"date_format": "%Q"},
                       ["--date-format", "%Q", "strftime"]),
    "date format with a stray %": ("employee_id,hire_date,exit_date\n1,2020-01-01,\n", {"date_format": "%Y-%"},
                                   ["--date-format", "% (at the end)"]),
    "date format without a year": ("employee_id,hire_date,exit_date\n1,2020-01-01,\n", {"date_format": "%d.%m"},
                                   ["--date-format", "no year"]),
    "date format %Q on a tenure file": (GOOD, {"date_format": "%Q"}, ["--date-format", "%Q"]),
    "date format that reads nothing": ("employee_id,hire_date,exit_date\n1,2020-01-01,\n",
                                       {"date_format": "%d.%m.%Y"}, ["row 2", "%d.%m.%Y", "2020-01-01"]),
    "map to a missing column": (GOOD, {"mapping": {"tenure": "stag"}}, ["'stag'", "not in the file", "tenure_months"]),
    "map an unknown field": (GOOD, {"mapping": {"tenur": "tenure_months"}}, ["--map", "'tenur'", "did you mean 'tenure'"]),
    "map two fields to one column": (GOOD, {"mapping": {"tenure": "tenure_months", "left": "tenure_months"}},
                                     ["'tenure_months' is mapped to tenure and left"]),
    "tenure unit unknown": (GOOD, {"tenure_unit": "fortnights"}, ["--tenure-unit", "fortnights"]),
    "no usable columns": ("a,b,c\n1,2,3\n", {}, ["no column for", "row 1"]),
}


@pytest.mark.parametrize("name", list(BAD_RECORDS))
def test_bad_record_files_raise_a_data_error_naming_the_problem(tmp_path, name):
    content, options, words = BAD_RECORDS[name]
    content = content(tmp_path) if callable(content) else content
    path = tmp_path / "people.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DataError) as info:
        read_employee_records(path, **options)
    message = str(info.value)
    for word in words:
        assert word in message, message
    if "--" not in words[0]:
        assert str(path) in message or "--map" in message


@pytest.mark.parametrize("encoding, bom", [("utf-8", True), ("utf-16", False), ("utf-16-le", False), ("cp1252", False),
                                           ("latin-1", False)])
def test_text_encodings_read_the_same(tmp_path, encoding, bom):
    lines = survival_text(300).splitlines()
    text = "\n".join([lines[0] + ",équipe"] + [line + ",Génie" for line in lines[1:]]) + "\n"
    path = tmp_path / "people.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    records = read_employee_records(path)
    assert records.n_used == 300 and records.columns["tenure"] == "tenure_months"


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_survival_shaped_files_still_read_and_give_targets(tmp_path, sep):
    path = tmp_path / "people.csv"
    path.write_text(survival_text().replace(",", sep))
    records = read_employee_records(path)
    assert records.mode == "tenure" and records.n_used == 1000 and 250 < records.frame["left"].sum() < 350
    targets = observed_targets(records)
    assert 0.25 < targets.attrition < 0.35 and len(targets.curve) == 5


@pytest.mark.parametrize("text, words", [
    ("employee_id,tenure_months,left\n" + "".join(f"{i},{i},1\n" for i in range(1, 6)), ["only 5 usable", "at least 20"]),
    (same_day_hires(), ["less than 3 months"]),
])
def test_too_little_data_to_calibrate(tmp_path, text, words):
    path = tmp_path / "people.csv"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        observed_targets(read_employee_records(path))
    assert all(word in str(info.value) for word in words) and str(path) in str(info.value)


BAD_MAPPINGS = {
    "not TOML": ("[map\ntenure = stag\n", ["not valid TOML"]),
    "Latin-1 comment and bad TOML": ("# équipe\n[map\n".encode("latin-1"), ["not valid TOML"]),
    "UTF-16 bad TOML": ("[map\n".encode("utf-16"), ["not valid TOML"]),
    "binary": (bytes(np.random.default_rng(2).integers(0, 256, 300, dtype=np.uint8)), ["binary"]),
    "unknown field": ('[map]\ntenur = "stag"\n', ["'tenur'", "did you mean 'tenure'"]),
    "unit inside [map]": ('[map]\ntenure = "stag"\ntenure_unit = "months"\n', ["tenure_unit is inside the [map]"]),
    "bad date format": ('date_format = "%Q"\n', ["%Q"]),
    "unknown key": ('units = "months"\n', ["unknown key 'units'"]),
}


@pytest.mark.parametrize("name", list(BAD_MAPPINGS))
def test_bad_mapping_files_name_the_file(tmp_path, name):
    content, words = BAD_MAPPINGS[name]
    path = tmp_path / "mapping.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DataError) as info:
        read_mapping_file(path)
    assert str(path) in str(info.value) and all(word in str(info.value) for word in words), str(info.value)


def test_latin1_and_utf16_mapping_files_are_read(tmp_path):
    for encoding in ("latin-1", "utf-16"):
        path = tmp_path / f"mapping-{encoding}.toml"
        path.write_bytes('# équipe\ntenure_unit = "months"\n[map]\ntenure = "stag"\n'.encode(encoding))
        assert read_mapping_file(path).map == {"tenure": "stag"}


def chart(rows) -> str:
    return "employee_id,manager_id\n" + "".join(f"{a},{b}\n" for a, b in rows)


@pytest.mark.parametrize("text, words", [
    (chart([("B", "")] + [(f"P{i}", "B") for i in range(2000)]), ["B (row 2) has 2,000", "at most 200"]),
    (chart([("A", ""), ("B", "A")] + [(f"P{i}", "B") for i in range(201)]), ["B (row 3) has 201"]),
    (chart([("A", "B"), ("B", "C"), ("C", "A")]), ["loop", "A -> B -> C -> A (rows 2, 3, 4)"]),
    (chart([("R", ""), ("A", "R"), ("B", "C"), ("C", "B")]), ["loop", "B -> C -> B (rows 4, 5)"]),
    (chart([("A", ""), ("B", ""), ("C", "A")]), ["2 roots", "A (row 2)", "B (row 3)"]),
    (chart([("A", ""), ("B", "Z")]), ["Z (row 3)", "not employees"]),
    (chart([("A", ""), ("B", "A"), ("B", "A")]), ["B (rows 3, 4)"]),
    ("employee_id,manager_id,manager_id\nA,,\nB,A,A\n", ["'manager_id' in columns 2, 3"]),
    ("employee_id,manager_id\n", ["no data rows"]),
])
def test_bad_org_charts(tmp_path, text, words):
    path = tmp_path / "chart.csv"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        read_org_chart(path)
    assert all(word in str(info.value) for word in words), str(info.value)


def test_span_cap_comes_from_the_schema_and_a_chart_at_the_cap_is_fine(tmp_path):
    from exsim.config.schema import Org

    assert max_span() == Org.model_json_schema()["properties"]["span_of_control"]["maximum"]
    path = tmp_path / "chart.csv"
    path.write_text(chart([("B", "")] + [(f"P{i}", "B") for i in range(int(max_span()))]))
    assert len(read_org_chart(path).seats) == max_span() + 1


@pytest.mark.parametrize("params, words", [
    ("sim.years:1:3", ["sim.years is not a model parameter that can be fitted", "attrition"]),
    ("org.headcount:10:100", ["org.headcount is not a model parameter"]),
    (",", ["empty item"]),
    ("", ["--params is empty"]),
    ("attrition.base_quit_rate_per_year,,attrition.engagement_effect", ["empty item"]),
    ("attrition.base_quit_rate_per_year:0:inf", ["finite"]),
    ("attrition.base_quit_rate_per_year:nan:1", ["finite"]),
    ("attrition.base_quit_rate_per_year:0.3:0.1", ["low (0.3) must be below high (0.1)"]),
    ("attrition.base_quit_rate_per_year:0.1:0.1", ["must be below"]),
    ("attrition.base_quit_rate_per_year:a:b", ["must be numbers"]),
    ("attrition.base_quit_rate_per_year:0:1:2", ["4 parts"]),
    ("attrition.base_quit_rate_per_year:0.1", ["2 parts"]),
    ("attrition.base_quit_rate_pr_year:0:1", ["unknown parameter", "did you mean attrition.base_quit_rate_per_year"]),
    ("org.span.x", ["unknown parameter 'org.span.x'"]),
    ("nosuch.key:0:1", ["unknown parameter"]),
    ("attrition.base_quit_rate_per_year:-5:5", ["-5 is not allowed"]),
    ("attrition.base_quit_rate_per_year,attrition.base_quit_rate_per_year", ["given twice"]),
])
def test_bad_params_name_the_option_and_the_item(params, words):
    with pytest.raises(ConfigError) as info:
        parse_parameters(params, load_config())
    message = str(info.value)
    assert message.startswith("--params") and all(word in message for word in words), message


def test_params_default_ranges_and_schema_ranges():
    fitted = parse_parameters("attrition.base_quit_rate_per_year, org.span_of_control", load_config())
    assert fitted["attrition.base_quit_rate_per_year"] == (0.01, 0.40)
    assert fitted["org.span_of_control"] == (2.0, 200.0)


def calibrate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exsim.cli", "calibrate", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, check=False)


CLI_CASES = {
    "one record": ("employee_id,tenure_months,left\n1,12,1\n", [], ["only 1 usable employee row "]),
    "semicolons with decimal commas": ("employee_id;tenure_months;left\n1;12,5;1\n", [], ["decimal comma"]),
    "duplicated Attrition": ("EmployeeNumber,YearsAtCompany,Attrition,Attrition\n1,2,1,0\n", [], ["'Attrition'"]),
    "date format %Q": (GOOD, ["--date-format", "%Q"], ["--date-format", "%Q"]),
    "params sim.years": (GOOD, ["--params", "sim.years:1:3"], ["--params", "sim.years"]),
    "params comma": (GOOD, ["--params", ","], ["--params"]),
    "params inf": (GOOD, ["--params", "attrition.base_quit_rate_per_year:0:inf"], ["--params", "finite"]),
    "bad mapping file": (GOOD, ["--mapping", "MAPPING"], ["mapping.toml", "not valid TOML"]),
    "bad --set string": (GOOD, ["--set", "managers.selection=nobody"], ["managers.selection"]),
}


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_calibrate_mistakes_exit_2_with_one_line_and_write_nothing(tmp_path, name):
    text, options, words = CLI_CASES[name]
    data = tmp_path / "people.csv"
    data.write_text(text)
    (tmp_path / "mapping.toml").write_text("[map\n")
    options = [str(tmp_path / "mapping.toml") if o == "MAPPING" else o for o in options]
    out = tmp_path / "out"
    done = calibrate(str(data), *options, "--trials", "1", "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")
    assert all(word in done.stderr for word in words), done.stderr
    assert not out.exists()


def test_calibrate_refuses_a_folder_it_did_not_write(tmp_path):
    data = tmp_path / "people.csv"
    data.write_text(GOOD)
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("my work")
    done = calibrate(str(data), "--trials", "1", "--out", str(mine))
    assert done.returncode == 2 and "Traceback" not in done.stderr and str(mine) in done.stderr
    assert [p.name for p in mine.iterdir()] == ["chapter1.tex"]


def test_columns_that_differ_only_in_case_are_ambiguous_unless_mapped(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("employee_id,tenure_months,left,LEFT\n1,12,1,0\n2,5,0,0\n")
    with pytest.raises(DataError) as info:
        read_employee_records(path)
    assert "'left' and 'LEFT' could both be left" in str(info.value) and "--map left=" in str(info.value)
    assert read_employee_records(path, {"left": "LEFT"}).frame["left"].tolist() == [False, False]


CELLS = st.one_of(st.sampled_from(["", "1", "0", "yes", "no", "maybe", "-3", "inf", "nan", "1e300", "2020-01-31",
                                   "31/01/2020", "2099-01-01", "1850-01-01", '"', "a,b", "Ü", "12,5"]),
                  st.text(max_size=6))
HEADERS = st.lists(st.sampled_from(["employee_id", "tenure_months", "tenure", "left", "Attrition", "hire_date",
                                    "exit_date", "exit_reason", "LEFT", "x"]), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, min_size=1, max_size=5), max_size=8),
       sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_any_small_file_reads_or_gives_a_data_error(tmp_path, header, rows, sep, encoding):
    text = "\n".join(sep.join(cells) for cells in [header, *rows]) + "\n"
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        records = read_employee_records(path)
    except DataError as exc:
        assert str(path) in str(exc)
        return
    assert records.n_used >= 1 and records.frame["tenure_weeks"].notna().all()


DATES = st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2024-12-31").date())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.tuples(DATES, st.one_of(st.none(), st.integers(0, 4000)),
                                 st.sampled_from(["", "Resigned", "Terminated for Cause"])), min_size=20, max_size=60))
def test_any_dated_export_gives_targets_or_a_data_error(tmp_path, people):
    exits = ["" if days is None else f"{hire + pd.Timedelta(days=days):%Y-%m-%d}" for hire, days, _ in people]
    rows = [f"{i},{hire:%Y-%m-%d},{exit_},{reason}" for i, ((hire, _, reason), exit_) in enumerate(zip(people, exits))]
    path = tmp_path / "people.csv"
    path.write_text("employee_id,hire_date,exit_date,exit_reason\n" + "\n".join(rows) + "\n")
    try:
        targets = observed_targets(read_employee_records(path))
    except DataError as exc:
        assert str(path) in str(exc)
        return
    assert np.isfinite(targets.attrition) and len(targets.curve) >= 1


def test_calibrate_checks_the_configs_org_chart_before_writing(tmp_path):
    data = tmp_path / "people.csv"
    data.write_text(GOOD)
    (tmp_path / "chart.csv").write_text(chart([("B", "")] + [(f"P{i}", "B") for i in range(300)]))
    config = tmp_path / "scenario.toml"
    config.write_text(f'[org]\nchart = "{(tmp_path / "chart.csv").as_posix()}"\n')
    out = tmp_path / "out"
    done = calibrate(str(data), "--config", str(config), "--trials", "1", "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "B (row 2) has 300" in done.stderr and "trial" not in done.stderr
    assert not out.exists()
