"""The week as declared: one list of phases over one state, documented from that list."""

import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.mechanisms import seats
from exsim.mechanisms.state import KEEP, SET, CustomerState, StaffState
from exsim.model import week
from exsim.model.week import PHASES, Phase, describe_week

ROOT = Path(__file__).resolve().parents[1]


def small_model(weeks: int = 0, burn_in: int = 4) -> OrgModel:
    model = OrgModel(load_config(None, ["org.headcount=120"]), rng=3, burn_in_weeks=burn_in)
    model.run(weeks)
    return model


def test_step_docstring_and_readme_list_the_phases_in_order():
    listing = describe_week()
    assert len(listing.splitlines()) == len(PHASES)
    assert listing in OrgModel.step.__doc__
    assert listing in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_phase_takes_the_world_the_config_and_its_declared_streams():
    names = [phase.name for phase in PHASES]
    assert len(set(names)) == len(names)
    for phase in PHASES:
        params = list(inspect.signature(phase.run).parameters)
        assert len(params) == 2 + len(phase.streams), phase.name
        assert params[:2] in (["world", "cfg"], ["world", "config"]), phase.name
        assert phase.summary.lower().startswith(phase.name + ":"), phase.name


def test_burn_in_settles_without_recording_or_moving_mesas_clock():
    model = small_model(burn_in=6)
    assert model.week == 0 and model.steps == 0 and model.tables()["timeseries"].empty
    model.run(3)
    assert model.week == 3 and model.steps == 3
    assert model.tables()["timeseries"]["week"].tolist() == [1, 2, 3]


def test_declared_columns_are_the_arrays_and_hires_and_exits_reset_them_as_declared():
    model = small_model(weeks=1)
    staff = model.staff
    for table in (staff, model.customers):
        for column in table.columns():
            array = getattr(table, column.name)
            assert array.dtype == column.metadata["dtype"], column.name
            assert len(array) == len(getattr(table, table.columns()[0].name))
    seat = np.array([int(np.flatnonzero(staff.occupied & ~model.org.is_manager)[0])])
    for column in StaffState.columns():  # scribble over the row, then let the person leave
        getattr(staff, column.name)[seat] = 7
    seats.vacate(model.world, seat, "voluntary")
    seats.hire(model.world, seat, model.current, np.random.default_rng(0), fit=0.0, referral_probability=0.0)
    for column in StaffState.columns():
        value = column.metadata["new"]
        if value not in (KEEP, SET):
            assert getattr(staff, column.name)[seat][0] == value, column.name
    assert model.holder(seat[0]).unique_id == staff.agent_id[seat[0]]
    seats.vacate(model.world, seat, "voluntary")
    for column in StaffState.columns():
        value = column.metadata["vacant"]
        if value not in (KEEP, SET):
            assert getattr(staff, column.name)[seat][0] == value, column.name
    assert model.holder(seat[0]) is None


def test_customer_rows_grow_with_their_declared_empty_values():
    customers = CustomerState.empty(2)
    customers.active[:] = True
    rows = customers.free_rows(3)
    assert len(rows) == 3 and customers.capacity >= 5
    assert (customers.agent_id[rows] == -1).all() and (customers.account_seat[rows] == -1).all()
    assert not customers.active[rows].any()


def test_free_customer_rows_are_kept_listed_as_accounts_open_and_close():
    """The listed free rows are always the rows not active, lowest first, through openings, closings and growth."""
    rng = np.random.default_rng(3)
    customers = CustomerState.empty(0)
    for _ in range(60):
        opened = customers.free_rows(int(rng.integers(0, 40)))
        customers.reset(opened, "new")
        active = np.flatnonzero(customers.active)
        closing = rng.permutation(rng.choice(active, size=min(len(active), int(rng.integers(0, 30))), replace=False))
        customers.reset(np.concatenate([closing, closing[:2]]), "vacant")  # in any order, even twice
        np.testing.assert_array_equal(customers._free_list(), np.flatnonzero(~customers.active))
    taken = customers.free_rows(5)
    np.testing.assert_array_equal(taken, np.flatnonzero(~customers.active)[:5])


def test_each_seats_account_count_is_kept_as_accounts_open_and_close(small_model):
    """Counted as accounts open and close, each seat's book equals a count of the customers' seats afresh."""
    world = small_model.world
    seats = world.customers.account_seat[world.customers.active]
    np.testing.assert_array_equal(world.staff.accounts, np.bincount(seats, minlength=len(world.staff.occupied)))
    np.testing.assert_array_equal(world.customers._free_list(), np.flatnonzero(~world.customers.active))


def test_a_new_phase_with_its_own_stream_leaves_every_other_draw_unchanged(monkeypatch):
    """Adding a mechanism: its random stream is its own, so the rest of the model draws as before."""
    def reference():
        model = small_model(weeks=10)
        return model.tables()

    before = reference()
    drawn = []

    def remote_work(world, cfg, rng):
        """Remote work: a phase that only draws (to show the other streams do not move)."""
        drawn.append(rng.random(len(world.staff.occupied)).sum())

    monkeypatch.setattr(week, "PHASES", (*PHASES[:5], Phase(remote_work, ("remote_work",)), *PHASES[5:]))
    after = reference()
    assert len(drawn) == 14  # 4 settling weeks and 10 recorded ones
    for name in ("timeseries", "teams", "spells"):
        pd.testing.assert_frame_equal(before[name], after[name])


def test_revenue_is_booked_on_the_customers_left_after_churn_and_unknown_lines_are_refused():
    model = small_model(weeks=2)
    last = model.tables()["timeseries"].iloc[-1]
    revenue_per_week = model.config.costs.revenue_per_customer_eur / 52
    assert last["revenue"] == pytest.approx(model.customers.active.sum() * revenue_per_week)
    assert last["customers"] == model.customers.active.sum()
    with pytest.raises(KeyError):
        model.world.events.spend("cost_of_nothing", 1.0)


def test_a_model_steps_on_one_core():
    """No step may wake a multi-threaded library (BLAS threads spin on the other cores): runs in
    parallel worker processes would then compete for cores. CPU time over wall time, not a deadline."""
    import time

    model = OrgModel(load_config(None, ["org.headcount=20000"]), rng=3, burn_in_weeks=0)
    cpu, wall = time.process_time(), time.perf_counter()
    model.settle(15)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert cpu < 1.3 * wall, f"{cpu:.2f} s of CPU in {wall:.2f} s of wall time: a step runs on more than one core"
