"""DataError: a problem in an analyst's file, located precisely enough to fix without a traceback."""

from __future__ import annotations

from pathlib import Path

from exsim.errors import UserError

_UNSET = object()


class DataError(UserError):
    """A bad input file or mapping, located by file, row, column and value.

    `row` counts as a spreadsheet user does: the header is row 1, the first data row is row 2.
    The message reads `FILE, row R, column 'C': PROBLEM: 'VALUE'; expected WHAT`, leaving out
    the parts that do not apply.
    """

    def __init__(self, problem: str, *, file: str | Path | None = None, row: int | None = None,
                 column: str | None = None, value: object = _UNSET, expected: str | None = None):
        self.problem = problem
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.value = None if value is _UNSET else value
        self.expected = expected
        super().__init__(_message(problem, self.file, row, column, value, expected))


def _message(problem, file, row, column, value, expected) -> str:
    """Join the parts that apply: location, problem, value, expectation."""
    where = [part for part in (file, row is not None and f"row {row}", column is not None and f"column {column!r}")
             if part]
    text = f"{', '.join(where)}: {problem}" if where else problem
    if value is not _UNSET:
        text += f": {value!r}"
    if expected:
        text += f"; expected {expected}"
    return text
