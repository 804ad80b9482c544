"""The dashboard's runs without a browser: controls and lessons agree, the baseline is the CLI's, the change is timed."""

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim.dashboard.charts import BASELINE_WATCH, CHARTS, more, option, org_option, watched
from exsim.dashboard.command import SOLARA_ENV, solara_command
from exsim.dashboard.model import (BASELINE, CONTROLS, DEFAULT_CHANGE_WEEK, LEFT_MARK_WEEKS, LessonRun, lesson_settings,
                                   lesson_titles, week_label)
from exsim.lessons import list_lessons, load_lesson
from exsim.metrics.kpis import BY_NAME

LESSONS = sorted(lesson_titles())


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_value_is_on_its_controls_grid(name):
    for control_name, value in lesson_settings(name).items():
        control = CONTROLS[control_name]
        if control.kind == "choice":
            assert value in dict(control.choices), (control_name, value)
            continue
        assert control.low <= value <= control.high, (control_name, value)
        steps = (value - control.low) / control.step
        assert math.isclose(steps, round(steps), abs_tol=1e-6), (control_name, value)


@pytest.mark.parametrize("name", LESSONS)
def test_the_model_runs_every_control_as_the_lesson_sets_it(name):
    settings = lesson_settings(name, {"headcount": 60, "seed": 3})
    run = LessonRun(settings, name)
    running = run.running()
    assert {key: running[key] for key in settings} == settings
    assert settings["headcount"] == 60 and settings["seed"] == 3  # the class's size and seed are kept


def test_moved_controls_run_after_a_reset():
    settings = {**lesson_settings("span-of-control-trap", {"headcount": 60}), "span_of_control": 12, "perks": 500,
                "selection": "leadership", "training": 0.3, "change_week": 5}
    running = LessonRun(settings, "span-of-control-trap").running()
    assert {key: running[key] for key in settings} == settings


def test_the_dashboard_baseline_is_the_cli_baseline(tmp_path):
    """Same size and seed: the dashboard's first weeks equal `exsim run`'s timeseries (same settling)."""
    out = tmp_path / "run"
    subprocess.run([sys.executable, "-m", "exsim.cli", "run", "configs/baseline.toml", "--set", "org.headcount=100",
                    "--seed", "7", "--years", "1", "--replicates", "1", "--workers", "1", "--no-figures",
                    "--out", str(out)], check=True, capture_output=True)
    cli = pd.read_parquet(out / "timeseries.parquet")
    run = LessonRun(lesson_settings(BASELINE, {"headcount": 100, "seed": 7}), BASELINE)
    for _ in range(13):
        run.step()
    assert int(cli["seed"].iloc[0]) == run.running()["model_seed"]
    for which in ("lesson", "baseline"):
        weeks = pd.DataFrame(run.model.recorder.weeks if which == "lesson" else run.baseline.recorder.weeks)
        for column in ("engagement", "enps", "voluntary_attrition_rate", "absence_rate", "headcount", "csat"):
            assert list(weeks[column]) == pytest.approx(list(cli[column].iloc[:13]), rel=1e-12, abs=1e-12), column


@pytest.mark.parametrize("name", [lesson.name for lesson in list_lessons()])
def test_the_lesson_changes_nothing_before_its_week_and_something_after(name):
    settings = lesson_settings(name, {"headcount": 100})
    settings["change_week"] = 5
    run = LessonRun(settings, name)
    for _ in range(5 + 26):
        run.step()
    lesson, baseline = run.model.recorder.weeks, run.baseline.recorder.weeks
    assert run.config.org == run.status_quo.org  # a span of control changes at the week too: a reorganisation
    assert run.change_week == 5
    assert lesson[:4] == baseline[:4]  # weeks 1-4 identical on the paired seed
    assert lesson[4]["changes_active"] == 1 and baseline[4]["changes_active"] == 0
    changed = [w["week"] for a, w in zip(baseline[4:], lesson[4:])
               if any(a[name] != w[name] for name in ("engagement", "manager_support", "trust_org", "burnout_share",
                                                     "quits", "vacancies", "quit_hazard"))]
    assert changed and changed[0] >= 5


