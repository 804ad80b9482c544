"""Validation plots: tenure hazard curve, team engagement against csat and turnover, time to impact."""

from __future__ import annotations

from pathlib import Path

from matplotlib.ticker import PercentFormatter

from exsim.config.timebase import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from exsim.report.figures import save_figure, teams_figure
from exsim.report.style import colour, new_figure
from exsim.validation import checks


def write_validation_figures(folder: Path, runs: checks.Runs) -> list[str]:
    """Write the figures the runs allow; returns their file names."""
    figdir = Path(folder) / "figures"
    figdir.mkdir(exist_ok=True)
    written = []
    if "base" in runs:
        written.append(save_figure(tenure_hazard_figure(runs), figdir / "tenure_hazard.png"))
        written.append(save_figure(teams_figure(runs["base"]["teams"]), figdir / "teams.png"))
    if "intervention" in runs:
        written.append(save_figure(time_course_figure(runs), figdir / "time_course.png"))
    return written


def tenure_hazard_figure(runs: checks.Runs):
    """Monthly quit hazard by tenure month (F3: peaks in the first months, then declines)."""
    curve = checks.monthly_hazard_curve(runs["base"]["spells"], 48)
    fig, ax = new_figure(figsize=(8, 3.8))
    ax.plot(curve.index, 100 * curve.to_numpy(), marker="o", ms=3, color=colour(0))
    ax.set_xlabel("Tenure (months)")
    ax.set_ylabel("Voluntary quits per month (% of staff at that tenure)")
    ax.set_xlim(0, curve.index.max() + 1)
    ax.set_ylim(0, max(float(100 * curve.max()) * 1.15, 0.1))
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=None))
    ax.set_title("Quit hazard by tenure (F3: peak near 3 months, Farber 1994)", fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def time_course_figure(runs: checks.Runs):
    """Engagement, quit hazard and applicants per vacancy after an EX programme starts (F13)."""
    panels = (("engagement", "engagement", 3, 3), ("quit_hazard", "quit hazard (a year)", 9, 18),
              ("applicants_per_vacancy", "applicants per vacancy", 1, 24))
    fig, axes = new_figure(1, 3, figsize=(13, 4.2))
    for ax, (column, label, smooth, deadline) in zip(axes, panels):
        curve = checks.impact_curve(runs, column)
        months = (curve.index - curve.index[0]) / WEEKS_PER_MONTH
        half = checks.months_to_half_way(curve, smooth)
        ax.plot(months, curve.rolling(smooth, min_periods=1, center=True).mean(), color=colour(0))
        ax.axhline(curve.iloc[-WEEKS_PER_YEAR:].mean(), color="0.5", ls="--", lw=0.8, label="new level")
        ax.axvline(half, color=colour(1), lw=1, label=f"half-way: month {half:.1f}")
        ax.axvline(deadline, color=colour(2), lw=1, ls=":", label=f"F13 bound: month {deadline}")
        ax.set_title(f"{label}: programme minus baseline", fontsize=9)
        ax.set_xlabel("Months after the programme starts")
        ax.set_ylabel(f"Change in {label}")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    return fig
