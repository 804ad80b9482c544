"""Figures and the markdown report of a run."""

from exsim.report.figures import save_figure, write_figures
from exsim.report.markdown import write_report

__all__ = ["save_figure", "write_figures", "write_report"]
