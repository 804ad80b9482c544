"""The SolaraViz page: `solara run exsim.dashboard.app` (or `exsim dashboard`)."""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from exsim.dashboard.model import SLIDERS, DashboardModel, lesson_values
from exsim.dashboard.views import MainView, lesson


def model_params(values: dict[str, float]) -> dict:
    """SolaraViz inputs: one slider per lever, starting at the chosen lesson's values."""
    params = {"lesson": lesson.value}
    for name, (_key, label, low, high, step) in SLIDERS.items():
        kind = "SliderInt" if isinstance(step, int) and isinstance(low, int) else "SliderFloat"
        params[name] = {"type": kind, "value": values[name], "label": label, "min": low, "max": high, "step": step}
    return params


@solara.component
def Dashboard(chosen: str):
    """SolaraViz's controls and sliders in the sidebar; our views in the main area (one shared model)."""
    values = lesson_values(chosen)
    model = solara.use_reactive(solara.use_memo(lambda: DashboardModel(lesson=chosen, **values), []))
    SolaraViz(model, components=[], model_params=model_params(values), name="exsim: employee experience",
              play_interval=150)
    MainView(model.value)


@solara.component
def Page():
    Dashboard(lesson.value).key(f"lesson-{lesson.value}")  # a new lesson remounts with its settings
