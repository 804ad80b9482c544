"""The org graph: a reporting tree with the configured spans, teams, ties and customer accounts."""

import numpy as np
import pytest

from exsim import OrgModel, load_config
from exsim.model import Customer, Employee, Manager
from exsim.org import add_customer_accounts, build_org


@pytest.mark.parametrize("headcount, span", [(500, 8), (1000, 4), (300, 25)])
def test_reporting_tree_matches_headcount_and_span(headcount, span):
    org = build_org(load_config(None, [f"org.headcount={headcount}", f"org.span_of_control={span}"]).org,
                    np.random.default_rng(3))
    assert org.n_seats == headcount
    assert (org.manager_of == -1).sum() == 1  # one top
    reports_to = org.manager_of[1:]
    assert org.is_manager[reports_to].all()  # only managers have reports
    sizes = org.team_sizes()
    assert sizes.sum() == headcount - 1 and (sizes >= 1).all()
    assert sizes.mean() == pytest.approx(span, rel=0.1)
    assert sizes.std() > 0  # spans vary
    assert org.level.max() >= 2  # managers have managers
    kinds = {d["kind"] for _, _, d in org.graph.edges(data=True)}
    assert kinds == {"reports_to", "teammate", "cross_team"}
    assert org.graph.number_of_nodes() == headcount


def test_same_seed_same_org_other_seed_other_org():
    cfg = load_config().org
    a, b, c = (build_org(cfg, np.random.default_rng(s)) for s in (1, 1, 2))
    assert np.array_equal(a.manager_of, b.manager_of) and np.array_equal(a.frontline, b.frontline)
    assert not np.array_equal(a.frontline, c.frontline)


def test_agents_are_handles_on_state_rows(small_model):
    model = small_model
    staff = model.staff
    employees = model.agents_by_type[Employee]
    managers = model.agents_by_type[Manager]
    assert len(employees) + len(managers) == staff.occupied.sum()
    assert len(model.agents_by_type[Customer]) == model.customers.active.sum()
    person = next(iter(employees))
    assert person.engagement == staff.engagement[person.row]
    person.engagement = 0.123
    assert staff.engagement[person.row] == 0.123
    assert person.cell is model.network[person.row] and person in person.cell.agents
    assert all(model.org.is_manager[m.row] for m in managers)
    customer = next(iter(model.agents_by_type[Customer]))
    assert model.org.frontline[customer.account_seat]


def test_customer_agents_follow_the_accounts_once_asked_for():
    model = OrgModel(load_config(None, ["org.headcount=150"]), rng=6, burn_in_weeks=4)
    customers = model.customers
    assert (customers.agent_id[customers.active] == -1).all()  # not asked for yet: no handles made
    handles = model.agents_by_type[Customer]
    assert len(handles) == customers.active.sum() and (customers.agent_id[customers.active] >= 0).all()
    first = {agent.unique_id for agent in handles}
    model.run(30)
    now = model.agents_by_type[Customer]
    assert len(now) == customers.active.sum() and len(model.customer_agents) == len(now)
    assert {a.unique_id for a in now} & first and {a.unique_id for a in now} - first  # some stayed, some are new
    assert all(customers.active[a.row] and customers.agent_id[a.row] == a.unique_id for a in now)
    assert len(model.agents) == customers.active.sum() + model.staff.occupied.sum()


def test_customers_tied_to_frontline_seats():
    model = OrgModel(load_config(None, ["org.headcount=100"]), rng=4, burn_in_weeks=0)
    seats = model.customers.account_seat[model.customers.active]
    assert model.org.frontline[seats].all()
    assert len(seats) == round(10 * model.org.frontline.sum())
    full = add_customer_accounts(model.org.graph, model.customers.account_seat[model.customers.active])
    customers = [n for n, d in full.nodes(data=True) if d["role"] == "customer"]
    assert len(customers) == len(seats) and all(full.degree(c) == 1 for c in customers)


def test_team_members_are_the_seats_that_report_to_the_team_lead():
    org = build_org(load_config(None, ["org.headcount=300", "org.span_variation=0.5"]).org, np.random.default_rng(3))
    for team in range(org.n_teams):
        np.testing.assert_array_equal(org.team_members(team), np.flatnonzero(org.team_of == team))
        assert (org.manager_of[org.team_members(team)] == org.team_leader[team]).all()


def test_peer_sums_are_the_tie_matrix_product_for_one_column_or_several():
    model = OrgModel(load_config(None, ["org.headcount=400", "org.cross_team_ties=2"]), rng=3, burn_in_weeks=0)
    org, values = model.org, np.random.default_rng(1).random((model.org.n_seats, 3))
    across = org.team_of[org.peer_ties.tocoo().row] != org.team_of[org.peer_ties.tocoo().col]
    assert across.sum() > 100  # both kinds of tie are there
    np.testing.assert_allclose(org.peer_sums(values), org.peer_ties @ values, rtol=1e-12)
    np.testing.assert_allclose(org.peer_sums(values[:, 0]), org.peer_ties @ values[:, 0], rtol=1e-12)
