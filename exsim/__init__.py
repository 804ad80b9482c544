"""exsim: an agent-based simulator of employee experience (engagement, turnover, absence, customers)."""

__version__ = "0.1.0"

from exsim.config import ConfigError, ScenarioConfig, load_config  # noqa: E402

__all__ = ["ConfigError", "OrgModel", "ScenarioConfig", "__version__", "load_config"]


def __getattr__(name: str):
    """OrgModel is imported on first use, so commands that stop at a mistake do not load Mesa."""
    if name == "OrgModel":
        from exsim.model import OrgModel

        return OrgModel
    raise AttributeError(f"module 'exsim' has no attribute {name!r}")
