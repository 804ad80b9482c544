"""exsim: an agent-based simulator of employee experience (engagement, turnover, absence, customers).

From Python (see exsim.api): `exsim.run(config, replicates=, seed=, workers=)`, `exsim.compare`,
`exsim.sweep`, `exsim.sensitivity`, `exsim.validate` and `exsim.calibrate` mirror the command line
and return DataFrames; `exsim.scenario(...)` builds a config from a path, a dict or the defaults;
`exsim.survival.km(spells)` is Kaplan-Meier retention from a run's spells. `OrgModel` is the Mesa model.
"""

__version__ = "0.1.0"

from exsim.config import ConfigError, ScenarioConfig, load_config  # noqa: E402

_API = ("Results", "calibrate", "compare", "experiment", "run", "scenario", "sensitivity", "sweep", "validate")

__all__ = ["ConfigError", "OrgModel", "ScenarioConfig", "__version__", "all_staff", "load_config", "survival", *_API]


def __getattr__(name: str):
    """Mesa, the API and the survival helpers are imported on first use, so a command that stops at a
    mistake does not load them."""
    if name == "OrgModel":
        from exsim.model import OrgModel

        return OrgModel
    if name == "all_staff":
        from exsim.model.agents import all_staff

        return all_staff
    if name in _API:
        from exsim import api

        return getattr(api, name)
    if name == "survival":
        import importlib

        return importlib.import_module("exsim.survival")
    raise AttributeError(f"module 'exsim' has no attribute {name!r}")