def test_the_span_lesson_reorganises_at_its_week():
    """The organisation settles with the baseline's spans; the wider ones come at the change week, and with them
    lower manager support (every seat's person kept, the org chart and its leavers' marks on the new seats)."""
    settings = lesson_settings("span-of-control-trap", {"headcount": 200})
    run = LessonRun(settings, "span-of-control-trap")
    week = run.change_week
    assert week == load_lesson("span-of-control-trap").change_week
    assert run.config.interventions[0].set["org.span_of_control"] == settings["span_of_control"] == 30
    for _ in range(week + 25):
        run.step()
    lesson = [v for _, v in run.series("manager_support")]
    baseline = [v for _, v in run.series("manager_support", "baseline")]
    assert lesson[:week - 1] == baseline[:week - 1]
    assert np.mean(lesson[week - 1:]) < np.mean(baseline[week - 1:]) - 0.02
    assert run.model.org.is_manager.sum() == round(199 / 30) and run.baseline.org.is_manager.sum() > 20
    left = run.measures[id(run.model)].left_week
    assert (left == week).sum() < 10  # a week's leavers, not every moved seat
    org_option(run, "en")


def test_week_label_is_one_clock():
    assert week_label(0).startswith("Week 0 ")
    assert week_label(7) == "Week 7 · year 1, week 7 of the year"
    assert week_label(52) == "Week 52 · year 1, week 52 of the year"
    assert week_label(53) == "Week 53 · year 2, week 1 of the year"


def test_each_lesson_sets_its_own_change_week_and_plots():
    assert lesson_settings(BASELINE)["change_week"] == DEFAULT_CHANGE_WEEK
    assert watched(BASELINE) == BASELINE_WATCH
    weeks = set()
    for name in LESSONS:
        if name != BASELINE:
            lesson = load_lesson(name)
            assert lesson_settings(name)["change_week"] == lesson.change_week  # from the lesson's file
            assert watched(name) == lesson.watch
            weeks.add(lesson.change_week)
        assert set(watched(name)) <= set(CHARTS) and not set(watched(name)) & set(more(name))
    assert len(weeks) > 1  # lessons differ: no single week hard-coded
    for chart in CHARTS.values():
        assert "(" in chart.label and chart.label.endswith(")")  # every plot names its unit
        if chart.name in BY_NAME and chart.scale == BY_NAME[chart.name].scale:  # else the unit is rescaled
            assert chart.label == BY_NAME[chart.name].label


# What a lesson's text can ask the class to watch, in either language, and the plots that show it
# (any one of them will do). Every term a text uses must have one of its plots among the lesson's
# watched plots, which the page shows first (tests/test_dashboard_browser.py checks they are drawn).
TERMS = {
    "engagement|betrokkenheid": {"engagement"},
    "manager support|steun van de leidinggevende": {"manager_support"},
    "trust|vertrouwen": {"trust_org", "trust_manager"},
    "burnout|burn-out": {"burnout_share"},
    "sick leave|absence|verzuim|afwezig": {"absence_rate"},
    "attrition|verloop": {"voluntary_attrition_rate"},
    "quit|vertrek|exits": {"recent_quits", "voluntary_attrition_rate", "early_quits", "manager_quits"},
    "enps": {"enps"},
    "vacanc|vacature": {"vacancies"},
    "strain|stress": {"strain", "manager_strain"},
    "salar": {"cost_salaries"},
    "cost|kosten": {"cost_other", "cost_salaries"},
    "productiv": {"new_hire_skill"},
    "newest|first six months|nieuwste|eerste zes maanden": {"early_quits", "new_hire_skill"},
    "promoted|gepromoveerd": {"promoted_share"},
    "customer|klant": {"csat"},
}


