"""Dashboard views: controls with their values, the clock and buttons, the lesson panel, plots and the org chart."""

from __future__ import annotations

import html
import json
from typing import Any, Callable

import ipyvuetify as v
import solara
import traitlets

from exsim.dashboard.charts import CHARTS, chart_label, compare_options, option, org_height, org_option, watched
from exsim.dashboard.i18n import LANGUAGES, PARAMETERS_NL, number, tr
from exsim.dashboard.model import BASELINE, COMPARE_SEEDS, COMPARE_WEEKS, CONTROLS, LessonRun, lesson_fixed, lesson_of, lesson_titles, week_label

CSS = """
.exsim-app { display: grid; grid-template-columns: 360px minmax(0, 1fr); gap: 18px; padding: 12px 16px;
             font-size: 16px; line-height: 1.35; color: #1a1a1a; }
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
.exsim-note { background: #eef5fb; border-left: 5px solid #0072B2; padding: 6px 10px; margin: 4px 0; }
.exsim-langs .v-btn { min-width: 0 !important; }
.exsim-keys { display: inline-flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.exsim-keys-hint { font-size: 14px; color: #555; }
.exsim-compare h2 { font-size: 22px; margin: 8px 0 0 0; }
.exsim-pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 10px 16px; align-items: end; }
.exsim-buttons .v-btn { font-size: 17px !important; min-width: 96px !important; height: 44px !important; }
/* last, so it overrides the rules above on projector-sized screens */
@media (max-width: 1150px) { .exsim-app { grid-template-columns: 300px minmax(0, 1fr); gap: 12px; padding: 8px; }
                             .exsim-clock { font-size: 21px; }
                             .exsim-buttons .v-btn { font-size: 15px !important; min-width: 72px !important;
                                                     height: 40px !important; padding: 0 12px !important; }
                             .exsim-keys-hint { font-size: 13px; } }
"""
PLAY_SECONDS = 0.35  # at most one week per this many seconds while playing


def _text(tag: str, text: str, classes: str = "", **attributes) -> solara.Element:
    attrs = {key.replace("_", "-"): value for key, value in attributes.items()}
    return solara.HTML(tag=tag, unsafe_innerHTML=text, classes=[classes] if classes else [], attributes=attrs)


@solara.component
def ControlView(name: str, value, on_value, lang: str = "en"):
    """One control: its label and current value with unit in large type, then the slider or choice."""
    control = CONTROLS[name]
    with solara.Column(gap="0px", classes=["exsim-control", f"control-{name}"]):
        _text("div", f'<span class="label">{html.escape(control.label_in(lang))}:</span> '
                     f'<span class="value">{html.escape(control.show(value, lang))}</span>',
              "exsim-control-text", data_value=json.dumps(value))
        if control.kind == "choice":
            texts = {key: control.show(key, lang) for key, _ in control.choices}
            by_text = {text: key for key, text in texts.items()}
            solara.Select(label="", value=texts[value], values=list(texts.values()),
                          on_value=lambda text: on_value(by_text[text]))
        elif control.kind == "int":
            solara.SliderInt("", value=int(value), min=int(control.low), max=int(control.high), step=int(control.step),
                             on_value=on_value, thumb_label=False)
        else:
            solara.SliderFloat("", value=float(value), min=control.low, max=control.high, step=control.step,
                               on_value=lambda v: on_value(control.clean(v)), thumb_label=False)


@solara.component
def LanguageSwitch(lang: solara.Reactive[str]):
    """English or Dutch: every label, button, plot and lesson text follows."""
    with solara.Row(gap="6px", classes=["exsim-langs"], style={"align-items": "center"}):
        for code, name in LANGUAGES.items():
            solara.Button(name, small=True, color="primary", outlined=lang.value != code,
                          on_click=lambda code=code: lang.set(code), classes=[f"exsim-lang-{code}"])


