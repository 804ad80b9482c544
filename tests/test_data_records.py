"""Employee records: mapping, detection of columns, dates and units, counted skips, precise errors, shared data."""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim.data import DataError, classify_exit_reasons, parse_map_options, read_employee_records, read_mapping_file
from exsim.data.records import WEEKS_PER_UNIT
from exsim.data.tables import read_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
IBM = SHARED / "ibm_hr_attrition.csv"
HR14 = SHARED / "hr_dataset_v14.csv"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared HR datasets not found at {SHARED}")


def write(tmp_path: Path, text: str, name: str = "people.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


DATED = """\
EmpID,DateofHire,DateofTermination,EmploymentStatus,Dept,ManagerID,Absences
1,01/15/2020,,Active,Sales  ,10,2
2,3/1/19,6/30/2020,Voluntarily Terminated,Sales,10.0,0
3,07/01/2021,07/01/2021,Terminated for Cause ,Ops,11,5
4,12/31/2019,12/31/2021,resigned - another position,Ops,,1
"""


def test_dated_file_gives_tenure_left_and_voluntary(tmp_path):
    path = write(tmp_path, DATED, bom=True)
    rec = read_employee_records(path, mapping={"department": "Dept"})
    f = rec.frame.set_index("employee_id")
    assert rec.mode == "dates" and rec.as_of == date(2021, 12, 31)  # latest date in the file
    assert rec.columns["hire_date"] == "DateofHire" and rec.columns["exit_reason"] == "EmploymentStatus"
    assert f.loc["2", "hire_date"] == pd.Timestamp("2019-03-01")  # 2-digit US year
    assert f.loc["2", "tenure_weeks"] == pytest.approx((pd.Timestamp("2020-06-30") - pd.Timestamp("2019-03-01")).days / 7)
    assert f.loc["1", "tenure_weeks"] == pytest.approx((pd.Timestamp("2021-12-31") - pd.Timestamp("2020-01-15")).days / 7)
    assert f.loc["3", "tenure_weeks"] == 0.0
    assert f["left"].tolist() == [False, True, True, True]
    assert f["voluntary"].tolist()[1:] == [True, False, True] and pd.isna(f.loc["1", "voluntary"])
    assert f.loc["1", "department"] == "Sales"  # trailing spaces gone
    assert f.loc["2", "manager_id"] == "10"  # float-typed id normalised
    assert pd.isna(f.loc["4", "manager_id"])
    assert f["absence_days"].tolist() == [2, 0, 5, 1]
    assert "4 rows, 4 used, 0 skipped" in rec.summary() and "3 left (2 voluntary, 1 involuntary" in rec.summary()


def test_as_of_censors_later_exits_and_skips_later_hires(tmp_path):
    rec = read_employee_records(write(tmp_path, DATED), as_of=date(2021, 1, 1))
    f = rec.frame.set_index("employee_id")
    assert "3" not in f.index and rec.skipped == [(4, "hired after the as-of date 2021-01-01")]
    assert not f.loc["4", "left"] and pd.isna(f.loc["4", "exit_date"])  # exit after as_of: still employed then
    assert f.loc["4", "tenure_weeks"] == pytest.approx(367 / 7)
    assert "skipped 1 row: hired after the as-of date 2021-01-01 (row 4)" in rec.summary()


def test_missing_values_are_counted_not_dropped_silently(tmp_path):
    text = "id,hire_date,exit_date,left\n1,2020-01-01,,0\n2,,,0\n3,2020-01-01,,1\n4,2020-01-01,2020-02-01,0\n5,,,0\n"
    rec = read_employee_records(write(tmp_path, text))
    assert rec.n_rows == 5 and rec.n_used == 1
    assert rec.skipped == [(3, "no hire date in hire_date"), (4, "left says left but there is no exit date"),
                           (5, "left says still employed but there is an exit date"), (6, "no hire date in hire_date")]
    assert "2 rows: no hire date in hire_date (rows 3, 6)" in rec.summary()


def test_tenure_file_with_map_options_and_unit(tmp_path):
    text = "stag,event,ot\n12,1,yes\n6,0,No\n0.5,TRUE,y\n30,false,N\n"
    mapping = parse_map_options(["tenure=stag", "left=event", "overtime = ot"])
    rec = read_employee_records(write(tmp_path, text), mapping=mapping, tenure_unit="months")
    f = rec.frame
    assert rec.mode == "tenure" and rec.tenure_unit == "months"
    np.testing.assert_allclose(f["tenure_weeks"], np.array([12, 6, 0.5, 30]) * 365.25 / 7 / 12)
    assert f["left"].tolist() == [True, False, True, False]
    assert f["overtime"].tolist() == [True, False, True, False]
    assert f["employee_id"].tolist() == ["2", "3", "4", "5"]  # no id column: spreadsheet rows
    assert rec.tenure_step_weeks is None  # 0.5 is not a whole month


def test_whole_years_get_a_half_year_midpoint_in_the_survival_frame(tmp_path):
    rec = read_employee_records(write(tmp_path, "YearsAtCompany,Attrition\n0,1\n3,0\n"))
    assert rec.tenure_unit == "years" and rec.tenure_step_weeks == pytest.approx(WEEKS_PER_UNIT["years"])
    assert rec.survival_frame()["tenure_weeks"].tolist() == pytest.approx([26.089, 182.625], abs=1e-3)
    assert rec.survival_frame(midpoint=False)["tenure_weeks"].tolist() == pytest.approx([0.0, 156.536], abs=1e-3)


def test_survival_frame_censors_involuntary_exits(tmp_path):
    rec = read_employee_records(write(tmp_path, DATED))
    assert rec.survival_frame()["left"].tolist() == [False, True, False, True]
    assert rec.survival_frame(voluntary_only=False)["left"].tolist() == [False, True, True, True]


@pytest.mark.parametrize("text, date_format, hire", [
    ("hire_date,exit_date\n2019-03-30,\n2020-01-02,2021-05-06\n", None, "2019-03-30"),
    ("hire_date,exit_date\n30-03-2019,\n02-01-2020,06-05-2021\n", None, "2019-03-30"),
    ("hire_date,exit_date\n30.03.2019,\n02.01.2020,06.05.2021\n", None, "2019-03-30"),
    ("hire_date,exit_date\n02/01/2019,\n03/01/2020,\n", None, "2019-02-01"),  # ambiguous: read as US m/d/Y
    ("hire_date,exit_date\n02/01/2019,\n03/01/2020,\n", "%d/%m/%Y", "2019-01-02"),
])
def test_date_formats_detected_or_given(tmp_path, text, date_format, hire):
    rec = read_employee_records(write(tmp_path, text), date_format=date_format)
    assert rec.frame["hire_date"].iloc[0] == pd.Timestamp(hire)


def test_semicolon_file_and_parquet_with_datetimes(tmp_path):
    rec = read_employee_records(write(tmp_path, "tenure_days;left\n70;1\n7;0\n"))
    assert rec.frame["tenure_weeks"].tolist() == [10.0, 1.0]
    frame = pd.DataFrame({"employee_id": [1, 2], "hire_date": pd.to_datetime(["2020-01-01", "2020-06-01"]),
                          "exit_date": pd.to_datetime(["2020-01-15", None]), "left": [True, False]})
    path = tmp_path / "people.parquet"
    frame.to_parquet(path)
    rec = read_employee_records(path)
    assert rec.frame["tenure_weeks"].tolist() == [2.0, 0.0] and rec.frame["left"].tolist() == [True, False]


@pytest.mark.parametrize("reason, voluntary", [
    ("Voluntarily Terminated", True), ("Terminated for Cause", False), ("Active", None), ("N/A-StillEmployed", None),
    ("", None), ("Involuntary", False), ("voluntary", True), ("Resigned", True), ("more money", True),
    ("Dismissed", False), ("Laid off", False), ("redundancy", False), ("no-call, no-show", False),
    ("retiring", True), ("Leave of Absence", None),
])
def test_exit_reason_rule(reason, voluntary):
    got = classify_exit_reasons(pd.Series([reason], dtype="string")).iloc[0]
    assert (pd.isna(got) and voluntary is None) or got == voluntary


# ---- errors --------------------------------------------------------------------------------------
def _error(path, **kwargs) -> DataError:
    with pytest.raises(DataError) as info:
        read_employee_records(path, **kwargs)
    return info.value


def test_bad_date_names_file_row_column_value(tmp_path):
    path = write(tmp_path, "id,DateofHire,DateofTermination\n1,01/05/2011,\n2,13/45/2011,\n")
    err = _error(path)
    assert (err.row, err.column, err.value) == (3, "DateofHire", "13/45/2011")
    assert str(err).startswith(f"{path}, row 3, column 'DateofHire': not a date") and "expected dates like" in str(err)


def test_bad_date_with_given_format(tmp_path):
    err = _error(write(tmp_path, "hire_date,exit_date\n2020-01-01,\n"), date_format="%d/%m/%Y")
    assert (err.row, err.column) == (2, "hire_date") and "%d/%m/%Y" in str(err)


def test_bad_flag_value(tmp_path):
    err = _error(write(tmp_path, "tenure_years,Attrition\n1,Yes\n2,maybe\n"))
    assert (err.row, err.column, err.value) == (3, "Attrition", "maybe") and "1/0, Yes/No, True/False or Y/N" in str(err)


def test_exit_before_hire(tmp_path):
    err = _error(write(tmp_path, "id,hire_date,exit_date\n1,2020-01-01,2019-12-31\n"))
    assert (err.row, err.column, err.value) == (2, "exit_date", "2019-12-31") and "before the hire date" in str(err)


def test_negative_tenure_and_non_number(tmp_path):
    err = _error(write(tmp_path, "tenure,left\n3,1\n-2,0\n"), tenure_unit="years")
    assert (err.row, err.column, err.value) == (3, "tenure", "-2") and "0 or more years" in str(err)
    err = _error(write(tmp_path, "tenure,left\nthree,1\n"), tenure_unit="years")
    assert (err.row, err.value) == (2, "three") and "not a number" in str(err)


def test_missing_required_columns(tmp_path):
    err = _error(write(tmp_path, "id,dept\n1,Sales\n"))
    assert err.row == 1 and "no column for tenure, left" in str(err) and "'dept'" in str(err)
    err = _error(write(tmp_path, "id,hire_date\n1,2020-01-01\n"))
    assert "no column for exit_date" in str(err)


def test_unknown_map_target_and_absent_mapped_column(tmp_path):
    path = write(tmp_path, "stag,event\n1,1\n")
    err = _error(path, mapping={"tenur": "stag"})
    assert "unknown field 'tenur'" in str(err) and "did you mean 'tenure'" in str(err)
    with pytest.raises(DataError, match="unknown field 'tenur'"):
        parse_map_options(["tenur=stag"])
    err = _error(path, mapping={"tenure": "stg", "left": "event"}, tenure_unit="days")
    assert "column 'stg' (mapped to tenure) is not in the file" in str(err) and "'stag'" in str(err)


def test_malformed_map_option():
    with pytest.raises(DataError, match="expected FIELD=COLUMN"):
        parse_map_options(["tenure"])


def test_unsupported_suffix_and_missing_file(tmp_path):
    err = _error(write(tmp_path, "a,b\n", name="people.xlsx"))
    assert "unsupported file type '.xlsx'" in str(err) and ".parquet" in str(err)
    assert "file not found" in str(_error(tmp_path / "absent.csv"))


def test_tenure_unit_unknown_or_invalid(tmp_path):
    path = write(tmp_path, "stag,event\n1,1\n")
    err = _error(path, mapping={"tenure": "stag", "left": "event"})
    assert "cannot tell the unit" in str(err) and "--tenure-unit" in str(err)
    with pytest.raises(DataError, match="unknown tenure unit"):
        read_employee_records(path, mapping={"tenure": "stag", "left": "event"}, tenure_unit="fortnights")


def test_duplicate_employee_ids(tmp_path):
    err = _error(write(tmp_path, "id,tenure_years,left\n7,1,0\n8,2,0\n7,3,1\n"))
    assert (err.row, err.value) == (4, "7") and "rows 2, 4" in str(err)


def test_mapping_file(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text('tenure_unit = "months"\ndate_format = "%d/%m/%Y"\n[map]\ntenure = "stag"\nleft = "event"\n')
    spec = read_mapping_file(path)
    assert spec.map == {"tenure": "stag", "left": "event"} and spec.tenure_unit == "months"
    rec = read_employee_records(write(tmp_path, "stag,event\n12,1\n"), mapping=spec.map, tenure_unit=spec.tenure_unit)
    assert rec.frame["tenure_weeks"].iloc[0] == pytest.approx(365.25 / 7)
    path.write_text('[map]\ntenure = "stag"\nextra = "x"\n')
    with pytest.raises(DataError, match=r"map\.toml.*unknown field 'extra'"):
        read_mapping_file(path)
    path.write_text('units = "months"\n')
    with pytest.raises(DataError, match="unknown key 'units'"):
        read_mapping_file(path)
    path.write_text('tenure_unit = "fortnights"\n')
    with pytest.raises(DataError, match="unknown tenure unit"):
        read_mapping_file(path)


# ---- the shared datasets -------------------------------------------------------------------------
@needs_shared
def test_ibm_cross_sectional_file():
    rec = read_employee_records(IBM)
    f = rec.frame
    assert rec.mode == "tenure" and rec.n_used == 1470 and not rec.skipped
    assert rec.columns["tenure"] == "YearsAtCompany" and rec.columns["overtime"] == "OverTime"
    assert int(f["left"].sum()) == 237 and f["left"].mean() == pytest.approx(0.161, abs=5e-4)
    by_overtime = f.groupby("overtime")["left"].mean()
    assert by_overtime[True] == pytest.approx(0.305, abs=5e-4) and by_overtime[False] == pytest.approx(0.104, abs=5e-4)
    by_years = f.groupby("tenure")["left"].mean()
    assert by_years[0] == pytest.approx(0.364, abs=5e-4) and by_years[5] == pytest.approx(0.107, abs=5e-4)


@needs_shared
def test_ibm_original_yes_no_coding(tmp_path):
    table = pd.read_csv(IBM).head(50)
    table["Attrition"] = table["Attrition"].map({1: "Yes", 0: "No"})
    path = tmp_path / "ibm_yes_no.csv"
    table.to_csv(path, index=False)
    assert read_employee_records(path).frame["left"].sum() == (table["Attrition"] == "Yes").sum()


@needs_shared
def test_hr_dataset_v14_with_dates_bom_and_spaces():
    assert read_table(HR14).columns[0] == "Employee_Name"  # the UTF-8 BOM is not part of the name
    rec = read_employee_records(HR14)
    f = rec.frame
    assert rec.mode == "dates" and rec.n_used == 311 and not rec.skipped
    assert rec.columns["exit_reason"] == "EmploymentStatus" and rec.columns["left"] == "Termd"
    assert int(f["voluntary"].eq(True).sum()) == 88 and int(f["voluntary"].eq(False).sum()) == 16
    assert int(f["left"].sum()) == 104 and rec.as_of == date(2018, 11, 10)
    assert set(f["department"]) >= {"Production", "Sales"}  # 'Production       ' stripped
    assert (f["tenure_weeks"] >= 0).all() and f["manager_id"].notna().sum() == 303
