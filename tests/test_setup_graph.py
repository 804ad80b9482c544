"""The people graph and the ties built in bulk from arrays equal a straightforward edge-by-edge construction."""

import networkx as nx
import numpy as np
import pytest

from exsim import load_config
from exsim.data import read_org_chart
from exsim.org import build_org, org_from_chart, organisation
from exsim.org.structure import _levels, _peer_ties


def reference_graph(org) -> nx.Graph:
    """Seat by seat and tie by tie: ties in row order (upper triangle), then each seat's reports_to."""
    graph = nx.Graph()
    for seat in range(org.n_seats):
        graph.add_node(seat, role="manager" if org.is_manager[seat] else "employee", team=int(org.team_of[seat]),
                       level=int(org.level[seat]), frontline=bool(org.frontline[seat]))
    ties = org.peer_ties.toarray()
    for a in range(org.n_seats):
        for b in range(a + 1, org.n_seats):
            if ties[a, b]:
                graph.add_edge(a, b, kind="teammate" if org.team_of[a] == org.team_of[b] else "cross_team")
    for seat in range(1, org.n_seats):
        graph.add_edge(seat, int(org.manager_of[seat]), kind="reports_to")
    return graph


def reference_ties(team_of, cross_team_ties, rng, groups=None) -> np.ndarray:
    """Dense 0/1: every pair in a team, plus the random cross-team draws (as _peer_ties draws them), both ways."""
    n = len(team_of)
    ties = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            if team_of[a] >= 0 and team_of[a] == team_of[b]:
                ties[a, b] = 1.0
    pools = [np.arange(n)] if groups is None else [np.flatnonzero(groups == g) for g in np.unique(groups[groups >= 0])]
    for seats in pools:
        k = rng.poisson(cross_team_ties * len(seats) / 2)
        rows, cols = seats[rng.integers(0, len(seats), k)], seats[rng.integers(0, len(seats), k)]
        ties[rows, cols] = ties[cols, rows] = 1.0
    np.fill_diagonal(ties, 0.0)
    return ties


def assert_same_graph(graph: nx.Graph, expected: nx.Graph) -> None:
    assert list(graph.nodes(data=True)) == list(expected.nodes(data=True))  # seat order, same attributes
    assert [list(data) for _, data in graph.nodes(data=True)] == [list(data) for _, data in expected.nodes(data=True)]
    assert all(type(value) is type(other) for (_, a), (_, b) in zip(graph.nodes(data=True), expected.nodes(data=True))
               for value, other in zip(a.values(), b.values()))
    assert {frozenset((u, v)): d for u, v, d in graph.edges(data=True)} == \
        {frozenset((u, v)): d for u, v, d in expected.edges(data=True)}
    assert list(graph.edges(data=True)) == list(expected.edges(data=True))  # and in the same order
    assert all(list(graph.adj[seat]) == list(expected.adj[seat]) for seat in expected)
    assert all(type(u) is int and type(v) is int for u, v in graph.edges)


def chart_with_departments(tmp_path, n: int, seed: int):
    """A random org chart (everyone reports to an earlier id) with departments and some executive staff."""
    rng = np.random.default_rng(seed)
    lines = ["employee_id,manager_id,department", "E0,,"]
    for i in range(1, n):
        boss = rng.integers(0, i // 3 + 1)
        lines.append(f"E{i},E{boss},{['Ops', 'Sales', 'IT', ''][rng.integers(0, 4)]}")
    path = tmp_path / f"chart{n}_{seed}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("overrides", [[], ["org.cross_team_ties=2.5", "org.span_of_control=4"],
                                       ["org.span_variation=0", "org.cross_team_ties=0"]])
@pytest.mark.parametrize("seed", [1, 2])
def test_generated_org_graph_is_the_straightforward_one(overrides, seed):
    org = organisation(load_config(None, ["org.headcount=300", *overrides]), np.random.default_rng(seed))
    assert_same_graph(org.graph, reference_graph(org))


@pytest.mark.parametrize("seed", [0, 3])
def test_departments_org_graph_is_the_straightforward_one(seed):
    org = organisation(load_config("configs/service-organisation.toml", ["org.headcount=400"]),
                       np.random.default_rng(seed))
    assert len(org.departments) > 1
    kinds = {d["kind"] for *_, d in org.graph.edges(data=True)}
    assert kinds == {"reports_to", "teammate", "cross_team"}
    assert_same_graph(org.graph, reference_graph(org))


@pytest.mark.parametrize("seed", [4, 5])
def test_chart_with_departments_graph_is_the_straightforward_one(tmp_path, seed):
    path = chart_with_departments(tmp_path, 250, seed)
    config = load_config(None, [f'org.chart="{path}"', "org.cross_team_ties=3"])
    org = org_from_chart(read_org_chart(path), config, seed)
    assert set(org.departments) == {"Ops", "Sales", "IT"} and (org.department_of == -1).any()
    assert_same_graph(org.graph, reference_graph(org))


def test_a_cross_team_tie_to_ones_manager_becomes_reports_to():
    org = build_org(load_config(None, ["org.headcount=60", "org.cross_team_ties=12"]).org, np.random.default_rng(2))
    seats = np.arange(1, org.n_seats)
    tied_to_manager = np.asarray(org.peer_ties[seats, org.manager_of[seats]]).ravel() > 0
    assert tied_to_manager.any()  # the case is exercised
    for seat in seats[tied_to_manager]:
        assert org.graph.edges[seat, org.manager_of[seat]]["kind"] == "reports_to"
    assert_same_graph(org.graph, reference_graph(org))


@pytest.mark.parametrize("with_groups", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_peer_ties_are_the_straightforward_ones(with_groups, seed):
    if with_groups:
        org = organisation(load_config("configs/service-organisation.toml", ["org.headcount=400"]),
                           np.random.default_rng(seed))
        groups = org.department_of
    else:
        org = build_org(load_config(None, ["org.headcount=300"]).org, np.random.default_rng(seed))
        groups = None
    ties = _peer_ties(org.team_of, org.n_teams, 1.5, np.random.default_rng(seed + 10), groups=groups)
    expected = reference_ties(org.team_of, 1.5, np.random.default_rng(seed + 10), groups)
    assert ties.has_canonical_format and ties.dtype == np.float64 and (ties.data == 1.0).all()
    assert np.array_equal(ties.toarray(), expected)


def test_levels_are_the_seat_by_seat_recurrence():
    rng = np.random.default_rng(7)
    for n in (1, 2, 50, 2000):
        manager_of = np.array([-1] + [int(rng.integers(0, s // 2 + 1)) for s in range(1, n)], dtype=np.int64)
        expected = np.zeros(n, dtype=np.int64)
        for seat in range(1, n):
            expected[seat] = expected[manager_of[seat]] + 1
        assert np.array_equal(_levels(manager_of), expected)
