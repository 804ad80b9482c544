"""The dashboard page: `solara run exsim.dashboard.app` (or `exsim dashboard`).

A layout of our own: controls on the left, the clock, buttons, lesson and plots on the right. The
controls edit a draft; Reset (or picking a lesson, which sets every control) starts a new run with
them, and a banner says when the draft differs from what runs.
"""

from __future__ import annotations

import time

import solara
import solara.lab

from exsim.dashboard.charts import CHARTS, more, watched
from exsim.dashboard.i18n import tr
from exsim.dashboard.model import BASELINE, LessonRun, lesson_settings, paired_runs
from exsim.dashboard.views import CSS, PLAY_SECONDS, Charts, Compare, ControlsPanel, Header, LessonPanel, OrgChart


@solara.component
def Page():
    lesson = solara.use_reactive(BASELINE)
    lang = solara.use_reactive("en")
    draft = solara.use_reactive(solara.use_memo(lambda: lesson_settings(BASELINE), []))
    run = solara.use_reactive(solara.use_memo(lambda: LessonRun(draft.value, BASELINE), []))
    playing = solara.use_reactive(False)
    tick = solara.use_reactive(0)

    def step():
        run.value.step()
        tick.set(tick.value + 1)

    def start(settings: dict, name: str):
        playing.set(False)
        run.set(LessonRun(settings, name))
        tick.set(tick.value + 1)

    def pick_lesson(name: str):
        settings = lesson_settings(name, draft.value)  # every control takes the lesson's value
        lesson.set(name)
        draft.set(settings)
        start(settings, name)

    paired = solara.use_reactive(None)  # the side-by-side on paired seeds, once asked for
    progress = solara.use_reactive(None)
    compare_request = solara.use_reactive(0)

    def compare():
        if not compare_request.value:
            return
        settings, name = dict(run.value.settings), run.value.lesson
        scales = {chart: CHARTS[chart].scale for chart in CHARTS}
        result = paired_runs(settings, name, tuple(CHARTS), scales=scales, on_seed=lambda i: progress.set(i + 1))
        paired.set(result)
        progress.set(None)

    solara.lab.use_task(compare, dependencies=[compare_request.value], prefer_threaded=True)

    def on_key(action: str):
        """Keyboard shortcuts: space plays or pauses, the right arrow steps (when paused), r resets."""
        if action == "play":
            playing.set(not playing.value)
        elif action == "step" and not playing.value:
            step()
        elif action == "reset":
            start(dict(draft.value), lesson.value)

    def play_loop():
        while playing.value:
            started = time.perf_counter()
            step()
            time.sleep(max(0.02, PLAY_SECONDS - (time.perf_counter() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value, run.value], prefer_threaded=True)

    language = lang.value
    solara.Title(tr(language, "page_title"))
    solara.Style(CSS)
    with solara.Div(classes=["exsim-app"]):
        ControlsPanel(draft, lesson.value, pick_lesson, lang)
        with solara.Column(gap="10px", style={"min-width": "0"}):
            # `tick` (weeks stepped, runs started) re-renders the views of the same run object
            Header(run.value, playing, step, lambda: start(dict(draft.value), lesson.value), draft.value, tick.value,
                   language, on_key)
            LessonPanel(run.value, tick.value, language)
            Charts(run.value, watched(run.value.lesson), 260, tick.value, "watch", language)
            OrgChart(run.value, tick.value, language)
            Compare(run.value, paired.value, progress.value,
                    lambda: (progress.set(0), compare_request.set(compare_request.value + 1)), language)
            Charts(run.value, more(run.value.lesson), 200, tick.value, "more", language)



