"""A reorganisation of a running model: the span of control changes at an intervention's start week."""

import numpy as np
import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.config import ConfigError
from exsim.interventions import Schedule
from exsim.model.agents import Employee, Manager

HEADCOUNT = 300
START = 20


def config(span: float | None = None, *, start: int = START, extra: dict | None = None, base: str = "configs/baseline.toml",
           overrides: tuple[str, ...] = (), **item):
    """The baseline at HEADCOUNT people for one year, with a span change at `start` when `span` is given."""
    loaded = load_config(base, [f"org.headcount={HEADCOUNT}", "sim.years=1", *overrides])
    if span is None:
        return loaded
    data = loaded.model_dump()
    data["interventions"] = [{"name": "reorganise", "set": {"org.span_of_control": span, **(extra or {})},
                              "start_week": start, **item}]
    return type(loaded).model_validate(data)


def model_at(cfg, week: int, seed: int = 4) -> OrgModel:
    model = OrgModel(cfg, rng=seed)
    model.datacollector = None
    model.run(week)
    return model


def people(model) -> pd.DataFrame:
    """Everyone in post by employee id: their seat, hire week, tenure, engagement and disposition."""
    staff = model.staff
    seats = np.flatnonzero(staff.occupied)
    return pd.DataFrame({"seat": seats, "hire_week": staff.hire_week[seats], "tenure": staff.tenure_weeks[seats],
                         "engagement": staff.engagement[seats], "disposition": staff.disposition[seats]},
                        index=staff.agent_id[seats]).sort_index()


def reorganised(span: float, **kwargs) -> tuple[pd.DataFrame, OrgModel]:
    """The people just before the reorganisation, and the model just after it (before the week runs)."""
    model = model_at(config(span, **kwargs), START - 1)
    before = people(model)
    assert model._reorganise_if_due(START) >= 0
    return before, model


def expected_managers(span: float, headcount: int = HEADCOUNT) -> int:
    return max(1, round((headcount - 1) / span))  # as build_org draws the tree


@pytest.mark.parametrize("span", [30, 4])
def test_everyone_is_kept_and_every_team_is_led(span):
    before, model = reorganised(span)
    org, staff, cust = model.org, model.staff, model.customers
    after = people(model)
    assert org.n_seats == HEADCOUNT and len(after) == len(before)
    assert after.index.is_unique and (after.index == before.index).all()  # every person employed exactly once
    for column in ("hire_week", "tenure", "engagement", "disposition"):
        assert np.array_equal(after[column], before[column])
    assert org.is_manager.sum() == expected_managers(span)
    assert staff.occupied[org.team_leader].all()  # every team has its manager (promoted where missing)
    assert (org.team_sizes() > 0).all()
    assert staff.accounts.sum() == cust.active.sum() > 0  # every account kept, on a book
    held = cust.account_seat[cust.active]
    assert org.frontline[held].all() and not org.is_manager[held].any()


def test_surplus_managers_become_members_and_the_best_lead():
    model = model_at(config(30), START - 1)
    staff, org = model.staff, model.org
    managers = np.flatnonzero(staff.occupied & org.is_manager)
    quality = dict(zip(staff.agent_id[managers], staff.manager_quality[managers] + staff.training_gain[managers]))
    top = staff.agent_id[0]
    model._reorganise_if_due(START)
    staff, org = model.staff, model.org
    assert staff.agent_id[0] == top  # the top stays the top
    leaders = staff.agent_id[org.team_leader]
    assert set(leaders) <= set(quality)  # widening spans promotes nobody
    kept = sorted((q for i, q in quality.items() if i != top), reverse=True)[:len(leaders) - 1]
    assert sorted((quality[i] for i in leaders[1:]), reverse=True) == kept  # the best managers lead
    demoted = [i for i in quality if i not in set(leaders)]
    seats = np.flatnonzero(np.isin(staff.agent_id, demoted) & staff.occupied)
    assert len(seats) == len(demoted) and not org.is_manager[seats].any()
    assert (staff.manager_quality[seats] == 0).all()


def test_narrower_spans_promote_from_the_staff():
    model = model_at(config(4), START - 1)
    members = set(model.staff.agent_id[model.staff.occupied & ~model.org.is_manager])
    promotions = model._reorganise_if_due(START)
    leaders = model.staff.agent_id[model.org.team_leader]
    promoted = [i for i in leaders if i in members]
    assert promotions == len(promoted) > 0
    stepped = model_at(config(4), START)
    assert stepped.recorder.weeks[-1]["promotions"] >= promotions  # the same reorganisation, counted in its week


