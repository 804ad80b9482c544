"""Employee records: one row per employee, with hire and exit dates or a tenure and a left flag.

What is an error and what is a counted skip:

- DataError (the file or the mapping must be fixed): unsupported suffix, unknown mapping field, a
  mapped column not in the file, no usable columns for tenure, a tenure unit that cannot be told,
  a value that is present but unreadable (a date, flag or number), a negative tenure or absence,
  an exit before the hire, the same employee id on two rows.
- Counted skip (the row cannot be used, the file is fine): a missing hire date, tenure or left
  flag; a hire after `as_of`; a left flag that contradicts the exit date. Skipped rows are listed
  in `EmployeeRecords.skipped` as (row, reason) and summarised in `EmployeeRecords.summary()`.

Rows count as in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH, CALENDAR_WEEKS_PER_YEAR
from exsim.data.errors import DataError
from exsim.data.fields import RECORD_ALIASES, RECORD_FIELDS
from exsim.data.mapping import check_tenure_unit
from exsim.data.tables import (check_date_format, is_flag_column, normalise_ids, parse_dates, parse_flags, parse_numbers, read_table,
                               require_fields, resolve_columns, rows_text, spreadsheet_row)

WEEKS_PER_UNIT = {"days": 1 / 7, "weeks": 1.0, "months": CALENDAR_WEEKS_PER_MONTH, "years": CALENDAR_WEEKS_PER_YEAR}

STILL_EMPLOYED = re.compile(r"^(?:active|current|employed|n/?a\b)|still employed|not terminated|leave of absence")
INVOLUNTARY = re.compile(r"involuntar|cause|dismiss|fired|terminat|lay-?off|laid off|redundan|discharg|misconduct"
                         r"|let go|performance|attendance|no-?call|end of contract|contract end|retrench|deceased|death")
VOLUNTARY = re.compile(r"voluntar")
MAX_TENURE_YEARS = 70  # a longer tenure is a wrong unit or a typo
EARLIEST_DATE = pd.Timestamp("1900-01-01")


@dataclass
class EmployeeRecords:
    """Employee records read from an analyst's file.

    `frame` has one row per usable employee: `row` (spreadsheet row in the file), the canonical
    columns found (employee_id, hire_date, exit_date, tenure, team, manager_id, department,
    overtime, workload, engagement, absence_days, exit_reason), and `tenure_weeks` (float, to the
    exit or to `as_of`), `left` (bool: left by `as_of`) and `voluntary` (nullable bool: NA for
    people still employed and for leavers without a recognisable exit reason).
    """

    frame: pd.DataFrame
    source: Path
    columns: dict[str, str]  # canonical field -> column of the file
    mode: str  # "dates" (hire and exit dates) or "tenure" (tenure and left flag)
    n_rows: int
    skipped: list[tuple[int, str]] = field(default_factory=list)
    as_of: date | None = None
    tenure_unit: str | None = None
    tenure_step_weeks: float | None = None  # set when a tenure column holds whole months or years only
    design: str = "dates"  # "dates", "snapshot" or "survival" (see choose_design)
    design_reason: str = ""
    extra_columns: list[str] = field(default_factory=list)  # the file's other columns, kept in `frame`

    @property
    def n_used(self) -> int:
        return len(self.frame)

    def summary(self) -> str:
        """One paragraph: rows read, used and skipped (with reasons and rows), leavers by reason."""
        left = self.frame["left"]
        vol = self.frame["voluntary"][left]
        how = (f"hire and exit dates as of {self.as_of}" if self.mode == "dates"
               else f"tenure in {self.tenure_unit} and a left flag, read as {self.design} records")
        text = (f"{self.source}: {self.n_rows} rows, {self.n_used} used, {len(self.skipped)} skipped; {how}; "
                f"{int(left.sum())} left ({int(vol.eq(True).sum())} voluntary, "
                f"{int(vol.eq(False).sum())} involuntary, {int(vol.isna().sum())} reason unknown)")
        return text + "".join(f"\n  skipped {reason}" for reason in _grouped_skips(self.skipped))

    def survival_frame(self, voluntary_only: bool = True, midpoint: bool | None = None) -> pd.DataFrame:
        """`frame` with `left` as the event for survival analysis.

        voluntary_only: involuntary exits become censored; leavers with an unknown reason count as
        voluntary (most exits are); a file with no exit reasons at all keeps every exit as an event.
        midpoint: add half a unit to tenures given in whole months or years (completed units, as in
        IBM's YearsAtCompany), so an exit in the first year sits at 6 months, not at 0. None applies
        it exactly when `tenure_step_weeks` is set.
        """
        out = self.frame.copy()
        known = out["voluntary"][out["left"]].notna().any()
        if voluntary_only and known:
            out["left"] = out["left"] & out["voluntary"].fillna(True).astype(bool)
        if (self.tenure_step_weeks is not None) if midpoint is None else midpoint:
            half = (self.tenure_step_weeks or 0.0) / 2
            out["tenure_weeks"] = out["tenure_weeks"] + half
            if "entry_weeks" in out:
                out["entry_weeks"] = np.where(out["entry_weeks"] > 0, out["entry_weeks"] + half, 0.0)
        return out


def read_employee_records(path: str | Path, mapping: dict[str, str] | None = None, tenure_unit: str | None = None,
                          date_format: str | None = None, as_of: date | None = None,
                          design: str | None = None) -> EmployeeRecords:
    """Read employee records from a CSV or Parquet file (see the module docstring for errors and skips).

    mapping: canonical field -> column name; unmapped fields are found by common names (IBM:
    EmployeeNumber, Attrition, YearsAtCompany, OverTime; hr_dataset_v14: EmpID, DateofHire,
    DateofTermination, Termd, EmploymentStatus, ManagerID, Absences, EngagementSurvey).
    tenure_unit: days, weeks, months or years; if None, taken from the tenure column's name
    ('YearsAtCompany' -> years). date_format: strftime codes, else detected. as_of: the date the
    data was drawn (people still employed are censored there; exits after it count as employed);
    if None, the latest hire or exit date in the file. Dates take precedence over a tenure column
    unless tenure is mapped explicitly. design: "dates", "snapshot" or "survival", or None to
    detect it (`choose_design`). Columns the mapping does not use are kept in `frame` as they are.
    """
    path = Path(path)
    tenure_unit = tenure_unit and check_tenure_unit(tenure_unit)
    if date_format is not None:
        check_date_format(date_format)
    table = read_table(path)
    columns = resolve_columns(table, RECORD_FIELDS, mapping, RECORD_ALIASES, path, "employee records")
    mode = _choose_mode(columns, mapping or {}, path, table)
    frame = pd.DataFrame({"row": [spreadsheet_row(i) for i in range(len(table))]}, index=table.index)
    frame["employee_id"] = _employee_ids(table, columns, path)
    frame = frame.join(_optional_fields(table, columns, path))
    step = None
    if mode == "dates":
        timing, as_of = _from_dates(table, columns, path, date_format, as_of)
        tenure_unit = None
    else:
        timing, tenure_unit, step = _from_tenure(table, columns, path, tenure_unit)
    frame = frame.join(timing)
    reasons = frame["exit_reason"] if "exit_reason" in frame else pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["voluntary"] = classify_exit_reasons(reasons).where(frame["left"].fillna(False))
    extra = [c for c in table.columns if c not in columns.values() and c not in frame.columns]
    frame = frame.join(table[extra])
    frame, skipped = _split_skips(frame)
    if frame.empty:
        reasons = "; ".join(_grouped_skips(skipped)[:3])
        raise DataError(f"no usable rows: all {len(table)} were skipped ({reasons})", file=path,
                        expected="rows with a hire date, or a tenure and a left flag")
    chosen, reason = choose_design(mode, frame, design, path)
    return EmployeeRecords(frame, path, columns, mode, len(table), skipped, as_of, tenure_unit, step,
                           chosen, reason, extra)


DESIGNS = ("dates", "snapshot", "survival")
SURVIVAL_LEFT_SHARE = 0.35  # more leavers than this cannot be one year's attrition (assumption)


def choose_design(mode: str, frame: pd.DataFrame, requested: str | None, path: Path) -> tuple[str, str]:
    """The file's design and why: dated records, a snapshot (current staff plus one year's leavers) or
    survival records (everyone followed until they left or the file ended: the rest are censored).

    A tenure file is read as survival records when more than SURVIVAL_LEFT_SHARE of its rows have
    left, unless `requested` says otherwise; dated files are always "dates".
    """
    if requested is not None and requested not in DESIGNS:
        raise DataError(f"unknown design {requested!r}", file="--design", expected=", ".join(DESIGNS))
    if mode == "dates":
        if requested not in (None, "dates"):
            raise DataError(f"--design {requested} needs a tenure column and a left flag, but the file was read "
                            "by its hire and exit dates", file=path, expected="--design dates, or map tenure and left")
        return "dates", "hire and exit dates: retention of people hired while exits were recorded"
    if requested == "dates":
        raise DataError("--design dates needs hire and exit dates, but the file was read as tenures",
                        file=path, expected="--design survival or snapshot, or map hire_date and exit_date")
    share = float(frame["left"].mean())
    if requested is not None:
        return requested, f"--design {requested} (as given); {share:.1%} of the rows have left"
    if share > SURVIVAL_LEFT_SHARE:
        return "survival", (f"{share:.1%} of the rows have left, far more than one year's attrition: read as survival "
                            "records (people followed until they left or the file ended; the rest censored). "
                            "Say --design snapshot if the leavers are one year's")
    return "snapshot", (f"{share:.1%} of the rows have left: read as a snapshot (current staff plus about one "
                        "year's leavers). Say --design survival if everyone was followed until they left")


def _split_skips(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Usable rows (without the skip column, `left` as bool) and (row, reason) of the others."""
    usable = frame["skip"].isna()
    skipped = list(zip(frame["row"][~usable].tolist(), frame["skip"][~usable].tolist()))
    kept = frame[usable].drop(columns="skip").reset_index(drop=True)
    return kept.astype({"left": bool}), skipped


