"""Load scenario files: TOML, `extends = "base.toml"`, `--set key=value` overrides, clear errors.

Every mistake raises ConfigError naming where it is: the file that holds the bad key (in an
`extends` chain, the parent that says it), or the override that set it (`--set org.x=1`, or the
source an override was given with, e.g. an experiment spec's `[set]` table). At most
MAX_PROBLEMS problems are listed, then a count.
"""

from __future__ import annotations

import codecs
import datetime
import difflib
import math
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from exsim.config.keys import split_key
from exsim.config.schema import ScenarioConfig, name_problem
from exsim.errors import UserError

MAX_EXTENDS = 50  # files in one `extends` chain
MAX_NESTING = 20  # tables and arrays inside each other (exsim needs 5)
MAX_DOTTED_PARTS = 64  # parts of one dotted key (tomllib slows down quadratically with more)
MAX_FILE_BYTES = 4_000_000  # a scenario file is a few kB; a bigger one is the wrong file (and slow to parse)
MAX_PROBLEMS = 20  # problems listed in one message, then "... and N more"
MAX_VALUE_CHARS = 60  # a value quoted in a message is cut to this length

Override = str | tuple[str, str]
KeyPath = tuple[str | int, ...]
Sources = dict[KeyPath, str]

_TOO_DOTTED = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:(?:[A-Za-z0-9_\-]++|\"[^\"\n]*+\"|'[^'\n]*+')[ \t]*+\.[ \t]*+){%d}" % MAX_DOTTED_PARTS)


class ConfigError(UserError):
    """A user mistake in a scenario file or override; the message says how to fix it."""


def load_config(path: str | Path | None = None, overrides: Iterable[Override] | None = None) -> ScenarioConfig:
    """Read a scenario file (or the defaults when path is None), apply overrides, validate.

    Each override is either a string "section.key=value" (named `--set section.key=value` in error
    messages) or a pair (source, "section.key=value") whose source names it in error messages, e.g.
    `(f"{spec_path} [set]", "org.headcount=300")`. A value is read as TOML (`25`, `1.5`, `true`,
    `"text"`); a bare word is taken as text. Errors name the file holding the culprit key (a parent
    in an `extends` chain included) or the override's source, and are always ConfigError.
    """
    data, sources = read_scenario(Path(path)) if path is not None else ({}, {})
    for item in overrides or []:
        source, text = override_source(item)
        path, value = parse_override(text, source)
        _set_override(data, sources, path, value, source)
    return validate_config(data, origin=str(path) if path is not None else "defaults", sources=sources)


def validate_config(data: dict[str, Any], origin: str = "config", sources: Sources | None = None) -> ScenarioConfig:
    """Check a nested dict against the schema and for meaning; raise ConfigError naming every bad key.

    `sources` maps key paths such as ("org", "headcount") to the file or override that set them;
    a problem is reported against the longest matching path, else against `origin`.
    """
    try:
        config = ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        problems, total = _pydantic_problems(exc, sources)
        raise ConfigError(_report(problems, origin, sources, total)) from None
    except RecursionError:
        raise ConfigError(f"{origin}: the values nest too deeply (tables or lists inside each other)") from None
    problems = meaning_problems(config)
    if problems:
        raise ConfigError(_report(problems, origin, sources))
    return config


def meaning_problems(config: ScenarioConfig) -> list[tuple[KeyPath, str]]:
    """Problems the schema's types and ranges cannot see: a safe sim.name, interventions inside the run."""
    from exsim.config.departments import department_problems
    from exsim.config.interventions import intervention_problems

    problem = name_problem(config.sim.name)
    named = [(("sim", "name"), f"sim.name = {_short(config.sim.name)}: {problem}")] if problem else []
    return named + intervention_problems(config) + department_problems(config)


def config_to_dict(config: ScenarioConfig) -> dict[str, Any]:
    """The resolved config as plain nested dicts (for manifests and worker processes)."""
    return config.model_dump(mode="json")


# --- overrides ---------------------------------------------------------------------------------

def override_source(item: Override) -> tuple[str, str]:
    """(source named in messages, "section.key=value") for a plain `--set` string or a labelled pair."""
    if isinstance(item, str):
        return f"--set {item}", item
    if isinstance(item, tuple) and len(item) == 2 and all(isinstance(part, str) for part in item):
        return item
    raise TypeError(f"an override is 'section.key=value' or (source, 'section.key=value'), got {item!r}")


