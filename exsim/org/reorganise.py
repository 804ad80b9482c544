"""A running organisation reorganised: a new reporting tree at the same headcount, every person kept.

`reorganise` draws the new tree with the spans in force (as build_org and build_departments draw
them, department by department) and maps every old seat to a new one, vacancies included, within
its department:

- the top seat stays the top seat;
- existing managers fill the new manager seats best first (by `rank`), the best at the highest levels;
  surplus managers join the team they led as members;
- manager seats still empty are filled by promotion from the staff, best first by `promotion_score`;
- members fill the new teams in their old teams' order, so most keep their colleagues.

A new team serves customers when most of its seats' holders did; people keep their ties across
teams and are tied to all their new teammates. The seat mapping is pure: the model moves its state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from exsim.config.schema import Org
from exsim.org.structure import OrgStructure, assemble, grafted_tree, single_tree, tie_matrix

TOP = 0  # the top seat, in every organisation built here


@dataclass(frozen=True)
class Reorganisation:
    """The new organisation and where everyone went: `new_seat[old seat]` is the seat they hold now."""

    org: OrgStructure
    new_seat: np.ndarray  # old seat -> new seat (a permutation)
    promoted: np.ndarray  # new seats of staff who became managers
    demoted: np.ndarray  # new seats of managers who became team members

    @property
    def old_seat(self) -> np.ndarray:
        """New seat -> old seat (the permutation's inverse): `values[old_seat]` moves a per-seat array."""
        return _inverse(self.new_seat)


def reorganise(old: OrgStructure, orgs: Sequence[Org], occupied: np.ndarray, rank: np.ndarray,
               promotion_score: np.ndarray, rng: np.random.Generator) -> Reorganisation:
    """The organisation with the spans of `orgs` (one per department, in `old.departments` order) at the same seats.

    `rank` orders managers for the new manager seats and `promotion_score` the staff for promotion (both per
    old seat, higher first); `occupied` tells people from vacancies. Draws only the new spans from `rng`.
    """
    manager_of, is_manager, department_of = _new_tree(old, orgs, rng)
    team_of = np.where(manager_of >= 0, manager_of, -1)
    new_seat = np.full(old.n_seats, -1, dtype=np.int64)
    new_seat[TOP] = TOP
    for group in range(len(old.departments)):
        manager_seats, member_seats = _seats_to_fill(_group_seats(department_of, group), is_manager, team_of)
        heads, members = _fill_order(old, _group_seats(old.department_of, group), occupied, rank, promotion_score,
                                     n_heads=len(manager_seats))
        new_seat[heads], new_seat[members] = manager_seats, member_seats
    people = np.flatnonzero(occupied)
    promoted = people[~old.is_manager[people] & is_manager[new_seat[people]]]
    demoted = people[old.is_manager[people] & ~is_manager[new_seat[people]]]
    frontline = _frontline_teams(old.frontline[_inverse(new_seat)], is_manager, team_of, department_of)
    ties = _carried_ties(old, new_seat, team_of, int(is_manager.sum()))
    org = assemble(manager_of, is_manager, frontline, ties, department_of, old.departments)
    return Reorganisation(org, new_seat, new_seat[promoted], new_seat[demoted])


def _new_tree(old: OrgStructure, orgs: Sequence[Org], rng: np.random.Generator):
    """manager_of, is_manager and department_of of the new tree, each department's size kept."""
    executive = old.department_of < 0
    if not executive.any():
        manager_of, is_manager = single_tree(old.n_seats, orgs[0], rng)
        return manager_of, is_manager, np.zeros(old.n_seats, dtype=np.int64)
    if executive.sum() != 1 or not executive[TOP]:
        raise ValueError("a reorganisation needs an organisation whose only executive seat is the top seat "
                         "(an org chart's executive seats cannot be reorganised)")
    sizes = np.bincount(old.department_of[~executive], minlength=len(old.departments))
    return grafted_tree(sizes.tolist(), orgs, rng)


def _group_seats(department_of: np.ndarray, group: int) -> np.ndarray:
    """A department's seats in seat order, without the top seat."""
    seats = np.flatnonzero(department_of == group)
    return seats[seats != TOP]


def _seats_to_fill(seats: np.ndarray, is_manager: np.ndarray, team_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A department's new manager seats (top levels first) and member seats team by team."""
    members = seats[~is_manager[seats]]
    return seats[is_manager[seats]], members[np.argsort(team_of[members], kind="stable")]


def _fill_order(old: OrgStructure, seats: np.ndarray, occupied: np.ndarray, rank: np.ndarray,
                promotion_score: np.ndarray, n_heads: int) -> tuple[np.ndarray, np.ndarray]:
    """Old seats in the order they fill a department's new manager seats (`n_heads`) and then its member seats."""
    managers = seats[old.is_manager[seats] & occupied[seats]]
    managers = managers[np.argsort(-rank[managers], kind="stable")]
    heads = managers[:n_heads]  # the rest (surplus managers) join the member seats below
    staff = seats[~old.is_manager[seats] & occupied[seats]]
    promoted = staff[np.argsort(-promotion_score[staff], kind="stable")][:n_heads - len(heads)]
    heads = np.concatenate([heads, promoted])
    if len(heads) < n_heads:  # fewer people than manager seats: vacancies fill the rest
        vacant = seats[~occupied[seats]]
        heads = np.concatenate([heads, vacant[:n_heads - len(heads)]])
    rest = np.setdiff1d(seats, heads, assume_unique=True)
    return heads, rest[_old_team_order(old, rest, occupied)]


def _old_team_order(old: OrgStructure, seats: np.ndarray, occupied: np.ndarray) -> np.ndarray:
    """Team by team of the old organisation: a former manager first in the team they led, then its members, then
    vacant manager seats; seat order within."""
    led = np.full(old.n_seats, -1, dtype=np.int64)
    led[old.team_leader] = np.arange(old.n_teams)
    manager = old.is_manager[seats]
    team = np.where(manager, led[seats], old.team_of[seats])
    place = np.where(manager, np.where(occupied[seats], 0, 2), 1)
    return np.lexsort((seats, place, team))


def _inverse(new_seat: np.ndarray) -> np.ndarray:
    old = np.empty_like(new_seat)
    old[new_seat] = np.arange(len(new_seat))
    return old


def _frontline_teams(was_frontline: np.ndarray, is_manager: np.ndarray, team_of: np.ndarray,
                     department_of: np.ndarray) -> np.ndarray:
    """Member seats of teams most of whose seats (by their holders' old seats) served customers.

    A department that served customers keeps at least its most customer-facing team serving them.
    """
    member = ~is_manager & (team_of >= 0)
    n_teams = int(is_manager.sum())
    seats = np.bincount(team_of[member], minlength=n_teams)
    serving = np.bincount(team_of[member], weights=was_frontline[member], minlength=n_teams)
    serves = (seats > 0) & (serving >= 0.5 * seats)
    leaders_department = department_of[:n_teams]
    for group in np.unique(department_of[member & was_frontline]):
        own = leaders_department == group
        if not (serves & own).any():
            serves[np.flatnonzero(own)[np.argmax(serving[own])]] = True
    return member & serves[np.maximum(team_of, 0)]


def _carried_ties(old: OrgStructure, new_seat: np.ndarray, team_of: np.ndarray, n_teams: int):
    """Ties within the new teams, plus the old ties across teams moved with the people."""
    ties = old.peer_ties.tocoo()
    across = (ties.row < ties.col) & ((old.team_of[ties.row] != old.team_of[ties.col]) | (old.team_of[ties.row] < 0))
    return tie_matrix(team_of, n_teams, [new_seat[ties.row[across]]], [new_seat[ties.col[across]]])