# ---- mode and ids ------------------------------------------------------------------------------
def _choose_mode(columns: dict[str, str], mapping: dict[str, str], path: Path, table: pd.DataFrame) -> str:
    """'tenure' when tenure is mapped, or found without both dates; else 'dates' (both date columns needed)."""
    has_dates = "hire_date" in columns and "exit_date" in columns
    if "tenure" in mapping or ("tenure" in columns and not has_dates):
        require_fields(columns, ["tenure", "left"], path, "file of tenures", table)
        return "tenure"
    wanted = ["hire_date", "exit_date"] if "hire_date" in columns or "exit_date" in columns else ["tenure", "left"]
    require_fields(columns, wanted, path, "file (need hire and exit dates, or a tenure and a left flag)", table)
    return "dates"


def _employee_ids(table: pd.DataFrame, columns: dict[str, str], path: Path) -> pd.Series:
    """Ids from the file (an error when one is repeated), or row numbers when there is no id column."""
    if "employee_id" not in columns:
        return pd.Series([str(spreadsheet_row(i)) for i in table.index], index=table.index, dtype="string")
    column = columns["employee_id"]
    ids = normalise_ids(table[column])
    repeated = ids.notna() & ids.duplicated(keep=False)
    if repeated.any():
        first = ids[repeated].iloc[0]
        rows = [spreadsheet_row(i) for i in ids.index[ids == first]]
        raise DataError(f"employee id on more than one row ({rows_text(rows)})", file=path,
                        row=rows[1], column=column, value=first, expected="one row per employee")
    return ids


