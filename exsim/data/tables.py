"""Shared reading and parsing for analysts' files: tables, column mapping, flags, numbers, dates, ids.

Every parser checks a whole column at once and raises a DataError naming the first bad cell.
Row numbers count as a spreadsheet user does: header = row 1, first data row = row 2.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from exsim.data.errors import DataError

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = ",;\t|"
HEADER_ROWS = 1  # the first data row is spreadsheet row HEADER_ROWS + 1

FLAG_VALUES = {"1": True, "0": False, "1.0": True, "0.0": False, "yes": True, "no": False,
               "true": True, "false": False, "y": True, "n": False}
FLAG_EXPECTED = "1/0, Yes/No, True/False or Y/N"

BINARY_KINDS = ((b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
                (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
                (b"PAR1", "a Parquet file"), (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"),
                (b"\xff\xd8\xff", "a JPEG image"), (b"\x1f\x8b", "a gzip archive"), (b"SQLite format 3", "an SQLite database"))
BINARY_EXPECTED = ("a CSV text file (in Excel: File > Save As > CSV UTF-8), or a Parquet file named .parquet")

# name, formats tried in turn (a family), example; US m/d/Y wins over d/m/Y when both fit every value
DATE_FAMILIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("ISO Y-m-d", ("ISO8601",), "2015-03-30"),
    ("US m/d/Y", ("%m/%d/%Y", "%m/%d/%y"), "03/30/2015 or 3/30/15"),
    ("d/m/Y", ("%d/%m/%Y", "%d/%m/%y"), "30/03/2015"),
    ("d-m-Y", ("%d-%m-%Y", "%d-%m-%y"), "30-03-2015"),
    ("d.m.Y", ("%d.%m.%Y", "%d.%m.%y"), "30.03.2015"),
    ("Y/m/d", ("%Y/%m/%d",), "2015/03/30"),
)
STRPTIME_CODES = set("aAbBcdfGHIjmMpSuUVwWxXyYzZ")
DATE_FORMAT_EXPECTED = "strftime codes such as %d/%m/%Y or %Y-%m-%d (%d day, %m month, %b month name, %Y or %y year)"


def spreadsheet_row(index: int) -> int:
    """Spreadsheet row of the data row at 0-based position `index`."""
    return int(index) + HEADER_ROWS + 1


def rows_text(rows: Sequence[int], shown: int = 10) -> str:
    """'row 8' or 'rows 4, 5' (at most `shown` listed)."""
    listed = ", ".join(map(str, rows[:shown])) + (f", ... ({len(rows) - shown} more)" if len(rows) > shown else "")
    return f"row{'s' if len(rows) > 1 else ''} {listed}"


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV or Parquet file as text columns (stripped, '' when empty); datetime columns stay datetimes.

    CSV: UTF-8 (with or without BOM), UTF-16 or Windows-1252/Latin-1; delimiter `,` `;` tab or `|`
    detected. Binary files (an Excel workbook or Parquet file named .csv), a repeated column name
    in the header, a single column, and a header without data rows are DataErrors.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        excel = " (in Excel: File > Save As > CSV UTF-8)" if suffix in (".xlsx", ".xls", ".xlsm", ".ods") else ""
        raise DataError(f"unsupported file type {suffix or '(no suffix)'!r}", file=path,
                        expected=f"a .csv (or .tsv/.txt) or .parquet file{excel}")
    if not path.is_file():
        raise DataError("file not found" if not path.exists() else "not a file", file=path)
    table = _read_parquet(path) if suffix in PARQUET_SUFFIXES else _read_csv(path)
    table.columns = [str(c).strip() for c in table.columns]
    check_unique_names(list(table.columns), path)
    if table.empty:
        raise DataError("the file has a header but no data rows", file=path,
                        expected="a header row and one row per record")
    return table.reset_index(drop=True)


def check_unique_names(names: Sequence[str], file) -> None:
    """Raise a DataError naming the header columns (spreadsheet positions) whose names repeat."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names, 1):
        positions.setdefault(str(name).strip(), []).append(i)
    repeated = {name: cols for name, cols in positions.items() if len(cols) > 1}
    if repeated:
        listed = "; ".join(f"{name!r} in columns {', '.join(map(str, cols))}" for name, cols in repeated.items())
        raise DataError(f"the header names a column more than once: {listed}", file=file, row=1,
                        expected="each column name once (rename or delete the repeated column)")


