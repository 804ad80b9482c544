"""The dashboard's plots: which quantities, their labels and units, fixed axes, and ECharts options.

Labels and units come from exsim.metrics.kpis where the quantity is a KPI; the dashboard's own
measures (newest hires, managers, costs per week) are described here. Colours are Okabe-Ito
(safe for the common colour-vision deficiencies); the baseline is a dashed grey line.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.dashboard.model import BASELINE, LEFT_MARK_WEEKS, NEW_HIRE_WEEKS, RECENT_WEEKS, LessonRun, lesson_of
from exsim.dashboard.i18n import CHARTS_NL, number, tr
from exsim.metrics.kpis import BY_NAME

LESSON_COLOUR = "#0072B2"  # Okabe-Ito blue
BASELINE_COLOUR = "#7f7f7f"
CHANGE_COLOUR = "#D55E00"  # Okabe-Ito vermillion
FONT = 15
# the change marker's label: above the plot, starting at the line and running right (clear of the y axis' labels)
MARK_LABEL = {"color": CHANGE_COLOUR, "fontSize": 14, "position": "end", "align": "left", "distance": 6}


@dataclass(frozen=True)
class Chart:
    """A plotted quantity: its label (unit included), scale for display and fixed axis range."""

    name: str
    label: str
    low: float
    high: float | None  # None: from the data (money, counts); else at least this (grows only if data exceed it)
    scale: float = 1.0
    percent: bool = False

    @property
    def places(self) -> int:
        """Decimals a value is shown with: 3 on 0-1 scales, else 1 (percentages, people, money, eNPS)."""
        return 3 if self.high is not None and self.high <= 1 and not self.percent else 1


def _kpi(name: str, low: float, high: float | None) -> Chart:
    kpi = BY_NAME[name]
    return Chart(name, kpi.label, low, high, kpi.scale, kpi.scale == 100.0)


CHARTS: dict[str, Chart] = {c.name: c for c in (
    _kpi("engagement", 0, 1),
    _kpi("manager_support", 0, 1),
    _kpi("trust_org", 0, 1),
    _kpi("trust_manager", 0, 1),
    _kpi("burnout_share", 0, 40),
    _kpi("absence_rate", 0, 12),
    _kpi("voluntary_attrition_rate", 0, 40),
    _kpi("enps", -100, 100),
    _kpi("csat", 0, 1),
    _kpi("quit_hazard", 0, 0.4),
    _kpi("vacancies", 0, 20),
    Chart("recent_quits", "Voluntary quits (people in the last 4 weeks)", 0, 12),
    Chart("early_quits", f"Quits in the first {NEW_HIRE_WEEKS} weeks of a job (people in the last {RECENT_WEEKS} weeks)",
          0, 12),
    Chart("new_hire_skill", f"Productivity of hires of the last {NEW_HIRE_WEEKS} weeks (0-1)", 0, 1),
    Chart("manager_strain", "Managers' strain (0-1)", 0, 1),
    Chart("strain", "Strain of the staff in post (0-1)", 0, 1),
    Chart("manager_quits", f"Managers who quit (people in the last {RECENT_WEEKS} weeks)", 0, 4),
    Chart("promoted_share", "Untrained promoted top performers (% of managers)", 0, 100, 100.0, True),
    Chart("cost_salaries", "Salaries (EUR thousand a week)", 0, None, 0.001),
    Chart("cost_other", "Costs besides salaries (EUR thousand a week)", 0, None, 0.001),
)}

# What the baseline page shows first; a lesson's file names its own (its [lesson] watch list).
BASELINE_WATCH = ("engagement", "manager_support", "voluntary_attrition_rate", "enps")
MORE = ("engagement", "manager_support", "trust_org", "trust_manager", "burnout_share", "absence_rate",
        "voluntary_attrition_rate", "enps", "csat", "vacancies", "cost_salaries", "cost_other")


def chart_label(name: str, lang: str = "en") -> str:
    """A plot's title with its unit, in `lang`."""
    return CHARTS_NL[name] if lang == "nl" else CHARTS[name].label