def parse_override(text: str, source: str) -> tuple[tuple[str, ...], Any]:
    """(key path, value) from "section.key=value" or "departments.<name>.section.key=value"; ConfigError naming
    `source` when malformed."""
    if "=" not in text:
        raise ConfigError(f"{source}: expected section.key=value, e.g. org.span_of_control=25")
    key, raw = (part.strip() for part in text.split("=", 1))
    parts = [part.strip() for part in split_key(key)]
    if parts[0] == "departments" and len(parts) in (3, 4) and all(parts):
        if not raw:
            raise ConfigError(f"{source}: no value after '='; give one, e.g. departments.service.work.workload=1.2")
        return tuple(parts), _parse_value(raw, source)
    if len(parts) != 2 or not all(parts):
        raise ConfigError(f"{source}: the key {_short(key)} must be section.key (one dot), "
                          "e.g. work.workload=1.2")
    if not raw:
        raise ConfigError(f"{source}: no value after '='; give one, e.g. org.span_of_control=25 or sim.name=\"my run\"")
    if parts[0] == "interventions":
        raise ConfigError(f"{source}: interventions cannot be set with --set; "
                          "write an [[interventions]] table in the scenario file")
    return (parts[0], parts[1]), _parse_value(raw, source)


def _parse_value(raw: str, source: str) -> Any:
    if "\n" in raw or "\r" in raw:
        return raw
    _check_dotted_depth(raw, source)
    try:
        parsed = tomllib.loads(f"v = {raw}")
    except tomllib.TOMLDecodeError:
        return raw  # a bare word is taken as text; the schema decides whether text is allowed
    except RecursionError:
        raise ConfigError(f"{source}: the value nests too deeply") from None
    _check_nesting(parsed, source)
    return parsed["v"]


def _set_override(data: dict[str, Any], sources: Sources, path: tuple[str, ...], value: Any, source: str) -> None:
    """Set the key at `path` (section.key, or departments.<name>.section.key) to `value`."""
    *tables, name = path
    target = data
    for depth in range(len(tables)):
        table = tables[depth]
        if table not in target:
            target[table] = {}
            sources[tuple(tables[:depth + 1])] = source
        target = target[table]
        if not isinstance(target, dict):
            dotted = ".".join(tables[:depth + 1])
            where = sources.get(tuple(tables[:depth + 1]), "the scenario")
            raise ConfigError(f"{source}: cannot set {'.'.join(path)}: {where} sets '{dotted}' to "
                              f"{_short(target)}, not a [{dotted}] table")
    target[name] = value
    sources[tuple(path)] = source


# --- files and extends -------------------------------------------------------------------------

def read_scenario(path: Path) -> tuple[dict[str, Any], Sources]:
    """A scenario file merged over its `extends` chain, and the file each key came from."""
    layers: list[tuple[Path, dict[str, Any]]] = []
    seen: list[Path] = []
    current, child = path, None
    while True:
        if len(layers) >= MAX_EXTENDS:
            raise ConfigError(f"{path}: the 'extends' chain is longer than {MAX_EXTENDS} files "
                              f"(still going at {current}); extend a file that extends nothing")
        resolved = _resolved(current)
        if resolved in seen:
            loop = " -> ".join(str(p) for p, _ in layers[seen.index(resolved):])
            raise ConfigError(f"{child}: 'extends' loops back to itself: {loop} -> {current}")
        seen.append(resolved)
        data = read_toml(current, extended_from=child)
        parent = data.pop("extends", None)
        layers.append((current, data))
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ConfigError(f"{current}: 'extends' must be a file name in quotes, got {_short(parent)}")
        current, child = current.parent / parent, current
    return _merge_layers(layers)


def _merge_layers(layers: list[tuple[Path, dict[str, Any]]]) -> tuple[dict[str, Any], Sources]:
    data: dict[str, Any] = {}
    sources: Sources = {}
    for path, layer in reversed(layers):
        data = _deep_merge(data, layer)
        sources.update(_key_sources(layer, str(path)))
    return data, sources


def _key_sources(layer: dict[str, Any], label: str) -> Sources:
    """Each top-level key and each key of a table, labelled with the file that sets it."""
    sources: Sources = {}
    for key, value in layer.items():
        sources[(key,)] = label
        if isinstance(value, dict):
            sources.update({(key, name): label for name in value})
    return sources


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return path.absolute()


