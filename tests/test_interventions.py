"""Interventions scheduled in time: ramps, ends, costs, and clear errors."""

import pytest

from exsim import OrgModel, load_config
from exsim.config import ConfigError
from exsim.interventions import Schedule, weight


def scenario(tmp_path, body: str):
    path = tmp_path / "s.toml"
    path.write_text(body)
    return load_config(path, ["org.headcount=150", "policy.development_conversations_per_year=0"])


def test_ramp_and_end(tmp_path):
    config = scenario(tmp_path, '[[interventions]]\nname = "fair pay"\nset = { "policy.pay_fairness" = 1.0 }\n'
                                "start_week = 10\nramp_weeks = 4\nend_week = 30\n")
    item = config.interventions[0]
    assert [weight(item, w) for w in (9, 10, 11, 13, 29, 30)] == [0, 0.25, 0.5, 1.0, 1.0, 0]
    schedule = Schedule(config)
    base = config.policy.pay_fairness
    assert schedule.config_at(9).policy.pay_fairness == base
    assert schedule.config_at(11).policy.pay_fairness == pytest.approx(base + 0.5 * (1.0 - base))
    assert schedule.config_at(20).policy.pay_fairness == 1.0
    assert schedule.config_at(30).policy.pay_fairness == base


def test_programme_changes_the_run_from_its_start_and_costs_are_booked(tmp_path):
    config = scenario(tmp_path, '[[interventions]]\nname = "train"\nprogramme = "manager_training"\n'
                                "start_week = 20\ncost_eur = 10000\ncost_eur_per_year = 5200\n")
    model = OrgModel(config, rng=3, burn_in_weeks=20)
    model.run(40)
    ts = model.tables()["timeseries"]
    assert (ts.loc[ts.week < 20, "trained_manager_share"] == 0).all()
    assert ts.loc[ts.week >= 20, "trained_manager_share"].min() > 0.9
    start = ts.loc[ts.week == 20, "cost_programmes"].iloc[0]
    later = ts.loc[ts.week == 25, "cost_programmes"].iloc[0]
    before = ts.loc[ts.week == 19, "cost_programmes"].iloc[0]
    assert start >= before + 10000 + 100  # one-off cost plus training the managers
    assert later == pytest.approx(before + 100, abs=1e-6)  # running cost only


@pytest.mark.parametrize("body, message", [
    ('[[interventions]]\nprogramme = "magic"\n', "unknown programme 'magic'"),
    ('[[interventions]]\nname = "x"\n', "say what changes"),
    ('[[interventions]]\nset = { "policy.perks" = 1 }\n', "unknown key 'policy.perks'"),
    ('[[interventions]]\nset = { "org.headcount" = 100 }\n', "cannot change in a running model"),
    ('[[interventions]]\nset = { "work.workload" = 9 }\n', "work.workload = 9 is out of range"),
    ('[[interventions]]\nprogramme = "perks"\nstart_week = 10\nend_week = 5\n', "must come after start_week"),
    ('[[interventions]]\nprogramme = "perks"\nstart_wek = 10\n', "did you mean 'start_week'"),
])
def test_bad_interventions_name_the_item_and_the_fix(tmp_path, body, message):
    with pytest.raises(ConfigError) as err:
        scenario(tmp_path, body)
    assert message in str(err.value) and "interventions" in str(err.value)