# ---- timing: dates or tenure -------------------------------------------------------------------
def _from_dates(table, columns, path, date_format, as_of) -> tuple[pd.DataFrame, date]:
    """hire_date, exit_date, tenure_weeks, left and skip reasons from hire and exit dates."""
    hire_col, exit_col = columns["hire_date"], columns["exit_date"]
    dates = parse_dates({hire_col: table[hire_col], exit_col: table[exit_col]}, date_format, path)
    hire, exit_ = dates[hire_col], dates[exit_col]
    for column, values in ((hire_col, hire), (exit_col, exit_)):
        _check_date_range(values, table[column], column, path, future_ok=as_of is not None)
    backwards = exit_ < hire
    if backwards.any():
        i = int(np.flatnonzero(backwards.to_numpy())[0])
        raise DataError(f"exit date before the hire date ({hire.iloc[i]:%Y-%m-%d})", file=path,
                        row=spreadsheet_row(i), column=exit_col, value=table[exit_col].iloc[i],
                        expected="an exit on or after the hire date")
    end = pd.Timestamp(as_of) if as_of is not None else pd.concat([hire, exit_]).max()
    if hire.isna().all() or pd.isna(end):
        raise DataError(f"no hire dates in column {hire_col!r}", file=path, row=1,
                        expected="a hire date on each employee's row")
    left = exit_.notna() & (exit_ <= end)
    skip = pd.Series(pd.NA, index=table.index, dtype="string")
    if "left" in columns:
        flag = parse_flags(table[columns["left"]], columns["left"], path)
        skip = skip.mask(flag.eq(True) & exit_.isna(), f"{columns['left']} says left but there is no exit date")
        skip = skip.mask(flag.eq(False) & exit_.notna(),
                         f"{columns['left']} says still employed but there is an exit date")
    skip = skip.mask(hire > end, f"hired after the as-of date {end:%Y-%m-%d}")
    skip = skip.mask(hire.isna(), f"no hire date in {hire_col}")
    tenure_weeks = (exit_.where(left, end) - hire).dt.days / 7.0
    frame = pd.DataFrame({"hire_date": hire, "exit_date": exit_.where(left), "tenure_weeks": tenure_weeks,
                          "left": left, "skip": skip})
    return frame, end.date()


