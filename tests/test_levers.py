"""Each lever moves its outcome the documented way (paired seeds, means over replicates)."""

import pytest

from tests.conftest import mean_kpis


@pytest.fixture(scope="module")
def base():
    return mean_kpis()


def test_wider_span_lowers_support_and_engagement_raises_attrition(base):
    wide = mean_kpis(["org.span_of_control=25"])
    assert wide["manager_support"] < base["manager_support"] - 0.1
    assert wide["engagement"] < base["engagement"] - 0.03
    assert wide["voluntary_attrition_rate"] > base["voluntary_attrition_rate"] * 1.3


def test_more_workload_raises_burnout_absence_and_attrition(base):
    heavy = mean_kpis(["work.workload=1.25"])
    assert heavy["burnout_share"] > base["burnout_share"] * 1.5
    assert heavy["absence_rate"] > base["absence_rate"] * 1.05
    assert heavy["voluntary_attrition_rate"] > base["voluntary_attrition_rate"] * 1.2


def test_lower_trust_lowers_engagement(base):
    low = mean_kpis(["culture.trust=0.2"])
    assert low["engagement"] < base["engagement"] - 0.02


def test_perks_raise_engagement_a_little(base):
    perks = mean_kpis(["policy.perks_eur_per_employee=1500"])
    lift = perks["engagement"] - base["engagement"]
    assert 0.002 < lift < 0.05


def test_perks_do_little_where_the_basics_fail():
    perks = "policy.perks_eur_per_employee=1500"
    good = mean_kpis([perks])["perk_effect"]
    poor = mean_kpis(["org.span_of_control=30", "work.workload=1.3", perks])["perk_effect"]
    assert good > 0.05
    assert poor < 0.25 * good