@solara.component
def ControlsPanel(draft: solara.Reactive[dict], lesson: str, on_lesson, lang: solara.Reactive[str]):
    """The language switch, the lesson picker and every control, grouped: run settings, shape, levers."""
    language = lang.value
    titles = lesson_titles(language)
    by_title = {v: k for k, v in titles.items()}
    with solara.Column(gap="4px", classes=["exsim-side"]):
        LanguageSwitch(lang)
        solara.Select(label=tr(language, "lesson"), value=titles[lesson], values=list(titles.values()),
                      on_value=lambda title: on_lesson(by_title[title]), classes=["exsim-picker"])
        for group in ("run", "shape", "lever"):
            _text("div", tr(language, f"group.{group}"), "exsim-group")
            for name, control in CONTROLS.items():
                if control.group == group:
                    ControlView(name, draft.value[name],
                                lambda v, name=name: draft.set({**draft.value, name: CONTROLS[name].clean(v)}),
                                language)


def lever_changes(run: LessonRun, lang: str = "en") -> list[str]:
    """The levers this run changes at its change week, with the baseline's values, in words."""
    values, base = run.running(), run.running_baseline()
    levers = [f"{CONTROLS[n].label_in(lang).lower()} {CONTROLS[n].show(values[n], lang)} "
              f"({tr(lang, 'baseline_value', value=CONTROLS[n].show(base[n], lang))})"
              for n, c in CONTROLS.items() if c.group in ("shape", "lever") and values[n] != base[n]]
    return levers + [fixed_value(key, value, lang) for key, value in lesson_fixed(run.lesson).items()]


def fixed_value(key: str, value: Any, lang: str = "en") -> str:
    """A value a lesson sets without a control, in words: "Top performer quality penalty (0-1 ...): 0.2"."""
    from exsim.report.catalogue import format_value, parameter_info

    if lang == "nl" and key in PARAMETERS_NL:
        label, unit = PARAMETERS_NL[key]
        return f"{label} ({unit}): {number(format_value(value, ''), lang)}"
    info = parameter_info(key)
    return f"{info.label}: {format_value(value, info.unit)}" if info else f"{key} = {value}"


def running_text(run: LessonRun, lang: str = "en") -> str:
    """What the model runs, in words, read back from the model's config."""
    values, start = run.running(), run.running_baseline()
    head = tr(lang, "running", title=html.escape(run.titles[lang]),
              size=html.escape(CONTROLS["headcount"].show(values["headcount"], lang)),
              span=html.escape(CONTROLS["span_of_control"].show(start["span_of_control"], lang)), seed=values["seed"])
    if run.change_week is None:
        return head + tr(lang, "levers_throughout")
    week, levers = run.change_week, html.escape("; ".join(lever_changes(run, lang)))
    if week > 1:
        return head + tr(lang, "weeks_before", before=week - 1, week=week, levers=levers)
    return head + tr(lang, "from_week", week=week, levers=levers)


KEYS_VUE = """<template>
  <span class="exsim-keys">
    <v-btn class="exsim-fullscreen" color="primary" variant="outlined" @click="toggleFullscreen()">{{ label }}</v-btn>
    <span class="exsim-keys-hint">{{ hint }}</span>
  </span>
</template>
<script>
// Keyboard shortcuts for the whole page: space plays or pauses, the right arrow steps, r resets,
// f toggles full screen. Keys typed into a field, a slider or a list are left to it.
module.exports = {
  mounted() {
    const skip = (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return true;
      const target = event.target;
      return !!(target && target.closest && target.closest(
        'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role=slider], [role=combobox], ' +
        '[role=listbox], [role=option], [role=textbox], .v-field, .v-list'));
    };
    const actions = {' ': 'play', 'ArrowRight': 'step', 'r': 'reset', 'R': 'reset', 'f': 'fullscreen', 'F': 'fullscreen'};
    this.onKeyDown = (event) => {
      const action = actions[event.key];
      if (!action || skip(event)) return;
      event.preventDefault();  // a focused button must not also take the space as a click
      event.stopPropagation();
      if (event.repeat) return;
      if (action === 'fullscreen') this.toggleFullscreen();
      else this.key(action);
    };
    this.onKeyUp = (event) => {
      if (event.key === ' ' && !skip(event)) event.preventDefault();
    };
    document.addEventListener('keydown', this.onKeyDown, true);
    document.addEventListener('keyup', this.onKeyUp, true);
  },
  beforeUnmount() {
    document.removeEventListener('keydown', this.onKeyDown, true);
    document.removeEventListener('keyup', this.onKeyUp, true);
  },
  methods: {
    toggleFullscreen() {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
    },
  },
};
</script>
"""


