"""Running scenarios: replicate seeds, parallel execution, progress."""

__all__ = ["ReplicateResult", "replicate_seeds", "run_replicates", "simulate"]


def __getattr__(name: str):
    """The runners load the model (and Mesa) on first use, so option checks stay quick."""
    if name in __all__:
        from exsim.runs import replicates

        return getattr(replicates, name)
    raise AttributeError(f"module 'exsim.runs' has no attribute {name!r}")