def _check_date_range(dates: pd.Series, text: pd.Series, column: str, path: Path, future_ok: bool) -> None:
    """Dates from 1900 on, and (unless an as-of date is given) none after today."""
    early = dates < EARLIEST_DATE
    if early.any():
        i = int(np.flatnonzero(early.to_numpy())[0])
        raise DataError("a date before 1900", file=path, row=spreadsheet_row(i), column=column, value=text.iloc[i],
                        expected="dates from 1900 on (check the date format)")
    today = pd.Timestamp(date.today())
    future = dates > today
    if future.any() and not future_ok:
        i = int(np.flatnonzero(future.to_numpy())[0])
        raise DataError(f"a date in the future (today is {today:%Y-%m-%d})", file=path, row=spreadsheet_row(i),
                        column=column, value=text.iloc[i],
                        expected="dates up to today (check the date format, e.g. d/m/Y read as m/d/Y)")


def _from_tenure(table, columns, path, unit) -> tuple[pd.DataFrame, str, float | None]:
    """tenure, tenure_weeks, left and skip reasons from a tenure column and a left flag."""
    column = columns["tenure"]
    unit = unit or _unit_from_name(column, path)
    longest = MAX_TENURE_YEARS * CALENDAR_WEEKS_PER_YEAR / WEEKS_PER_UNIT[unit]
    tenure = parse_numbers(table[column], column, path, minimum=0, maximum=longest,
                           expected=f"a tenure of 0 or more {unit}, at most {MAX_TENURE_YEARS} years")
    left = parse_flags(table[columns["left"]], columns["left"], path)
    skip = pd.Series(pd.NA, index=table.index, dtype="string")
    skip = skip.mask(left.isna(), f"no left flag in {columns['left']}")
    skip = skip.mask(tenure.isna(), f"no tenure in {column}")
    whole = bool(np.all(np.mod(tenure.dropna(), 1) == 0)) and unit in ("months", "years")
    frame = pd.DataFrame({"tenure": tenure, "tenure_weeks": tenure * WEEKS_PER_UNIT[unit], "left": left,
                          "skip": skip})
    if "entry_tenure" in columns:
        frame["entry_weeks"] = _entry_tenure(table, columns["entry_tenure"], tenure, unit, longest, path) * WEEKS_PER_UNIT[unit]
    return frame, unit, WEEKS_PER_UNIT[unit] if whole else None


