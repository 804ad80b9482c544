"""Load scenario files: TOML, `extends = "base.toml"`, `--set key=value` overrides, clear errors."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from exsim.config.schema import ScenarioConfig
from exsim.errors import UserError


class ConfigError(UserError):
    """A user mistake in a scenario file or override; the message says how to fix it."""


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> ScenarioConfig:
    """Read a scenario file (or the defaults when path is None), apply `key=value` overrides, validate."""
    data: dict[str, Any] = _read_with_extends(Path(path), chain=()) if path else {}
    for item in overrides or []:
        key, value = _parse_override(item)
        _set_dotted(data, key, value)
    return validate_config(data, origin=str(path) if path else "defaults")


def validate_config(data: dict[str, Any], origin: str = "config") -> ScenarioConfig:
    """Check a nested dict against the schema; raise ConfigError naming every bad key."""
    try:
        config = ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(err) for err in exc.errors()]
        raise ConfigError(f"{origin}: " + "\n  ".join(problems)) from None
    from exsim.interventions import check_interventions

    problems = check_interventions(config)
    if problems:
        raise ConfigError(f"{origin}: " + "\n  ".join(problems))
    return config


def config_to_dict(config: ScenarioConfig) -> dict[str, Any]:
    """The resolved config as plain nested dicts (for manifests and worker processes)."""
    return config.model_dump(mode="json")


def _read_with_extends(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    if not path.is_file():
        hint = f" (extended from {chain[-1]})" if chain else ""
        raise ConfigError(f"scenario file not found: {path}{hint}; check the path")
    if path.resolve() in chain:
        raise ConfigError(f"{path}: 'extends' loops back to itself via {' -> '.join(map(str, chain))}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(f"{path}: 'extends' must be a file name in quotes, got {parent!r}")
    parent_path = (path.parent / parent)
    if not parent_path.is_file():
        raise ConfigError(f"{path}: extends = {parent!r}, but {parent_path} does not exist; "
                          "give a path relative to this file")
    base = _read_with_extends(parent_path, chain + (path.resolve(),))
    return _deep_merge(base, data)


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _parse_override(item: str) -> tuple[str, Any]:
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected section.key=value, e.g. org.span_of_control=25")
    key, raw = (part.strip() for part in item.split("=", 1))
    if key.count(".") != 1 or not all(key.split(".")):
        raise ConfigError(f"--set {item!r}: the key must be section.key, e.g. work.workload=1.2")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word is taken as text; the schema decides whether text is allowed
    return key, value


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    section, name = key.split(".")
    target = data.setdefault(section, {})
    if not isinstance(target, dict):
        raise ConfigError(f"--set {key}: '{section}' is not a section")
    target[name] = value


def _describe(err: dict[str, Any]) -> str:
    loc = [str(part) for part in err["loc"]]
    key = ".".join(loc)
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next(iter(err["ctx"].values()))
        words = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">", "less_than": "<"}[kind]
        return f"{key} = {value!r} is out of range: it must be {words} {limit}{_unit_hint(loc)}"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "model_type":
        expected = kind.split("_")[0]
        if kind == "model_type":
            return f"{key} must be a [section] table, got {value!r}"
        return f"{key} = {value!r} has the wrong type: expected {expected}{_unit_hint(loc)}"
    return f"{key}: {err['msg']}"


def _section_model(loc: list[str]) -> type[BaseModel] | None:
    from exsim.config.schema import parameter_sections

    if loc and loc[0] == "interventions":  # interventions.<index>.<key>
        return parameter_sections()["interventions"] if len(loc) == 3 else None
    model: type[BaseModel] = ScenarioConfig
    for part in loc[:-1]:
        field = model.model_fields.get(part)
        if field is None or not isinstance(field.annotation, type) or not issubclass(field.annotation, BaseModel):
            return None
        model = field.annotation
    return model


def _unknown_key(loc: list[str]) -> str:
    model = _section_model(loc)
    valid = list(model.model_fields) if model else []
    where = f"[{'.'.join(loc[:-1])}]" if len(loc) > 1 else "the top level"
    close = difflib.get_close_matches(loc[-1], valid, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown key '{'.'.join(loc)}'{hint} Valid keys in {where}: {', '.join(valid)}"


def _unit_hint(loc: list[str]) -> str:
    model = _section_model(loc)
    if model is None or loc[-1] not in model.model_fields:
        return ""
    extra = model.model_fields[loc[-1]].json_schema_extra or {}
    return f" ({extra['unit']})" if isinstance(extra, dict) and "unit" in extra else ""
