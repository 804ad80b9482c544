"""Ready-made lessons: scenario files in configs/lessons/ with a [lesson] title and what to watch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exsim.config import ConfigError, ScenarioConfig, load_config

LESSONS_DIR = Path(__file__).resolve().parents[1] / "configs" / "lessons"
BASELINE_FILE = LESSONS_DIR.parent / "baseline.toml"


@dataclass(frozen=True)
class Lesson:
    """One lesson: its file name (without .toml), title, text and resolved config."""

    name: str
    title: str
    watch: str
    path: Path
    config: ScenarioConfig


def list_lessons(folder: Path = LESSONS_DIR) -> list[Lesson]:
    """Every lesson in the folder, sorted by file name."""
    return [load_lesson(path.stem, folder) for path in sorted(Path(folder).glob("*.toml"))]


def load_lesson(name: str, folder: Path = LESSONS_DIR) -> Lesson:
    """The lesson `name` (e.g. "span-of-control-trap"); a ConfigError lists the lessons there are."""
    path = Path(folder) / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(Path(folder).glob("*.toml")))
        raise ConfigError(f"no lesson named {name!r}; lessons: {known}")
    config = load_config(path)
    return Lesson(name, config.lesson.title or name, config.lesson.watch, path, config)
