"""Dashboard views: the lesson card with the clock, the org chart, live KPIs, lesson against baseline."""

from __future__ import annotations

from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from exsim.config.timebase import WEEKS_PER_YEAR  # noqa: E402
from exsim.dashboard.model import BASELINE, DashboardModel, lesson_values  # noqa: E402
from exsim.lessons import list_lessons  # noqa: E402
from exsim.metrics.kpis import BY_NAME  # noqa: E402
from exsim.report.figures import tree_layout  # noqa: E402

KPIS = tuple(BY_NAME[name] for name in ("engagement", "enps", "voluntary_attrition_rate", "absence_rate", "csat",
                                         "headcount", "vacancies"))
COMPARE_WEEKS = 104

lesson = solara.reactive(BASELINE)


def lesson_titles() -> dict[str, str]:
    return {BASELINE: "Baseline (no lesson)", **{item.name: item.title for item in list_lessons()}}


@solara.component
def LessonCard(model: DashboardModel):
    """Week and year, the lesson picker and what to watch."""
    update_counter.get()
    titles = lesson_titles()
    by_title = {v: k for k, v in titles.items()}
    week = max(model.week, 0)
    with solara.Card():
        solara.Markdown(f"## Week {week} · year {week // WEEKS_PER_YEAR + 1}, week {week % WEEKS_PER_YEAR + 1} of the year")
        solara.Select(label="Lesson", value=titles[lesson.value], values=list(titles.values()),
                      on_value=lambda title: lesson.set(by_title[title]))
        if lesson.value == BASELINE:
            solara.Markdown("A typical 500-person office organisation, scaled to the size slider. "
                            "Pick a lesson to load its settings into the sliders, then press Step or ▶.")
        else:
            item = next(x for x in list_lessons() if x.name == lesson.value)
            solara.Markdown(f"**What to watch.** {item.watch}")


@solara.component
def NetworkView(model: DashboardModel):
    """The org chart: managers above their teams, coloured by engagement; absent and leaving people marked."""
    update_counter.get()
    fig = org_chart_figure(model)
    solara.FigureMatplotlib(fig, format="png", dpi=80)
    plt.close(fig)


def org_chart_figure(model: DashboardModel):
    org, staff = model.org, model.staff
    x, y = _layout(org.manager_of.tobytes(), org.level.tobytes(), len(org.manager_of))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    segments = np.stack([np.column_stack([x[1:], y[1:]]), np.column_stack([x[org.manager_of[1:]], y[org.manager_of[1:]]])], axis=1)
    ax.add_collection(LineCollection(segments, colors="0.85", linewidths=0.5, zorder=1))
    size = np.where(org.is_manager, 60, 22)
    occ = staff.occupied
    points = ax.scatter(x[occ], y[occ], c=staff.engagement[occ], cmap="RdYlGn", vmin=0.3, vmax=0.9, s=size[occ],
                        edgecolors=np.where(org.is_manager[occ], "k", "none"), linewidths=0.6, zorder=2)
    absent = occ & (staff.absent_days > 0)
    ax.scatter(x[absent], y[absent], marker="x", color="0.15", s=18, zorder=3, label="absent this week")
    ax.scatter(x[~occ], y[~occ], facecolors="none", edgecolors="0.4", s=size[~occ], zorder=2, label="vacant seat")
    left = model.left_this_week
    ax.scatter(x[left], y[left], facecolors="none", edgecolors="red", s=size[left] * 3, linewidths=1.5, zorder=4,
               label="just left")
    fig.colorbar(points, ax=ax, label="engagement", shrink=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("Organisation: managers (outlined) above their teams", fontsize=10)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.tight_layout()
    return fig


@lru_cache(maxsize=8)
def _layout(manager_of: bytes, level: bytes, n: int):
    return tree_layout(np.frombuffer(manager_of, dtype=np.int64), np.frombuffer(level, dtype=np.int64))


@solara.component
def KpiView(model: DashboardModel):
    """Live plots of the headline KPIs, week by week."""
    update_counter.get()
    fig = kpi_figure(model)
    solara.FigureMatplotlib(fig, format="png", dpi=80)
    plt.close(fig)


def kpi_figure(model: DashboardModel):
    """The headline KPIs so far, one small panel each, with at least a year on the time axis."""
    weeks = model.recorder.weeks
    fig, axes = plt.subplots(2, 4, figsize=(11, 4.2))
    for ax, kpi in zip(axes.ravel(), KPIS):
        ax.plot([w["week"] for w in weeks], [w[kpi.name] * kpi.scale for w in weeks], color="C0", marker=".", ms=3)
        ax.set_title(kpi.label, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        ax.set_xlim(0, max(WEEKS_PER_YEAR, len(weeks) + 1))  # at least a year on the axis, so the first weeks read well
        if not weeks:
            ax.set_yticks([])
        ax.set_xlabel("week", fontsize=7)
    axes[1, 3].axis("off")
    axes[1, 3].text(0, 0.5, f"week {max(model.week, 0)}\nlatest engagement "
                    f"{weeks[-1]['engagement']:.2f}" if weeks else "press Step or ▶", fontsize=10)
    fig.tight_layout()
    return fig


@lru_cache(maxsize=16)
def compare_runs(name: str, headcount: int) -> dict[str, list[dict]]:
    """Two years of the lesson and of the baseline on the same seed (computed once per lesson and size)."""
    runs = {}
    for label, which in ((BASELINE, BASELINE), (name, name)):
        values = {**lesson_values(which), "headcount": headcount}
        model = DashboardModel(lesson=which, **values)
        model.run(COMPARE_WEEKS)
        runs[label] = model.recorder.weeks
    return runs


@solara.component
def CompareView(model: DashboardModel):
    """The lesson against the baseline over two years, same seed and size."""
    if lesson.value == BASELINE:
        solara.Markdown("Pick a lesson to compare it with the baseline.")
        return
    solara.Markdown(f"### {lesson_titles()[lesson.value]} against the baseline: two years, same seed and size")
    runs = compare_runs(lesson.value, int(model.org.n_seats))
    fig, axes = plt.subplots(1, 4, figsize=(11, 2.8))
    for ax, kpi in zip(axes, KPIS[:4]):
        for i, (name, weeks) in enumerate(runs.items()):
            ax.plot([w["week"] for w in weeks], [w[kpi.name] * kpi.scale for w in weeks], color=f"C{i}", label=name)
        ax.set_title(kpi.label, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    solara.FigureMatplotlib(fig, format="png", dpi=80)
    plt.close(fig)


@solara.component
def MainView(model: DashboardModel):
    """Everything on one page, top to bottom: lesson and clock, org chart, KPIs, comparison."""
    with solara.Column(style={"padding-left": "430px", "padding-right": "16px"}):  # clear of the sidebar
        LessonCard(model)
        NetworkView(model)
        KpiView(model)
        CompareView(model)