def read_text(path: Path, expected: str = BINARY_EXPECTED) -> str:
    """The text of a file in UTF-8 (with or without BOM), UTF-16 (BOM or detected) or Windows-1252.

    A binary file (Excel, Parquet, zip, PDF, an image, ...) is a DataError saying what it looks like
    and `expected` (what the file should be).
    """
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise DataError("a folder, not a file", file=path) from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror})", file=path) from None
    for magic, what in BINARY_KINDS:
        if raw.startswith(magic):
            raise DataError(f"this is {what}, not a text file", file=path, expected=expected)
    encoding = _text_encoding(raw)
    if encoding is None:
        raise DataError("binary data, not text", file=path, expected=expected)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise DataError(f"not valid {encoding.upper()} text", file=path,
                        expected="text in UTF-8, UTF-16 or Windows-1252 (Latin-1)") from None
    if _looks_binary(text):
        raise DataError("binary data, not text", file=path, expected=expected)
    return text.removeprefix("\ufeff")


def _text_encoding(raw: bytes) -> str | None:
    """utf-8-sig, utf-16, utf-16-le/be (no BOM, detected by NUL bytes), cp1252, or None for binary data."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[:4000]
    if sample and sample.count(0) > len(sample) // 4:
        if sample[1::2].count(0) > len(sample) // 3:
            return "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 3:
            return "utf-16-be"
        return None
    if 0 in sample:
        return None
    try:
        raw.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _looks_binary(text: str) -> bool:
    """More than 1% control characters (other than tab, CR, LF, form feed) in the first 4000."""
    sample = text[:4000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f" or "\x7f" <= ch <= "\x9f")
    return control > max(2, len(sample) // 100)


def _read_csv(path: Path) -> pd.DataFrame:
    text = read_text(path)
    if not text.strip():
        raise DataError("the file is empty", file=path, expected="a header row and one row per record")
    sep = _sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=sep), [])
    check_unique_names(header, path)
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise DataError(f"not a readable CSV table ({str(exc).strip()})", file=path,
                        expected="the same number of fields on every row, quotes closed") from None
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", file=path, expected="a header row and one row per record") from None
    if table.shape[1] < 2:
        raise DataError(_one_column_problem(str(table.columns[0])), file=path, row=1,
                        expected="columns separated by commas (semicolons, tabs or | are detected too)")
    return table.apply(lambda col: col.str.strip())


def _one_column_problem(header: str) -> str:
    """What a header read as a single column suggests about the file's separator."""
    others = [name for sep, name in ((" ", "spaces"), (":", "colons"), ("/", "slashes")) if sep in header.strip()]
    found = f"; the header seems separated by {others[0]}" if others else ""
    return f"only one column was found ({header[:80]!r}){found}"


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the header line, checked against the next lines: `,` `;` tab or `|` (`,` if unclear)."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:5]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    counts = {sep: _unquoted_count(lines[0], sep) for sep in DELIMITERS}
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def _unquoted_count(line: str, sep: str) -> int:
    """How many times `sep` separates fields of one CSV line (ignoring quoted text)."""
    return max(0, len(next(csv.reader([line], delimiter=sep), [])) - 1)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(f"not a readable Parquet file ({exc})", file=path) from None
    return table.apply(_as_text_unless_datetime)


