"""Ready-made lessons: each loads, explains itself, and shows its effect against the baseline."""

from pathlib import Path

import pytest

from exsim.lessons import list_lessons, load_lesson
from exsim.config import ConfigError
from tests.conftest import mean_kpis

EXPECTED = {  # lesson -> (KPI, direction against the baseline)
    "perks-vs-basics": ("engagement", -1),
    "span-of-control-trap": ("manager_support", -1),
    "promoted-top-performer": ("manager_support", -1),
    "understaffing-spiral": ("burnout_share", +1),
    "surveys-without-follow-up": ("trust_org", -1),
    "manager-exit-contagion": ("voluntary_attrition_rate", +1),
    "good-onboarding": ("early_quit_share", -1),  # of the people hired, fewer quit within six months
}


def test_every_lesson_has_a_title_and_text_and_the_required_ones_exist():
    lessons = {lesson.name: lesson for lesson in list_lessons()}
    assert set(EXPECTED) <= set(lessons)
    for lesson in lessons.values():
        assert lesson.title and len(lesson.text) > 80 and lesson.watch
        assert lesson.titles["nl"] != lesson.title and len(lesson.texts["nl"]) > 80  # in Dutch too
        assert 1 <= lesson.change_week <= 52
        assert lesson.path.read_text().startswith("# Lesson:")
    with pytest.raises(ConfigError, match="no lesson named"):
        load_lesson("nope")


def test_a_watch_name_the_dashboard_does_not_plot_is_an_error(tmp_path):
    base = (Path(__file__).resolve().parents[1] / "configs" / "baseline.toml").as_posix()
    (tmp_path / "odd.toml").write_text(f'extends = "{base}"\n[lesson]\ntitle = "Odd"\nwatch = ["engagment"]\n')
    with pytest.raises(ConfigError, match="'engagment'.*plots engagement"):
        load_lesson("odd", tmp_path)


@pytest.fixture(scope="module")
def baseline():
    return mean_kpis(seeds=range(3))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lesson_shows_its_effect(name, baseline):
    lesson = load_lesson(name)
    overrides = [f"{section}.{key}={value!r}".replace("'", '"')
                 for section, values in lesson.config.model_dump().items() if isinstance(values, dict)
                 for key, value in values.items() if section not in ("sim", "lesson", "org") or key == "span_of_control"]
    kpis = mean_kpis(overrides, seeds=range(3))
    metric, direction = EXPECTED[name]
    assert direction * (kpis[metric] - baseline[metric]) > 0, (metric, kpis[metric], baseline[metric])
