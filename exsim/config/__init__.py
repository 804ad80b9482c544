"""Scenario configuration: the typed schema, the TOML loader and dotted keys (section.key)."""

from exsim.config.keys import get_dotted, set_dotted, split_key, with_values
from exsim.config.loading import ConfigError, config_to_dict, load_config, validate_config
from exsim.config.schema import ScenarioConfig

__all__ = ["ConfigError", "ScenarioConfig", "config_to_dict", "get_dotted", "load_config", "set_dotted",
           "split_key", "validate_config", "with_values"]
