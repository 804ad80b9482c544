"""Scenario configuration: the typed schema and the TOML loader."""

from exsim.config.loading import ConfigError, config_to_dict, load_config, validate_config
from exsim.config.schema import ScenarioConfig

__all__ = ["ConfigError", "ScenarioConfig", "config_to_dict", "load_config", "validate_config"]
