"""Dotted config keys such as "attrition.base_quit_rate_per_year": split, read, set, apply.

One home for walking a nested config dict (as from `config.model_dump()`) by a dotted key, used by
`--set`, interventions, validation scenarios, experiment designs and calibration. The functions do
not check a key's shape: callers that need exactly section.key check it first, with their own
message. This module imports nothing from exsim outside exsim/config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exsim.config.schema import ScenarioConfig


def split_key(key: str) -> tuple[str, ...]:
    """The parts of a dotted key: "org.span_of_control" -> ("org", "span_of_control"); no stripping."""
    return tuple(key.split("."))


def get_dotted(tree: Mapping[str, Any], key: str) -> Any:
    """The value at `key` in nested dicts; KeyError for a missing part, TypeError past a non-dict value."""
    node: Any = tree
    for part in split_key(key):
        node = node[part]
    return node


def set_dotted(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` in nested dicts to `value`, in place, creating missing intermediate dicts."""
    *parents, name = split_key(key)
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[name] = value


def with_values(config: ScenarioConfig, values: Mapping[str, Any], origin: str) -> ScenarioConfig:
    """A validated copy of `config` with each dotted key in `values` set; a ConfigError names `origin`."""
    # imported here, not at the top: loading imports split_key from this module
    from exsim.config.loading import validate_config

    data = config.model_dump()
    for key, value in values.items():
        set_dotted(data, key, value)
    return validate_config(data, origin=origin)