def _entry_tenure(table, column, tenure, unit, longest, path) -> pd.Series:
    """Tenure when observation began (left truncation), in the tenure's unit; empty means from hire."""
    entry = parse_numbers(table[column], column, path, minimum=0, maximum=longest,
                          expected=f"a tenure of 0 or more {unit} at the start of observation").fillna(0.0)
    late = entry > tenure
    if late.any():
        row = int(np.flatnonzero(late.to_numpy())[0])
        raise DataError(f"tenure at the start of observation ({entry.iloc[row]:g}) is after the tenure at exit or "
                        f"at the end ({tenure.iloc[row]:g})", file=path, row=spreadsheet_row(table.index[row]),
                        column=column, expected="an entry tenure no larger than the tenure")
    return entry


def _unit_from_name(column: str, path: Path) -> str:
    name = column.lower()
    found = [unit for unit in ("years", "months", "weeks", "days") if unit[:-1] in name]
    if len(found) != 1:
        raise DataError(f"cannot tell the unit of tenure column {column!r} from its name", file=path, row=1,
                        column=column, expected="a tenure unit: days, weeks, months or years (--tenure-unit)")
    return found[0]


# ---- optional fields ---------------------------------------------------------------------------
def _optional_fields(table: pd.DataFrame, columns: dict[str, str], path: Path) -> pd.DataFrame:
    """team, manager_id, department, overtime, workload, engagement, absence_days, exit_reason."""
    out = pd.DataFrame(index=table.index)
    for name in ("team", "department", "exit_reason"):
        if name in columns:
            text = table[columns[name]]
            out[name] = text.where(text != "").astype("string")
    if "manager_id" in columns:
        out["manager_id"] = normalise_ids(table[columns["manager_id"]])
    if "overtime" in columns:
        values, column = table[columns["overtime"]], columns["overtime"]
        out["overtime"] = (parse_flags(values, column, path) if is_flag_column(values)
                           else parse_numbers(values, column, path, minimum=0,
                                              expected="a yes/no flag or hours of 0 or more"))
    for name, minimum in (("workload", 0), ("engagement", None), ("absence_days", 0)):
        if name in columns:
            out[name] = parse_numbers(table[columns[name]], columns[name], path, minimum=minimum,
                                      expected="a number" if minimum is None else f"a number of {minimum} or more")
    return out


def classify_exit_reasons(reasons: pd.Series) -> pd.Series:
    """Exit reason text -> True (voluntary), False (involuntary) or NA (empty, or still employed).

    Rule, on the lower-cased text: 'Active', 'N/A-StillEmployed', 'current', 'leave of absence'
    mean still employed (NA); anything with 'involuntar' is involuntary; then 'voluntar' (as in
    'Voluntarily Terminated') is voluntary; then employer-initiated words (cause, dismissed, fired,
    terminated, layoff, redundancy, discharged, misconduct, let go, performance, attendance,
    no-call, end of contract, death) are involuntary; any other reason (resigned, another position,
    more money, relocation, retirement, return to school, ...) is voluntary.
    """
    text = reasons.fillna("").astype(str).str.strip().str.lower()
    voluntary = ~text.str.contains(INVOLUNTARY) | (text.str.contains(VOLUNTARY) & ~text.str.contains("involuntar"))
    unknown = (text == "") | text.str.contains(STILL_EMPLOYED)
    return voluntary.astype("boolean").mask(unknown)


def _grouped_skips(skipped: list[tuple[int, str]]) -> list[str]:
    """'2 rows: no hire date in DateofHire (rows 4, 9)' per distinct reason."""
    by_reason: dict[str, list[int]] = {}
    for row, reason in skipped:
        by_reason.setdefault(reason, []).append(row)
    return [f"{len(rows)} row{'s' if len(rows) > 1 else ''}: {reason} ({rows_text(rows)})"
            for reason, rows in by_reason.items()]