class KeysWidget(v.VuetifyTemplate):
    """The full-screen button and the page's keyboard shortcuts; `callback` gets "play", "step" or "reset"."""

    template = traitlets.Unicode(KEYS_VUE).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    callback = traitlets.Any(None)

    def vue_key(self, action, buffers=None):
        if self.callback is not None:
            self.callback(action)


def KeyShortcuts(label: str, hint: str, event_key: Callable[[str], None]):
    return KeysWidget.element(label=label, hint=hint, callback=event_key)


@solara.component
def Header(run: LessonRun, playing: solara.Reactive[bool], on_step, on_reset, draft: dict, tick: int = 0,
           lang: str = "en", on_key=None):
    """The clock, play/pause, step and reset, the not-applied banner and what the model runs."""
    with solara.Row(classes=["exsim-buttons"], style={"align-items": "center", "flex-wrap": "wrap", "gap": "10px"}):
        _text("div", week_label(run.week, lang), "exsim-clock", id="exsim-week", data_week=str(run.week))
        solara.Button(tr(lang, "pause") if playing.value else tr(lang, "play"), color="primary",
                      on_click=lambda: playing.set(not playing.value), classes=["exsim-play"])
        solara.Button(tr(lang, "step"), color="primary", on_click=on_step, disabled=playing.value,
                      classes=["exsim-step"])
        solara.Button(tr(lang, "reset"), color="primary" if draft != run.settings else None, on_click=on_reset,
                      outlined=draft == run.settings, classes=["exsim-reset"])
        KeyShortcuts(label=tr(lang, "fullscreen"), hint=tr(lang, "keys"), event_key=on_key)
    changed = [n for n in CONTROLS if draft[n] != run.settings[n]]
    if changed:
        items = "; ".join(f"{CONTROLS[n].label_in(lang)}: {CONTROLS[n].show(run.settings[n], lang)} → "
                          f"{CONTROLS[n].show(draft[n], lang)}" for n in changed)
        _text("div", tr(lang, "banner", items=html.escape(items)), "exsim-banner", id="exsim-banner")
    _text("div", running_text(run, lang), "exsim-running", id="exsim-running",
          data_running=json.dumps(run.running()), data_change_week=str(run.change_week or ""),
          data_series=json.dumps({name: {"lesson": [v for _, v in run.series(name, "lesson", CHARTS[name].scale)],
                                         "baseline": [v for _, v in run.series(name, "baseline", CHARTS[name].scale)]}
                                  for name in watched(run.lesson)}))


@solara.component
def LessonPanel(run: LessonRun, tick: int = 0, lang: str = "en"):
    """The lesson's title, what to watch, and the legend of the plots."""
    with solara.Column(gap="4px", classes=["exsim-lesson"]):
        if run.lesson == BASELINE:
            _text("h2", tr(lang, "baseline_heading"))
            _text("div", tr(lang, "baseline_text"))
        else:
            item = lesson_of(run.lesson)
            _text("h2", html.escape(item.titles[lang]))
            _text("div", f"<b>{tr(lang, 'what_to_watch')}</b> " + html.escape(item.texts[lang]))
        names = ", ".join(chart_label(name, lang) for name in watched(run.lesson))
        when = tr(lang, "change_at", week=run.change_week) if run.change_week else tr(lang, "no_change")
        _text("div", tr(lang, "legend", when=when, names=html.escape(names)), "exsim-legend")


