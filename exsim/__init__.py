"""exsim: an agent-based simulator of employee experience (engagement, turnover, absence, customers)."""

__version__ = "0.1.0"

from exsim.config import ConfigError, ScenarioConfig, load_config  # noqa: E402
from exsim.model import OrgModel  # noqa: E402

__all__ = ["ConfigError", "OrgModel", "ScenarioConfig", "__version__", "load_config"]
