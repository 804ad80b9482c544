"""Column mappings: `--map FIELD=COLUMN` options and small TOML mapping files."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from exsim.data.errors import DataError
from exsim.data.fields import ALL_FIELDS
from exsim.data.tables import check_date_format, check_mapping_fields, read_text

TENURE_UNITS = ("days", "weeks", "months", "years")
MAPPING_FILE_KEYS = ("map", "tenure_unit", "date_format")


@dataclass(frozen=True)
class ColumnMapping:
    """What a mapping file says: canonical field -> column name, and optionally units and date format."""

    map: dict[str, str] = field(default_factory=dict)
    tenure_unit: str | None = None
    date_format: str | None = None


def parse_map_options(items: Iterable[str]) -> dict[str, str]:
    """`['tenure=stag', 'left=event']` -> `{'tenure': 'stag', 'left': 'event'}`; fields are checked."""
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise DataError("malformed mapping option", file="--map", value=item,
                            expected="FIELD=COLUMN, e.g. tenure=stag")
        mapping[name.strip()] = column.strip()
    check_mapping_fields(mapping, ALL_FIELDS, "known")
    return mapping


def read_mapping_file(path: str | Path) -> ColumnMapping:
    """A TOML mapping file: a [map] table of FIELD = "column", optional tenure_unit and date_format.

    ```toml
    tenure_unit = "months"
    date_format = "%d.%m.%Y"
    [map]
    tenure = "stag"
    left = "event"
    ```
    """
    path = Path(path)
    if not path.exists():
        raise DataError("mapping file not found", file=path)
    try:
        data = tomllib.loads(read_text(path, expected="a TOML text file with a [map] table"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML ({exc})", file=path,
                        expected='lines like tenure_unit = "months" and a [map] table of FIELD = "column"') from None
    unknown = [k for k in data if k not in MAPPING_FILE_KEYS]
    if unknown:
        raise DataError(f"unknown key {unknown[0]!r}", file=path, expected=f"only {', '.join(MAPPING_FILE_KEYS)}")
    table = data.get("map", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise DataError("[map] must be a table of FIELD = \"column name\"", file=path,
                        expected='e.g. [map] tenure = "stag"')
    misplaced = [k for k in table if k in MAPPING_FILE_KEYS]
    if misplaced:
        raise DataError(f"{misplaced[0]} is inside the [map] table", file=path,
                        expected=f"{misplaced[0]} above the [map] line (every line after [map] belongs to it)")
    try:
        check_mapping_fields(table, ALL_FIELDS, "known")
    except DataError as exc:
        raise DataError(exc.problem.replace("mapping", "[map]"), file=path, expected=exc.expected) from None
    tenure_unit = _optional_text(data, "tenure_unit", path)
    if tenure_unit is not None:
        check_tenure_unit(tenure_unit, path)
    date_format = _optional_text(data, "date_format", path)
    if date_format is not None:
        check_date_format(date_format, path)
    return ColumnMapping(dict(table), tenure_unit, date_format)


def check_tenure_unit(unit: str, file: str | Path | None = None) -> str:
    """The unit, if it is one of days, weeks, months, years."""
    if unit not in TENURE_UNITS:
        raise DataError("unknown tenure unit", file=file or "--tenure-unit", value=unit,
                        expected=", ".join(TENURE_UNITS))
    return unit


def _optional_text(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise DataError(f"{key} must be text", file=path, value=value)
    return value
