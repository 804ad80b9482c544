"""The model behind the dashboard: OrgModel built from slider values (or a lesson's settings)."""

from __future__ import annotations

import numpy as np

from exsim.config import load_config, split_key
from exsim.lessons import BASELINE_FILE, load_lesson
from exsim.model import OrgModel

BURN_IN_WEEKS = 52  # short settling so that Reset is quick in a classroom
BASELINE = "baseline"
DASHBOARD_HEADCOUNT = 200  # people; a size a class can read on screen

# slider name -> (config key, label, min, max, step)
SLIDERS = {
    "headcount": ("org.headcount", "Organisation size (people)", 50, 400, 10),
    "span_of_control": ("org.span_of_control", "Span of control (reports per manager)", 3, 40, 1),
    "trust": ("culture.trust", "Trust climate (0-1)", 0.0, 1.0, 0.05),
    "workload": ("work.workload", "Workload (1.0 = fully staffed)", 0.8, 1.5, 0.05),
    "perks": ("policy.perks_eur_per_employee", "Perks (EUR per person per year)", 0, 3000, 100),
    "training": ("training.share", "Managers trained (share)", 0.0, 1.0, 0.1),
    "onboarding": ("policy.onboarding_quality", "Onboarding quality (0-1)", 0.0, 1.0, 0.05),
    "follow_up": ("listening.follow_up_rate", "Survey follow-up rate (4 surveys a year)", 0.0, 1.0, 0.1),
}


def config_file(lesson: str):
    return BASELINE_FILE if lesson == BASELINE else load_lesson(lesson).path


def lesson_values(lesson: str) -> dict[str, float]:
    """The slider values a lesson (or the baseline) sets, read from its config."""
    config = load_config(config_file(lesson))
    values = {}
    for name, (key, *_rest) in SLIDERS.items():
        section, field = split_key(key)
        values[name] = getattr(getattr(config, section), field)
    values["headcount"] = DASHBOARD_HEADCOUNT  # lessons keep the size the class is looking at
    return values


class DashboardModel(OrgModel):
    """OrgModel whose constructor takes the dashboard's slider values as keyword arguments."""

    def __init__(self, lesson: str = BASELINE, headcount: int = 200, span_of_control: float = 8, trust: float = 0.6,
                 workload: float = 1.0, perks: float = 0, training: float = 0.0, onboarding: float = 0.5,
                 follow_up: float = 0.5, seed: int = 42, rng=None, **_ignored):
        values = {"headcount": int(headcount), "span_of_control": span_of_control, "trust": trust, "workload": workload,
                  "perks": perks, "training": training, "onboarding": onboarding, "follow_up": follow_up}
        overrides = [f"{SLIDERS[name][0]}={value}" for name, value in values.items()]
        overrides += ["listening.surveys_per_year=4", f"sim.burn_in_weeks={BURN_IN_WEEKS}"]
        self.lesson = lesson
        super().__init__(load_config(config_file(lesson), overrides), rng=seed if rng is None else rng)
        self.left_this_week = np.zeros(self.org.n_seats, dtype=bool)

    def step(self) -> None:
        """One week; remembers whose holder left, for the org chart."""
        before = self.staff.agent_id.copy()
        super().step()
        self.left_this_week = (before >= 0) & (self.staff.agent_id != before)
