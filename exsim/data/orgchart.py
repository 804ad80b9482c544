"""Org charts: employee_id and manager_id (optional team, role, hire_date, department), read into a table of seats.

Every problem is a DataError naming the ids and rows: an unsupported suffix, an unknown mapping
field, a missing employee_id or manager_id column, an empty employee id, an employee id on two
rows, manager ids that are not employees, no root or several roots, reporting lines that loop,
a chart of fewer than two people, a manager with more direct reports than org.span_of_control's cap. The root is the one person whose manager_id is empty or their
own id. No rows are skipped: a seat left out would change every team.

Departments (a department column, e.g. department, dept, division or afdeling): each seat is in the
department on its row. A seat with an empty department is in its manager's department; the root,
and empty seats below it before any department begins, form the executive top (no department),
unless everyone in the chart is in the root's one department. The root is also the executive top
when the people below it are in other departments than its own (it heads several departments).

This module only reads and checks the file; exsim.org.org_from_chart builds the model's organisation from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from exsim.config.schema import Org
from exsim.data.errors import DataError
from exsim.data.fields import ORG_CHART_ALIASES, ORG_CHART_FIELDS
from exsim.data.tables import (normalise_ids, parse_dates, read_table, require_fields, resolve_columns, rows_text,
                               spreadsheet_row)

SHOWN = 10  # ids named in one message at most


@dataclass
class OrgChart:
    """A validated org chart in seat order.

    `seats` has one row per seat: seat (0 = the root), employee_id, manager_id, manager_seat
    (-1 for the root), level, is_manager, row (spreadsheet row in the file) and team, role,
    hire_date when the file has them. Managers (people with reports) are seats 0..M-1 in
    breadth-first order, everyone else follows, so a manager's seat is always below their reports'.
    With departments (a department column holding at least one name), `department` is each seat's
    department (<NA> for the executive top) and `department_from_manager` marks seats whose row left
    it empty (they are in their manager's department).
    """

    seats: pd.DataFrame
    source: Path
    columns: dict[str, str]

    @property
    def n_managers(self) -> int:
        return int(self.seats["is_manager"].sum())

    @property
    def departments(self) -> tuple[str, ...]:
        """The chart's departments in the order they first appear in the file (() without departments)."""
        if "department" not in self.seats:
            return ()
        named = self.seats.dropna(subset=["department"]).sort_values("row", kind="stable")
        return tuple(dict.fromkeys(named["department"].tolist()))

    def department_sizes(self) -> dict[str, int]:
        """Seats per department, in `departments` order."""
        counts = self.seats["department"].value_counts() if self.departments else {}
        return {name: int(counts[name]) for name in self.departments}

    @property
    def executive_seats(self) -> int:
        """Seats of the executive top (no department); 0 without departments."""
        return int(self.seats["department"].isna().sum()) if self.departments else 0

    def seat_of(self, employee_id: str) -> int:
        """Seat of an employee id."""
        match = np.flatnonzero(self.seats["employee_id"].to_numpy() == str(employee_id))
        if not len(match):
            raise KeyError(f"employee id {employee_id!r} is not in {self.source}")
        return int(match[0])


def read_org_chart(path: str | Path, mapping: dict[str, str] | None = None) -> OrgChart:
    """Read and validate an org chart (CSV or Parquet); see the module docstring for the errors."""
    path = Path(path)
    table = read_table(path)
    columns = resolve_columns(table, ORG_CHART_FIELDS, mapping, ORG_CHART_ALIASES, path, "org chart")
    require_fields(columns, ["employee_id", "manager_id"], path, "org chart", table)
    people = _people(table, columns, path)
    _check_ids(people, columns, path)
    parent = people["manager_id"].where(people["manager_id"] != people["employee_id"])
    _check_managers_exist(people, parent, columns, path)
    roots = people.index[parent.isna()]
    _check_roots(people, roots, parent, path)
    _check_spans(people, parent, columns, path)
    order = _seat_order(people, parent, roots[0], path)
    seats = _seat_table(people, parent, order)
    if "department" in seats and seats["department"].notna().any():
        seats["department"], seats["department_from_manager"] = _departments(seats)
    else:
        seats = seats.drop(columns="department", errors="ignore")
    return OrgChart(seats, path, columns)


def _people(table: pd.DataFrame, columns: dict[str, str], path: Path) -> pd.DataFrame:
    people = pd.DataFrame({"row": [spreadsheet_row(i) for i in table.index],
                           "employee_id": normalise_ids(table[columns["employee_id"]]),
                           "manager_id": normalise_ids(table[columns["manager_id"]])}, index=table.index)
    for name in ("team", "role", "department"):
        if name in columns:
            text = table[columns[name]]
            people[name] = text.where(text != "").astype("string")
    if "hire_date" in columns:
        people["hire_date"] = parse_dates({columns["hire_date"]: table[columns["hire_date"]]}, None, path)[
            columns["hire_date"]]
    return people


def _check_ids(people: pd.DataFrame, columns: dict[str, str], path: Path) -> None:
    """Every row has an employee id, and no id is on two rows."""
    column = columns["employee_id"]
    empty = people["employee_id"].isna()
    if empty.any():
        raise DataError("empty employee id", file=path, row=int(people["row"][empty].iloc[0]), column=column,
                        expected="an id on every row")
    repeated = people[people["employee_id"].duplicated(keep=False)]
    if len(repeated):
        listed = "; ".join(f"{eid} ({rows_text(rows)})"
                           for eid, rows in repeated.groupby("employee_id")["row"].agg(list).head(SHOWN).items())
        raise DataError(f"{repeated['employee_id'].nunique()} employee id(s) on more than one row: {listed}",
                        file=path, column=column, expected="one row per employee")


def _check_managers_exist(people: pd.DataFrame, parent: pd.Series, columns: dict[str, str], path: Path) -> None:
    """Every manager id is the id of someone in the chart."""
    unknown = parent.notna() & ~parent.isin(people["employee_id"])
    if unknown.any():
        missing = people[unknown].groupby("manager_id")["row"].agg(list)
        listed = "; ".join(f"{mid} ({rows_text(rows)})" for mid, rows in missing.head(SHOWN).items())
        raise DataError(f"{len(missing)} manager id(s) are not employees in the chart: {listed}", file=path,
                        column=columns["manager_id"], expected="each manager id to appear as an employee id")


def _check_roots(people: pd.DataFrame, roots: pd.Index, parent: pd.Series, path: Path) -> None:
    """Exactly one person without a manager; with none, the loop is named."""
    if len(roots) == 0:
        raise DataError("no root: everyone has a manager, so the reporting lines loop: "
                        + _describe_cycles(people, parent), file=path,
                        expected="one person with an empty manager id (the top of the organisation)")
    if len(roots) > 1:
        listed = ", ".join(f"{people.at[i, 'employee_id']} (row {people.at[i, 'row']})" for i in roots[:SHOWN])
        raise DataError(f"{len(roots)} roots (people without a manager): {listed}", file=path,
                        expected="exactly one person with an empty manager id (the top of the organisation)")
    if len(people) < 2:
        raise DataError("an org chart needs at least two people", file=path, expected="a manager and a report")


def max_span() -> float:
    """The schema's cap on direct reports per manager (org.span_of_control's upper bound)."""
    bounds = [getattr(m, "le", None) for m in Org.model_fields["span_of_control"].metadata]
    return min(b for b in bounds if b is not None)


def _check_spans(people: pd.DataFrame, parent: pd.Series, columns: dict[str, str], path: Path) -> None:
    """No manager has more direct reports than the schema allows for org.span_of_control."""
    cap = max_span()
    counts = parent.dropna().value_counts()
    over = counts[counts > cap]
    if len(over):
        row_of = dict(zip(people["employee_id"], people["row"]))
        listed = "; ".join(f"{mid} (row {row_of[mid]}) has {n:,}" for mid, n in over.head(SHOWN).items())
        raise DataError(f"{len(over)} manager(s) with more than {cap:g} direct reports: {listed}", file=path,
                        column=columns["manager_id"],
                        expected=f"at most {cap:g} direct reports per manager (the cap on org.span_of_control)")


def _seat_order(people: pd.DataFrame, parent: pd.Series, root: int, path: Path) -> np.ndarray:
    """Row positions in seat order: managers breadth-first from the root, then everyone else breadth-first."""
    position = pd.Series(people.index, index=people["employee_id"].to_numpy())
    has_parent = parent.notna()
    tree = nx.DiGraph()
    tree.add_nodes_from(people.index)
    tree.add_edges_from(zip(position[parent[has_parent]].to_numpy(), people.index[has_parent]))
    bfs = [root] + [child for _, child in nx.bfs_edges(tree, root)]
    if len(bfs) < len(people):
        raise DataError("reporting lines loop: " + _describe_cycles(people, parent), file=path,
                        expected="reporting lines that lead up to the root")
    bfs = np.asarray(bfs)
    is_manager = np.isin(bfs, position[parent[has_parent]].to_numpy())
    return np.concatenate([bfs[is_manager], bfs[~is_manager]])


def _describe_cycles(people: pd.DataFrame, parent: pd.Series) -> str:
    """'A -> B -> A (rows 2, 3)' for each loop of manager ids (at most SHOWN)."""
    graph = nx.DiGraph(list(zip(people["employee_id"][parent.notna()], parent[parent.notna()])))
    row_of = dict(zip(people["employee_id"], people["row"]))
    cycles = [_from_first_row(c, row_of) for c in nx.simple_cycles(graph)]
    cycles = sorted(cycles, key=lambda c: row_of[c[0]])
    return "; ".join(" -> ".join(c + [c[0]]) + f" ({rows_text([row_of[i] for i in c])})"
                     for c in cycles[:SHOWN])


def _from_first_row(cycle: list[str], row_of: dict[str, int]) -> list[str]:
    """The loop started at its person on the earliest row, so the same file always reads the same."""
    start = min(range(len(cycle)), key=lambda i: row_of[cycle[i]])
    return cycle[start:] + cycle[:start]


def _seat_table(people: pd.DataFrame, parent: pd.Series, order: np.ndarray) -> pd.DataFrame:
    """The people in seat order with seat, manager_seat, level and is_manager."""
    seats = people.loc[order].reset_index(drop=True)
    seats.insert(0, "seat", np.arange(len(seats)))
    seat_of_id = pd.Series(seats.index, index=seats["employee_id"].to_numpy())
    parent_ids = parent.loc[order].reset_index(drop=True)
    manager_seat = seat_of_id.reindex(parent_ids.fillna("").to_numpy()).fillna(-1).to_numpy(dtype=np.int64)
    seats["manager_seat"] = manager_seat
    seats["manager_id"] = parent_ids
    seats["is_manager"] = np.isin(seats.index, manager_seat)
    seats["level"] = _levels(manager_seat)
    return seats


def _departments(seats: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each seat's department (<NA>: the executive top) and whether it came from the seat's manager.

    Seats come in an order where every manager precedes their reports, so one pass resolves them.
    """
    given = seats["department"].tolist()
    manager = seats["manager_seat"].to_numpy()
    others = {name for name in given[1:] if not pd.isna(name)}
    root = given[0]
    one_department = not pd.isna(root) and others <= {root}
    resolved = [root if one_department else pd.NA]  # the root heads several departments, or none is named
    for seat in range(1, len(given)):
        name = given[seat]
        resolved.append(resolved[manager[seat]] if pd.isna(name) else name)
    inherited = seats["department"].isna().to_numpy() & pd.Series(resolved).notna().to_numpy()
    inherited[0] = False
    return pd.Series(resolved, index=seats.index, dtype="string"), pd.Series(inherited, index=seats.index)


def _levels(manager_seat: np.ndarray) -> np.ndarray:
    """Steps from the root (0) for each seat; every manager's seat comes before their reports' seats."""
    level = np.zeros(len(manager_seat), dtype=np.int64)
    for seat in range(1, len(manager_seat)):
        level[seat] = level[manager_seat[seat]] + 1
    return level
