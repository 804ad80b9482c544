"""Departments: each a share of the seats with its own values of the organisation's sections.

`[departments.service]` gives a size (`share` or `headcount`) and, in sub-tables such as
`[departments.service.work]`, the values that differ from the organisation's. The top seat (the
executive who leads the department heads) belongs to no department and keeps the organisation's
values. Without departments the organisation is one block, exactly as before.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

import numpy as np

from exsim.config.schema import DEPARTMENT_SECTIONS, ScenarioConfig

EXECUTIVE = "executive"  # the top seat's label in the department column
DEPARTMENT_ORG_KEYS = ("span_of_control", "span_variation", "frontline_share", "team_workload_sd")
SHARE_TOLERANCE = 1e-6

KeyPath = tuple


def department_names(config: ScenarioConfig) -> list[str]:
    """The departments in the order they were written ([] when the organisation is one block)."""
    return list(config.departments)


def department_config(config: ScenarioConfig, name: str) -> ScenarioConfig:
    """The organisation's config with the department's own values in force (no departments inside).

    Call department_problems first: this raises pydantic's ValidationError for a bad value.
    """
    return ScenarioConfig.model_validate(_merged(config, name))


def _merged(config: ScenarioConfig, name: str) -> dict[str, Any]:
    data = config.model_dump()
    data["departments"] = {}
    for section, values in _overrides(config, name).items():
        data[section].update(values)
    return data


def seats_per_department(config: ScenarioConfig) -> dict[str, int]:
    """Seats of each department (its head included); they add up to org.headcount - 1 (all but the top seat)."""
    below_top = config.org.headcount - 1
    departments = config.departments
    if all(d.headcount is not None for d in departments.values()):
        return {name: int(d.headcount) for name, d in departments.items()}
    shares = {name: d.share for name, d in departments.items()}
    raw = {name: share * below_top for name, share in shares.items()}
    seats = {name: math.floor(value) for name, value in raw.items()}
    short = below_top - sum(seats.values())
    for name in sorted(raw, key=lambda n: seats[n] - raw[n])[:short]:  # largest remainders first
        seats[name] += 1
    return seats


def department_problems(config: ScenarioConfig) -> list[tuple[KeyPath, str]]:
    """(key path, message) for each problem with the departments: sizes, keys, values, names in `where`.

    With `org.chart` the chart's department column sets the departments and their sizes: a table
    needs no share or headcount, and names (of tables and in `where`) are checked against the
    chart when it is read (exsim.org.chart_departments).
    """
    chart = bool(config.org.chart)
    if not config.departments:
        return [] if chart else _where_problems(config, [])
    names = department_names(config)
    problems = _size_problems(config, sized_by_chart=chart)
    for name in names:
        problems += _override_problems(config, name)
    return problems + ([] if chart else _where_problems(config, names))


def _overrides(config: ScenarioConfig, name: str) -> dict[str, dict[str, Any]]:
    department = config.departments[name]
    return {section: dict(getattr(department, section)) for section in DEPARTMENT_SECTIONS if getattr(department, section)}


def _size_problems(config: ScenarioConfig, sized_by_chart: bool = False) -> list[tuple[KeyPath, str]]:
    departments = config.departments
    problems = []
    for name, d in departments.items():
        if d.share is not None and d.headcount is not None:
            problems.append((("departments", name), f"departments.{name}: give its size as share or headcount, not both"))
        elif d.share is None and d.headcount is None and not sized_by_chart:
            problems.append((("departments", name), f"departments.{name}: give its size: share = 0.3 (of the staff) "
                             "or headcount = 120"))
    if problems or sized_by_chart:
        return problems
    by_headcount = {d.headcount is not None for d in departments.values()}
    if len(by_headcount) > 1:
        return [(("departments",), "departments: size them all by share or all by headcount, not a mix")]
    below_top = config.org.headcount - 1
    if by_headcount == {True}:
        total = sum(d.headcount for d in departments.values())
        if total != below_top:
            return [(("departments",), f"departments: their headcounts add up to {total:,} but org.headcount = "
                     f"{config.org.headcount:,} leaves {below_top:,} seats below the top seat; make them add up to "
                     f"{below_top:,} or set org.headcount = {total + 1:,}")]
        return []
    total = sum(d.share for d in departments.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        listed = " + ".join(f"{d.share:g}" for d in departments.values())
        return [(("departments",), f"departments: their shares add up to {total:g} ({listed}), not 1")]
    small = [name for name, seats in seats_per_department(config).items() if seats < 2]
    return [(("departments", name), f"departments.{name}: share {departments[name].share:g} of {below_top:,} seats "
             "is fewer than 2 people (a head and one report); give it a larger share") for name in small]


def _override_problems(config: ScenarioConfig, name: str) -> list[tuple[KeyPath, str]]:
    from pydantic import ValidationError

    problems = []
    org_keys = set(config.departments[name].org)
    for key in sorted(org_keys - set(DEPARTMENT_ORG_KEYS)):
        problems.append((("departments", name, "org", key), f"departments.{name}.org.{key}: a department cannot set "
                         f"{key}; it may set {', '.join(DEPARTMENT_ORG_KEYS)} (its size is share or headcount)"))
    for section, values in _overrides(config, name).items():
        known = type(getattr(config, section)).model_fields
        for key in values:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append((("departments", name, section, key),
                                 f"departments.{name}.{section}.{key}: unknown key{hint}; [{section}] has {', '.join(known)}"))
    if problems:
        return problems
    try:
        ScenarioConfig.model_validate(_merged(config, name))
    except ValidationError as exc:
        for error in exc.errors():
            section, key = error["loc"][0], error["loc"][1] if len(error["loc"]) > 1 else ""
            problems.append((("departments", name, section, key),
                             f"departments.{name}.{section}.{key} = {error.get('input')!r}: {error['msg']}"))
    return problems


def _where_problems(config: ScenarioConfig, names: list[str]) -> list[tuple[KeyPath, str]]:
    problems = []
    for i, item in enumerate(config.interventions):
        unknown = [name for name in item.where if name not in names]
        if unknown:
            known = f"the departments are {', '.join(names)}" if names else "this scenario has no [departments.<name>] tables"
            problems.append((("interventions", i, "where"), f"interventions[{i}] ({item.name}): where names "
                             f"{', '.join(map(repr, unknown))}, but {known}"))
    return problems


class SeatConfig:
    """This week's config seat by seat, for an organisation with departments.

    Sections that departments may override (`DEPARTMENT_SECTIONS`) give each value as one number
    where every department agrees and otherwise as an array with one entry per seat; the other
    sections (sim, brand, market, ...) and `interventions` are the organisation's. `configs` holds
    one config per department and, last, the executive top seat's; `department_of` maps each seat
    to its department (-1: the top seat); `changes_running` is the number of changes under way per
    department, in the same order.
    """

    def __init__(self, configs: list[ScenarioConfig], department_of: np.ndarray, changes_running: list[int]):
        top = configs[-1]
        for name in ScenarioConfig.model_fields:
            if name in DEPARTMENT_SECTIONS:
                setattr(self, name, _SeatSection([getattr(c, name) for c in configs], department_of))
            else:
                setattr(self, name, getattr(top, name))
        self.changes_running = _per_seat(changes_running, department_of)
        self.organisation = top  # organisation-wide values: eNPS's definition, interventions, costs due

    def at(self, rows: np.ndarray) -> SeatConfig:
        """The same config for some seats only (teams through their leaders' seats, customers through theirs)."""
        view = object.__new__(SeatConfig)
        for name, value in vars(self).items():
            setattr(view, name, value.at(rows) if isinstance(value, _SeatSection) else _rows(value, rows))
        return view


def at_rows(config: ScenarioConfig | SeatConfig, rows: np.ndarray) -> ScenarioConfig | SeatConfig:
    """`config` for these seats: itself when the organisation is one block, else a SeatConfig of `rows`."""
    return config.at(rows) if isinstance(config, SeatConfig) else config


class _SeatSection:
    """One section's values, seat by seat where departments differ."""

    def __init__(self, sections: list, department_of: np.ndarray):
        for key in type(sections[-1]).model_fields:
            setattr(self, key, _per_seat([getattr(section, key) for section in sections], department_of))

    def at(self, rows: np.ndarray) -> _SeatSection:
        view = object.__new__(_SeatSection)
        for key, value in vars(self).items():
            setattr(view, key, _rows(value, rows))
        return view


def _rows(value, rows: np.ndarray):
    return value[rows] if isinstance(value, np.ndarray) else value


def _per_seat(values: list, department_of: np.ndarray):
    """values[0] when all are equal, else each seat's department's value (department -1: the last)."""
    if all(value == values[0] for value in values[1:]):
        return values[0]
    return np.asarray(values, dtype=object if isinstance(values[0], str) else None)[department_of]
