"""Figures read back: axis bounds, labels with units, one line per value of the other swept parameter,
the net-benefit line ending at the business case's total, and no backend switching on import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.ticker import PercentFormatter

from exsim.metrics.kpis import COST_LINES
from exsim.report.figures import kpi_figure, staffing_figure, teams_figure
from exsim.report.style import save_figure

WEEKS = 104


def timeseries(replicates=3, scenarios=("baseline",)):
    rng = np.random.default_rng(1)
    rows = []
    for s, name in enumerate(scenarios):
        for r in range(replicates):
            for w in range(1, WEEKS + 1):
                rows.append({"scenario": name, "replicate": r, "week": w, "year": (w - 1) // 52 + 1,
                             "engagement": 0.63 + 0.01 * rng.standard_normal() + 0.02 * s,
                             "voluntary_attrition_rate": 0.12 + 0.01 * rng.standard_normal(),
                             "absence_rate": 0.05 + 0.005 * rng.standard_normal(),
                             "csat": 0.76 + 0.01 * rng.standard_normal(),
                             "headcount": 480 + int(rng.integers(-5, 5)), "vacancies": 15 + int(rng.integers(-3, 3))})
    return pd.DataFrame(rows)


def test_kpi_figure_axes_start_from_meaningful_bounds(tmp_path):
    fig = kpi_figure(timeseries())
    engagement, attrition, absence, csat = fig.axes[:4]
    assert engagement.get_ylim() == (0, 1) and csat.get_ylim() == (0, 1)  # 0-1 scales on 0..1, not 0.62-0.66
    assert engagement.get_ylabel() == "Engagement (0-1)"
    for ax in (attrition, absence):
        assert ax.get_ylim()[0] == 0  # rates from 0%
        assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    assert attrition.get_ylabel() == "Voluntary attrition (% a year)"
    assert 12 < attrition.get_ylim()[1] <= 30  # room above the values, not a zoom
    assert absence.get_xlabel() == "Years simulated" and engagement.get_xlabel() == ""  # said once per column
    assert "mean of 3 replicates" in fig._suptitle.get_text() and "90% of replicates" in fig._suptitle.get_text()
    assert len(engagement.collections) == 1  # the band, drawn from 3 replicates on
    save_figure(fig, tmp_path / "kpis.png")
    assert (tmp_path / "kpis.png").exists() and (tmp_path / "kpis.svg").exists()


def test_no_band_and_the_reason_with_two_replicates():
    fig = kpi_figure(timeseries(replicates=2))
    assert all(len(ax.collections) == 0 for ax in fig.axes[:4])
    assert "no interval" in fig._suptitle.get_text()


def test_line_is_the_mean_over_replicates():
    ts = timeseries()
    fig = kpi_figure(ts)
    line = fig.axes[0].get_lines()[0]
    expected = ts.groupby("week")["engagement"].mean().to_numpy()
    np.testing.assert_allclose(line.get_ydata(), expected)


def test_staffing_counts_whole_people_from_zero():
    fig = staffing_figure(timeseries())
    headcount, vacancies = fig.axes[:2]
    assert headcount.get_ylim()[0] == 0 and vacancies.get_ylim()[0] == 0
    assert headcount.get_ylabel() == "Headcount (people)" and vacancies.get_ylabel() == "Open vacancies (seats)"
    ticks = headcount.get_yticks()
    assert np.allclose(ticks, np.round(ticks))  # no "477.5 people"
    assert any("seats" in line.get_label() for line in headcount.get_lines())


def test_teams_figure_pools_team_years_instead_of_a_band_at_zero():
    rng = np.random.default_rng(3)
    teams = pd.DataFrame({"engagement": rng.uniform(0.4, 0.8, 400), "headcount": rng.integers(2, 12, 400)})
    teams["quits"] = rng.poisson(teams["headcount"] * (0.3 - 0.3 * teams["engagement"]))
    teams["voluntary_attrition_rate"] = teams["quits"] / teams["headcount"]
    teams["csat"] = np.where(rng.random(400) < 0.7, 0.5 + 0.4 * teams["engagement"], np.nan)
    fig = teams_figure(teams)
    attrition, csat = fig.axes[:2]
    big = teams[teams["headcount"] >= 3]
    points = attrition.collections[0].get_offsets()
    assert len(points) <= 20  # bands of engagement, not 400 dots
    pooled = big["quits"].sum() / big["headcount"].sum()
    assert min(points[:, 1]) < 100 * pooled < max(points[:, 1])
    assert attrition.get_xlim() == (0, 1) and csat.get_ylim() == (0, 1) and attrition.get_ylim()[0] == 0


def test_sweep_draws_one_line_per_value_of_the_other_parameter():
    from exsim.analysis.sweep import response_figure

    rows = []
    for i, (w, span) in enumerate([(w, s) for s in (8, 16) for w in (0.8, 1.0, 1.2)]):
        value = 0.1 + 0.1 * (w - 0.8) + (0.1 if span == 16 else 0.0)
        rows.append({"point": i, "work.workload": w, "org.span_of_control": span, "outcome": "voluntary_attrition_rate",
                     "mean": value, "p05": value - 0.01, "p95": value + 0.01, "replicates": 3})
    summary = pd.DataFrame(rows)
    fig = response_figure(summary, "work.workload", "voluntary_attrition_rate", ["org.span_of_control"])
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 2  # span 8 and span 16, never their average
    at_one = sorted(float(line.get_ydata()[list(line.get_xdata()).index(1.0)]) for line in lines)
    assert at_one == pytest.approx([12.0, 22.0])
    assert ax.get_xlabel() == "Workload (demand / staffed capacity)"
    assert ax.get_ylabel() == "Voluntary attrition (% a year)" and ax.get_ylim()[0] == 0
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "Span of control (direct reports per manager)"
    assert [t.get_text() for t in legend.get_texts()] == ["8", "16"]


def test_net_benefit_line_ends_at_the_business_case_total():
    from exsim.analysis.business_case import business_case
    from exsim.analysis.compare import net_benefit_fan

    def money(saved):
        rows = []
        for r in range(3):
            for w in range(1, WEEKS + 1):
                row = {"replicate": r, "week": w, "year": (w - 1) // 52 + 1, "revenue": 0.0,
                       **{c: 0.0 for c in (*COST_LINES, "cost_salaries")}}
                row["cost_turnover"] = 1000.0 - saved * (r + 1)
                row["cost_programmes"] = 5000.0 if w == 1 else 0.0
                rows.append(row)
        return pd.DataFrame(rows)

    base, scen = money(0.0), money(100.0)
    base.loc[:, "cost_programmes"] = 0.0
    runs = {"base": {"timeseries": base}, "scen": {"timeseries": scen}}
    case = business_case(scen, base)
    fig = net_benefit_fan(runs, {"scen": case})
    line = fig.axes[0].get_lines()[0]
    total = case[(case.period == "total") & (case.metric == "net_benefit")]["mean"].iloc[0]
    assert line.get_ydata()[-1] * 1e6 == pytest.approx(total)  # the mean, as the table says
    assert "EUR million" in fig.axes[0].get_ylabel()


def test_importing_and_drawing_never_switches_the_backend():
    code = ("import matplotlib; matplotlib.use('svg'); "
            "import exsim.report.figures, exsim.analysis.sweep, exsim.analysis.compare, exsim.analysis.sensitivity, "
            "exsim.validation.figures; from exsim.report.style import new_figure; new_figure(); "
            "import sys; assert matplotlib.get_backend() == 'svg', matplotlib.get_backend(); "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_sensitivity_bars_put_the_lever_that_matters_most_on_top_inside_the_figure():
    from exsim.analysis.sensitivity import bar_figure

    indices = pd.DataFrame({"outcome": "engagement", "lever": ["work.workload", "org.span_of_control", "dummy"],
                            "mu_star": [0.05, 0.12, 0.0], "mu_star_conf": [0.01, 0.04, 0.0], "rank": [2, 1, 3]})
    fig = bar_figure(indices, "engagement", "morris")
    ax = fig.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels[0].startswith("Span of control") and labels[-1].startswith("dummy (not passed")
    assert ax.get_xlim()[0] == 0 and "Engagement (0-1)" in ax.get_xlabel()
    fig.canvas.draw()  # the title spans the figure, so the long lever names cannot push it off the edge
    title = fig.get_suptitle()
    assert "Which levers matter for engagement" in title and ax.get_legend() is None
    box = fig._suptitle.get_window_extent()
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width
