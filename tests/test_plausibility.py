"""Each cause counted once, and plausible responses at the levers' extremes (issue 10)."""

from __future__ import annotations

import numpy as np
import pytest

from exsim.config import load_config
from exsim.mechanisms.attrition import quit_hazard
from exsim.mechanisms.common import saturating_multiplier
from exsim.mechanisms.engagement import engagement_target
from exsim.mechanisms.finance import running_costs
from exsim.validation.checks import largest_slope_change
from tests.conftest import mean_kpis, run_small


@pytest.fixture(scope="module")
def model():
    return run_small(weeks=4)


def test_demands_do_not_enter_engagement(model):
    """Strain, burnout and workload act on exit and absence only: engagement is the resources' path."""
    staff, config = model.staff, model.current
    before = engagement_target(staff, config).copy()
    saved = {name: getattr(staff, name).copy() for name in ("strain", "burnout", "workload")}
    staff.strain[:], staff.burnout[:], staff.workload[:] = 0.95, 0.9, 1.6
    try:
        assert np.array_equal(engagement_target(staff, config), before)
    finally:
        for name, values in saved.items():
            getattr(staff, name)[:] = values


def test_workload_reaches_the_quit_hazard_only_through_strain(model):
    staff, config = model.staff, model.current
    before = quit_hazard(staff, config).copy()
    saved = staff.workload.copy()
    staff.workload[:] = 1.6
    try:
        assert np.array_equal(quit_hazard(staff, config), before)
    finally:
        staff.workload[:] = saved
    no_strain = load_config(None, ["org.headcount=200", "attrition.strain_effect=0"])
    saved = staff.strain.copy()
    staff.strain[:] = 0.9
    try:
        assert np.allclose(quit_hazard(staff, no_strain), _with_strain(staff, no_strain, saved))
        assert (quit_hazard(staff, config) >= before).all()
    finally:
        staff.strain[:] = saved


def _with_strain(staff, config, strain):
    saved = staff.strain.copy()
    staff.strain[:] = strain
    try:
        return quit_hazard(staff, config)
    finally:
        staff.strain[:] = saved


def test_saturating_multiplier_is_smooth_monotone_and_bounded():
    x = np.linspace(-6, 6, 1201)
    m = saturating_multiplier(x, 3.0)
    assert np.all(np.diff(m) > 0)
    assert m.max() < 3.0 and m.min() > 1 / 3.0
    assert saturating_multiplier(np.array([1e6]), 3.0)[0] == pytest.approx(3.0)
    assert saturating_multiplier(np.array([0.0]), 3.0)[0] == pytest.approx(1.0)
    slope = np.diff(np.log(m)) / np.diff(x)
    assert slope[len(slope) // 2] == pytest.approx(1.0, abs=1e-3)  # exp(x) near 0
    assert np.all(np.abs(np.diff(slope)) < 1e-2)  # no kink anywhere


@pytest.mark.parametrize("lever", ["org.span_of_control=50", "work.workload=1.5", "culture.trust=0.1"])
def test_extremes_stay_plausible(lever):
    kpis = mean_kpis([lever], seeds=range(2), weeks=156, headcount=300)
    assert kpis["voluntary_attrition_rate"] <= 0.45
    assert kpis["absence_rate"] <= 0.12
    assert kpis["enps"] >= -70


def test_slope_change_finds_a_hinge_and_passes_a_smooth_curve():
    x = np.linspace(0.7, 1.5, 9)
    smooth = 0.05 + 0.2 * (x - 0.7) ** 1.3
    hinge = 0.10 + 0.03 * (x - 0.7) + 0.3 * np.maximum(x - 1.0, 0)
    assert largest_slope_change(x, smooth) < 2.0
    assert largest_slope_change(x, hinge) > 2.0
    assert largest_slope_change(x, smooth[::-1]) == float("inf")


def test_slope_change_treats_replicate_noise_as_flat():
    """Steps within two standard errors of the paired replicate steps count as noise, not as a kink."""
    rng = np.random.default_rng(3)
    x = np.log([3, 5, 8, 12, 20, 30, 50])
    trend = 0.12 + 0.03 * (x - x[0])
    noisy = trend + rng.normal(0, 0.02, (8, len(x)))
    assert largest_slope_change(x, noisy) < largest_slope_change(x, noisy.mean(axis=0))


@pytest.mark.parametrize("lever, line, factor", [
    ("policy.pay_level=1.1", "cost_salaries", 1.1),  # also prices managers' hours 10% higher
    ("managers.hours_for_people=10", "cost_manager_time", None),
    ("policy.perks_eur_per_employee=1000", "cost_perks", None),
    ("policy.development_conversations_per_year=4", "cost_programmes", None),
    ("work.workload=0.8", "cost_salaries", None),
])
def test_every_lever_has_its_cost_line(model, lever, line, factor):
    """A pay rise, more manager time for people, perks, conversations and extra staff all cost money."""
    staff, is_manager = model.staff, model.org.is_manager
    base_config = model.current
    changed = load_config(None, ["org.headcount=200", lever])
    base = running_costs(staff, is_manager, base_config)
    more = running_costs(staff, is_manager, changed)
    assert more[line] > base[line] + 1.0
    if factor is not None:
        assert more[line] == pytest.approx(base[line] * factor, rel=1e-9)
    moved = {line, "cost_manager_time"} if "pay_level" in lever else {line}
    assert all(more[k] == pytest.approx(base[k]) for k in base if k not in moved)


def test_manager_time_costs_only_the_hours_beyond_the_job_so_fewer_managers_save_once(model):
    """Two more hours a week for people cost 2 hours of each manager's salary; the default hours cost
    nothing extra (they are in the salary), so a wider span saves manager salaries once, not twice."""
    staff, is_manager = model.staff, model.org.is_manager
    base = running_costs(staff, is_manager, model.current)
    assert base["cost_manager_time"] == 0.0
    costs = model.current.costs
    managers = float((staff.occupied & is_manager).sum())
    more = running_costs(staff, is_manager, load_config(None, ["org.headcount=200", "managers.hours_for_people=10"]))
    assert more["cost_manager_time"] == pytest.approx(managers * 2 * costs.salary_manager_eur / costs.working_hours_per_year)
    fewer = running_costs(staff, is_manager, load_config(None, ["org.headcount=200", "managers.hours_for_people=6"]))
    assert fewer["cost_manager_time"] == pytest.approx(-more["cost_manager_time"])