def test_agents_and_network_follow_the_seats():
    model = model_at(config(30), START - 1)
    ids = {agent.unique_id for agent in model.agents_by_type[Manager]}  # agents made before the reorganisation
    model._reorganise_if_due(START)
    staff, org = model.staff, model.org
    agents = [agent for agent in model.agents if isinstance(agent, Employee)]
    assert len(agents) == staff.occupied.sum()
    for agent in agents:
        assert agent.unique_id == staff.agent_id[agent.row] and agent.cell is model.network[agent.row]
        assert isinstance(agent, Manager) == bool(org.is_manager[agent.row])
    assert len(model.agents_by_type[Manager]) == org.is_manager.sum()
    assert ids >= {agent.unique_id for agent in model.agents_by_type[Manager]}
    assert model.network.G.number_of_nodes() == HEADCOUNT


def test_weeks_before_the_start_are_the_status_quo_and_spells_go_on():
    status_quo, changed = model_at(config(), 40), model_at(config(30), 40)
    before = status_quo.tables()
    after = changed.tables()
    early = lambda table: table[table["week"] < START].reset_index(drop=True)
    pd.testing.assert_frame_equal(early(before["timeseries"]), early(after["timeseries"]))
    assert not early(after["timeseries"]).equals(after["timeseries"])  # and then it changes
    closed = lambda spells: spells[spells["exit_week"].fillna(10**6) < START].reset_index(drop=True)
    pd.testing.assert_frame_equal(closed(before["spells"]), closed(after["spells"]))
    spells = after["spells"]
    assert spells["employee_id"].is_unique  # nobody's spell split by the new seat numbers
    ended = spells[spells["exit_week"] == START]
    assert set(ended["exit_reason"]) <= {"voluntary", "involuntary", "promoted"}
    assert len(ended) < 10  # a normal week's leavers, not the moved seats


def test_the_teams_table_has_the_old_teams_before_and_the_new_after():
    model = model_at(config(30), 52)
    teams = model.tables()["teams"]
    assert len(teams) == expected_managers(8) + expected_managers(30)
    assert teams["span"].max() > 20


def test_wider_spans_lower_manager_support_after_the_change():
    start = 27
    status_quo = model_at(config(), 52, seed=11).tables()["timeseries"]
    wide = model_at(config(30, start=start, overrides=("org.span_of_control=8",)), 52, seed=11).tables()["timeseries"]
    assert wide.loc[wide.week < start, "manager_support"].equals(status_quo.loc[status_quo.week < start,
                                                                                 "manager_support"])
    after = lambda table: table.loc[table.week >= start, "manager_support"].mean()
    assert after(wide) < after(status_quo) - 0.03


def test_the_shape_switches_at_the_start_and_returns_at_the_end():
    cfg = config(30, ramp_weeks=10, end_week=40)
    schedule = Schedule(cfg)
    assert schedule.reshapes
    spans = [org.span_of_control for week in (START - 1, START, START + 5, 40) for org in schedule.orgs_at(week)]
    assert spans == [8, 30, 30, 8]  # a step, not a ramp
    model = model_at(cfg, 41)
    assert model.org.is_manager.sum() == expected_managers(8)


def test_a_department_reorganises_alone():
    cfg = config(25, base="configs/service-organisation.toml", where=["customer_service"])
    model = model_at(cfg, START - 1)
    department = dict(zip(model.staff.agent_id, model.org.department_of))
    managers = np.bincount(model.org.department_of[model.org.is_manager] + 1)
    model._reorganise_if_due(START)
    org, staff = model.org, model.staff
    seats = np.flatnonzero(staff.occupied)
    assert all(department[i] == d for i, d in zip(staff.agent_id[seats], org.department_of[seats]))
    now = np.bincount(org.department_of[org.is_manager] + 1)
    service = 1 + list(org.departments).index("customer_service")
    assert now[service] < managers[service] and np.delete(now, service).tolist() == np.delete(managers, service).tolist()
    model.run(3)


def test_other_org_keys_cannot_change_mid_run(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[[interventions]]\nname = "grow"\nset = { "org.headcount" = 400 }\nstart_week = 10\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "'org.headcount'" in message and "cannot change in a running model" in message
    assert "org.span_of_control" in message and "[org] section" in message