@pytest.mark.parametrize("name", [lesson.name for lesson in list_lessons()])
def test_every_quantity_a_lesson_text_names_is_plotted_first(name):
    lesson = load_lesson(name)
    for lang, text in lesson.texts.items():
        named = [term for term in TERMS if re.search(term, text.lower())]
        assert named, (name, lang)
        missing = [term for term in named if not TERMS[term] & set(watched(name))]
        assert not missing, (name, lang, missing)


def test_plot_options_have_fixed_axes_and_the_change_marker():
    run = LessonRun(lesson_settings("understaffing-spiral", {"headcount": 60}), "understaffing-spiral")
    for _ in range(3):
        run.step()
    engagement = option(run, "engagement")
    assert (engagement["yAxis"]["min"], engagement["yAxis"]["max"]) == (0, 1)
    assert option(run, "voluntary_attrition_rate")["yAxis"]["axisLabel"]["formatter"].endswith("%")
    assert option(run, "burnout_share")["yAxis"]["min"] == 0
    marks = engagement["series"][1]["markLine"]["data"]
    assert [m["xAxis"] for m in marks] == [load_lesson("understaffing-spiral").change_week]
    org = {s["name"]: s for s in org_option(run)["series"]}
    people = sum(len(org[name]["data"]) for name in ("employee", "manager", "vacant seat"))
    assert people == run.model.org.n_seats


@pytest.mark.parametrize("span", [3, 8, 30])
def test_the_org_chart_at_400_people_shows_teams_as_blocks(span):
    from exsim.dashboard.charts import team_layout

    settings = {**lesson_settings("understaffing-spiral", {"headcount": 400}), "span_of_control": span}
    run = LessonRun(settings, "understaffing-spiral")
    org = run.model.org
    layout = team_layout(org.manager_of.tobytes(), org.n_seats)
    places = {(round(a, 3), round(b, 3)) for a, b in zip(layout.x, layout.y)}
    assert len(places) == org.n_seats  # nobody drawn on top of anybody
    blocks = []
    for manager, x0, x1, y0, y1 in layout.teams:
        members = [s for s in np.flatnonzero(org.manager_of == manager) if not org.is_manager[s]]
        assert members and all(x0 < layout.x[s] < x1 and y1 < layout.y[s] < y0 for s in members)
        assert layout.y[manager] > y0 or (manager == 0 and layout.x[manager] < x0)  # above it (the top seat: beside)
        blocks.append((x0, x1, y1, y0))
    for i, (a0, a1, b0, b1) in enumerate(blocks):  # blocks apart from one another
        for c0, c1, d0, d1 in blocks[i + 1:]:
            assert a1 <= c0 or c1 <= a0 or b1 <= d0 or d1 <= b0
    width, height = np.ptp(layout.x), np.ptp(layout.y)
    assert 0.8 < width / height < 3.5  # wrapped to the chart's shape, not one long row
    left = []
    for _ in range(12):
        run.step()
        left.append(len({s["name"]: s for s in org_option(run)["series"]}["left in the last 4 weeks"]["data"]))
    assert max(left) > 0 and all(n >= 0 for n in left)
    leavers = run.measures[id(run.model)].left_week
    week = run.model.week
    marked = np.flatnonzero(leavers > week - LEFT_MARK_WEEKS)
    assert set(marked) >= set(np.flatnonzero(leavers == week - LEFT_MARK_WEEKS + 1))  # still marked 4 weeks on


