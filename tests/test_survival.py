"""Survival statistics against hand-computed examples, on exsim's own spells and on the shared datasets."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.analysis import (annual_voluntary_attrition, attrition_by_group, attrition_by_year, hazard_by_band,
                            kaplan_meier, km_retention, snapshot_life_table, spells_snapshot_frame,
                            spells_to_survival_frame)
from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH as WEEKS_PER_MONTH, CALENDAR_WEEKS_PER_YEAR as WEEKS_PER_YEAR
from exsim.data import read_employee_records

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared HR datasets not found at {SHARED}")

# durations 1, 2, 2+, 3, 5+, 6 (+ = censored): S = 5/6, 4/6, 4/9, 0 at times 1, 2, 3, 6
DURATIONS = [1, 2, 2, 3, 5, 6]
EVENTS = [True, True, False, True, False, True]


def months_frame(months, events, **groups) -> pd.DataFrame:
    return pd.DataFrame({"tenure_weeks": np.asarray(months, float) * WEEKS_PER_MONTH, "left": events, **groups})


def test_kaplan_meier_by_hand():
    curve = kaplan_meier(DURATIONS, EVENTS)
    assert curve["time"].tolist() == [1, 2, 3, 6]
    assert curve["at_risk"].tolist() == [6, 5, 3, 1]  # censored at 2 is still at risk at 2
    np.testing.assert_allclose(curve["survival"], [5 / 6, 4 / 6, 4 / 9, 0.0])
    assert curve["se"].iloc[0] == pytest.approx(5 / 6 * np.sqrt(1 / 30))  # Greenwood
    assert curve["se"].iloc[-1] == 0.0


def test_km_retention_by_month_with_censoring():
    table = km_retention(months_frame(DURATIONS, EVENTS), months=[0, 1, 1.5, 2, 4, 5.5, 6, 7])
    np.testing.assert_allclose(table["retention"].iloc[:7], [1, 5 / 6, 5 / 6, 4 / 6, 4 / 9, 4 / 9, 0])
    assert np.isnan(table["retention"].iloc[7])  # beyond the longest tenure
    assert table["at_risk"].tolist() == [6, 6, 5, 5, 2, 1, 1, 0]
    assert km_retention(months_frame(DURATIONS, EVENTS))["month"].tolist() == list(range(7))


def test_km_with_no_events_and_all_censored_is_one():
    table = km_retention(months_frame([3, 4, 8], [False] * 3), months=[0, 6, 8])
    assert table["retention"].tolist() == [1.0, 1.0, 1.0]


def test_hazard_by_band_by_hand_and_sums():
    frame = months_frame([2, 4, 8, 30], [True, False, True, True])
    table = hazard_by_band(frame, bands_months=(0, 3, 6, 12, np.inf))
    assert table["band"].tolist() == ["0-3", "3-6", "6-12", "12+"]
    np.testing.assert_allclose(table["person_years"] * 12, [11, 7, 8, 18])
    assert table["events"].tolist() == [1, 0, 1, 1]
    assert table["entered"].tolist() == [4, 3, 2, 1]
    np.testing.assert_allclose(table["hazard_per_year"], [12 / 11, 0, 1.5, 12 / 18])
    assert table["person_years"].sum() == pytest.approx(frame["tenure_weeks"].sum() / WEEKS_PER_YEAR)
    assert table["events"].sum() == frame["left"].sum()


def test_hazard_event_on_a_band_edge_counts_in_the_next_band():
    table = hazard_by_band(months_frame([0, 3, 6], [True, True, True]), bands_months=(0, 3, 6, np.inf))
    assert table["events"].tolist() == [1, 1, 1]


def test_survival_inputs_are_checked():
    with pytest.raises(ValueError, match="no column 'tenure_weeks'"):
        km_retention(pd.DataFrame({"left": [True]}))
    with pytest.raises(ValueError, match="0 or more"):
        hazard_by_band(months_frame([-1], [True]))
    with pytest.raises(ValueError, match="missing values"):
        km_retention(months_frame([1, 2], pd.array([True, None], dtype="boolean")))


def test_annual_attrition_over_a_window_by_hand():
    # ten people employed since 2015; two quit and one is dismissed on 1 July 2020
    frame = pd.DataFrame({"hire_date": pd.to_datetime(["2015-01-01"] * 10),
                          "exit_date": pd.to_datetime(["2020-07-01"] * 3 + [None] * 7),
                          "left": [True, True, False] + [False] * 7})
    est = annual_voluntary_attrition(frame, "2020-01-01", "2021-01-01")
    assert est.method == "window" and est.leavers == 2
    assert est.population == pytest.approx(10 - 3 * 27 / 53)  # headcount 10 for 26 weeks, 7 for 27
    assert est.rate == pytest.approx(2 / est.population / (366 / 365.25))
    by_year = attrition_by_year(frame)
    assert by_year.set_index("year").loc[2020, "leavers"] == 2 and by_year["leavers"].sum() == 2


def test_cross_sectional_attrition_is_the_share_that_left():
    est = annual_voluntary_attrition(months_frame([1, 2, 3, 4], [True, False, False, False]))
    assert (est.method, est.rate, est.leavers, est.population) == ("cross-sectional", 0.25, 1, 4.0)


def test_attrition_by_group_and_bins():
    frame = months_frame([12, 12, 12, 24], [True, False, True, False], overtime=[True, True, False, False],
                         workload=[0.8, 0.9, 1.2, 1.3])
    table = attrition_by_group(frame, "overtime").set_index("overtime")
    assert table.loc[True, "share_left"] == 0.5 and table.loc[False, "n"] == 2
    assert table.loc[False, "rate_per_year"] == pytest.approx(1 / 3)  # one leaver in three person-years
    binned = attrition_by_group(frame, "workload", bins=2)
    assert binned["n"].tolist() == [2, 2] and binned["leavers"].tolist() == [1, 1]
    assert attrition_by_group(frame, "workload", bins=[0, 1, 2])["share_left"].tolist() == [0.5, 0.5]


def test_snapshot_life_table_by_hand():
    frame = pd.DataFrame({"tenure_weeks": np.array([0, 0, 0.5, 1, 1, 2.2]) * WEEKS_PER_YEAR,
                          "left": [True, False, False, True, True, False]})
    table = snapshot_life_table(frame)
    assert table["n"].tolist() == [3, 2, 1] and table["leavers"].tolist() == [1, 2, 0]
    np.testing.assert_allclose(table["retention_end"], [2 / 3, 0, 0])
    assert table["end_month"].tolist() == pytest.approx([12, 24, 36])


SPELLS = pd.DataFrame({
    "hire_week": [-100, 1, 5, 10, 20, 30],
    "exit_week": pd.array([40, 30, None, 60, 70, None], dtype="Int64"),
    "exit_reason": ["voluntary", "voluntary", None, "involuntary", "voluntary", None],
    "tenure_weeks": [140.0, 29.0, 96.0, 50.0, 50.0, 71.0],
    "team_id": [0, 1, 1, 2, 2, 0],
})


def test_spells_to_survival_frame():
    frame = spells_to_survival_frame(SPELLS)
    assert frame["hire_week"].tolist() == [1, 5, 10, 20, 30]  # hired before the run: left out
    assert frame["left"].tolist() == [True, False, False, True, False]  # involuntary exit censored
    assert frame["voluntary"].tolist() == [True, pd.NA, False, True, pd.NA]  # NA while employed
    assert frame["team"].tolist() == [1, 1, 2, 2, 0]
    all_exits = spells_to_survival_frame(SPELLS, hired_during_run=False, voluntary_only=False)
    assert all_exits["left"].tolist() == [True, True, False, True, True, False]


def test_spells_snapshot_frame_sees_the_last_year():
    frame = spells_snapshot_frame(SPELLS, window_weeks=52, end_week=100)  # window: weeks 49-100
    assert frame["hire_week"].tolist() == [5, 10, 20, 30]  # exits at weeks 30 and 40 are before it
    assert frame["left"].tolist() == [False, False, True, False]


def test_simulated_cohort_retention_from_a_model_run():
    model = OrgModel(load_config(None, ["org.headcount=100"]), rng=3, burn_in_weeks=26)
    model.run(104)
    spells = model.tables()["spells"]
    frame = spells_to_survival_frame(spells)
    assert (frame["hire_week"] >= 1).all() and len(frame) == (spells["hire_week"] >= 1).sum()
    quits = (spells["hire_week"] >= 1) & (spells["exit_reason"] == "voluntary")
    assert frame["left"].sum() == quits.sum() > 0
    table = km_retention(frame, months=[3, 12])
    assert 0 < table["retention"].iloc[1] <= table["retention"].iloc[0] < 1
    assert hazard_by_band(frame)["events"].sum() == quits.sum()


# ---- the shared datasets -------------------------------------------------------------------------
@needs_shared
def test_ibm_targets():
    frame = read_employee_records(SHARED / "ibm_hr_attrition.csv").survival_frame()
    assert annual_voluntary_attrition(frame).rate == pytest.approx(237 / 1470)
    overtime = attrition_by_group(frame, "overtime").set_index("overtime")["share_left"]
    assert overtime[True] == pytest.approx(0.305, abs=5e-4) and overtime[False] == pytest.approx(0.104, abs=5e-4)
    life = snapshot_life_table(frame)
    assert life["exit_share"].iloc[0] == pytest.approx(0.364, abs=5e-4)
    assert life["retention_end"].iloc[1] == pytest.approx((1 - 16 / 44) * (1 - 59 / 171))
    bands = hazard_by_band(frame)
    assert bands["events"].sum() == 237 and bands["entered"].iloc[0] == 1470


@needs_shared
def test_hr_dataset_v14_targets():
    records = read_employee_records(SHARED / "hr_dataset_v14.csv")
    frame = records.survival_frame()
    assert frame["left"].sum() == 88  # terminations for cause censored
    km = km_retention(frame, months=[12, 24])
    assert 0.9 < km["retention"].iloc[1] < km["retention"].iloc[0] < 1
    bands = hazard_by_band(frame)
    assert bands["events"].sum() == 88
    assert bands["person_years"].sum() == pytest.approx(frame["tenure_weeks"].sum() / WEEKS_PER_YEAR)
    last_year = annual_voluntary_attrition(frame)
    assert last_year.method == "window" and 0.02 < last_year.rate < 0.1
    assert attrition_by_year(frame)["leavers"].sum() == 88


# ---- exsim.survival: spells with left truncation, censoring and promotions --------------------
def spells_table(rows) -> pd.DataFrame:
    """Spells as the recorder writes them, from (employee_id, seat, team_id, role, hire, exit, reason, tenure)."""
    frame = pd.DataFrame(rows, columns=["employee_id", "seat", "team_id", "role", "hire_week", "exit_week",
                                        "exit_reason", "tenure_weeks"])
    frame["exit_week"] = frame["exit_week"].astype("Int64")
    return frame.assign(scenario="s", replicate=0)


# a run of weeks 1-10: A hired before week 1 (5.5 weeks in post at week 1) quits in week 4; B hired
# in week 2 quits in week 7; C (hire week -2, 3 weeks at week 1) is promoted in week 5 into seat 9
# (C's team) and stays; D, hired in week 3, is still employed at the end
HAND = spells_table([
    (1, 1, 9, "employee", -5, 4, "voluntary", 8.5),
    (2, 2, 9, "employee", 2, 7, "voluntary", 5.0),
    (3, 3, 9, "employee", -2, 5, "promoted", 7.0),
    (4, 9, -1, "manager", -2, None, None, 13.0),
    (5, 4, 9, "employee", 3, None, None, 8.0),
])


def test_spells_frame_entry_by_hand():
    from exsim import survival

    frame = survival.spells_frame(HAND)
    assert frame["tenure_at_start"].tolist() == [5.5, 0.0, 3.0, 7.0, 0.0]
    assert frame["start_week"].tolist() == [1, 2, 1, 5, 3]
    assert frame["left"].tolist() == [True, True, False, False, False]  # a promotion is not an exit
    assert frame["promoted_from"].tolist()[3] == 3 and frame["promoted_from"].isna().sum() == 4
    assert frame["key"].tolist() == ["s/0/1", "s/0/2", "s/0/3", "s/0/4", "s/0/5"]
    assert survival.last_week(HAND) == 10


def test_km_with_entry_by_hand():
    from exsim import survival

    # at risk (entry < t <= tenure): t=5 (B): B, C (3..7), D; A entered at 5.5. t=8.5 (A): A, D (0..8), E (7..13)
    curve = survival.km(HAND)
    assert curve["time"].tolist() == [5.0, 8.5]
    assert curve["at_risk"].tolist() == [3, 2]
    np.testing.assert_allclose(curve["survival"], [2 / 3, 2 / 3 * 1 / 2])
    assert survival.km(HAND, exits="any")["events"].sum() == 2


def test_km_matches_lifelines_on_a_run_with_entry_times():
    lifelines = pytest.importorskip("lifelines")
    from exsim import survival

    config = load_config(None, ["org.headcount=150", "sim.burn_in_weeks=60"])
    spells = []
    for replicate, seed in enumerate((3, 4)):
        model = OrgModel(config, rng=seed)
        model.run(104)
        spells.append(model.tables()["spells"].assign(scenario="x", replicate=replicate))
    spells = pd.concat(spells, ignore_index=True)
    frame = survival.spells_frame(spells)
    assert frame["key"].is_unique and (frame["tenure_at_start"] > 0).mean() > 0.5  # most started before week 1
    ours = survival.km(spells)
    # lifelines counts a spell as at risk at its entry tenure too; exsim only after it (entry < t), so a promoted
    # person's two spells are not both at risk at the promotion's tenure. The same risk sets for lifelines: entries
    # a hair later, a spell observed for no time left out, unless it ends in an exit (then at risk at that tenure)
    entry, duration = frame["tenure_at_start"].to_numpy(), frame["tenure_weeks"].to_numpy()
    left = frame["left"].to_numpy()
    keep = (entry < duration) | left
    entry = np.where(entry == 0, 0.0, np.where(entry >= duration, duration - 1e-9, entry + 1e-9))
    fitted = lifelines.KaplanMeierFitter().fit(duration[keep], left[keep], entry=entry[keep])
    estimate = fitted.survival_function_["KM_estimate"]
    theirs = estimate.groupby(level=0).last().reindex(ours["time"]).to_numpy()  # lifelines' value at each exit tenure
    np.testing.assert_allclose(ours["survival"].to_numpy(), theirs, rtol=1e-10)
    naive = kaplan_meier(frame["tenure_weeks"], frame["left"])
    year = WEEKS_PER_YEAR
    assert np.interp(year, naive["time"], naive["survival"]) > survival.retention(spells, months=[12])["retention"].iloc[0]


def test_survival_helpers_check_their_input():
    from exsim import survival

    with pytest.raises(ValueError, match="lacks column"):
        survival.km(pd.DataFrame({"tenure_weeks": [1.0]}))
    with pytest.raises(ValueError, match="'promoted' is a move"):
        survival.km(HAND, exits="promoted")
    by_role = survival.retention(HAND, months=[0, 1], by="role")
    assert by_role["role"].unique().tolist() == ["employee", "manager"]
