"""Ready-made lessons: each loads, explains itself, and shows its effect against the baseline."""

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
    "good-onboarding": ("quit_hazard", -1),
}


def test_every_lesson_has_a_title_and_text_and_the_required_ones_exist():
    lessons = {lesson.name: lesson for lesson in list_lessons()}
    assert set(EXPECTED) <= set(lessons)
    for lesson in lessons.values():
        assert lesson.title and len(lesson.watch) > 80
        assert lesson.path.read_text().startswith("# Lesson:")
    with pytest.raises(ConfigError, match="no lesson named"):
        load_lesson("nope")


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
