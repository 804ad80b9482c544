"""How every exsim figure looks: colour-blind-safe colours, axes with meaningful bounds and units, PNG and SVG.

Figures are `matplotlib.figure.Figure` objects made without pyplot, so drawing one never switches the
backend of the process (a notebook keeps its own).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from exsim.metrics.kpis import BY_NAME, KPI

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
# Yellow comes last: it is hard to see on white.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
BASELINE_COLOUR = "#000000"
ENGAGEMENT_CMAP = "viridis"  # sequential, colour-blind safe, readable in grey
DPI = 110


def colour(i: int) -> str:
    """The i-th colour of the palette (cycling)."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (8, 4.5), **subplot_kw):
    """A figure (no pyplot) and its axes, laid out so titles, labels and legends do not overlap."""
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def save_figure(fig: Figure, path: Path) -> str:
    """Save a figure as PNG (110 dpi) and as SVG beside it (for slides); returns the PNG's file name.

    The layout is worked out once, for the PNG, and kept for the SVG (working it out again costs as
    much as drawing and moves nothing by more than a fraction of a point).
    """
    path = Path(path)
    fig.savefig(path, dpi=DPI)
    fig.set_layout_engine("none")
    fig.savefig(path.with_suffix(".svg"))
    manager = getattr(fig.canvas, "manager", None)
    if manager is not None:  # a pyplot figure from elsewhere: let pyplot forget it
        import matplotlib.pyplot as plt

        plt.close(fig)
    return path.name


def draw_all(jobs: list[tuple], workers: int | None = None) -> list[str]:
    """Draw and save each (figure function, its arguments, PNG path); returns the PNG file names in order.

    Matplotlib draws in Python, one figure at a time per process, so with more than one worker the
    figures are drawn in forked processes (Linux, macOS with fork) and arrive as files; elsewhere, in a
    daemon process (which may not fork) or with one worker they are drawn here, one after the other.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(len(jobs), workers or os.cpu_count() or 1)
    forkable = "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon
    if workers < 2 or not forkable:
        return [_draw(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_draw, jobs))


def _draw(job: tuple) -> str:
    make, args, path = job
    return save_figure(make(*args), path)


def kpi_axis(ax, kpi: KPI | str, values=None, axis: str = "y") -> None:
    """Bounds, ticks and label an axis needs for a KPI plotted at its display scale (`kpi.scale`).

    0-1 scales run 0 to 1, shares (shown in %) and counts start at 0, counts get whole-number ticks,
    eNPS runs -100 to 100. `values` (display scale) sets the top of open-ended axes.
    """
    kpi = BY_NAME[kpi] if isinstance(kpi, str) else kpi
    set_label = ax.set_ylabel if axis == "y" else ax.set_xlabel
    set_lim = ax.set_ylim if axis == "y" else ax.set_xlim
    target = ax.yaxis if axis == "y" else ax.xaxis
    set_label(kpi.label)
    top = _top(values)
    if kpi.unit == "0-1":
        set_lim(0, 1)
    elif kpi.unit == "eNPS points":
        set_lim(-100, 100)
    elif kpi.scale == 100.0:
        set_lim(0, max(top, 1.0))
        target.set_major_formatter(PercentFormatter(100, decimals=None))
    elif kpi.unit in ("people", "seats", "accounts", "applicants"):
        set_lim(0, max(top, 1.0))
        target.set_major_locator(MaxNLocator(integer=True))
    elif top > 0:
        set_lim(min(0, _bottom(values)), top)


def _top(values) -> float:
    """A round upper bound with room above the highest value."""
    if values is None:
        return 1.0
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if not len(arr) or arr.max() <= 0:
        return 1.0
    high = arr.max() * 1.15
    step = 10 ** np.floor(np.log10(high)) / 2
    return float(np.ceil(high / step) * step)


def _bottom(values) -> float:
    arr = np.asarray(values, dtype=float) if values is not None else np.array([0.0])
    arr = arr[np.isfinite(arr)]
    return float(min(arr.min() * 1.15, 0)) if len(arr) else 0.0


def legend_outside(ax, **kw) -> None:
    """A legend below the axes, so it never covers a line."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=min(len(handles), 3),
                  fontsize=8, frameon=False, **kw)


def figure_legend(fig, axes, ncols: int | None = None) -> None:
    """One legend for the whole figure, below the panels (labels gathered from the first axes that has them)."""
    for ax in np.ravel(axes):
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            fig.legend(handles, labels, loc="outside lower center", ncols=ncols or min(len(handles), 4), fontsize=8,
                       frameon=False)
            return
