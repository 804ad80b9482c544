"""Org charts: validation errors naming ids and rows, conversion into the model's seat structure, departments."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from exsim import OrgModel, load_config
from exsim.cli import main
from exsim.config.schema import Intervention
from exsim.data import DataError, read_org_chart
from exsim.mechanisms import manager_support
from exsim.mechanisms.state import StaffState
from exsim.metrics.measures import team_sum
from exsim.org import chart_departments, org_from_chart

# E7 manages E8 who manages E10: managers appear after some non-managers in the file
CHART = """\
employee_id,manager_id,team,role
E1,,Exec,CEO
E2,E1,Ops,manager
E3,E1,Sales,manager
E4,E2,Ops,clerk
E5,E2,Ops,clerk
E6,E3,Sales,rep
E7,E3,Sales,lead
E8,E7,Sales,lead
E9,E1,Exec,assistant
E10,E8,Sales,rep
"""
REPORTS = {"E1": 3, "E2": 2, "E3": 2, "E7": 1, "E8": 1}


def write(tmp_path, text, name="chart.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def chart_error(tmp_path, text, **kwargs) -> DataError:
    with pytest.raises(DataError) as info:
        read_org_chart(write(tmp_path, text), **kwargs)
    return info.value


@pytest.fixture
def chart(tmp_path):
    return read_org_chart(write(tmp_path, CHART))


def test_seats_put_managers_first_in_breadth_first_order(chart):
    seats = chart.seats
    assert seats["employee_id"].iloc[0] == "E1" and seats["manager_seat"].iloc[0] == -1
    assert seats["employee_id"].iloc[:5].tolist() == ["E1", "E2", "E3", "E7", "E8"]  # BFS among managers
    assert seats["is_manager"].tolist() == [True] * 5 + [False] * 5
    assert (seats["manager_seat"].iloc[1:].to_numpy() < np.arange(1, 10)).all()
    assert seats.set_index("employee_id")["level"].to_dict() == {
        "E1": 0, "E2": 1, "E3": 1, "E9": 1, "E4": 2, "E5": 2, "E6": 2, "E7": 2, "E8": 3, "E10": 4}
    assert chart.seat_of("E8") == 4 and seats.loc[4, "row"] == 9 and seats.loc[4, "team"] == "Sales"


def test_structure_satisfies_the_models_invariants(chart):
    org = org_from_chart(chart, load_config().org, np.random.default_rng(1))
    m = chart.n_managers
    assert org.n_seats == 10 and m == 5 and org.n_teams == 5
    assert org.manager_of[0] == -1 and (org.manager_of[1:] < np.arange(1, 10)).all()  # root first, BFS order
    assert org.is_manager[:m].all() and not org.is_manager[m:].any()  # managers are seats 0..M-1
    np.testing.assert_array_equal(org.team_leader, np.arange(m))
    np.testing.assert_array_equal(org.team_of, org.manager_of)  # team id = manager seat
    assert set(org.manager_of[1:]) == set(range(m))  # every manager seat leads a non-empty team
    ids = chart.seats["employee_id"].to_numpy()
    assert {ids[t]: int(s) for t, s in enumerate(org.team_sizes())} == REPORTS
    np.testing.assert_array_equal(org.level, chart.seats["level"].to_numpy())
    assert not org.frontline[org.is_manager].any() and not org.frontline[0]
    assert isinstance(org.peer_ties, sp.csr_matrix) and (org.peer_ties != org.peer_ties.T).nnz == 0
    assert org.peer_ties[6, 7] == 1  # E4 and E5 are teammates
    kinds = {d["kind"] for _, _, d in org.graph.edges(data=True)}
    assert {"reports_to", "teammate"} <= kinds and org.graph.number_of_nodes() == 10
    assert org.graph.has_edge(4, 3) and org.graph.edges[4, 3]["kind"] == "reports_to"  # E8 reports to E7


def test_frontline_follows_share_and_seed(chart):
    cfg = load_config().org
    a, b = (org_from_chart(chart, cfg, np.random.default_rng(5)) for _ in range(2))
    np.testing.assert_array_equal(a.frontline, b.frontline)
    everyone = org_from_chart(chart, cfg.model_copy(update={"frontline_share": 1.0}), 0)
    assert everyone.frontline.sum() == 5  # every non-manager seat in a team with staff
    assert not org_from_chart(chart, cfg.model_copy(update={"frontline_share": 0.0}), 0).frontline.any()


def test_exsim_team_code_runs_on_the_structure(chart):
    org = org_from_chart(chart, load_config().org, 2)
    staff = StaffState.empty(org.n_seats)
    staff.occupied[:] = True
    np.testing.assert_array_equal(team_sum(org.team_of, np.ones(org.n_seats), org.n_teams), org.team_sizes())
    np.testing.assert_array_equal(manager_support.people_to_lead(org, staff), org.team_sizes())
    e3, e7 = chart.seat_of("E3"), chart.seat_of("E7")
    staff.occupied[e7] = False  # E7's seat vacant: their manager E3 covers E7's one report
    lead = manager_support.people_to_lead(org, staff)
    assert lead[e3] == 2 and lead[e7] == 1  # E3: E6 present (E7 is not) plus E8, whom E3 now covers


def test_org_model_runs_on_a_chart(chart):
    model = OrgModel(load_config(None, [f'org.chart="{chart.source}"']), rng=3, burn_in_weeks=4)
    model.run(52)
    teams = model.tables()["teams"]
    ids = chart.seats["employee_id"].to_numpy()
    assert {ids[t]: s for t, s in zip(teams["team_id"], teams["span"])} == REPORTS
    assert model.tables()["timeseries"]["headcount"].between(1, 10).all()


# ---- errors --------------------------------------------------------------------------------------
def test_cycle_names_the_ids_and_rows(tmp_path):
    text = "employee_id,manager_id\nA,\nB,A\nC,D\nD,E\nE,C\n"
    err = chart_error(tmp_path, text)
    assert "reporting lines loop" in str(err)
    assert any(f"{x} -> {y} -> {z} -> {x}" in str(err) for x, y, z in (("C", "D", "E"), ("D", "E", "C"), ("E", "C", "D")))
    assert "rows" in str(err) and all(r in str(err) for r in ("4", "5", "6"))


def test_no_root_is_a_loop(tmp_path):
    err = chart_error(tmp_path, "employee_id,manager_id\nA,B\nB,A\n")
    assert "no root" in str(err) and ("A -> B -> A" in str(err) or "B -> A -> B" in str(err))


def test_missing_manager_names_ids_and_rows(tmp_path):
    err = chart_error(tmp_path, "employee_id,manager_id\nA,\nB,A\nC,X9\nD,X9\nE,Y1\n")
    assert "2 manager id(s) are not employees" in str(err)
    assert "X9 (rows 4, 5)" in str(err) and "Y1 (row 6)" in str(err) and err.column == "manager_id"


def test_several_roots_named(tmp_path):
    err = chart_error(tmp_path, "employee_id,manager_id\nA,\nB,A\nC,\n")
    assert "2 roots" in str(err) and "A (row 2)" in str(err) and "C (row 4)" in str(err)


def test_self_managed_root_is_accepted(tmp_path):
    chart = read_org_chart(write(tmp_path, "employee_id,manager_id\nA,A\nB,A\n"))
    assert chart.seats["manager_seat"].tolist() == [-1, 0] and pd.isna(chart.seats["manager_id"].iloc[0])


def test_duplicate_and_empty_ids(tmp_path):
    err = chart_error(tmp_path, "employee_id,manager_id\nA,\nB,A\nB,A\nC,A\nC,B\n")
    assert "2 employee id(s) on more than one row" in str(err) and "B (rows 3, 4)" in str(err)
    err = chart_error(tmp_path, "employee_id,manager_id\nA,\n,A\n")
    assert (err.row, err.column) == (3, "employee_id") and "empty employee id" in str(err)


def test_columns_mapping_and_single_person(tmp_path):
    err = chart_error(tmp_path, "person,boss\nA,\nB,A\n")
    assert "no column for employee_id, manager_id" in str(err)
    chart = read_org_chart(write(tmp_path, "person,boss\nA,\nB,A\n"), mapping={"employee_id": "person",
                                                                               "manager_id": "boss"})
    assert chart.n_managers == 1
    with pytest.raises(DataError, match="unknown field 'boss'"):
        read_org_chart(write(tmp_path, "person,boss\nA,\n"), mapping={"boss": "boss"})
    assert "at least two people" in str(chart_error(tmp_path, "employee_id,manager_id\nA,\n"))


# ---- departments from a department column --------------------------------------------------------
# E1 heads two departments; E9 (no department, reporting to E1) is executive staff; E5 and E8 leave
# the column empty and are in their managers' departments.
DEPARTMENT_CHART = """\
employee_id,manager_id,Afdeling
E1,,
E2,E1,Ops
E3,E1,Sales
E4,E2,Ops
E5,E2,
E6,E3,Sales
E7,E3,Sales
E8,E7,
E9,E1,
E10,E8,Sales
E11,E9,
E12,E2,Ops
"""
CHART_SIZES = {"Ops": 4, "Sales": 5}  # E2, E4, E5, E12; E3, E6, E7, E8, E10
EXECUTIVE_IDS = {"E1", "E9", "E11"}


def department_chart(tmp_path, text=DEPARTMENT_CHART):
    return read_org_chart(write(tmp_path, text, "departments.csv"))


def test_a_department_column_gives_each_seat_its_department(tmp_path):
    chart = department_chart(tmp_path)
    assert chart.columns["department"] == "Afdeling"  # the Dutch name is recognised
    assert chart.departments == ("Ops", "Sales") and chart.department_sizes() == CHART_SIZES
    by_id = chart.seats.set_index("employee_id")
    assert set(by_id.index[by_id["department"].isna()]) == EXECUTIVE_IDS and chart.executive_seats == 3
    assert by_id.loc["E5", "department"] == "Ops" and by_id.loc["E8", "department"] == "Sales"
    assert set(by_id.index[by_id["department_from_manager"]]) == {"E5", "E8"}
    for alias in ("department", "Department", "dept"):
        renamed = department_chart(tmp_path, DEPARTMENT_CHART.replace("Afdeling", alias))
        assert renamed.department_sizes() == CHART_SIZES
    without = read_org_chart(write(tmp_path, CHART))
    assert without.departments == () and "department" not in without.seats


def test_the_root_is_in_a_department_only_when_the_whole_chart_is(tmp_path):
    one = department_chart(tmp_path, "employee_id,manager_id,dept\nA,,IT\nB,A,IT\nC,B,\n")
    assert one.departments == ("IT",) and one.executive_seats == 0 and one.department_sizes() == {"IT": 3}
    named_root = department_chart(tmp_path, "employee_id,manager_id,dept\nA,,Board\nB,A,IT\nC,A,HR\nD,B,IT\n")
    assert named_root.departments == ("IT", "HR")  # the root heads both: executive, 'Board' is no department
    assert named_root.executive_seats == 1 and named_root.seats["department"].isna().tolist()[0]


def test_org_from_a_department_chart_has_the_charts_departments(tmp_path):
    chart = department_chart(tmp_path)
    org = org_from_chart(chart, load_config(None, [f'org.chart="{chart.source}"']), 4)
    assert org.departments == ("Ops", "Sales")
    labels = org.department_label()
    assert {name: int((labels == name).sum()) for name in org.departments} == CHART_SIZES
    ids = chart.seats["employee_id"].to_numpy()
    assert set(ids[org.department_of == -1]) == EXECUTIVE_IDS
    assert not org.frontline[org.department_of == -1].any()  # the executive top serves no customers
    rows, cols = org.peer_ties.nonzero()
    cross = org.team_of[rows] != org.team_of[cols]
    assert (org.department_of[rows][cross] == org.department_of[cols][cross]).all()  # ties across teams stay inside
    everyone = org_from_chart(chart, load_config(None, ["org.frontline_share=1"]), 4)
    assert everyone.frontline.sum() == 5  # E4, E5, E12, E6, E10: every non-manager department seat (not E11)


def test_a_chart_without_departments_builds_as_before(chart):
    config = load_config()
    a, b = org_from_chart(chart, config, 7), org_from_chart(chart, config.org, 7)
    assert a.departments == ("all",) and not a.department_of.any()
    np.testing.assert_array_equal(a.frontline, b.frontline)
    assert (a.peer_ties != b.peer_ties).nnz == 0


def test_a_department_value_reaches_exactly_that_departments_seats(tmp_path):
    """[departments.Sales] with values but no size: the chart sizes it; Ops has no table and keeps the
    organisation's values; the executive top keeps them too. The week's config follows org.departments."""
    chart = department_chart(tmp_path)
    config = load_config(None, [f'org.chart="{chart.source}"', "departments.Sales.work.workload=1.3",
                                "departments.Sales.attrition.base_quit_rate_per_year=0.2"])
    model = OrgModel(config, rng=3, burn_in_weeks=2)
    model.run(2)
    org = model.org
    assert org.departments == ("Sales", "Ops")  # tables first, then the chart's others
    sales = org.department_label() == "Sales"
    workload = np.broadcast_to(model.current.work.workload, sales.shape)
    np.testing.assert_array_equal(workload[sales], 1.3)
    np.testing.assert_array_equal(workload[~sales], config.work.workload)
    rate = np.broadcast_to(model.current.attrition.base_quit_rate_per_year, sales.shape)
    np.testing.assert_array_equal(rate[sales], 0.2)
    np.testing.assert_array_equal(rate[~sales], config.attrition.base_quit_rate_per_year)
    headcount = model.tables()["departments"].query("week == 1").set_index("department")["headcount"]
    assert headcount.to_dict() == {**CHART_SIZES, "executive": 3}


def test_a_targeted_intervention_reaches_a_chart_department_without_a_table(tmp_path):
    chart = department_chart(tmp_path)
    config = load_config(None, [f'org.chart="{chart.source}"'])
    config.interventions = [Intervention(name="ops workload", set={"work.workload": 1.4}, start_week=1, where=["Ops"])]
    model = OrgModel(config, rng=3, burn_in_weeks=0)
    model.run(1)
    workload = np.broadcast_to(model.current.work.workload, (model.org.n_seats,))
    ops = model.org.department_label() == "Ops"
    np.testing.assert_array_equal(workload[ops], 1.4)
    np.testing.assert_array_equal(workload[~ops], config.work.workload)


def test_scenario_departments_that_disagree_with_the_chart_are_named(tmp_path):
    chart = department_chart(tmp_path)
    sets = [f'org.chart="{chart.source}"']
    with pytest.raises(DataError) as err:
        chart_departments(chart, load_config(None, [*sets, "departments.IT.work.workload=1.2",
                                                    "departments.Sales.work.workload=1.2"]))
    assert "name IT, which the org chart does not have" in str(err.value)
    assert "the scenario's departments: IT, Sales; the chart's: Ops, Sales" in str(err.value)
    with pytest.raises(DataError, match=r"Sales headcount = 7 \(the chart has 5\).*the chart's departments: Ops 4, Sales 5"):
        chart_departments(chart, load_config(None, [*sets, "departments.Sales.headcount=7"]))
    with pytest.raises(DataError, match=r"Ops share = 0.2 \(the chart has 4 of 9"):
        chart_departments(chart, load_config(None, [*sets, "departments.Ops.share=0.2"]))
    assert chart_departments(chart, load_config(None, [*sets, "departments.Sales.headcount=5"])) == ("Sales", "Ops")
    plain = read_org_chart(write(tmp_path, CHART))
    with pytest.raises(DataError, match="no department column"):
        chart_departments(plain, load_config(None, [f'org.chart="{plain.source}"', "departments.Ops.work.workload=1.2"]))
    config = load_config(None, sets)
    config.interventions = [Intervention(name="train", programme="manager_training", where=["Legal"])]
    with pytest.raises(DataError, match="where names 'Legal', which the org chart does not have"):
        chart_departments(chart, config)


def test_a_run_with_a_department_the_chart_lacks_stops_with_exit_2_and_writes_nothing(tmp_path):
    chart = department_chart(tmp_path)
    scenario = tmp_path / "scenario.toml"
    scenario.write_text("[sim]\nyears = 1\nreplicates = 2\nburn_in_weeks = 2\n[departments.IT.work]\nworkload = 1.3\n")
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["run", str(scenario), "--org-chart", str(chart.source), "--workers", "1",
                                     "--no-figures", "--out", str(out)])
    assert done.exit_code == 2, done.output
    assert "the scenario's departments: IT; the chart's: Ops, Sales" in done.output
    assert not out.exists() and not any(p.name.startswith(".out") for p in tmp_path.iterdir())
