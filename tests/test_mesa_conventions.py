"""Mesa's conventions hold: run_model() returns, agents say where the step is, datacollector and batch_run work."""

import multiprocessing
import pickle

import numpy as np
import pytest
from mesa.batchrunner import batch_run

from exsim import load_config
from exsim.metrics.kpis import TIMESERIES
from exsim.model import OrgModel
from exsim.model.agents import AgentStepError, Customer, Employee, Manager, all_staff
from exsim.model.collector import exsim_collector

TINY = ["org.headcount=60", "sim.years=1", "sim.burn_in_weeks=8"]


@pytest.fixture(scope="module")
def finished() -> OrgModel:
    model = OrgModel(load_config(None, TINY), rng=5)
    model.run_model()
    return model


def test_run_model_stops_after_sim_years(finished):
    assert finished.running is False
    assert finished.week == 52 and finished.steps == 52
    assert len(finished.tables()["timeseries"]) == 52


def test_agents_step_says_the_model_steps_the_week(finished):
    staff = all_staff(finished)
    with pytest.raises(AgentStepError, match=r"model\.step\(\)"):
        staff.shuffle_do("step")
    with pytest.raises(NotImplementedError, match="PHASES"):
        next(iter(staff)).step()


def test_all_staff_holds_employees_and_managers(finished):
    staff = all_staff(finished)
    employees, managers = finished.agents_by_type[Employee], finished.agents_by_type[Manager]
    assert len(staff) == len(employees) + len(managers) == int(finished.staff.occupied.sum())
    assert {type(a) for a in staff} == {Employee, Manager}
    assert len(finished.agents.select(agent_type=Employee)) == len(staff)  # Mesa's own way, customers created


def test_datacollector_model_vars_are_the_timeseries(finished):
    collected = finished.datacollector.get_model_vars_dataframe()
    timeseries = finished.tables()["timeseries"]
    assert list(collected.columns) == list(TIMESERIES)
    assert len(collected) == 52
    np.testing.assert_allclose(collected["engagement"].to_numpy(), timeseries["engagement"].to_numpy())
    assert collected["quits"].tolist() == timeseries["quits"].tolist()


def test_datacollector_staff_rows_per_type_at_year_end(finished):
    managers = finished.datacollector.get_agenttype_vars_dataframe(Manager)
    employees = finished.datacollector.get_agenttype_vars_dataframe(Employee)
    assert set(managers.index.get_level_values("Step")) == {52}
    assert len(managers) + len(employees) == len(all_staff(finished))
    assert {"engagement", "burnout", "tenure_weeks", "quality"} <= set(managers.columns)
    assert "quality" not in employees.columns


def test_collecting_does_not_change_results():
    config = load_config(None, TINY)
    plain = OrgModel(config, rng=9)
    plain.run(52)
    watched = OrgModel(config, rng=9)
    watched.datacollector = exsim_collector(agents_every=1, agenttype_reporters={Employee: {"skill": "skill"}})
    watched.run(52)
    for name in ("timeseries", "spells"):
        assert plain.tables()[name].equals(watched.tables()[name]), name


def test_users_add_reporters_and_customers():
    model = OrgModel(load_config(None, TINY), rng=2)
    model.datacollector = exsim_collector(model_reporters={"n_staff": lambda m: len(all_staff(m))}, customers=True)
    model.run_model()
    assert model.datacollector.get_model_vars_dataframe()["n_staff"].iloc[-1] == len(all_staff(model))
    customers = model.datacollector.get_agenttype_vars_dataframe(Customer)
    assert customers["satisfaction"].between(0, 1).all() and len(customers) == int(model.customers.active.sum())


def test_a_settled_model_with_its_collector_pickles():
    model = OrgModel(load_config(None, TINY), rng=1)
    model.step()
    copy = pickle.loads(pickle.dumps(model))
    assert copy.datacollector.get_model_vars_dataframe().equals(model.datacollector.get_model_vars_dataframe())