def test_dashboard_command_turns_off_version_check_and_telemetry():
    command = solara_command("127.0.0.1", 8765)
    assert "--no-check-version" in command and "--production" in command
    assert SOLARA_ENV["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert SOLARA_ENV["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")


def test_every_label_and_text_is_in_english_and_dutch():
    from exsim.dashboard.charts import chart_label
    from exsim.dashboard.i18n import CHARTS_NL, CONTROLS_NL, TEXT

    assert set(CONTROLS_NL) == set(CONTROLS) and set(CHARTS_NL) == set(CHARTS)
    for name, control in CONTROLS.items():
        assert control.label_in("nl") != control.label_in("en") or name == "span_of_control", name
    assert CONTROLS["perks"].show(2000, "nl") == "2.000 EUR per persoon per jaar"
    assert CONTROLS["workload"].show(1.1, "nl") == "1,10 × bemande capaciteit"
    assert CONTROLS["selection"].show("leadership", "nl") == "gekozen op leiderschap"
    for name in CHARTS:
        assert chart_label(name, "nl").endswith(")") and (chart_label(name, "nl") != chart_label(name) or name == "enps")
    for key, texts in TEXT.items():
        assert set(texts) == {"en", "nl"} and all(texts.values()), key
    assert lesson_titles("nl")[BASELINE] == "Basislijn (geen les)"
    assert week_label(53, "nl") == "Week 53 · jaar 2, week 1 van het jaar"
    run = LessonRun(lesson_settings("understaffing-spiral", {"headcount": 60}), "understaffing-spiral")
    assert option(run, "engagement", "nl")["series"][0]["name"] == "basislijn"
    assert org_option(run, "nl")["legend"]["data"][0] == "lege plek"


def test_the_side_by_side_runs_paired_seeds_with_bands():
    from exsim.dashboard.charts import compare_options
    from exsim.dashboard.model import paired_runs
    from exsim.runs.replicates import replicate_seeds

    settings = {**lesson_settings("understaffing-spiral", {"headcount": 60, "seed": 5}), "change_week": 4}
    paired = paired_runs(settings, "understaffing-spiral", ("burnout_share", "engagement"), seeds=3, weeks=12)
    assert paired.seeds == tuple(replicate_seeds(5, 3)) and len(set(paired.seeds)) == 3  # exsim run --replicates 3
    lesson, baseline = paired.values["burnout_share"]["lesson"], paired.values["burnout_share"]["baseline"]
    assert lesson.shape == (3, 12)
    assert (lesson[:, :3] == baseline[:, :3]).all() and not (lesson[:, 3:] == baseline[:, 3:]).all()
    assert paired.largest_difference_before_change(("burnout_share", "engagement")) == 0.0
    assert len({tuple(row) for row in baseline}) == 3  # three different organisations
    mean, low, high = paired.band("engagement", "difference")
    assert (low <= mean + 1e-12).all() and (mean <= high + 1e-12).all()
    both, difference = compare_options(paired, "engagement", "en")
    assert (both["yAxis"]["min"], both["yAxis"]["max"]) == (0, 1)
    assert difference["yAxis"]["min"] == -difference["yAxis"]["max"]
    assert [s["name"] for s in both["series"]][2::3] == ["baseline", "this run"]
    assert both["xAxis"]["data"][:2] == ["0", "1"] and both["series"][2]["data"][0] is None


def test_the_running_line_names_settings_without_a_control_in_words():
    from exsim.dashboard.views import running_text

    name = "promoted-top-performer"
    text = running_text(LessonRun(lesson_settings(name, {"headcount": 50}), name), "en")
    assert "Top performer quality penalty" in text and "managers.top_performer_quality_penalty" not in text
    dutch = running_text(LessonRun(lesson_settings(name, {"headcount": 50}), name), "nl")
    assert "Kwaliteitsachterstand van de gepromoveerde beste presteerder" in dutch and "0,4" in dutch
    assert "Top performer" not in dutch


def test_every_setting_a_lesson_makes_without_a_control_has_dutch_words():
    from exsim.dashboard.i18n import PARAMETERS_NL
    from exsim.dashboard.model import lesson_fixed

    names = [path.stem for path in (Path(__file__).resolve().parents[1] / "configs" / "lessons").glob("*.toml")]
    fixed = {key for name in names for key in lesson_fixed(name)}
    assert fixed and fixed <= set(PARAMETERS_NL), sorted(fixed - set(PARAMETERS_NL))
