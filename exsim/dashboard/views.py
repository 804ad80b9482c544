"""Dashboard views: controls with their values, the clock and buttons, the lesson panel, plots and the org chart."""

from __future__ import annotations

import html
import json

import solara

from exsim.dashboard.charts import CHARTS, option, org_option, watched
from exsim.dashboard.model import BASELINE, CONTROLS, LessonRun, lesson_fixed, lesson_of, lesson_titles, week_label

CSS = """
.exsim-app { display: grid; grid-template-columns: 360px minmax(0, 1fr); gap: 18px; padding: 12px 16px;
             font-size: 16px; line-height: 1.35; color: #1a1a1a; }
@media (max-width: 1150px) { .exsim-app { grid-template-columns: 300px minmax(0, 1fr); gap: 12px; padding: 8px; }
                             .exsim-clock { font-size: 21px; } }
.exsim-side { display: flex; flex-direction: column; gap: 6px; align-self: start; }
.exsim-side > *, .exsim-side .v-input { flex: 0 0 auto !important; }
.exsim-side .v-slider.v-input--horizontal { margin-inline: 8px; }
.exsim-side .v-input__details { display: none; }
.exsim-group { font-size: 14px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: #555;
               margin: 10px 0 0 0; }
.exsim-control-text { font-size: 16px; }
.exsim-control-text .label { font-weight: 600; }
.exsim-control-text .value { color: #0072B2; font-weight: 700; }
.exsim-control .v-input__slot { margin-bottom: 0 !important; }
.exsim-control .v-messages { display: none; }
.exsim-control .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.exsim-clock { font-size: 26px; font-weight: 700; }
.exsim-banner { background: #fff4d6; border: 2px solid #E69F00; border-radius: 6px; padding: 8px 12px; }
.exsim-running { font-size: 15px; color: #333; }
.exsim-lesson { font-size: 17px; }
.exsim-lesson h2 { font-size: 22px; margin: 0 0 4px 0; }
.exsim-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 10px 16px;
                align-items: end; }
.exsim-chart h3 { font-size: 16px; font-weight: 600; margin: 0; min-height: 2.7em; display: flex; align-items: flex-end; }
.exsim-legend { font-size: 15px; }
.exsim-legend .run { color: #0072B2; font-weight: 700; }
.exsim-legend .base { color: #6b6b6b; font-weight: 700; }
.exsim-legend .change { color: #D55E00; font-weight: 700; }
.exsim-buttons .v-btn { font-size: 17px !important; min-width: 96px !important; height: 44px !important; }
"""
PLAY_SECONDS = 0.35  # at most one week per this many seconds while playing


def _text(tag: str, text: str, classes: str = "", **attributes) -> solara.Element:
    attrs = {key.replace("_", "-"): value for key, value in attributes.items()}
    return solara.HTML(tag=tag, unsafe_innerHTML=text, classes=[classes] if classes else [], attributes=attrs)


@solara.component
def ControlView(name: str, value, on_value):
    """One control: its label and current value with unit in large type, then the slider or choice."""
    control = CONTROLS[name]
    with solara.Column(gap="0px", classes=["exsim-control", f"control-{name}"]):
        _text("div", f'<span class="label">{html.escape(control.label)}:</span> '
                     f'<span class="value">{html.escape(control.show(value))}</span>',
              "exsim-control-text", data_value=json.dumps(value))
        if control.kind == "choice":
            texts = dict(control.choices)
            by_text = {text: key for key, text in control.choices}
            solara.Select(label="", value=texts[value], values=list(texts.values()),
                          on_value=lambda text: on_value(by_text[text]))
        elif control.kind == "int":
            solara.SliderInt("", value=int(value), min=int(control.low), max=int(control.high), step=int(control.step),
                             on_value=on_value, thumb_label=False)
        else:
            solara.SliderFloat("", value=float(value), min=control.low, max=control.high, step=control.step,
                               on_value=lambda v: on_value(control.clean(v)), thumb_label=False)


@solara.component
def ControlsPanel(draft: solara.Reactive[dict], lesson: str, on_lesson):
    """The lesson picker and every control, grouped: run settings, the organisation's shape, the levers."""
    titles = lesson_titles()
    by_title = {v: k for k, v in titles.items()}
    with solara.Column(gap="4px", classes=["exsim-side"]):
        solara.Select(label="Lesson", value=titles[lesson], values=list(titles.values()),
                      on_value=lambda title: on_lesson(by_title[title]))
        groups = (("run", "The run"), ("shape", "The organisation's shape (from week 1)"),
                  ("lever", "Levers (from the change week)"))
        for group, heading in groups:
            _text("div", heading, "exsim-group")
            for name, control in CONTROLS.items():
                if control.group == group:
                    ControlView(name, draft.value[name],
                                lambda v, name=name: draft.set({**draft.value, name: CONTROLS[name].clean(v)}))