def watched(lesson: str) -> tuple[str, ...]:
    """The plots a lesson's text asks the class to watch (its file's [lesson] watch), shown first and large."""
    return BASELINE_WATCH if lesson == BASELINE else (lesson_of(lesson).watch or BASELINE_WATCH)


def more(lesson: str) -> tuple[str, ...]:
    """The other plots, below the watched ones."""
    return tuple(name for name in MORE if name not in watched(lesson))


def x_max(week: int) -> int:
    """At least a year on the time axis, then growing a quarter at a time."""
    return max(WEEKS_PER_YEAR, math.ceil((week + 1) / 13) * 13)


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 2, 4, 6, 8, 10):  # each divides into 4 round intervals
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def y_range(chart: Chart, values: list[float], headcount: int) -> tuple[float, float]:
    """Fixed axis: the chart's own range, widened (to a round number) only when the data leave it."""
    high = chart.high
    if chart.name == "vacancies":
        high = max(8, 4 * math.ceil(headcount * 0.1 / 4))
    data_max = max((v for v in values if v is not None), default=0.0)
    if high is None or data_max > high:
        high = _nice_ceiling(max(data_max * 1.1, high or 0.0))
    return chart.low, high


def toolbox(name: str, lang: str) -> dict:
    """ECharts' own export: the plot as a PNG file (twice the screen's resolution), drawn in the browser."""
    return {"right": 0, "top": 0, "itemSize": 18,
            "feature": {"saveAsImage": {"name": f"exsim-{name}", "pixelRatio": 2, "title": tr(lang, "save"),
                                        "backgroundColor": "#ffffff"}}}


def option(run: LessonRun, name: str, lang: str = "en") -> dict:
    """ECharts option: the run's line, the baseline's dashed, a marker at the change week."""
    chart = CHARTS[name]
    places = chart.places
    lesson = [[week, None if v is None else round(v, places)] for week, v in run.series(name, "lesson", chart.scale)]
    baseline = [[week, None if v is None else round(v, places)] for week, v in run.series(name, "baseline", chart.scale)]
    low, high = y_range(chart, [v for _, v in lesson + baseline], int(run.model.org.n_seats))
    marks = []
    if run.change_week is not None:
        marks.append({"xAxis": run.change_week, "label": {"formatter": tr(lang, "marker", week=run.change_week)}})
    unit = "%" if chart.percent else ""
    series = [
        {"name": tr(lang, "baseline"), "type": "line", "data": baseline, "showSymbol": False, "z": 1,
         "lineStyle": {"width": 2, "type": "dashed", "color": BASELINE_COLOUR}, "itemStyle": {"color": BASELINE_COLOUR}},
        {"name": tr(lang, "this_run"), "type": "line", "data": lesson, "showSymbol": False, "z": 2,
         "lineStyle": {"width": 3, "color": LESSON_COLOUR}, "itemStyle": {"color": LESSON_COLOUR},
         "markLine": {"symbol": "none", "silent": True, "animation": False, "data": marks,
                      "lineStyle": {"color": CHANGE_COLOUR, "width": 2, "type": "solid"},
                      "label": MARK_LABEL}},
    ]
    return {
        "animation": False,
        "grid": {"left": 58, "right": 22, "top": 34, "bottom": 46},
        "tooltip": {"trigger": "axis"},
        "toolbox": toolbox(name, lang),
        "xAxis": {"type": "value", "min": 0, "max": x_max(run.week), "interval": 13, "name": tr(lang, "axis_week"),
                  "nameLocation": "middle", "nameGap": 28, "nameTextStyle": {"fontSize": FONT},
                  "axisLabel": {"fontSize": FONT}},
        "yAxis": {"type": "value", "min": low, "max": high, "interval": (high - low) / 4,
                  "axisLabel": {"fontSize": FONT, "formatter": "{value}" + unit}},
        "series": series,
    }


