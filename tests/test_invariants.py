"""Invariants that must hold in every run."""

import numpy as np

from tests.conftest import run_small


def test_zero_quit_hazard_gives_no_voluntary_exits():
    model = run_small(["attrition.base_quit_rate_per_year=0"], weeks=104)
    tables = model.tables()
    assert tables["timeseries"]["quits"].sum() == 0
    assert (tables["spells"]["exit_reason"] != "voluntary").all()
    assert tables["timeseries"]["involuntary_exits"].sum() > 0  # other exits still happen


def test_headcount_is_start_plus_hires_minus_exits_every_week(small_model):
    ts = small_model.tables()["timeseries"]
    start = ts["headcount"].iloc[0] - ts["hires"].iloc[0] + ts["quits"].iloc[0] + ts["involuntary_exits"].iloc[0]
    expected = start + (ts["hires"] - ts["quits"] - ts["involuntary_exits"]).cumsum()
    assert (ts["headcount"] == expected).all()
    assert (ts["headcount"] + ts["vacancies"] == 200).all()
    assert ts["hires"].sum() > 0 and ts["quits"].sum() > 0


def test_rates_are_fractions(small_model):
    tables = small_model.tables()
    ts, teams = tables["timeseries"], tables["teams"]
    for column in ("engagement", "burnout_share", "absence_rate", "csat", "voluntary_attrition_rate", "customer_churn_rate"):
        assert ts[column].between(0, 1).all(), column
    for column in ("engagement", "burnout_share", "absence_rate", "manager_support", "csat"):
        assert teams[column].dropna().between(0, 1).all(), column
    assert ts["enps"].between(-100, 100).all()
    state = small_model.staff
    for name in ("engagement", "strain", "burnout", "trust_manager", "trust_org", "support", "skill"):
        values = getattr(state, name)[state.occupied]
        assert ((values >= 0) & (values <= 1)).all(), name


def test_spells_agree_with_weekly_counts(small_model):
    tables = small_model.tables()
    spells, ts = tables["spells"], tables["timeseries"]
    assert (spells["exit_reason"] == "voluntary").sum() == ts["quits"].sum()
    assert (spells["exit_reason"] == "involuntary").sum() == ts["involuntary_exits"].sum()
    still = spells[spells["exit_week"].isna()]
    assert len(still) == ts["headcount"].iloc[-1]
    assert spells["employee_id"].is_unique
    closed = spells.dropna(subset=["exit_week"])
    assert (closed["exit_week"] - closed["hire_week"] >= closed["tenure_weeks"] - 1).all()


def test_team_quits_add_up_to_organisation_quits(small_model):
    tables = small_model.tables()
    teams, ts = tables["teams"], tables["timeseries"]
    top_quits = tables["spells"].query("exit_reason == 'voluntary' and team_id == -1").shape[0]
    assert teams["quits"].sum() + top_quits == ts["quits"].sum()
    assert teams["year"].max() == ts["year"].max()


def test_vacancies_refill_only_when_allowed():
    model = run_small(["policy.refill_vacancies=false"], weeks=52)
    ts = model.tables()["timeseries"]
    assert ts["hires"].sum() == 0
    assert np.all(np.diff(ts["headcount"]) <= 0)