def running_text(run: LessonRun) -> str:
    """What the model runs, in words, read back from the model's config."""
    values, base = run.running(), run.running_baseline()
    shape = [f"{CONTROLS[n].show(values[n])}" for n in ("headcount",)]
    shape.append(f"span of control {CONTROLS['span_of_control'].show(values['span_of_control'])}")
    head = f"<b>Running:</b> {html.escape(run.title)}, {', '.join(shape)}, seed {values['seed']}."
    levers = [f"{CONTROLS[n].label.lower()} {CONTROLS[n].show(values[n])} (baseline {CONTROLS[n].show(base[n])})"
              for n, c in CONTROLS.items() if c.group == "lever" and values[n] != base[n]]
    levers += [f"{key} = {value}" for key, value in lesson_fixed(run.lesson).items()]
    if run.change_week is None:
        return head + " The baseline's levers throughout."
    week = run.change_week
    before = f"Weeks 1-{week - 1}: the baseline; from" if week > 1 else "From"
    return head + f" {before} week {week}: " + html.escape("; ".join(levers)) + "."


@solara.component
def Header(run: LessonRun, playing: solara.Reactive[bool], on_step, on_reset, draft: dict, tick: int = 0):
    """The clock, play/pause, step and reset, the not-applied banner and what the model runs."""
    with solara.Row(classes=["exsim-buttons"], style={"align-items": "center", "flex-wrap": "wrap", "gap": "10px"}):
        _text("div", week_label(run.week), "exsim-clock", id="exsim-week", data_week=str(run.week))
        solara.Button("❚❚ Pause" if playing.value else "▶ Play", color="primary",
                      on_click=lambda: playing.set(not playing.value))
        solara.Button("Step", color="primary", on_click=on_step, disabled=playing.value)
        solara.Button("Reset", color="primary" if draft != run.settings else None, on_click=on_reset,
                      outlined=draft == run.settings)
    changed = [n for n in CONTROLS if draft[n] != run.settings[n]]
    if changed:
        items = "; ".join(f"{CONTROLS[n].label}: {CONTROLS[n].show(run.settings[n])} → {CONTROLS[n].show(draft[n])}"
                          for n in changed)
        _text("div", f"<b>Settings changed, not yet applied.</b> The model still runs the values below. "
                     f"Press Reset to start again with the new ones ({html.escape(items)}).", "exsim-banner",
              id="exsim-banner")
    _text("div", running_text(run), "exsim-running", id="exsim-running",
          data_running=json.dumps(run.running()), data_change_week=str(run.change_week or ""),
          data_reshaped="1" if run.reshaped else "0",
          data_series=json.dumps({name: {"lesson": [v for _, v in run.series(name, "lesson", CHARTS[name].scale)],
                                         "baseline": [v for _, v in run.series(name, "baseline", CHARTS[name].scale)]}
                                  for name in watched(run.lesson)}))


@solara.component
def LessonPanel(run: LessonRun, tick: int = 0):
    """The lesson's title, what to watch, and the legend of the plots."""
    with solara.Column(gap="4px", classes=["exsim-lesson"]):
        if run.lesson == BASELINE:
            _text("h2", "Baseline: a typical office organisation")
            _text("div", "The status quo, settled: what a typical organisation looks like week after week. Pick a "
                         "lesson, or move a lever and press Reset: the change comes into force at the marked week.")
        else:
            item = lesson_of(run.lesson)
            _text("h2", html.escape(item.title))
            _text("div", "<b>What to watch.</b> " + html.escape(item.text))
        names = ", ".join(CHARTS[name].label for name in watched(run.lesson))
        when = (f'the <span class="change">change at week {run.change_week}</span>' if run.change_week
                else "no timed change")
        reshaped = (" The span of control shapes the organisation, so it differs from week 1."
                    if run.reshaped else "")
        _text("div", f'The plots: <span class="run">— this run</span>, <span class="base">- - the baseline</span> '
                     f'(same seed and size), {when}.{reshaped} First: {html.escape(names)}.', "exsim-legend")


@solara.component
def ChartView(run: LessonRun, name: str, height: int, tick: int = 0):
    chart = CHARTS[name]
    with solara.Column(gap="0px", classes=["exsim-chart", f"chart-{name}"]):
        _text("h3", html.escape(chart.label))
        solara.FigureEcharts(option=option(run, name), attributes={"style": f"height: {height}px; width: 100%;"},
                             responsive=True)


@solara.component
def Charts(run: LessonRun, names: tuple[str, ...], height: int, tick: int = 0, kind: str = "more"):
    with solara.Div(classes=["exsim-charts", f"exsim-{kind}"]):
        for name in names:
            ChartView(run, name, height, tick).key(name)


@solara.component
def OrgChart(run: LessonRun, tick: int = 0):
    """The org chart: managers above their teams, coloured by engagement; burnout, absence and leavers marked."""
    with solara.Column(gap="0px", classes=["exsim-chart", "chart-org"]):
        _text("h3", "The organisation: managers (outlined) above their teams; colour: engagement (0-1)")
        solara.FigureEcharts(option=org_option(run), attributes={"style": "height: 440px; width: 100%;"},
                             responsive=True)