# ---- the org chart ------------------------------------------------------------------------------
CIVIDIS = ["#00204C", "#31446B", "#666870", "#958F78", "#CBBA69", "#FFEA46"]  # engagement low -> high
ORG_ASPECT = 1.6  # width / height of the org chart's drawing area, as the page shows it
TEAM_FILL = "#e4e4e4"  # a team's block
DEPARTMENT_FILL = "#f5f5f5"  # everything under one of the top seat's managers


def team_rows(n: int) -> int:
    """A team's members stand in a block of this many rows under their manager."""
    return 3 if n <= 120 else 4


@dataclass(frozen=True)
class OrgLayout:
    """Where every seat stands, in slots (one member's place); the team blocks and departments as rectangles."""

    x: np.ndarray
    y: np.ndarray
    teams: tuple[tuple[int, float, float, float, float], ...]  # (manager seat, x0, x1, y0, y1) of its members' block
    departments: tuple[tuple[float, float, float, float], ...]  # (x0, x1, y0, y1)


@lru_cache(maxsize=8)
def team_layout(manager_of_bytes: bytes, n: int) -> OrgLayout:
    """Each manager above the block of their team's members; the top seat's managers' parts of the organisation
    (departments) laid out one beside the other and wrapped into rows so the whole fits the chart's shape."""
    manager_of = np.frombuffer(manager_of_bytes, dtype=np.int64)
    children: list[list[int]] = [[] for _ in range(n)]
    for seat in range(1, n):
        children[manager_of[seat]].append(seat)
    depth = np.zeros(n, dtype=int)
    for seat in range(1, n):  # seats are numbered top-down: a manager before its reports
        depth[seat] = depth[manager_of[seat]] + 1
    rows = team_rows(n)
    level = rows + 1.3  # slots from a manager down to its team's first row
    gap = 1.5  # slots between neighbouring teams
    x, y = np.zeros(n), np.zeros(n)
    teams: list[tuple[int, float, float, float, float]] = []

    def place(seat: int, left: float) -> float:
        """Lay out seat's subtree from x = left (y by depth); returns the width used."""
        leaders = [c for c in children[seat] if children[c]]
        members = [c for c in children[seat] if not children[c]]
        cursor = left
        for child in leaders:
            cursor += place(child, cursor) + gap
        if members:
            top = -(depth[seat] + 1) * level
            for i, child in enumerate(members):
                x[child], y[child] = cursor + i // rows, top - i % rows
            columns = -(-len(members) // rows)
            teams.append((seat, cursor - 0.5, cursor + columns - 0.5, top + 0.5, top - min(rows, len(members)) + 0.5))
            cursor += columns
        elif leaders:
            cursor -= gap
        else:
            cursor += 1.0
        x[seat], y[seat] = (left + cursor - 1) / 2, -depth[seat] * level
        return max(cursor - left, 1.0)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), int(depth.max()) * 4 + 100))
    heads = [c for c in children[0] if children[c]]
    subtree = {head: [head] for head in heads}
    for seat in range(1, n):  # top-down: each seat joins its manager's department
        if depth[seat] >= 2:
            head = seat
            while depth[head] > 1:
                head = manager_of[head]
            subtree[head].append(seat)
    boxes = []
    for head in heads:
        count = len(teams)
        width = place(head, 0.0)
        seats = np.array(subtree[head])
        bottom = min(float(y[seats].min()), min((t[4] for t in teams[count:]), default=0.0))
        boxes.append((head, seats, width, float(y[head]) - bottom + 1.0, count))
    boxes.sort(key=lambda box: (-box[3], -box[2]))  # tallest first: rows of like height pack best
    # the departments in rows, wrapped at the width that lets the whole be drawn largest in the chart's shape
    best = None
    for limit in sorted({b[2] for b in boxes} | {sum(b[2] + gap for b in boxes[:k]) - gap
                                                  for k in range(1, len(boxes) + 1)}):
        lines, line, used = [], [], 0.0
        for box in boxes:
            if line and used + gap + box[2] > limit + 1e-9:
                lines.append(line)
                line, used = [], 0.0
            used += (gap if line else 0.0) + box[2]
            line.append(box)
        if line:
            lines.append(line)
        width = max(sum(b[2] + gap for b in row) - gap for row in lines)
        height = sum(max(b[3] for b in row) + gap for row in lines) + level
        slot = min(ORG_ASPECT / width, 1.0 / height)  # a slot's size in the chart (height 1)
        if best is None or slot > best[0]:
            best = (slot, lines, width)
    _, lines, width = best if best else (0.0, [], 1.0)
    departments = []
    shifted_teams = list(teams)
    top = -level  # the top seat's row above
    for row in lines:
        cursor = 0.0
        for head, seats, box_width, box_height, count in row:
            dy = top - 0.0 + level * depth[head]  # the head's row at `top`
            x[seats] += cursor
            y[seats] += dy
            end = count + sum(1 for t in teams[count:] if t[0] in set(seats.tolist()))
            for k in range(count, end):
                seat, x0, x1, y0, y1 = teams[k]
                shifted_teams[k] = (seat, x0 + cursor, x1 + cursor, y0 + dy, y1 + dy)
            departments.append((cursor - 0.75, cursor + box_width - 0.25, top + 0.75, top - box_height + 0.5))
            cursor += box_width + gap
        top -= max(b[3] for b in row) + gap
    # the top seat, with its own team's members (those not leading a team) beside it
    x[0], y[0] = (width - 1) / 2, 0.0
    own = [c for c in children[0] if not children[c]]
    for i, child in enumerate(own):
        x[child], y[child] = x[0] + 2 + i // 2, -(i % 2) * 1.0
    if own:
        columns = -(-len(own) // 2)
        shifted_teams.append((0, x[0] + 1.5, x[0] + 1.5 + columns, 0.5, -min(2, len(own)) + 0.5))
    return OrgLayout(x, y, tuple(shifted_teams), tuple(departments))


def org_height(n: int) -> int:
    """The org chart's height in pixels: taller for larger organisations."""
    return int(min(600, 420 + 0.4 * n))


def org_option(run: LessonRun, lang: str = "en") -> dict:
    """ECharts option of the org chart: teams as shaded blocks under their managers, coloured by engagement
    (cividis); burnout, absence, vacancies and recent leavers marked."""
    model = run.model
    org, staff = model.org, model.staff
    layout = team_layout(org.manager_of.tobytes(), len(org.manager_of))
    x, y = layout.x, layout.y
    occ = staff.occupied

    def points(mask: np.ndarray, value: np.ndarray | None = None) -> list[list[float]]:
        seats = np.flatnonzero(mask)
        if value is None:
            return [[round(float(x[s]), 2), round(float(y[s]), 2)] for s in seats]
        return [[round(float(x[s]), 2), round(float(y[s]), 2), round(float(value[s]), 3)] for s in seats]

    manager_links = [{"coords": [[float(x[s]), float(y[s])], [float(x[org.manager_of[s]]), float(y[org.manager_of[s]])]]}
                     for s in range(1, len(x)) if org.is_manager[s] and org.manager_of[s] != 0]
    team_links = [{"coords": [[float(x[seat]), float(y[seat])], [(x0 + x1) / 2, y0]]}
                  for seat, x0, x1, y0, _ in layout.teams if seat != 0]
    areas = [[{"coord": [x0, y0], "itemStyle": {"color": DEPARTMENT_FILL, "borderColor": "#cccccc", "borderWidth": 1}},
              {"coord": [x1, y1]}] for x0, x1, y0, y1 in layout.departments]
    areas += [[{"coord": [x0, y0], "itemStyle": {"color": TEAM_FILL}}, {"coord": [x1, y1]}]
              for _, x0, x1, y0, y1 in layout.teams]
    span_x = float(x.max() - x.min()) + 3
    span_y = float(y.max() - y.min()) + 3
    slot = min(680 / span_x, (org_height(len(x)) - 80) / span_y)  # a slot's pixels on a 1024 px wide screen
    small = float(np.clip(0.8 * slot, 5, 12))
    big = small + 4
    left = run.measures[id(model)].left_week > model.week - LEFT_MARK_WEEKS
    series = [
        {"name": "reporting line", "type": "lines", "coordinateSystem": "cartesian2d",
         "data": manager_links + team_links, "silent": True, "lineStyle": {"color": "#8a8a8a", "width": 1}, "z": 2},
        {"name": tr(lang, "org.employee"), "type": "scatter", "data": points(occ & ~org.is_manager, staff.engagement),
         "symbolSize": small, "z": 3},
        {"name": tr(lang, "org.manager"), "type": "scatter", "data": points(occ & org.is_manager, staff.engagement),
         "symbolSize": big, "itemStyle": {"borderColor": "#000", "borderWidth": 1.5}, "z": 4},
        {"name": tr(lang, "org.vacant"), "type": "scatter", "data": points(~occ), "symbol": "circle",
         "symbolSize": small + 1, "itemStyle": {"color": "#ffffff", "borderColor": "#555555", "borderWidth": 1.5}, "z": 4},
        {"name": tr(lang, "org.burnout"), "type": "scatter", "data": points(occ & (staff.burnout > 0.5)),
         "symbol": "circle", "symbolSize": big + 2,
         "itemStyle": {"color": "rgba(0,0,0,0)", "borderColor": CHANGE_COLOUR, "borderWidth": 2.5}, "z": 5},
        {"name": tr(lang, "org.absent"), "type": "scatter", "data": points(occ & (staff.absent_days > 0)),
         "symbol": "triangle", "symbolSize": max(5.0, small * 0.6), "itemStyle": {"color": "#000000"}, "z": 6},
        {"name": tr(lang, "org.left", weeks=LEFT_MARK_WEEKS), "type": "scatter", "data": points(left),
         "symbol": "rect", "symbolSize": big + 2,
         "itemStyle": {"color": "rgba(0,0,0,0)", "borderColor": "#CC79A7", "borderWidth": 2.5}, "z": 5},
    ]
    legend_names = [s["name"] for s in series[3:]]
    series.insert(0, {"name": "teams", "type": "scatter", "data": [], "silent": True, "z": 0,
                      "markArea": {"silent": True, "z": 0, "data": areas}})
    return {
        "animation": False,
        "toolbox": toolbox("organisation", lang),
        "grid": {"left": 6, "right": 6, "top": 34, "bottom": 44},
        "legend": {"data": legend_names, "top": 0, "left": 0, "right": 30, "textStyle": {"fontSize": FONT},
                   "itemGap": 14},
        "xAxis": {"type": "value", "show": False, "min": float(x.min()) - 1.5, "max": float(x.max()) + 1.5},
        "yAxis": {"type": "value", "show": False, "min": float(min(y.min(), min((t[4] for t in layout.teams),
                                                                            default=0))) - 1.0, "max": 1.0},
        "visualMap": {"type": "continuous", "min": 0.3, "max": 0.9, "dimension": 2, "seriesIndex": [2, 3],
                      "inRange": {"color": CIVIDIS}, "orient": "horizontal", "left": "center", "bottom": 0,
                      "itemWidth": 14, "itemHeight": 220, "calculable": False, "textStyle": {"fontSize": FONT},
                      "precision": 2, "text": [f"{tr(lang, 'org.engagement')} {number('0.9', lang)}",
                                               number("0.3", lang)]},
        "series": series,
    }


# ---- the side-by-side on paired seeds -----------------------------------------------------------
def _band_series(name: str, mean, low, high, colour: str, stack: str, dashed: bool = False,
                 places: int = 3) -> list[dict]:
    """A mean line over a shaded band from the lowest to the highest seed (two stacked areas: low, then high - low)."""
    r = lambda values: [None] + [None if v != v else round(float(v), places) for v in values]  # noqa: E731 (week 0)
    return [
        {"name": f"{name} low", "type": "line", "data": r(low), "stack": stack, "stackStrategy": "all", "symbol": "none",
         "lineStyle": {"opacity": 0}, "silent": True, "tooltip": {"show": False}, "z": 1},
        {"name": f"{name} range", "type": "line", "data": r(high - low), "stack": stack, "stackStrategy": "all",
         "symbol": "none", "lineStyle": {"opacity": 0}, "areaStyle": {"color": colour, "opacity": 0.22}, "silent": True,
         "tooltip": {"show": False}, "z": 1},
        {"name": name, "type": "line", "data": r(mean), "symbol": "none", "z": 3,
         "lineStyle": {"color": colour, "width": 3 if not dashed else 2, "type": "dashed" if dashed else "solid"},
         "itemStyle": {"color": colour}},
    ]


def _compare_frame(weeks: int, low: float, high: float, change_week: int | None, unit: str, name: str,
                   lang: str) -> dict:
    marks = [{"xAxis": str(change_week), "label": {"formatter": tr(lang, "marker", week=change_week)}}] \
        if change_week else []
    return {
        "animation": False,
        "grid": {"left": 58, "right": 22, "top": 36, "bottom": 46},
        "tooltip": {"trigger": "axis"},
        "toolbox": toolbox(name, lang),
        "xAxis": {"type": "category", "data": [str(w) for w in range(0, weeks + 1)], "boundaryGap": False,
                  "name": tr(lang, "axis_week"), "nameLocation": "middle", "nameGap": 28,
                  "nameTextStyle": {"fontSize": FONT},
                  "axisLabel": {"fontSize": FONT, "interval": 12}, "axisTick": {"interval": 12}},
        "yAxis": {"type": "value", "min": low, "max": high, "interval": (high - low) / 4,
                  "axisLabel": {"fontSize": FONT, "formatter": "{value}" + unit}},
        "markLine": marks,
    }


def compare_options(paired, name: str, lang: str = "en") -> tuple[dict, dict]:
    """Two ECharts options: both runs' means with their bands over the seeds, and the paired difference's."""
    chart = CHARTS[name]
    unit = "%" if chart.percent else ""
    run_mean, run_low, run_high = paired.band(name, "lesson")
    base_mean, base_low, base_high = paired.band(name, "baseline")
    weeks = len(run_mean)
    values = [float(v) for v in np.concatenate([run_high, base_high]) if v == v]
    low, high = y_range(chart, values, int(paired.settings["headcount"]))
    both = _compare_frame(weeks, low, high, paired.change_week, unit, f"{name}-seeds", lang)
    marker = {"symbol": "none", "silent": True, "animation": False, "data": both.pop("markLine"),
              "lineStyle": {"color": CHANGE_COLOUR, "width": 2, "type": "solid"},
              "label": MARK_LABEL}
    both["series"] = (_band_series(tr(lang, "baseline"), base_mean, base_low, base_high, BASELINE_COLOUR, "base", True,
                                   chart.places + 1)
                      + _band_series(tr(lang, "this_run"), run_mean, run_low, run_high, LESSON_COLOUR, "run", False,
                                     chart.places + 1))
    both["series"][-1]["markLine"] = marker
    diff_mean, diff_low, diff_high = paired.band(name, "difference")
    spread = max([abs(float(v)) for v in np.concatenate([diff_low, diff_high]) if v == v] or [0.0])
    bound = _nice_ceiling(spread * 1.1) if spread > 0 else (chart.high or 1.0) / 10
    difference = _compare_frame(weeks, -bound, bound, paired.change_week, unit, f"{name}-difference", lang)
    difference.pop("markLine")
    difference["series"] = _band_series(tr(lang, "difference"), diff_mean, diff_low, diff_high, LESSON_COLOUR, "diff",
                                        False, chart.places + 1)
    difference["series"][-1]["markLine"] = {**marker, "data": marker["data"] + [
        {"yAxis": 0, "label": {"show": False}, "lineStyle": {"color": "#333333", "width": 1, "type": "solid"}}]}
    return both, difference
