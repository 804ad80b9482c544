"""The plots a person looks at first: KPIs over time, staffing, teams, departments and the org chart.

Every figure is a `matplotlib.figure.Figure` made without pyplot (importing this module never switches
a backend), drawn in the Okabe-Ito colour-blind-safe palette, with axes on meaningful bounds (0-1 scales
on 0..1, rates and counts from 0, whole people) and labels that carry their units. Lines are means over
replicates and bands hold 90% of replicates, like the report's tables; with fewer than 3 replicates no
band is drawn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from exsim.config import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.metrics.kpis import BY_NAME
from exsim.report.style import (BASELINE_COLOUR, ENGAGEMENT_CMAP, colour, draw_all, figure_legend, kpi_axis, new_figure,
                                save_figure)
from exsim.report.wording import has_interval, interval_note
from exsim.results.summary import has_departments, yearly_department_kpis

__all__ = ["write_figures", "save_figure", "kpi_figure", "staffing_figure", "teams_figure", "departments_figure",
           "network_figure", "org_chart", "org_layout", "scenario_colours"]

NETWORK_MAX_PEOPLE = 1000
KPI_PANELS = ("engagement", "voluntary_attrition_rate", "absence_rate", "csat")
DEPARTMENT_PANELS = ("manager_support", "engagement", "voluntary_attrition_rate", "absence_rate")
MIN_TEAM = 3  # teams smaller than this are left out of teams.png (a rate over one or two people is noise)
ENGAGEMENT_BINS = np.round(np.arange(0.0, 1.0001, 0.05), 2)


def write_figures(folder: Path, tables: dict[str, pd.DataFrame], config: ScenarioConfig,
                  workers: int | None = None) -> list[str]:
    """Write figures/*.png (and .svg beside each) from the run's tables; returns the PNG file names.

    The figures are drawn in up to `workers` processes at once (default: the cores; see draw_all).
    """
    figdir = Path(folder) / "figures"
    figdir.mkdir(exist_ok=True)
    own = tables["teams"][tables["teams"]["scenario"] == config.sim.name]
    marks = [(item.name, item.start_week, item.end_week) for item in config.interventions]
    jobs = [(kpi_figure, (tables["timeseries"], marks), figdir / "kpis.png"),
            (staffing_figure, (tables["timeseries"], marks), figdir / "staffing.png"),
            (teams_figure, (own,), figdir / "teams.png")]
    if has_departments(tables["departments"]):
        jobs.append((departments_figure, (tables["departments"], config.sim.name), figdir / "departments.png"))
    if tables["spells"]["seat"].max() < NETWORK_MAX_PEOPLE:
        jobs.append((network_figure, (tables["spells"], tables["org"], config.sim.name), figdir / "network.png"))
    return draw_all(jobs, workers)


def scenario_colours(names) -> dict[str, str]:
    """One colour per scenario: with several, the first (the baseline) in black and the rest from the palette."""
    names = list(dict.fromkeys(names))
    if len(names) == 1:
        return {names[0]: colour(0)}
    return {name: BASELINE_COLOUR if i == 0 else colour(i - 1) for i, name in enumerate(names)}


def _mark_interventions(ax, marks: list[tuple[str, int, int | None]]) -> None:
    """Shade each intervention's active weeks and label its start."""
    for i, (name, start, end) in enumerate(marks):
        ax.axvline(start / WEEKS_PER_YEAR, color="0.35", ls="--", lw=0.9)
        if end is not None:
            ax.axvspan(start / WEEKS_PER_YEAR, end / WEEKS_PER_YEAR, color="0.5", alpha=0.08, lw=0)
        ax.annotate(name, (start / WEEKS_PER_YEAR, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -10 - 9 * i),
                    textcoords="offset points", fontsize=7, color="0.3")


def _band(ax, timeseries: pd.DataFrame, column: str, scale: float) -> np.ndarray:
    """Mean over replicates per week and, from 3 replicates on, the band holding 90% of them; returns the values drawn."""
    drawn = []
    colours = scenario_colours(timeseries["scenario"])
    for scenario, frame in timeseries.groupby("scenario", sort=False):
        wide = frame.pivot(index="week", columns="replicate", values=column) * scale
        years = wide.index / WEEKS_PER_YEAR
        mean = wide.mean(axis=1)
        ax.plot(years, mean, color=colours[scenario], lw=1.8, label=scenario)
        drawn.append(mean.to_numpy())
        if has_interval(wide.shape[1]):
            low, high = wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1)
            ax.fill_between(years, low, high, color=colours[scenario], alpha=0.18, lw=0)
            drawn.append(high.to_numpy())
    return np.concatenate(drawn) if drawn else np.array([])


def _years_axis(ax, timeseries: pd.DataFrame, label: bool = True) -> None:
    if label:
        ax.set_xlabel("Years simulated")
    ax.set_xlim(0, timeseries["week"].max() / WEEKS_PER_YEAR)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def kpi_figure(timeseries: pd.DataFrame, marks: list | None = None):
    """Engagement, voluntary attrition, absence and csat over time: mean and 90% band over replicates."""
    fig, axes = new_figure(2, 2, figsize=(11, 7.4), sharex=True)
    for i, (ax, kpi) in enumerate(zip(axes.ravel(), (BY_NAME[name] for name in KPI_PANELS))):
        values = _band(ax, timeseries, kpi.name, kpi.scale)
        _mark_interventions(ax, marks or [])
        kpi_axis(ax, kpi, values)
        ax.set_title(kpi.label.split(" (")[0] + (" (trailing 52 weeks)" if kpi.rate_of else ""), fontsize=10)
        ax.grid(alpha=0.3)
        _years_axis(ax, timeseries, label=i >= 2)
    n = timeseries["replicate"].nunique()
    fig.suptitle(f"Headline KPIs week by week: {interval_note(n)}", fontsize=11)
    figure_legend(fig, axes)
    return fig


def staffing_figure(timeseries: pd.DataFrame, marks: list | None = None):
    """People in post against the seats, and open vacancies, from zero in whole people."""
    fig, axes = new_figure(1, 2, figsize=(11, 4.2), sharex=True)
    ts = timeseries.assign(seats=timeseries["headcount"] + timeseries["vacancies"])
    for ax, column in zip(axes, ("headcount", "vacancies")):
        values = _band(ax, ts, column, 1.0)
        if column == "headcount":
            seats = ts.groupby("week")["seats"].max()
            ax.plot(seats.index / WEEKS_PER_YEAR, seats, color="0.5", ls=":", lw=1.2, label="seats (posts to fill)")
            values = np.append(values, seats.to_numpy())
        _mark_interventions(ax, marks or [])
        kpi_axis(ax, column, values)
        ax.set_title(BY_NAME[column].label.split(" (")[0], fontsize=10)
        ax.grid(alpha=0.3)
        _years_axis(ax, timeseries)
    fig.suptitle(f"Staffing: {interval_note(timeseries['replicate'].nunique())}", fontsize=11)
    figure_legend(fig, axes)
    return fig


def engagement_groups(teams: pd.DataFrame) -> pd.DataFrame:
    """Team-years (at least MIN_TEAM people) grouped by engagement in bands of 0.05.

    Per band: team-years, people-years, quits, the pooled voluntary attrition (quits over people-years),
    frontline team-years and their mean customer satisfaction.
    """
    data = teams[teams["headcount"] >= MIN_TEAM].dropna(subset=["engagement"])
    band = pd.cut(data["engagement"], ENGAGEMENT_BINS, include_lowest=True)
    frontline = data["csat"].notna()
    grouped = data.groupby(band, observed=True)
    out = pd.DataFrame({
        "team_years": grouped.size(),
        "people_years": grouped["headcount"].sum(),
        "quits": grouped["quits"].sum(),
        "frontline_team_years": frontline.groupby(band, observed=True).sum(),
        "csat": data[frontline].groupby(band[frontline], observed=True)["csat"].mean(),
    })
    out["attrition"] = out["quits"] / out["people_years"]
    out["engagement"] = [interval.mid for interval in out.index]
    return out.reset_index(drop=True)


def teams_figure(teams: pd.DataFrame):
    """Team-years grouped by engagement: pooled voluntary attrition and mean customer satisfaction per group."""
    fig, axes = new_figure(1, 2, figsize=(11, 4.4))
    data = teams[teams["headcount"] >= MIN_TEAM]
    groups = engagement_groups(teams)
    panels = (("voluntary_attrition_rate", "attrition", "team_years", data),
              ("csat", "csat", "frontline_team_years", data[data["csat"].notna()]))
    for ax, (kpi_name, column, count, rows) in zip(axes, panels):
        kpi = BY_NAME[kpi_name]
        sub = groups[groups[count] > 0]
        y = sub[column] * kpi.scale
        sizes = 15 + 120 * sub[count] / max(sub[count].max(), 1)
        ax.plot(sub["engagement"], y, color=colour(0), lw=1, alpha=0.6)
        ax.scatter(sub["engagement"], y, s=sizes, color=colour(0), zorder=3)
        for x_, y_, n_ in zip(sub["engagement"], y, sub[count]):
            ax.annotate(f"{int(n_)}", (x_, y_), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=7,
                        color="0.35")
        kpi_axis(ax, kpi, y)
        kpi_axis(ax, "engagement", axis="x")
        ax.set_xlabel("Team engagement, in bands of 0.05 (0-1)")
        pairs = rows[["engagement", kpi_name]].dropna()
        corr = pairs["engagement"].corr(pairs[kpi_name]) if len(pairs) > 2 else float("nan")
        what = "pooled over the band's people-years" if column == "attrition" else "mean of the band's frontline teams"
        ax.set_title(f"{kpi.label.split(' (')[0]}, {what}\nteam-level r = {corr:.2f} over {len(pairs)} team-years",
                     fontsize=10)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Teams of {MIN_TEAM}+ people by engagement (label: team-years in the band; dot size grows with it)",
                 fontsize=11)
    return fig


def departments_figure(departments: pd.DataFrame, scenario: str):
    """The departments side by side, year by year: mean over replicates of four KPIs (the top seat left out)."""
    own = departments[(departments["scenario"] == scenario) & (departments["department"] != "executive")]
    order = list(own["department"].unique())  # as the scenario lists them
    means = yearly_department_kpis(own).groupby(["department", "year"]).mean(numeric_only=True).reset_index()
    fig, axes = new_figure(1, len(DEPARTMENT_PANELS), figsize=(13, 4.2), sharex=True)
    for ax, kpi in zip(axes, (BY_NAME[name] for name in DEPARTMENT_PANELS)):
        values = []
        for i, department in enumerate(order):
            rows = means[means["department"] == department]
            ax.plot(rows["year"], rows[kpi.name] * kpi.scale, marker="o", color=colour(i), label=department)
            values.append((rows[kpi.name] * kpi.scale).to_numpy())
        kpi_axis(ax, kpi, np.concatenate(values) if values else None)
        ax.set_title(kpi.label.split(" (")[0], fontsize=10)
        ax.set_xlabel("Year")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    n = departments["replicate"].nunique()
    fig.suptitle(f"Departments side by side, {scenario}: mean of {n} replicate{'s' if n != 1 else ''} per year",
                 fontsize=11)
    figure_legend(fig, axes, ncols=min(len(order), 6))
    return fig


# ---- the org chart ------------------------------------------------------------------------------
MEMBER_GAP = 1.0  # x units between members of a block
TEAM_GAP = 1.0  # x units between sibling teams or subtrees
NETWORK_SIZE = (14, 6.5)  # inches
NETWORK_AXES = (12.2, 5.0)  # inches the axes get inside it (colour bar, title and legend take the rest)


def org_layout(manager_of: np.ndarray, level: np.ndarray, is_manager: np.ndarray, row_height: float = 0.1):
    """Positions with each team's members as a block under its manager.

    Returns x, y per seat and, per team with members, (manager seat, x0, x1, y0, y1) of its block.
    Managers sit at y = -level, centred over their block and the subtrees of the managers reporting to them.
    """
    n = len(manager_of)
    members: list[list[int]] = [[] for _ in range(n)]
    bosses: list[list[int]] = [[] for _ in range(n)]
    for seat in range(1, n):
        (bosses if is_manager[seat] else members)[manager_of[seat]].append(seat)
    x, y = np.zeros(n), -level.astype(float)
    blocks = []

    def columns(k: int) -> int:
        return int(np.ceil(np.sqrt(k)))

    # post-order widths (iterative: org trees can be deep)
    width = np.zeros(n)
    order, stack = [], [0]
    while stack:
        seat = stack.pop()
        order.append(seat)
        stack.extend(bosses[seat])
    for seat in reversed(order):
        parts = ([columns(len(members[seat])) * MEMBER_GAP] if members[seat] else []) + [width[c] for c in bosses[seat]]
        width[seat] = max(sum(parts) + TEAM_GAP * (len(parts) - 1), 1.0)
    # pre-order placement
    left = {0: 0.0}
    for seat in order:
        cursor = left[seat]
        if members[seat]:
            cols = columns(len(members[seat]))
            for j, member in enumerate(members[seat]):
                x[member] = cursor + (j % cols) * MEMBER_GAP + MEMBER_GAP / 2
                y[member] = -(level[seat] + 1) - (j // cols) * row_height
            rows = int(np.ceil(len(members[seat]) / cols))
            blocks.append((seat, cursor, cursor + cols * MEMBER_GAP, -(level[seat] + 1) + row_height / 2,
                           -(level[seat] + 1) - (rows - 1) * row_height - row_height / 2))
            cursor += cols * MEMBER_GAP + TEAM_GAP
        for child in bosses[seat]:
            left[child] = cursor
            cursor += width[child] + TEAM_GAP
        x[seat] = left[seat] + width[seat] / 2
    return x, y, blocks


def network_figure(spells: pd.DataFrame, org: pd.DataFrame, scenario: str):
    """The org chart of replicate 0 at the end of the run: managers over their teams, everyone coloured by engagement.

    `org` is the run's org table (one row per scenario, replicate and seat: seat, manager_seat, level, is_manager).
    """
    chart = org_chart(org, scenario)
    manager_of = chart["manager_seat"].to_numpy()
    is_manager = chart["is_manager"].to_numpy(dtype=bool)
    level = chart["level"].to_numpy()
    n_seats = len(chart)
    final = spells[(spells["scenario"] == scenario) & (spells["replicate"] == 0)
                   & spells["exit_week"].isna()].set_index("seat")
    engagement = np.full(n_seats, np.nan)
    engagement[final.index.to_numpy()] = final["engagement"].to_numpy()
    # members are square tiles: one x unit wide and, in pixels, as tall as wide
    x, _, _ = org_layout(manager_of, level, is_manager)
    units = x.max() - x.min() + 2
    px_per_unit = NETWORK_AXES[0] / units
    px_per_level = NETWORK_AXES[1] / (level.max() + 1.0)
    x, y, blocks = org_layout(manager_of, level, is_manager, row_height=min(px_per_unit / px_per_level, 0.25))
    tile = (0.8 * px_per_unit * 72) ** 2  # marker area in points squared
    fig, ax = new_figure(figsize=NETWORK_SIZE)
    # reporting lines: manager to manager, and manager to the top of each team block
    above = [s for s in range(1, n_seats) if is_manager[s]]
    segments = [((x[s], y[s]), (x[manager_of[s]], y[manager_of[s]])) for s in above]
    segments += [(((x0 + x1) / 2, y0), (x[m], y[m])) for m, x0, x1, y0, _ in blocks]
    ax.add_collection(LineCollection(segments, colors="0.75", linewidths=0.6, zorder=1))
    boxes = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for _, x0, x1, y0, y1 in blocks]
    ax.add_collection(PolyCollection(boxes, facecolors="0.93", edgecolors="0.7", linewidths=0.4, zorder=0))
    held = ~np.isnan(engagement)
    style = dict(cmap=ENGAGEMENT_CMAP, vmin=0, vmax=1, zorder=2)
    people = held & ~is_manager
    points = ax.scatter(x[people], y[people], c=engagement[people], s=tile, marker="s", linewidths=0, **style)
    bosses = held & is_manager
    ax.scatter(x[bosses], y[bosses], c=engagement[bosses], s=70, marker="o", edgecolors="k", linewidths=0.6, **style)
    ax.scatter(x[~held], y[~held], s=np.where(is_manager[~held], 70, tile), marker="s", facecolors="white",
               edgecolors="0.25", linewidths=0.7, zorder=2)
    fig.colorbar(points, ax=ax, label="Engagement at the end of the run (0-1)", shrink=0.8, pad=0.01)
    levels = sorted(set(level[is_manager]) | {level.max()})
    ax.set_yticks([-v for v in levels], [f"level {v}" for v in levels])
    ax.set_xticks([])
    ax.set_xlim(x.min() - 1, x.max() + 1)
    ax.set_ylim(y.min() - 0.3, 0.4)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [Line2D([], [], ls="", marker="o", ms=8, mfc="0.6", mec="k", label="manager (colour: engagement)"),
               Line2D([], [], ls="", marker="s", ms=4, mfc="0.6", mec="none", label="team member (colour: engagement)"),
               Line2D([], [], ls="", marker="s", ms=5, mfc="white", mec="0.25", label="vacant seat"),
               Patch(facecolor="0.93", edgecolor="0.7", label="a team: its members under their manager")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    teams = len(blocks)
    vacant = int((~held).sum())
    ax.set_title(f"Organisation at the end of replicate 0: {n_seats} seats ({vacant} vacant), {int(is_manager.sum())} "
                 f"managers, {teams} teams with members", fontsize=10)
    return fig


def org_chart(org: pd.DataFrame, scenario: str, replicate: int = 0) -> pd.DataFrame:
    """One scenario's and replicate's rows of the org table, in seat order (row i is seat i)."""
    chart = org[(org["scenario"] == scenario) & (org["replicate"] == replicate)].sort_values("seat")
    if not len(chart) or not (chart["seat"].to_numpy() == np.arange(len(chart))).all():
        raise ValueError(f"the org table has no complete org chart for scenario {scenario!r}, replicate {replicate}")
    return chart.reset_index(drop=True)