def read_toml(path: Path, extended_from: Path | None = None) -> dict[str, Any]:
    """One TOML file as a dict; ConfigError naming the file for every way it can be unreadable."""
    text = _read_text(path, extended_from)
    _check_dotted_depth(text, str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nests too deeply (tables or lists inside each other); "
                          f"exsim allows at most {MAX_NESTING} levels") from None
    _check_nesting(data, str(path))
    return data


def _read_text(path: Path, extended_from: Path | None) -> str:
    via = f" (extended from {extended_from})" if extended_from else ""
    try:
        info = path.stat()
    except FileNotFoundError:
        if extended_from is not None:
            raise ConfigError(f"{extended_from}: extends = {str(path.name)!r}, but {path} does not exist; "
                              "give a path relative to this file") from None
        raise ConfigError(f"scenario file not found: {path}; check the path") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot open scenario file {_short(str(path))}{via}: {_os_reason(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{path}{via} is a folder, not a scenario file; give the path of a .toml file")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}{via} is not a regular file; give the path of a .toml file")
    if info.st_size > MAX_FILE_BYTES:
        raise ConfigError(f"{path}{via} is {info.st_size:,} bytes; a scenario file is at most "
                          f"{MAX_FILE_BYTES:,} bytes (is it the right file?)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}{via}: {_os_reason(exc)}") from None
    return decode_toml_bytes(raw, f"{path}{via}")


def _os_reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SAVE_AS_UTF8 = "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"


def decode_toml_bytes(raw: bytes, where: str) -> str:
    """Text of a TOML file: UTF-8 (a byte-order mark is dropped) or UTF-16/32 with a byte-order mark."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[len(codecs.BOM_UTF8):], "utf-8", where)
    if raw.startswith(_UTF32_BOMS):
        return _decode(raw, "utf-32", where)
    if raw.startswith(_UTF16_BOMS):
        return _decode(raw, "utf-16", where)
    if b"\x00" in raw:
        kind = "UTF-16 text without a byte-order mark" if _looks_utf16(raw) else "not a text file"
        raise ConfigError(f"{where}: not UTF-8 text (it holds zero bytes: {kind}); "
                          f"exsim reads scenario files as UTF-8: {_SAVE_AS_UTF8}")
    return _decode(raw, "utf-8", where)


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:4000]
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def _decode(raw: bytes, encoding: str, where: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        guess = f" ({bytes([byte]).decode('cp1252', 'replace')!r} in Latin-1/Windows-1252)" if byte >= 0x80 else ""
        raise ConfigError(f"{where}: not {encoding.upper()} text: byte 0x{byte:02x}{guess} at line {line}, "
                          f"column {column}; exsim reads scenario files as UTF-8: {_SAVE_AS_UTF8}") from None


def _check_dotted_depth(text: str, where: str) -> None:
    if "." in text and _TOO_DOTTED.search(text):
        raise ConfigError(f"{where}: a dotted key has more than {MAX_DOTTED_PARTS} parts; "
                          "exsim's keys are section.key")


def _check_nesting(data: Any, where: str) -> None:
    """ConfigError when tables and arrays nest deeper than MAX_NESTING (checked without recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise ConfigError(f"{where}: nests too deeply (tables or lists inside each other); "
                              f"exsim allows at most {MAX_NESTING} levels")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


# --- messages ----------------------------------------------------------------------------------

def _pydantic_problems(exc: ValidationError, sources: Sources | None) -> tuple[list[tuple[KeyPath, str]], int]:
    """Validation errors described (unknown keys of one table from one source on one line), and their count."""
    unknown: dict[tuple[KeyPath, str | None], list[KeyPath]] = {}
    others = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            unknown.setdefault((loc[:-1], _source_of(loc, sources)), []).append(loc)
        else:
            others.append(err)
    listed: set[str] = set()
    problems = [(locs[0], _unknown_keys(locs, listed)) for locs in unknown.values()]
    problems += [(tuple(err["loc"]), _describe(err)) for err in others[:MAX_PROBLEMS]]
    return problems, len(unknown) + len(others)


def _report(problems: list[tuple[KeyPath, str]], origin: str, sources: Sources | None, total: int | None = None) -> str:
    """One message: each problem after the file or override it comes from, at most MAX_PROBLEMS."""
    more = (len(problems) if total is None else total) - MAX_PROBLEMS
    labelled = [(_source_of(loc, sources) or origin, text) for loc, text in problems[:MAX_PROBLEMS]]
    if len({label for label, _ in labelled}) == 1:
        lines = [text for _, text in labelled]
        lines[0] = f"{labelled[0][0]}: {lines[0]}"
    else:
        lines = [f"{label}: {text}" for label, text in labelled]
    if more > 0:
        lines.append(f"... and {more} more")
    return "\n  ".join(lines)


def _source_of(loc: KeyPath, sources: Sources | None) -> str | None:
    for end in range(len(loc), 0, -1):
        if sources and loc[:end] in sources:
            return sources[loc[:end]]
    return None


_EXPECTED = {"int": "a whole number", "float": "a number", "string": "text in quotes", "bool": "true or false",
             "dict": "a table", "list": "a list", "model": "a [section] table"}
_COMPARE = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">", "less_than": "<"}


def _describe(err: dict[str, Any]) -> str:
    """One line for one pydantic error: the key, the value found, what is allowed."""
    loc = [str(part) for part in err["loc"]]
    key = _key(err["loc"])
    kind = err["type"]
    value = _short(err.get("input"))
    if kind in _COMPARE:
        limit = _number(next(iter(err["ctx"].values())))
        return f"{key} = {value} is out of range: it must be {_COMPARE[kind]} {limit}{_unit_hint(loc)}"
    if kind == "int_from_float":
        return f"{key} = {value} must be a whole number{_unit_hint(loc)}"
    if kind == "finite_number":
        return f"{key} = {value} must be a finite number{_unit_hint(loc)}"
    if kind == "model_type" and loc[0] == "interventions":
        return f"{key} must be a table: write each intervention as [[interventions]] with its keys below, got {value}"
    if kind == "model_type":
        return f"{key} must be a [{key}] table, got {value}"
    if kind == "list_type" and loc == ["interventions"]:
        return f"interventions must be a list of tables: write [[interventions]] (double brackets) for each, got {value}"
    if kind == "too_long":
        return f"{key}: {err['msg']}"
    if kind.endswith(("_type", "_parsing")):
        expected = _EXPECTED.get(kind.split("_")[0], kind.split("_")[0])
        return f"{key} = {value} has the wrong type: expected {expected}{_unit_hint(loc)}"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{key} = {value}: {message}"


def _number(limit: Any) -> str:
    """A bound as people write it: 1000000.0 -> 1,000,000; 0.5 stays 0.5."""
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    return f"{limit:,}" if isinstance(limit, int) else str(limit)


def _short(value: Any) -> str:
    """repr of a value, cut to MAX_VALUE_CHARS so that one message stays short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    try:
        text = repr(value)
    except RecursionError:
        text = "(deeply nested value)"
    if isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 3] + "..."


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


def _unknown_keys(locs: list[KeyPath], listed: set[str]) -> str:
    """Unknown keys of one table: the first MAX_PROBLEMS with close matches, a count, and (once per
    message) the table's valid keys."""
    loc = [str(part) for part in locs[0]]
    model = _section_model(loc)
    valid = list(model.model_fields) if model else []
    where = f"[{_key(locs[0][:-1])}]" if len(loc) > 1 else "the top level"
    shown = [_short(_key(key)) + _close_match(str(key[-1]), valid) for key in locs[:MAX_PROBLEMS]]
    more = f" and {len(locs) - MAX_PROBLEMS} more" if len(locs) > MAX_PROBLEMS else ""
    keys = "" if where in listed else f". Valid keys in {where}: {', '.join(valid)}"
    listed.add(where)
    return f"unknown key{'s' if len(locs) > 1 else ''} {', '.join(shown)}{more}{keys}"


def _key(loc: KeyPath) -> str:
    """A key path as written in messages: org.headcount, interventions[0].set."training.share"."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part)
            name = f'"{name}"' if ("." in name or not name) else name
            text += f".{name}" if text else name
    return text


def _close_match(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _unit_hint(loc: list[str]) -> str:
    model = _section_model(loc)
    if model is None or loc[-1] not in model.model_fields:
        return ""
    extra = model.model_fields[loc[-1]].json_schema_extra or {}
    return f" ({extra['unit']})" if isinstance(extra, dict) and "unit" in extra else ""