def test_batch_run_over_two_parameter_values_returns_rows():
    configs = [load_config(None, [*TINY, f"org.span_of_control={span}"]) for span in (6, 12)]
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        rows = batch_run(OrgModel, {"config": configs}, rng=[3], max_steps=1000, number_processes=1,
                         display_progress=False)
    finally:  # batch_run sets the start method for the whole process
        multiprocessing.set_start_method(method, force=True)
    runs = {row["RunId"] for row in rows}
    assert runs == {0, 1}
    assert all(row["Step"] == 52 for row in rows)
    assert {"engagement", "voluntary_attrition_rate", "AgentID", "tenure_weeks"} <= set(rows[0])
    spans = {row["RunId"]: row["config"].org.span_of_control for row in rows}
    assert sorted(spans.values()) == [6, 12]


def test_batch_run_varies_a_config_key_by_its_dotted_name():
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        rows = batch_run(OrgModel, {"config": [load_config(None, TINY)], "org.span_of_control": [6, 12]}, rng=[3],
                         max_steps=1000, number_processes=1, display_progress=False)
    finally:  # batch_run sets the start method for the whole process
        multiprocessing.set_start_method(method, force=True)
    support = {span: np.mean([r["manager_support"] for r in rows if r["org.span_of_control"] == span]) for span in (6, 12)}
    assert set(support) == {6, 12} and support[6] > support[12]  # wider spans, less support per report


def test_a_dotted_value_the_schema_rejects_is_a_config_error_naming_it():
    from exsim.config import ConfigError

    with pytest.raises(ConfigError, match="span_of_control"):
        OrgModel(load_config(None, TINY), rng=1, **{"org.span_of_control": -3})
    with pytest.raises(ConfigError, match="spam"):
        OrgModel(load_config(None, TINY), rng=1, **{"org.spam": 3})


def test_asking_for_customer_agents_leaves_the_staff_ids_and_tables_alone():
    config = load_config(None, TINY)
    looked, plain = OrgModel(config, rng=4), OrgModel(config, rng=4)
    looked.run(10)
    customers = looked.agents_by_type[Customer]
    assert len(customers) == int(looked.customers.active.sum())
    assert min(c.unique_id for c in customers) > max(a.unique_id for a in all_staff(looked))
    looked.run(30)
    plain.run(40)
    for name in ("spells", "timeseries"):
        assert looked.tables()[name].equals(plain.tables()[name]), name
    first = {c.unique_id for c in customers}
    opened = {c.unique_id for c in looked.agents_by_type[Customer]} - first  # accounts opened since
    assert opened and min(opened) > max(first)  # new ids, never those of closed accounts


def test_staff_agents_made_when_asked_carry_the_ids_people_joined_with():
    model = OrgModel(load_config(None, TINY), rng=5)
    staff = model.staff
    assert not model.staff_agents  # nobody asked yet: no agents made
    first = {agent.row: agent for agent in all_staff(model)}
    assert sorted(first) == list(np.flatnonzero(staff.occupied))
    assert all(agent.unique_id == staff.agent_id[seat] and agent.cell is model.network[seat] for seat, agent in first.items())
    model.run(26)
    now = {agent.row: agent for agent in all_staff(model)}
    stayed = [seat for seat in now if seat in first and first[seat].unique_id == staff.agent_id[seat]]
    left = [agent for seat, agent in first.items() if staff.agent_id[seat] != agent.unique_id]
    assert stayed and left and all(now[seat] is first[seat] for seat in stayed)
    assert all(agent not in model.agents and agent.cell is None for agent in left)  # leavers' agents removed
    joined = [now[seat] for seat in now if staff.agent_id[seat] not in {a.unique_id for a in first.values()}]
    assert joined and min(a.unique_id for a in joined) > max(a.unique_id for a in first.values())
    employees, managers = model.agents_by_type[Employee], model.agents_by_type[Manager]
    assert len(employees) + len(managers) == int(staff.occupied.sum())
