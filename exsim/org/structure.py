"""Build the organisation from a config and a seed (or an imported org chart): reporting tree, teams, ties, customer accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from exsim.config.departments import EXECUTIVE, department_config, department_names, seats_per_department
from exsim.config.schema import Department, Org, ScenarioConfig
from exsim.data.errors import DataError
from exsim.data.orgchart import OrgChart, read_org_chart

WHOLE_ORGANISATION = "all"  # the department column's value when the organisation has no departments


@dataclass
class OrgStructure:
    """Seats of an organisation and the ties between them.

    A seat is a position: it stays when its holder leaves (a vacancy) and is filled by a hire.
    Team t is the set of direct reports of manager seat `team_leader[t]`.
    """

    manager_of: np.ndarray  # seat -> seat of its manager, -1 for the top
    is_manager: np.ndarray  # seat -> leads a team
    team_of: np.ndarray  # seat -> team it belongs to, -1 for the top
    team_leader: np.ndarray  # team -> manager seat
    level: np.ndarray  # seat -> 0 at the top
    frontline: np.ndarray  # seat -> serves customer accounts
    peer_ties: sp.csr_matrix  # seat x seat, symmetric 0/1: teammates and cross-team ties
    graph: nx.Graph  # people: nodes are seats, edges have kind reports_to/teammate/cross_team
    department_of: np.ndarray | None = None  # seat -> index into departments; -1 for the executive top seat
    departments: tuple[str, ...] = (WHOLE_ORGANISATION,)

    def __post_init__(self) -> None:
        if self.department_of is None:
            self.department_of = np.zeros(self.n_seats, dtype=np.int64)

    def frontline_seats(self, department: int) -> np.ndarray:
        """Seats of a department (by index) that serve customer accounts."""
        if not hasattr(self, "_frontline_seats"):
            self._frontline_seats = [np.flatnonzero(self.frontline & (self.department_of == d))
                                     for d in range(len(self.departments))]
        return self._frontline_seats[department]

    def team_members(self, team: int) -> np.ndarray:
        """The seats in a team (its manager's direct reports), in seat order; kept from the first call, not scanned."""
        if not hasattr(self, "_member_order"):
            member = self.team_of >= 0
            self._member_order = np.flatnonzero(member)[np.argsort(self.team_of[member], kind="stable")]
            self._member_start = np.concatenate([[0], np.cumsum(np.bincount(self.team_of[member], minlength=self.n_teams))])
        return self._member_order[self._member_start[team]:self._member_start[team + 1]]

    def peer_sums(self, values: np.ndarray) -> np.ndarray:
        """Each seat's sum of `values` (one column or several) over its peer ties: `peer_ties @ values`.

        Ties within a team (neighbouring seats) go through a sparse product; ties across teams, whose far
        ends lie anywhere, are summed by `bincount` in the order of their far ends, which reads memory in
        sequence where the sparse product would jump from one far end to the next (it matters from about
        a million seats, when the values no longer fit in the processor's cache).
        """
        if not hasattr(self, "_within_ties"):
            ties = self.peer_ties.tocoo()
            across = (self.team_of[ties.row] != self.team_of[ties.col]) | (self.team_of[ties.row] < 0)
            self._within_ties = sp.csr_matrix((ties.data[~across], (ties.row[~across], ties.col[~across])),
                                              shape=ties.shape)
            order = np.argsort(ties.col[across], kind="stable")
            self._across_ties = (ties.row[across][order], ties.col[across][order])
        near, far = self._across_ties
        sums = self._within_ties @ values
        columns = sums.reshape(len(sums), -1)
        for k in range(columns.shape[1]):
            source = values.reshape(len(values), -1)[:, k]
            columns[:, k] += np.bincount(near, weights=source[far], minlength=self.n_seats)
        return sums

    def department_label(self) -> np.ndarray:
        """Each seat's department name (the executive top seat: "executive")."""
        names = np.array([*self.departments, EXECUTIVE], dtype=object)
        return names[self.department_of]  # -1 picks the last: the executive

    @property
    def n_seats(self) -> int:
        return len(self.manager_of)

    @property
    def n_teams(self) -> int:
        return len(self.team_leader)

    def team_sizes(self) -> np.ndarray:
        """Seats per team (direct reports of each manager); counted once (the structure is fixed), read-only."""
        if not hasattr(self, "_team_sizes"):
            members = self.team_of >= 0
            self._team_sizes = np.bincount(self.team_of[members], minlength=self.n_teams)
            self._team_sizes.flags.writeable = False
        return self._team_sizes


def organisation(config: ScenarioConfig, rng: np.random.Generator) -> OrgStructure:
    """The organisation a config describes: from `org.chart` when given, else generated (by department if any)."""
    org = config.org
    if org.chart:
        return org_from_chart(read_org_chart(org.chart), config, rng)
    if config.departments:
        return build_departments(config, rng)
    return build_org(org, rng)


def build_departments(config: ScenarioConfig, rng: np.random.Generator) -> OrgStructure:
    """One subtree per department under an executive top seat; each department with its own spans and frontline.

    The department heads report to the top seat (so they are teammates); ties across teams are
    drawn within each department. Managers come first in seat order, parents before their reports.
    """
    names = department_names(config)
    seats = seats_per_department(config)
    orgs = [department_config(config, name).org for name in names]
    manager_of, is_manager, department_of = grafted_tree([seats[name] for name in names], orgs, rng)
    team_of = np.where(manager_of >= 0, manager_of, -1)
    n_managers = int(is_manager.sum())
    share = np.array([org.frontline_share for org in orgs])[department_of[:n_managers]]
    frontline = _frontline(team_of, is_manager, n_managers, share, rng)
    peer_ties = _peer_ties(team_of, n_managers, config.org.cross_team_ties, rng, groups=department_of)
    return assemble(manager_of, is_manager, frontline, peer_ties, department_of, tuple(names))


def grafted_tree(sizes: Sequence[int], orgs: Sequence[Org], rng: np.random.Generator
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Departments' trees (seats and spans per department) under an executive top seat: manager_of, is_manager,
    department_of, managers first."""
    trees = []
    for size, org in zip(sizes, orgs):
        spans = _draw_spans(size, org.span_of_control, org.span_variation, rng)
        trees.append((_fill_tree(size, spans), len(spans)))
    return _graft(trees)


def single_tree(headcount: int, org: Org, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One reporting tree of `headcount` seats with the org's spans: manager_of and is_manager, managers first."""
    spans = _draw_spans(headcount, org.span_of_control, org.span_variation, rng)
    is_manager = np.zeros(headcount, dtype=bool)
    is_manager[:len(spans)] = True
    return _fill_tree(headcount, spans), is_manager


def assemble(manager_of: np.ndarray, is_manager: np.ndarray, frontline: np.ndarray, peer_ties: sp.csr_matrix,
             department_of: np.ndarray | None = None, departments: tuple[str, ...] = (WHOLE_ORGANISATION,)
             ) -> OrgStructure:
    """The OrgStructure of a reporting tree whose managers are seats 0..M-1 (team t led by seat t)."""
    n_managers = int(is_manager.sum())
    team_of = np.where(manager_of >= 0, manager_of, -1)
    level = _levels(manager_of)
    graph = _people_graph(manager_of, is_manager, team_of, level, frontline, peer_ties)
    return OrgStructure(manager_of, is_manager, team_of, np.arange(n_managers), level, frontline, peer_ties, graph,
                        department_of, departments)


def _graft(trees: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One reporting tree from departments' trees (local manager_of, managers first) under a new top seat 0.

    Returns manager_of, is_manager and department_of (-1 for the top) with all managers first.
    """
    n_managers = 1 + sum(m for _, m in trees)
    n_seats = 1 + sum(len(tree) for tree, _ in trees)
    new_seat = []  # per department: local seat -> global seat
    next_manager, next_employee = 1, n_managers
    for tree, m in trees:
        mapping = np.empty(len(tree), dtype=np.int64)
        mapping[:m] = np.arange(next_manager, next_manager + m)
        mapping[m:] = np.arange(next_employee, next_employee + len(tree) - m)
        next_manager += m
        next_employee += len(tree) - m
        new_seat.append(mapping)
    manager_of = np.full(n_seats, -1, dtype=np.int64)
    department_of = np.full(n_seats, -1, dtype=np.int64)
    for d, ((tree, _), mapping) in enumerate(zip(trees, new_seat)):
        manager_of[mapping] = np.where(tree >= 0, mapping[np.maximum(tree, 0)], 0)  # the head reports to the top
        department_of[mapping] = d
    is_manager = np.zeros(n_seats, dtype=bool)
    is_manager[:n_managers] = True
    return manager_of, is_manager, department_of


def build_org(org: Org, rng: np.random.Generator) -> OrgStructure:
    """A reporting tree from headcount and span (spans vary), teams, ties and frontline teams."""
    manager_of, is_manager = single_tree(org.headcount, org, rng)
    return _structure(manager_of, is_manager, org, rng)


def org_from_chart(chart: OrgChart, config: Org | ScenarioConfig | None = None,
                   rng: np.random.Generator | int | None = None) -> OrgStructure:
    """The model's seat structure for an org chart; frontline teams and cross-team ties drawn as build_org does.

    config: the scenario (or just its org section); frontline_share and cross_team_ties are taken
    from it (schema defaults when None); headcount and spans come from the chart. Team t is led by
    manager seat t. A chart with a department column gives each seat its department
    (`chart_departments` orders them and checks them against the scenario's [departments] tables);
    then, as in build_departments, a team serves customers with its leader's department's
    frontline_share (a team the executive top leads: the organisation's), executive seats serve
    none, and ties across teams stay within a department.
    """
    scenario = config if isinstance(config, ScenarioConfig) else None
    org = scenario.org if scenario is not None else (config or Org())
    rng = np.random.default_rng(rng)
    manager_of = chart.seats["manager_seat"].to_numpy(dtype=np.int64)
    is_manager = chart.seats["is_manager"].to_numpy(dtype=bool)
    names = chart_departments(chart, scenario)
    if not names:
        return _structure(manager_of, is_manager, org, rng)
    code = {name: d for d, name in enumerate(names)}
    department_of = np.array([code.get(name, -1) for name in chart.seats["department"].fillna("")], dtype=np.int64)
    shares = [department_config(scenario, name).org.frontline_share if scenario is not None and name in scenario.departments
              else org.frontline_share for name in names]
    n_managers = int(is_manager.sum())
    team_of = np.where(manager_of >= 0, manager_of, -1)
    share = np.array([*shares, org.frontline_share])[department_of[:n_managers]]  # team t is led by seat t
    frontline = _frontline(team_of, is_manager, n_managers, share, rng) & (department_of >= 0)  # the executive top: none
    peer_ties = _peer_ties(team_of, n_managers, org.cross_team_ties, rng, groups=department_of)
    return assemble(manager_of, is_manager, frontline, peer_ties, department_of, names)


def chart_departments(chart: OrgChart, config: ScenarioConfig | None = None) -> tuple[str, ...]:
    """The departments of an org chart in model order: the scenario's [departments] tables first (in their
    order), then the chart's other departments in the order they appear in the file; () without any.

    DataError (naming both lists) when the scenario has department tables the chart lacks, when a
    table's share or headcount disagrees with the chart's count, or when an intervention's `where`
    names a department the chart does not have. A chart department without a table keeps the
    organisation's values.
    """
    found = chart.departments
    tables = list(config.departments) if config is not None else []
    wheres = [(i, item) for i, item in enumerate(config.interventions) if item.where] if config is not None else []
    column = chart.columns.get("department")
    if not found:
        if tables or wheres:
            what = (f"[departments] tables ({', '.join(tables)})" if tables
                    else f"interventions with `where` ({', '.join(wheres[0][1].where)})")
            raise DataError(f"the scenario has {what}, but the org chart has no department column (or no names in it)",
                            file=chart.source, expected="a department column (department, dept, division or afdeling) "
                            "naming each person's department, or a scenario without departments")
        return ()
    missing = [name for name in tables if name not in found]
    if missing:
        raise DataError(f"the scenario's [departments] tables name {', '.join(missing)}, which the org chart does not "
                        f"have; the scenario's departments: {', '.join(tables)}; the chart's: {', '.join(found)}",
                        file=chart.source, column=column,
                        expected="a [departments.<name>] table only for a department in the chart's department column")
    _check_sizes(chart, config, tables, column)
    for i, item in wheres:
        unknown = [name for name in item.where if name not in found]
        if unknown:
            raise DataError(f"interventions[{i}] ({item.name}): where names {', '.join(map(repr, unknown))}, which the "
                            f"org chart does not have; the scenario's departments: {_listed(tables)}; the chart's "
                            f"departments: {', '.join(found)}",
                            file=chart.source, column=column, expected="department names from the chart")
    return tuple(tables + [name for name in found if name not in tables])


def _check_sizes(chart: OrgChart, config: ScenarioConfig | None, tables: list[str], column: str | None) -> None:
    """A table's share or headcount, when given, must match the chart (which sets the sizes)."""
    sizes = chart.department_sizes()
    total = sum(sizes.values())
    wrong = []
    for name in tables:
        department = config.departments[name]
        if department.headcount is not None and department.headcount != sizes[name]:
            wrong.append(f"{name} headcount = {department.headcount:,} (the chart has {sizes[name]:,})")
        elif department.share is not None and abs(department.share * total - sizes[name]) >= 1:
            wrong.append(f"{name} share = {department.share:g} (the chart has {sizes[name]:,} of {total:,} "
                         f"department seats, {sizes[name] / total:.3g})")
    if wrong:
        listed = ", ".join(f"{name} {count:,}" for name, count in sizes.items())
        raise DataError(f"department sizes in the scenario disagree with the org chart: {'; '.join(wrong)}; "
                        f"the scenario's departments: {_listed(tables)}; the chart's departments: {listed}",
                        file=chart.source, column=column,
                        expected="no share or headcount in [departments.<name>] (with an org chart, the sizes come "
                        "from it), or the chart's")


def _listed(tables: list[str]) -> str:
    return ", ".join(tables) or "none (no [departments.<name>] tables)"


def unknown_department(name: str, declared: Sequence[str], charts: Sequence[OrgChart]) -> str | None:
    """None when `name` is a department of the scenario: a [departments.<name>] table it `declared`, or a
    department of one of its org `charts` (addressable as departments.<name>.<section>.<key> without a table).
    Otherwise what a key or override naming it gets wrong, listing the scenario's departments and each chart's.
    """
    if name in declared or any(name in chart.departments for chart in charts):
        return None
    text = f"no department {name!r}; the scenario's departments: {_listed(list(declared))}"
    for chart in charts:
        text += f"; the org chart's ({chart.source}): {', '.join(chart.departments) or 'none (no department column)'}"
    return text if charts else text + "; no org chart"


def departments_config(config: ScenarioConfig, org: OrgStructure) -> ScenarioConfig:
    """The config with one [departments] table per department of `org`, in `org.departments` order.

    The week's config (exsim.interventions.Schedule) lists departments in the config's order and
    the org's `department_of` indexes `org.departments`: for an org chart with departments the two
    must agree. A chart department without a table gets an empty one (the organisation's values).
    Returned unchanged when they agree already, when the org has no departments, and when the
    config has neither tables nor targeted interventions (the organisation's values everywhere).
    """
    names = tuple(org.departments)
    if names == (WHOLE_ORGANISATION,) or tuple(config.departments) == names:
        return config
    if not config.departments and not any(item.where for item in config.interventions):
        return config
    tables = {name: config.departments.get(name, Department()) for name in names}
    return config.model_copy(update={"departments": tables})


def _structure(manager_of: np.ndarray, is_manager: np.ndarray, org: Org, rng: np.random.Generator) -> OrgStructure:
    """Teams, levels, frontline seats, ties and the people graph of a reporting tree whose managers are seats 0..M-1."""
    n_managers = int(is_manager.sum())
    team_of = np.where(manager_of >= 0, manager_of, -1)  # manager seats are 0..M-1, so team id = manager seat
    frontline = _frontline(team_of, is_manager, n_managers, org.frontline_share, rng)
    peer_ties = _peer_ties(team_of, n_managers, org.cross_team_ties, rng)
    return assemble(manager_of, is_manager, frontline, peer_ties)


def _draw_spans(headcount: int, mean_span: float, cv: float, rng: np.random.Generator) -> np.ndarray:
    """Integer spans (>= 1) for each manager summing to headcount - 1 (everyone but the top reports)."""
    reports = headcount - 1
    n_managers = max(1, round(reports / mean_span))
    if cv > 0:
        weights = rng.gamma(shape=1 / cv**2, scale=cv**2, size=n_managers)
    else:
        weights = np.ones(n_managers)
    raw = 1 + weights / weights.sum() * (reports - n_managers)
    spans = np.floor(raw).astype(np.int64)
    short = reports - spans.sum()
    spans[np.argsort(spans - raw)[:short]] += 1  # largest remainders first
    # the top of the tree gets the largest spans of managers: keep order random but put root first
    return spans


def _fill_tree(headcount: int, spans: np.ndarray) -> np.ndarray:
    """Breadth-first: managers fill the top slots, the rest of the slots take employees."""
    slots = np.repeat(np.arange(len(spans)), spans)  # manager seat for each reporting slot, BFS order
    manager_of = np.empty(headcount, dtype=np.int64)
    manager_of[0] = -1
    manager_of[1:] = slots[: headcount - 1]
    return manager_of


def _levels(manager_of: np.ndarray) -> np.ndarray:
    """Each seat's level (0 at the top): level[s] = level[manager_of[s]] + 1, taken in seat order.

    Parents come before their reports in every tree built here, so this is the depth; it is summed
    along the chains of managers by pointer doubling (a few array passes) instead of seat by seat.
    """
    n = len(manager_of)
    seats = np.arange(n)
    # up: the next seat up the chain, n for none (the top; a manager after its report counted 0 seat by seat too)
    up = np.append(np.where((manager_of >= 0) & (manager_of < seats), manager_of, n), n)
    up[0] = n
    level = np.ones(n + 1, dtype=np.int64)  # each step up the chain adds 1 ...
    level[0] = level[n] = 0  # ... except from the top seat and from none
    while (up[:n] < n).any():
        level += level[up]
        up = up[up]
    return level[:n]


def _frontline(team_of, is_manager, n_teams, share, rng) -> np.ndarray:
    """Non-manager seats in teams that serve customers (each team with staff does with probability `share`)."""
    has_staff = np.bincount(team_of[(team_of >= 0) & ~is_manager], minlength=n_teams) > 0
    serves = has_staff & (rng.random(n_teams) < share)
    return ~is_manager & (team_of >= 0) & serves[np.maximum(team_of, 0)]


def _peer_ties(team_of, n_teams, cross_team_ties, rng, groups: np.ndarray | None = None) -> sp.csr_matrix:
    """Complete ties within each team plus Poisson-many random ties across teams (within each group when given)."""
    n = len(team_of)
    rows, cols = [], []
    if groups is None:
        n_cross = rng.poisson(cross_team_ties * n / 2)
        rows.append(rng.integers(0, n, n_cross))
        cols.append(rng.integers(0, n, n_cross))
    else:
        for group in np.unique(groups[groups >= 0]):
            seats = np.flatnonzero(groups == group)
            n_cross = rng.poisson(cross_team_ties * len(seats) / 2)
            rows.append(seats[rng.integers(0, len(seats), n_cross)])
            cols.append(seats[rng.integers(0, len(seats), n_cross)])
    return tie_matrix(team_of, n_teams, rows, cols)


def tie_matrix(team_of: np.ndarray, n_teams: int, cross_rows: list[np.ndarray],
               cross_cols: list[np.ndarray]) -> sp.csr_matrix:
    """Symmetric 0/1 ties: every pair of teammates, plus the given ties across teams (each listed one way)."""
    n = len(team_of)
    members = np.flatnonzero(team_of >= 0)
    members = members[np.argsort(team_of[members], kind="stable")]  # team by team, seat order within
    sizes = np.bincount(team_of[members], minlength=n_teams)
    starts = np.cumsum(sizes) - sizes
    each = sizes[team_of[members]]  # each member is tied to every member of its team (itself dropped below)
    rows = [np.repeat(members, each), *cross_rows]
    firsts = np.cumsum(each) - each
    cols = [members[np.repeat(starts[team_of[members]] - firsts, each) + np.arange(len(rows[0]))], *cross_cols]
    r = np.concatenate([*rows, *cols[1:]])  # cross-team ties both ways; teams' blocks are symmetric already
    c = np.concatenate([*cols, *rows[1:]])
    keep = r != c
    ties = sp.csr_matrix((np.ones(keep.sum()), (r[keep], c[keep])), shape=(n, n))  # duplicates summed: canonical
    ties.data[:] = 1.0
    return ties


def _people_graph(manager_of, is_manager, team_of, level, frontline, peer_ties) -> nx.Graph:
    """Nodes are seats (role, team, level, frontline); edges are the peer ties in row order (teammate or cross_team),
    then each seat's reports_to its manager (which relabels a cross-team tie to the manager).

    Built from arrays in bulk: no Python work per edge besides networkx's own; `peer_ties` canonical
    (sorted, no duplicates) as `_peer_ties` makes it.
    """
    n = len(manager_of)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    nodes = graph.nodes
    roles = np.where(is_manager, "manager", "employee").tolist()
    for seat, role, team, lv, front in zip(range(n), roles, team_of.tolist(), level.tolist(), frontline.tolist()):
        nodes[seat].update(role=role, team=team, level=lv, frontline=front)
    row = np.repeat(np.arange(n), np.diff(peer_ties.indptr))
    col = peer_ties.indices
    upper = row < col  # each tie once, in row-major order
    row, col = row[upper], col[upper]
    kinds = np.array([{"kind": "cross_team"}, {"kind": "teammate"}], dtype=object)  # copied into each edge's own dict
    graph.add_edges_from(zip(row.tolist(), col.tolist(), kinds[(team_of[row] == team_of[col]).astype(np.intp)].tolist()))
    graph.add_edges_from(zip(range(1, n), manager_of[1:].tolist()), kind="reports_to")
    return graph


def add_customer_accounts(graph: nx.Graph, account_seat: np.ndarray) -> nx.Graph:
    """A copy of the people graph with customer nodes ('c', i) tied to their account holder's seat."""
    full = graph.copy()
    full.add_nodes_from((("c", i), {"role": "customer"}) for i in range(len(account_seat)))
    full.add_edges_from((("c", i), int(s), {"kind": "account"}) for i, s in enumerate(account_seat) if s >= 0)
    return full
