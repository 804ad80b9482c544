"""The results contract: tables, summary, manifest, written atomically to one folder."""

from exsim.results.replicate import ReplicateResult
from exsim.results.summary import summarise, yearly_kpis
from exsim.results.writer import combine, write_run

__all__ = ["ReplicateResult", "combine", "summarise", "write_run", "yearly_kpis"]