def _as_text_unless_datetime(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.tz_localize(None) if getattr(col.dt, "tz", None) is not None else col
    return col.astype("string").fillna("").str.strip().astype(str)


# ---- columns -----------------------------------------------------------------------------------
def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def check_mapping_fields(mapping: Mapping[str, str], fields: Sequence[str], what: str) -> None:
    """Raise a DataError for a mapping target that is not one of `fields`."""
    for field, column in mapping.items():
        if field not in fields:
            close = difflib.get_close_matches(field, fields, n=1) or [f for f in fields if field in f][:1]
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise DataError(f"unknown field {field!r} in mapping {field}={column}", file="--map",
                            expected=f"{hint}one of the {what} fields: {', '.join(fields)}")


def resolve_columns(table: pd.DataFrame, fields: Sequence[str], mapping: Mapping[str, str] | None,
                    aliases: Mapping[str, Sequence[str]], file: str | Path, what: str) -> dict[str, str]:
    """Canonical field -> column of `table`: mapped columns first, then the first alias present.

    Names match exactly, else ignoring case, spaces and punctuation. A mapped column that is not
    in the file is an error naming the close matches.
    """
    mapping = dict(mapping or {})
    check_mapping_fields(mapping, fields, what)
    by_key: dict[str, str] = {}
    alike: dict[str, list[str]] = {}
    for column in table.columns:
        by_key.setdefault(_normalise_name(column), column)
        alike.setdefault(_normalise_name(column), []).append(column)
    resolved = {field: _mapped_column(table, by_key, field, column, file) for field, column in mapping.items()}
    _check_one_field_per_column(resolved, file)
    taken = set(resolved.values())
    for field in fields:
        if field in resolved:
            continue
        key = next((a for a in map(_normalise_name, aliases.get(field, ())) if a in by_key), None)
        found = None if key is None else by_key[key]
        if found is not None and len(alike[key]) > 1 and found not in taken:
            raise DataError(f"columns {' and '.join(map(repr, alike[key]))} could both be {field}", file=file, row=1,
                            expected=f"one of them named with --map {field}=COLUMN, or one renamed")
        if found is not None and found not in taken:
            resolved[field] = found
            taken.add(found)
    return resolved


def _check_one_field_per_column(resolved: Mapping[str, str], file) -> None:
    """Raise a DataError when the mapping sends two fields to the same column."""
    fields_of: dict[str, list[str]] = {}
    for field, column in resolved.items():
        fields_of.setdefault(column, []).append(field)
    for column, fields in fields_of.items():
        if len(fields) > 1:
            raise DataError(f"column {column!r} is mapped to {' and '.join(fields)}", file=file, row=1,
                            expected="a different column for each field")


def _mapped_column(table, by_key, field, column, file) -> str:
    if column in table.columns:
        return column
    if _normalise_name(column) in by_key:
        return by_key[_normalise_name(column)]
    close = difflib.get_close_matches(column, list(table.columns), n=3)
    hint = f"close: {', '.join(map(repr, close))}" if close else f"columns are {', '.join(map(repr, table.columns))}"
    raise DataError(f"column {column!r} (mapped to {field}) is not in the file", file=file, row=1,
                    expected=f"a column of the header row; {hint}")


def require_fields(resolved: Mapping[str, str], needed: Sequence[str], file, what: str, table: pd.DataFrame) -> None:
    """Raise a DataError when a required field has no column."""
    missing = [f for f in needed if f not in resolved]
    if missing:
        raise DataError(f"no column for {', '.join(missing)} in this {what}", file=file, row=1,
                        expected=f"a column for {' and '.join(missing)} (map one with --map "
                                 f"{missing[0]}=COLUMN); columns are {', '.join(map(repr, table.columns))}")


# ---- values ------------------------------------------------------------------------------------
def _raise_first_bad(bad: pd.Series, values: pd.Series, problem: str, column: str, file, expected: str) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(problem, file=file, row=spreadsheet_row(i), column=column, value=values.iloc[i],
                        expected=expected)


def parse_flags(values: pd.Series, column: str, file) -> pd.Series:
    """1/0, Yes/No, True/False, Y/N (any case) as a nullable boolean; '' is NA."""
    lowered = values.str.lower()
    flags = lowered.map(FLAG_VALUES)
    _raise_first_bad((lowered != "") & flags.isna(), values, "not a yes/no flag", column, file, FLAG_EXPECTED)
    return flags.astype("boolean")


def is_flag_column(values: pd.Series) -> bool:
    """Whether every non-empty value is a yes/no flag."""
    lowered = values.str.lower()
    return bool(lowered[lowered != ""].isin(FLAG_VALUES.keys()).all())


def parse_numbers(values: pd.Series, column: str, file, minimum: float | None = None,
                  maximum: float | None = None, expected: str = "a number such as 4 or 4.5") -> pd.Series:
    """Numbers as float (NaN when empty); non-numbers and values out of [minimum, maximum] are errors."""
    numbers = pd.to_numeric(values.where(values != ""), errors="coerce").astype(float)
    comma = values.str.fullmatch(r"-?\d+,\d+")
    _raise_first_bad((values != "") & numbers.isna() & comma, values, "not a number (a decimal comma?)", column,
                     file, f"{expected}, with a decimal point (4.5, not 4,5)")
    _raise_first_bad((values != "") & numbers.isna(), values, "not a number", column, file, expected)
    _raise_first_bad(numbers.abs() == np.inf, values, "not a finite number", column, file, expected)
    if minimum is not None:
        _raise_first_bad(numbers < minimum, values, f"below {minimum:g}", column, file, expected)
    if maximum is not None:
        _raise_first_bad(numbers > maximum, values, f"above {maximum:g}", column, file, expected)
    return numbers


def normalise_ids(values: pd.Series) -> pd.Series:
    """Ids as text; '12.0' (a float-typed export) becomes '12'; '' is NA."""
    text = values.astype(str).str.strip().str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return text.where(text != "").astype("string")


def parse_dates(columns: Mapping[str, pd.Series], date_format: str | None, file) -> dict[str, pd.Series]:
    """Text date columns -> datetime64 (NaT when empty), one format detected for all of them together.

    Detection tries ISO (Y-m-d), US m/d/Y (2- or 4-digit years), d/m/Y, d-m-Y, d.m.Y and Y/m/d and
    keeps the first that reads every value, so an ambiguous file (all days <= 12) is read as US.
    Two-digit years that would land in the future are taken as 19xx. `date_format` (strftime codes,
    e.g. '%d/%m/%Y') skips detection.
    """
    if date_format is not None:
        check_date_format(date_format)
    text = {name: col for name, col in columns.items() if not pd.api.types.is_datetime64_any_dtype(col)}
    parsed = {name: col.astype("datetime64[ns]") for name, col in columns.items() if name not in text}
    if not text:
        return parsed
    families = [(date_format, (date_format,), f"dates in the format {date_format}")] if date_format else \
        [(name, formats, f"dates like {example} ({name}), or set the date format") for name, formats, example
         in DATE_FAMILIES]
    trials = [(name, expected, {c: _parse_family(v, formats) for c, v in text.items()})
              for name, formats, expected in families]
    failures = [sum(int(((v != "") & out[c].isna()).sum()) for c, v in text.items()) for _, _, out in trials]
    best = int(np.argmin(failures))
    name, expected, out = trials[best]
    for column, values in text.items():
        problem = f"not a date in the format {name}" + ("" if date_format else " used by the rest of the file")
        _raise_first_bad((values != "") & out[column].isna(), values, problem, column, file, expected)
    return parsed | out


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series:
    """Dates in this format as datetime64[ns]; values that do not fit (or lie outside 1677-2262) are NaT."""
    try:
        return pd.to_datetime(values, format=fmt, errors="coerce").astype("datetime64[ns]")
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        return values.map(lambda v: _one_date(v, fmt)).astype("datetime64[ns]")


def _one_date(value: str, fmt: str):
    try:
        return pd.Timestamp(pd.to_datetime(value, format=fmt)).as_unit("ns")
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT


def check_date_format(date_format: str, file: str | Path = "--date-format") -> str:
    """The format, if it is strftime codes that can read a date (%d, %m, %Y, ...); else a DataError."""
    problem = _date_format_problem(date_format)
    if problem:
        raise DataError(problem, file=file, value=date_format, expected=DATE_FORMAT_EXPECTED)
    return date_format


def _date_format_problem(date_format: str) -> str | None:
    if not date_format.strip():
        return "an empty date format"
    codes = re.findall(r"%(.?)", date_format.replace("%%", ""))
    bad = [c for c in codes if c not in STRPTIME_CODES]
    if bad:
        return "unknown date code " + ", ".join(f"%{c}" if c else "% (at the end)" for c in bad)
    if not {"Y", "y", "G", "c", "x"} & set(codes):
        return "no year in the date format (%Y or %y)"
    return None


def _parse_family(values: pd.Series, formats: Sequence[str]) -> pd.Series:
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    present = values != ""
    for fmt in formats:
        todo = present & result.isna()
        if not todo.any():
            break
        try:
            got = _to_datetime(values[todo], fmt)
        except (ValueError, OverflowError) as exc:
            raise DataError(f"the date format cannot be used ({exc})", file="--date-format", value=fmt,
                            expected=DATE_FORMAT_EXPECTED) from None
        if "%y" in fmt:
            got = got.where(got.dt.year <= date.today().year, got - pd.DateOffset(years=100))
        result[todo] = got
    return result
