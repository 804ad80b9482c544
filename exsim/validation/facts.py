"""The published figures exsim checks itself against, read from facts.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

FACTS_FILE = Path(__file__).with_name("facts.toml")


@dataclass(frozen=True)
class Fact:
    """One published figure and the range the model's figure must fall in."""

    id: str
    fact: str
    published: str
    source: str
    target: str
    low: float
    high: float
    unit: str
    check: str


def load_facts(path: Path = FACTS_FILE) -> list[Fact]:
    """All facts in file order."""
    return [Fact(**row) for row in tomllib.loads(Path(path).read_text())["fact"]]
