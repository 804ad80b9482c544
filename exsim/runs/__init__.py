"""Running scenarios: replicate seeds, parallel execution, progress."""

from exsim.runs.replicates import ReplicateResult, replicate_seeds, run_replicates, simulate

__all__ = ["ReplicateResult", "replicate_seeds", "run_replicates", "simulate"]
