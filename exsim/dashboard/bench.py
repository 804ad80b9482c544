"""`python -m exsim.dashboard.bench [PEOPLE] [STEPS]`: seconds per week of stepping plus building the plots.

A week steps the lesson run and its paired baseline and builds every plot's ECharts option (the
browser draws them); the time the browser takes to draw is not included.
"""

from __future__ import annotations

import json
import sys
import time

from exsim.dashboard.charts import CHARTS, option, org_option
from exsim.dashboard.model import LessonRun, lesson_settings


def step_and_redraw_seconds(headcount: int = 400, steps: int = 10, lesson: str = "understaffing-spiral") -> float:
    """Mean seconds for one week: both runs stepped, every plot's option built and serialised."""
    run = LessonRun(lesson_settings(lesson, {"headcount": headcount}), lesson)
    start = time.perf_counter()
    for _ in range(steps):
        run.step()
        json.dumps([option(run, name) for name in CHARTS] + [org_option(run)])
    return (time.perf_counter() - start) / steps


if __name__ == "__main__":
    people, steps = (int(a) for a in (sys.argv[1:3] + ["400", "10"][len(sys.argv[1:3]):]))
    print(f"{people} people: {step_and_redraw_seconds(people, steps):.3f} s per week stepped and plots built")
