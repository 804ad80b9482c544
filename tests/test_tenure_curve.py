"""The tenure curve of the quit hazard: the F3 default, and the free shape calibration fits (issue 11)."""

import numpy as np
import pytest

from exsim.config import load_config
from exsim.config.schema import Attrition
from exsim.mechanisms.attrition import tenure_curve

WEEKS = np.arange(0, 1041, dtype=float)


def curve(*overrides):
    return tenure_curve(WEEKS, load_config(None, list(overrides)).attrition)


def test_default_is_the_f3_peak_alone():
    c = curve()
    att = load_config(None, []).attrition
    x = WEEKS / att.tenure_peak_weeks
    assert np.array_equal(c, 1.0 + att.early_peak_multiplier * x * np.exp(1.0 - x))
    assert c[0] == 1.0 and int(np.argmax(c)) == int(att.tenure_peak_weeks)


def test_a_quiet_start_a_late_peak_and_a_low_late_level():
    c = curve("attrition.start_multiplier=0.2", "attrition.tenure_peak_weeks=104", "attrition.late_multiplier=0.4",
              "attrition.late_decline_weeks=156")
    assert c[0] == pytest.approx(0.2)
    assert 60 < int(np.argmax(c)) < 130  # the peak stays near its time, pulled a little by the decline
    assert c[-1] == pytest.approx(0.4, abs=0.02)
    assert np.all(c > 0)


@pytest.mark.parametrize("start", [0.0, 0.5, 3.0])
def test_start_level_is_the_hazard_at_hire_and_fades(start):
    c = curve(f"attrition.start_multiplier={start}", "attrition.early_peak_multiplier=0")
    assert c[0] == pytest.approx(start)
    assert c[200] == pytest.approx(1.0, abs=1e-6)


def test_the_tenure_table_gives_the_curve_itself_at_every_whole_week():
    """quit_hazard looks the curve up by whole weeks of tenure: the same numbers as computing it, any shape."""
    from exsim.mechanisms.attrition import tenure_multiplier

    weeks = np.random.default_rng(5).integers(0, 5_000, 20_000).astype(np.float64)
    for shape in (Attrition(), Attrition(start_multiplier=0.3, late_multiplier=0.6, late_decline_weeks=300.0),
                  Attrition(tenure_peak_weeks=20.0, early_peak_multiplier=1.5)):
        np.testing.assert_array_equal(tenure_multiplier(weeks, shape), tenure_curve(weeks, shape))