@solara.component
def ChartView(run: LessonRun, name: str, height: int, tick: int = 0, lang: str = "en"):
    with solara.Column(gap="0px", classes=["exsim-chart", f"chart-{name}"]):
        _text("h3", html.escape(chart_label(name, lang)))
        solara.FigureEcharts(option=option(run, name, lang), attributes={"style": f"height: {height}px; width: 100%;"},
                             responsive=True)


@solara.component
def Charts(run: LessonRun, names: tuple[str, ...], height: int, tick: int = 0, kind: str = "more", lang: str = "en"):
    with solara.Div(classes=["exsim-charts", f"exsim-{kind}"]):
        for name in names:
            ChartView(run, name, height, tick, lang).key(name)


@solara.component
def OrgChart(run: LessonRun, tick: int = 0, lang: str = "en"):
    """The org chart: teams as blocks under their managers, coloured by engagement; burnout, absence and leavers marked."""
    with solara.Column(gap="0px", classes=["exsim-chart", "chart-org"]):
        _text("h3", tr(lang, "org_title"))
        height = org_height(run.model.org.n_seats)
        solara.FigureEcharts(option=org_option(run, lang), attributes={"style": f"height: {height}px; width: 100%;"},
                             responsive=True)


@solara.component
def Compare(run: LessonRun, paired, progress, on_compare, lang: str = "en"):
    """The settings now running against the baseline on paired seeds: means with bands, and the paired difference."""
    current = paired is not None and paired.settings == run.settings and paired.lesson == run.lesson
    names = watched(run.lesson)
    options = solara.use_memo(lambda: {name: compare_options(paired, name, lang) for name in names} if current else {},
                              [id(paired), lang, current, names])
    with solara.Column(gap="6px", classes=["exsim-compare"]):
        _text("h2", tr(lang, "compare_heading", n=COMPARE_SEEDS))
        _text("div", tr(lang, "compare_text", n=COMPARE_SEEDS, first=run.settings["seed"]), "exsim-compare-text")
        with solara.Row(style={"align-items": "center", "gap": "12px"}, classes=["exsim-buttons"]):
            solara.Button(tr(lang, "compare_button", n=COMPARE_SEEDS, weeks=COMPARE_WEEKS), color="primary",
                          outlined=current, disabled=progress is not None, on_click=on_compare,
                          classes=["exsim-compare-button"])
            if progress is not None:
                _text("div", tr(lang, "compare_running", i=progress, n=COMPARE_SEEDS), "exsim-compare-progress")
        if paired is not None and not current:
            _text("div", tr(lang, "compare_stale", title=html.escape(lesson_titles(lang).get(paired.lesson, ""))),
                  "exsim-note")
        if current:
            _text("div", "", "exsim-paired", data_seeds=json.dumps(list(map(str, paired.seeds))),
                  data_change_week=str(paired.change_week or ""),
                  data_before=json.dumps(paired.largest_difference_before_change(names)),
                  data_after=json.dumps(paired.largest_difference_before_change(names, after=True)))
            for name in names:
                both, difference = options[name]
                with solara.Div(classes=["exsim-pair", f"pair-{name}"]):
                    with solara.Column(gap="0px", classes=["exsim-chart"]):
                        _text("h3", html.escape(chart_label(name, lang)))
                        solara.FigureEcharts(option=both, attributes={"style": "height: 240px; width: 100%;"},
                                             responsive=True)
                    with solara.Column(gap="0px", classes=["exsim-chart"]):
                        _text("h3", html.escape(tr(lang, "diff_title", label=chart_label(name, lang))))
                        solara.FigureEcharts(option=difference, attributes={"style": "height: 240px; width: 100%;"},
                                             responsive=True)
