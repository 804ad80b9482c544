"""The plots a person looks at first: KPIs over time, staffing, teams, and the org network."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from exsim.config import ScenarioConfig  # noqa: E402
from exsim.config.timebase import WEEKS_PER_YEAR  # noqa: E402
from exsim.metrics.kpis import BY_NAME  # noqa: E402
from exsim.results.summary import has_departments, yearly_department_kpis  # noqa: E402

NETWORK_MAX_PEOPLE = 1000
KPI_PANELS = ("engagement", "voluntary_attrition_rate", "absence_rate", "csat")


def write_figures(folder: Path, tables: dict[str, pd.DataFrame], config: ScenarioConfig) -> list[str]:
    """Write figures/*.png into the run folder from its tables (timeseries, teams, spells, org); returns their file names."""
    figdir = Path(folder) / "figures"
    figdir.mkdir(exist_ok=True)
    own = tables["teams"][tables["teams"]["scenario"] == config.sim.name]
    marks = [(item.name, item.start_week, item.end_week) for item in config.interventions]
    names = [
        save_figure(kpi_figure(tables["timeseries"], marks), figdir / "kpis.png"),
        save_figure(staffing_figure(tables["timeseries"], marks), figdir / "staffing.png"),
        save_figure(teams_figure(own), figdir / "teams.png"),
    ]
    if has_departments(tables["departments"]):
        names.append(save_figure(departments_figure(tables["departments"], config.sim.name), figdir / "departments.png"))
    if tables["spells"]["seat"].max() < NETWORK_MAX_PEOPLE:
        names.append(save_figure(network_figure(tables["spells"], tables["org"], config.sim.name), figdir / "network.png"))
    return names


DEPARTMENT_PANELS = ("manager_support", "engagement", "voluntary_attrition_rate", "absence_rate")


def departments_figure(departments: pd.DataFrame, scenario: str):
    """The departments side by side, year by year: mean over replicates of four KPIs (the top seat left out)."""
    own = departments[(departments["scenario"] == scenario) & (departments["department"] != "executive")]
    order = list(own["department"].unique())  # as the scenario lists them
    means = yearly_department_kpis(own).groupby(["department", "year"]).mean(numeric_only=True).reset_index()
    fig, axes = plt.subplots(1, len(DEPARTMENT_PANELS), figsize=(13, 3.6), sharex=True)
    for ax, kpi in zip(axes, (BY_NAME[name] for name in DEPARTMENT_PANELS)):
        for i, department in enumerate(order):
            rows = means[means["department"] == department]
            ax.plot(rows["year"], rows[kpi.name] * kpi.scale, marker="o", color=f"C{i}", label=department)
        ax.set_title(kpi.label, fontsize=10)
        ax.set_xlabel("year")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, 1 if kpi.unit == "0-1" else None)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")
    n = departments["replicate"].nunique()
    fig.suptitle(f"Departments side by side, {scenario}: mean of {n} replicate{'s' if n > 1 else ''} per year",
                 fontsize=12)
    fig.tight_layout()
    return fig


def save_figure(fig, path: Path) -> str:
    """Save a figure as PNG (110 dpi, tight), close it, and return its file name."""
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path.name


def _mark_interventions(ax, marks: list[tuple[str, int, int | None]]) -> None:
    """Shade each intervention's active weeks and label its start."""
    for i, (name, start, end) in enumerate(marks):
        ax.axvline(start / WEEKS_PER_YEAR, color="0.35", ls="--", lw=0.9)
        if end is not None:
            ax.axvspan(start / WEEKS_PER_YEAR, end / WEEKS_PER_YEAR, color="0.5", alpha=0.08, lw=0)
        ax.annotate(name, (start / WEEKS_PER_YEAR, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -10 - 9 * i),
                    textcoords="offset points", fontsize=7, color="0.3")


def _band(ax, timeseries: pd.DataFrame, column: str, scale: float) -> None:
    for i, (scenario, frame) in enumerate(timeseries.groupby("scenario", sort=False)):
        wide = frame.pivot(index="week", columns="replicate", values=column) * scale
        years = wide.index / WEEKS_PER_YEAR
        colour = f"C{i}"
        ax.plot(years, wide.median(axis=1), color=colour, lw=1.8, label=scenario)
        if wide.shape[1] > 1:
            ax.fill_between(years, wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1),
                            color=colour, alpha=0.2, lw=0, label=f"{scenario}: 90% of replicates")


def kpi_figure(timeseries: pd.DataFrame, marks: list | None = None):
    """Engagement, voluntary attrition, absence and csat over time: median and 90% band over replicates."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for ax, kpi in zip(axes.ravel(), (BY_NAME[name] for name in KPI_PANELS)):
        _band(ax, timeseries, kpi.name, kpi.scale)
        _mark_interventions(ax, marks or [])
        ax.set_title(kpi.label + (", over the trailing 52 weeks" if kpi.rate_of else ""), fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("years simulated")
    axes[0, 0].legend(fontsize=8, loc="lower left")
    n = timeseries["replicate"].nunique()
    fig.suptitle(f"Headline KPIs, {n} replicate{'s' if n > 1 else ''} (line: median)", fontsize=12)
    fig.tight_layout()
    return fig


def staffing_figure(timeseries: pd.DataFrame, marks: list | None = None):
    """Headcount and open vacancies over time."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
    for ax, column, title in zip(axes, ("headcount", "vacancies"), ("Headcount (people in seats)", "Open vacancies (seats)")):
        _band(ax, timeseries, column, 1.0)
        _mark_interventions(ax, marks or [])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("years simulated")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def teams_figure(teams: pd.DataFrame):
    """Each team-year: engagement against voluntary attrition and against customer satisfaction."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    data = teams[teams["headcount"] >= 3]
    pairs = (("voluntary_attrition_rate", "voluntary attrition (% a year)", 100.0),
             ("csat", "customer satisfaction (frontline teams)", 1.0))
    for ax, (column, label, scale) in zip(axes, pairs):
        sub = data[["engagement", column]].dropna()
        ax.scatter(sub["engagement"], sub[column] * scale, s=10, alpha=0.45, color="C0")
        corr = sub["engagement"].corr(sub[column]) if len(sub) > 2 else float("nan")
        ax.set_title(f"Team engagement vs {label.split(' (')[0]}: r = {corr:.2f} (n = {len(sub)} team-years)", fontsize=10)
        ax.set_xlabel("team engagement (0-1)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def network_figure(spells: pd.DataFrame, org: pd.DataFrame, scenario: str):
    """The org chart of replicate 0 at the end of the run, people coloured by engagement.

    `org` is the run's org table (one row per scenario, replicate and seat: seat, manager_seat, level, is_manager).
    """
    chart = org_chart(org, scenario)
    manager_of = chart["manager_seat"].to_numpy()
    is_manager = chart["is_manager"].to_numpy(dtype=bool)
    n_seats = len(chart)
    final = spells[(spells["scenario"] == scenario) & (spells["replicate"] == 0)
                   & spells["exit_week"].isna()].set_index("seat")
    engagement = np.full(n_seats, np.nan)
    engagement[final.index.to_numpy()] = final["engagement"].to_numpy()
    x, y = tree_layout(manager_of, chart["level"].to_numpy())
    fig, ax = plt.subplots(figsize=(12, 5.5))
    reports = np.arange(1, n_seats)
    bosses = manager_of[reports]
    links = np.stack([np.column_stack([x[reports], y[reports]]), np.column_stack([x[bosses], y[bosses]])], axis=1)
    ax.add_collection(LineCollection(links, colors="0.8", linewidths=0.5, zorder=1))  # one artist for every reporting line
    filled = ~np.isnan(engagement)
    sizes = np.where(is_manager, 40, 14)
    points = ax.scatter(x[filled], y[filled], c=engagement[filled], cmap="RdYlGn", vmin=0.3, vmax=0.9,
                        s=sizes[filled], edgecolors=np.where(is_manager[filled], "k", "none"), linewidths=0.6, zorder=2)
    ax.scatter(x[~filled], y[~filled], facecolors="none", edgecolors="0.3", s=sizes[~filled], zorder=2, label="vacant seat")
    fig.colorbar(points, ax=ax, label="engagement at the end", shrink=0.8)
    ax.set_yticks(sorted(set(y)), [f"level {int(-v)}" for v in sorted(set(y))])
    ax.set_xticks([])
    ax.set_title("Organisation at the end of the run (replicate 0): managers outlined, above their teams", fontsize=10)
    if (~filled).any():
        ax.legend(loc="upper right", fontsize=8)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return fig


def org_chart(org: pd.DataFrame, scenario: str, replicate: int = 0) -> pd.DataFrame:
    """One scenario's and replicate's rows of the org table, in seat order (row i is seat i)."""
    chart = org[(org["scenario"] == scenario) & (org["replicate"] == replicate)].sort_values("seat")
    if not len(chart) or not (chart["seat"].to_numpy() == np.arange(len(chart))).all():
        raise ValueError(f"the org table has no complete org chart for scenario {scenario!r}, replicate {replicate}")
    return chart.reset_index(drop=True)


def tree_layout(manager_of: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x by depth-first order of the leaves, parents centred over their reports; y = -level."""
    n = len(manager_of)
    children: list[list[int]] = [[] for _ in range(n)]
    for seat in range(1, n):
        children[manager_of[seat]].append(seat)
    x = np.zeros(n)
    next_leaf = 0.0
    stack = [(0, False)]
    while stack:
        seat, done = stack.pop()
        if done:
            x[seat] = np.mean([x[c] for c in children[seat]])
        elif children[seat]:
            stack.append((seat, True))
            stack.extend((c, False) for c in reversed(children[seat]))
        else:
            x[seat] = next_leaf
            next_leaf += 1.0
    return x, -level.astype(float)
