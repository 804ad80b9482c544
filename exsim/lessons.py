"""Ready-made lessons: scenario files in configs/lessons/ with a [lesson] table.

The table holds the lesson's title and text (in English, and in Dutch as `title_nl` and `text_nl`),
the week the dashboard brings its change into force (`change_week`) and the quantities its text
asks the class to watch (`watch`: names of the dashboard's plots, which it shows first).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exsim.config import ConfigError, ScenarioConfig, load_config

LESSONS_DIR = Path(__file__).resolve().parents[1] / "configs" / "lessons"
BASELINE_FILE = LESSONS_DIR.parent / "baseline.toml"
LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Lesson:
    """One lesson: its file name (without .toml), titles and texts by language, change week, watched plots, config."""

    name: str
    titles: dict[str, str]
    texts: dict[str, str]
    change_week: int
    watch: tuple[str, ...]
    path: Path
    config: ScenarioConfig

    @property
    def title(self) -> str:
        return self.titles["en"]

    @property
    def text(self) -> str:
        return self.texts["en"]


def watchable() -> tuple[str, ...]:
    """The names a lesson's `watch` may use: the dashboard's plots."""
    from exsim.dashboard.charts import CHARTS  # the dashboard imports this module: import on use

    return tuple(CHARTS)


def list_lessons(folder: Path = LESSONS_DIR) -> list[Lesson]:
    """Every lesson in the folder, sorted by file name."""
    return [load_lesson(path.stem, folder) for path in sorted(Path(folder).glob("*.toml"))]


def load_lesson(name: str, folder: Path = LESSONS_DIR) -> Lesson:
    """The lesson `name` (e.g. "span-of-control-trap"); a ConfigError lists the lessons there are,
    or names a `watch` entry that is no plot of the dashboard."""
    path = Path(folder) / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(Path(folder).glob("*.toml")))
        raise ConfigError(f"no lesson named {name!r}; lessons: {known}")
    config = load_config(path)
    table = config.lesson
    known = watchable()
    unknown = [item for item in table.watch if item not in known]
    if unknown:
        raise ConfigError(f"{path}: [lesson] watch names {', '.join(map(repr, unknown))}, which the dashboard does "
                          f"not plot; it plots {', '.join(known)}")
    title = table.title or name
    titles = {"en": title, "nl": table.title_nl or title}
    texts = {"en": table.text, "nl": table.text_nl or table.text}
    return Lesson(name, titles, texts, table.change_week, tuple(table.watch), path, config)
