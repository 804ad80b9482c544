"""`python -m exsim.dashboard.bench [PEOPLE] [STEPS]`: seconds per step plus redraw (org chart and KPI plots)."""

from __future__ import annotations

import io
import sys
import time

import matplotlib.pyplot as plt

from exsim.dashboard.model import DashboardModel
from exsim.dashboard.views import kpi_figure, org_chart_figure


def step_and_redraw_seconds(headcount: int = 400, steps: int = 10) -> float:
    """Mean seconds for one model step plus rendering the org chart and the KPI plots to PNG."""
    model = DashboardModel(headcount=headcount)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
        for fig in (org_chart_figure(model), kpi_figure(model)):
            fig.savefig(io.BytesIO(), format="png", dpi=80)
            plt.close(fig)
    return (time.perf_counter() - start) / steps


if __name__ == "__main__":
    people, steps = (int(a) for a in (sys.argv[1:3] + ["400", "10"][len(sys.argv[1:3]):]))
    print(f"{people} people: {step_and_redraw_seconds(people, steps):.3f} s per step and redraw")
