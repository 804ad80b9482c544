"""What-ifs start from the status quo's settled organisation; a settled organisation is computed once and reused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.config.settling import settling_config, settling_key
from exsim.runs.executors import RunSpec
from exsim.runs.replicates import group_by_settling, run_scenarios, simulate
from exsim.runs.settled import start_model

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["org.headcount=150", "sim.burn_in_weeks=40", "sim.years=1"]


def _config(name: str, extra: list[str] | None = None):
    return load_config(ROOT / "configs" / f"{name}.toml", [*SMALL, *(extra or [])])


def test_a_what_if_starts_from_the_status_quos_settled_organisation():
    base, training = _config("baseline"), _config("manager-training")
    status_quo = OrgModel(base, rng=9)
    what_if = start_model(training, 9, settle_under=base)
    for column in ("engagement", "burnout", "support", "trust_org", "tenure_weeks", "occupied"):
        np.testing.assert_array_equal(getattr(what_if.staff, column), getattr(status_quo.staff, column))
    assert what_if.config.managers.hours_for_people == 10  # the scenario's values from week 1
    own = OrgModel(training, rng=9)  # settled under its own values: already different at week 0
    assert not np.array_equal(own.staff.support, status_quo.staff.support)


def test_a_reused_settled_organisation_is_identical_to_settling_again():
    base, training = _config("baseline"), _config("manager-training")
    reused = start_model(training, 4, settle_under=base)  # the second start from this key reads the copy
    reused = start_model(training, 4, settle_under=base)
    again = OrgModel(settling_config(base, training), rng=4)
    again.continue_as(training)
    for model in (reused, again):
        model.run(30)
    pd.testing.assert_frame_equal(reused.tables()["timeseries"], again.tables()["timeseries"])


def test_the_status_quo_against_itself_is_its_own_run():
    base = _config("baseline")
    alone = simulate(base, 6).tables["timeseries"]
    compared = simulate(base, 6, settle_under=base).tables["timeseries"]
    pd.testing.assert_frame_equal(alone, compared)


def test_the_organisations_shape_is_the_scenarios_and_everything_else_the_status_quos():
    base = _config("baseline", ["work.workload=1.1"])
    wide = _config("wide-spans", ["training.share=0.5"])
    settling = settling_config(base, wide)
    assert settling.org == wide.org and settling.work.workload == 1.1 and settling.training.share == 0.0
    service = load_config(ROOT / "configs" / "service-organisation.toml", SMALL)
    from_plain = settling_config(base, service)  # departments the status quo lacks take its organisation-wide values
    assert from_plain.departments["customer_service"].org == service.departments["customer_service"].org
    assert from_plain.departments["customer_service"].work == {} and from_plain.work.workload == 1.1
    assert settling_key(settling_config(base, _config("perks")), 1) == settling_key(settling_config(base, base), 1)
    assert settling_key(settling, 1) != settling_key(settling_config(base, base), 1)


def test_runs_are_grouped_by_the_organisation_they_start_from():
    base = _config("baseline")
    scenarios = [base, _config("perks"), _config("manager-training"), _config("wide-spans")]
    specs = [RunSpec(c, seed, r, settle_under=base) for c in scenarios for r, seed in enumerate((11, 12))]
    groups = group_by_settling(specs)
    assert sorted(len(g.specs) for g in groups) == [1, 1, 3, 3]  # wide spans: another shape, settled apart
    assert all(len({s.seed for s in g.specs}) == 1 for g in groups)
    split = group_by_settling(specs, at_least=6)
    assert len(split) == 6 and sorted(s.key for g in split for s in g.specs) == sorted(s.key for s in specs)


def test_compared_scenarios_are_identical_with_one_or_two_workers():
    base, perks = _config("baseline", ["sim.replicates=2"]), _config("perks", ["sim.replicates=2"])
    one = run_scenarios([base, perks], settle_under=base, workers=1, show_progress=False)
    two = run_scenarios([base, perks], settle_under=base, workers=2, show_progress=False)
    for name in ("baseline", "perks"):
        for a, b in zip(one[name], two[name]):
            pd.testing.assert_frame_equal(a.tables["timeseries"], b.tables["timeseries"])


def test_continuing_after_recorded_weeks_is_refused():
    model = OrgModel(_config("baseline"), rng=1)
    model.run(1)
    with pytest.raises(ValueError, match="before week 1"):
        model.continue_as(_config("perks"))
