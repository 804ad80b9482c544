"""What the dashboard runs: its controls, the configs they make, and a lesson run paired with the baseline.

A run starts from the status quo's settled organisation, exactly as `exsim run ... --baseline`
does (exsim.runs.settled: the baseline config at the chosen size settles for its
`sim.burn_in_weeks`, once per process, size, span and seed). The controls' values that differ from
the baseline (a lesson's and the teacher's) come into force together at the change week, as one
intervention, so the class sees weeks of the status quo and then the change unfold. A baseline run on
the same seed steps alongside: before the change week both runs are identical.

The size is the organisation's from the start. A span of control that differs from the baseline's
is a reorganisation at the change week (exsim.model.reorganising): the class sees the spans change
and their effect unfold like any other lever's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from exsim.config import ScenarioConfig, load_config
from exsim.config.interventions import RESHAPING_KEYS
from exsim.config.keys import get_dotted
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.dashboard.i18n import CHOICES_NL, CONTROLS_NL, number, tr
from exsim.lessons import BASELINE_FILE, Lesson, list_lessons, load_lesson
from exsim.metrics.kpis import COST_LINES
from exsim.runs.replicates import replicate_seeds
from exsim.runs.settled import start_model

BASELINE = "baseline"
DASHBOARD_HEADCOUNT = 200  # people; a size a class can read on screen
DEFAULT_CHANGE_WEEK = 13  # without a lesson, moved levers come into force after a quarter of the status quo
RECENT_WEEKS = 13  # window of the "last 13 weeks" counts
NEW_HIRE_WEEKS = 26  # "newest hires": the first six months
LEFT_MARK_WEEKS = 4  # weeks a leaver's seat stays marked on the org chart


@dataclass(frozen=True)
class Control:
    """One control: the config key it sets (None for run settings), its label, unit, range and display."""

    name: str
    key: str | None
    label: str
    unit: str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    kind: str = "float"  # "int", "float", "percent" (a share shown in %), "choice"
    choices: tuple[tuple[str, str], ...] = ()  # (value, text) for a choice
    group: str = "lever"  # "run" (size, seed, change week), "shape" (a reorganisation) or "lever"
    fmt: str = "{:.2f}"

    def label_in(self, lang: str = "en") -> str:
        return CONTROLS_NL[self.name][0] if lang == "nl" else self.label

    def unit_in(self, lang: str = "en") -> str:
        return CONTROLS_NL[self.name][1] if lang == "nl" else self.unit

    def show(self, value: Any, lang: str = "en") -> str:
        """The value with its unit, as the control's label shows it, in `lang`."""
        if self.kind == "choice":
            return (CHOICES_NL if lang == "nl" else dict(self.choices)).get(value, str(value))
        unit = self.unit_in(lang)
        if self.kind == "percent":
            return f"{value * 100:.0f}% {unit}".strip()
        return f"{number(self.fmt.format(value), lang)} {unit}".strip()

    def clean(self, value: Any) -> Any:
        """A value as this control holds it (ints stay ints; floats rounded to the control's grid)."""
        if self.kind == "choice":
            return str(value)
        if self.kind == "int":
            return int(round(float(value)))
        return round(float(value), 6)


CONTROLS: dict[str, Control] = {c.name: c for c in (
    Control("headcount", "org.headcount", "Organisation size", "people", 50, 400, 10, "int", group="run", fmt="{:.0f}"),
    Control("seed", None, "Random seed", "", 0, 100, 1, "int", group="run", fmt="{:.0f}"),
    Control("change_week", None, "The change starts in week", "", 1, 52, 1, "int", group="run", fmt="{:.0f}"),
    Control("span_of_control", "org.span_of_control", "Span of control", "reports per manager", 3, 40, 1, "int",
            group="shape", fmt="{:.0f}"),
    Control("workload", "work.workload", "Workload", "× staffed capacity", 0.8, 1.5, 0.05),
    Control("trust", "culture.trust", "Trust climate (0-1)", "", 0.0, 1.0, 0.05),
    Control("perks", "policy.perks_eur_per_employee", "Perks", "EUR per person a year", 0, 3000, 100, "int",
            fmt="{:,.0f}"),
    Control("training", "training.share", "Managers trained", "of managers", 0.0, 1.0, 0.1, "percent"),
    Control("selection", "managers.selection", "New managers are", "", kind="choice",
            choices=(("top_performer", "the team's best performer"), ("leadership", "selected for leadership"))),
    Control("promotion", "managers.internal_promotion_share", "Manager seats filled from the team", "", 0.0, 1.0,
            0.1, "percent"),
    Control("time_to_fill", "policy.time_to_fill_weeks", "Time to fill a vacancy", "weeks", 1, 26, 1, "int",
            fmt="{:.0f}"),
    Control("onboarding", "policy.onboarding_quality", "Onboarding quality (0-1)", "", 0.0, 1.0, 0.05),
    Control("surveys", "listening.surveys_per_year", "Pulse surveys", "a year", 0, 12, 1, "int", fmt="{:.0f}"),
    Control("follow_up", "listening.follow_up_rate", "Surveys followed up", "of surveys", 0.0, 1.0, 0.1, "percent"),
)}
IGNORED_SECTIONS = ("sim", "lesson", "interventions", "departments")  # never a lesson's timed change


@lru_cache(maxsize=None)
def lesson_of(name: str) -> Lesson:
    """A lesson as its file says (read once per process: the page asks often)."""
    return load_lesson(name)


@lru_cache(maxsize=1)
def lesson_names() -> tuple[str, ...]:
    return tuple(item.name for item in list_lessons())


def config_file(lesson: str):
    return BASELINE_FILE if lesson == BASELINE else lesson_of(lesson).path


def lesson_titles(lang: str = "en") -> dict[str, str]:
    return {BASELINE: tr(lang, "baseline_title"), **{name: lesson_of(name).titles[lang] for name in lesson_names()}}


def change_week_of(lesson: str) -> int:
    """The week a lesson's change comes into force: its file's [lesson] change_week."""
    return DEFAULT_CHANGE_WEEK if lesson == BASELINE else lesson_of(lesson).change_week


def lesson_settings(lesson: str, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every control's value for a lesson (or the baseline): its config's values and its change week.

    The organisation's size and the seed are the class's view, not part of a lesson: they are kept
    from `current` (else the dashboard's size and the baseline's seed).
    """
    config = load_config(config_file(lesson))
    settings = {name: control.clean(get_dotted(config.model_dump(), control.key))
                for name, control in CONTROLS.items() if control.key}
    current = current or {}
    settings["headcount"] = CONTROLS["headcount"].clean(current.get("headcount", DASHBOARD_HEADCOUNT))
    settings["seed"] = CONTROLS["seed"].clean(current.get("seed", load_config(BASELINE_FILE).sim.seed))
    settings["change_week"] = change_week_of(lesson)
    return {name: settings[name] for name in CONTROLS}


def _flat(config: ScenarioConfig) -> dict[str, Any]:
    return {f"{section}.{key}": value for section, values in config.model_dump().items()
            if isinstance(values, dict) and section not in IGNORED_SECTIONS for key, value in values.items()}


def lesson_fixed(lesson: str) -> dict[str, Any]:
    """The values a lesson sets that no control shows (they come into force with the change)."""
    if lesson == BASELINE:
        return {}
    keys = {control.key for control in CONTROLS.values()}
    base, own = _flat(load_config(BASELINE_FILE)), _flat(load_config(config_file(lesson)))
    return {key: value for key, value in own.items() if key not in keys and base.get(key) != value
            and key != "org.headcount"}


def status_quo_config(settings: dict[str, Any]) -> ScenarioConfig:
    """The baseline at the chosen size: what every run settles under and the paired baseline runs."""
    return load_config(BASELINE_FILE, [f"org.headcount={int(settings['headcount'])}"])


def scenario_config(settings: dict[str, Any], lesson: str) -> ScenarioConfig:
    """The lesson's config (or the baseline's) with every control's value set."""
    overrides = [(f"dashboard control {name}", f"{control.key}={settings[name]!r}".replace("'", '"'))
                 for name, control in CONTROLS.items() if control.key]
    return load_config(config_file(lesson), overrides)


def timed_config(settings: dict[str, Any], lesson: str, title: str = "the change") -> ScenarioConfig:
    """The status quo with the scenario's values from the change week, its spans of control as a reorganisation."""
    status_quo, scenario = status_quo_config(settings), scenario_config(settings, lesson)
    base, own = _flat(status_quo), _flat(scenario)
    changes = {key: value for key, value in own.items()
               if (not key.startswith("org.") or key in RESHAPING_KEYS) and base.get(key) != value}
    data = status_quo.model_dump()
    data["org"] = {**scenario.org.model_dump(), **{key.split(".")[1]: base[key] for key in RESHAPING_KEYS}}
    data["sim"], data["lesson"] = scenario.sim.model_dump(), scenario.lesson.model_dump()
    data["interventions"] = [{"name": title, "set": changes, "start_week": int(settings["change_week"])}] if changes else []
    return ScenarioConfig.model_validate(data)


def week_label(week: int, lang: str = "en") -> str:
    """"Week 7 · year 1, week 7 of the year"; week 0 is the settled organisation before the first week."""
    if week < 1:
        return tr(lang, "week0")
    return tr(lang, "week", week=week, year=(week - 1) // WEEKS_PER_YEAR + 1, of_year=(week - 1) % WEEKS_PER_YEAR + 1)


def _per_window(counts: list[int], weeks: int) -> float:
    """People in the last `weeks` weeks; in the first weeks, the weeks so far scaled up to the window."""
    recent = counts[-weeks:]
    return sum(recent) * weeks / len(recent)


class Measures:
    """Weekly figures the dashboard adds to the recorder's: about the newest hires and the managers."""

    def __init__(self, model):
        self.model = model
        self.rows: list[dict[str, float]] = []
        self._spells_seen = 0
        self._early_quits: list[int] = []
        self._manager_quits: list[int] = []
        self._quits: list[int] = []
        self.left_week = np.full(model.org.n_seats, -10**6, dtype=np.int64)

    def after_step(self, before: np.ndarray) -> None:
        model, staff, org = self.model, self.model.staff, self.model.org
        week = model.week
        before = self._follow_reorganisation(before)
        self.left_week[(before >= 0) & (staff.agent_id != before)] = week
        spells = model.recorder.spells_since(self._spells_seen)
        self._spells_seen = model.recorder.spell_count
        quits = spells[(spells["exit_reason"] == "voluntary") & (spells["exit_week"] == week)] if len(spells) else spells
        self._early_quits.append(int((quits["tenure_weeks"] < NEW_HIRE_WEEKS).sum()) if len(quits) else 0)
        self._manager_quits.append(int((quits["role"] == "manager").sum()) if len(quits) else 0)
        self._quits.append(len(quits))
        occ = staff.occupied
        new = occ & (staff.tenure_weeks < NEW_HIRE_WEEKS)
        managers = occ & org.is_manager
        row = model.recorder.weeks[-1]
        self.rows.append({
            "early_quits": _per_window(self._early_quits, RECENT_WEEKS),
            "manager_quits": _per_window(self._manager_quits, RECENT_WEEKS),
            "recent_quits": _per_window(self._quits, 4),
            "new_hire_skill": float(staff.skill[new].mean()) if new.any() else float("nan"),
            "manager_strain": float(staff.strain[managers].mean()) if managers.any() else float("nan"),
            "strain": float(staff.strain[occ].mean()) if occ.any() else float("nan"),
            "promoted_share": float(staff.promoted[managers].mean()) if managers.any() else 0.0,
            "cost_other": float(sum(row[line] for line in COST_LINES)),
        })


    def _follow_reorganisation(self, before: np.ndarray) -> np.ndarray:
        """Seat-indexed values moved to the seats of a reorganisation this week (people keep their ids)."""
        moved = self.model.last_reorganisation
        if moved is None or moved[0] != self.model.week:
            return before
        old_seat = np.empty_like(moved[1])
        old_seat[moved[1]] = np.arange(len(moved[1]))
        self.left_week = self.left_week[old_seat]
        return before[old_seat]


class LessonRun:
    """The lesson (or the teacher's settings) and the baseline, on the same seed and size, week by week."""

    def __init__(self, settings: dict[str, Any], lesson: str = BASELINE, model_seed: int | None = None):
        self.settings = {name: CONTROLS[name].clean(settings[name]) for name in CONTROLS}
        self.lesson = lesson
        self.titles = {lang: lesson_titles(lang).get(lesson, lesson) for lang in ("en", "nl")}
        self.title = self.titles["en"]
        # as `exsim run --seed S` with one replicate, unless another replicate's seed is given
        self.seed = replicate_seeds(int(self.settings["seed"]), 1)[0] if model_seed is None else int(model_seed)
        self.status_quo = status_quo_config(self.settings)
        self.config = timed_config(self.settings, lesson, self.title)
        self.model = start_model(self.config, self.seed, settle_under=self.status_quo)
        self.baseline = start_model(self.status_quo, self.seed, settle_under=self.status_quo)
        self.measures = {id(m): Measures(m) for m in (self.model, self.baseline)}

    @property
    def week(self) -> int:
        return max(self.model.week, 0)

    @property
    def change_week(self) -> int | None:
        """The week the timed change comes into force (None when nothing differs from the baseline)."""
        return self.config.interventions[0].start_week if self.config.interventions else None

    def step(self) -> None:
        for model in (self.model, self.baseline):
            before = model.staff.agent_id.copy()
            model.step()
            self.measures[id(model)].after_step(before)

    def series(self, name: str, which: str = "lesson", scale: float = 1.0) -> list[list[float]]:
        """[[week, value], ...] of a recorded KPI or a dashboard measure, for the lesson or the baseline run."""
        model = self.model if which == "lesson" else self.baseline
        weeks = model.recorder.weeks
        rows = self.measures[id(model)].rows
        if weeks and name in weeks[0]:
            values = [w[name] for w in weeks]
        else:
            values = [r[name] for r in rows]
        return [[i + 1, None if v != v else round(v * scale, 5)] for i, v in enumerate(values)]

    def running(self) -> dict[str, Any]:
        """Every control's value as the model runs it, read back from the model's own config.

        Lever values are those in force from the change week (before it, the baseline's).
        """
        return self._values(self.model, self.change_week or 1)

    def running_baseline(self) -> dict[str, Any]:
        """Every control's value as the paired baseline run runs it."""
        return self._values(self.baseline, 1)

    def _values(self, model, week: int) -> dict[str, Any]:
        after = model.schedule.config_at(week).model_dump()
        values: dict[str, Any] = {}
        for name, control in CONTROLS.items():
            if control.key == "org.headcount":
                values[name] = int(model.org.n_seats)
            elif control.key:
                values[name] = control.clean(get_dotted(after, control.key))
        values["seed"] = int(self.settings["seed"])
        values["change_week"] = self.change_week or int(self.settings["change_week"])
        values["model_seed"] = int(model.seed_entropy)
        return values


COMPARE_SEEDS = 8  # paired seeds of the side-by-side comparison
COMPARE_WEEKS = 52


@dataclass(frozen=True)
class Paired:
    """The settings and the baseline on the same seeds, week by week: values[name][which] is seeds x weeks."""

    settings: dict[str, Any]
    lesson: str
    seeds: tuple[int, ...]
    change_week: int | None
    values: dict[str, dict[str, np.ndarray]]

    def band(self, name: str, which: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, lowest and highest over the seeds, week by week; which is "lesson", "baseline" or "difference"."""
        if which == "difference":
            data = self.values[name]["lesson"] - self.values[name]["baseline"]  # seed by seed: paired
        else:
            data = self.values[name][which]
        return data.mean(axis=0), data.min(axis=0), data.max(axis=0)

    def largest_difference_before_change(self, names, after: bool = False) -> float:
        """The largest |this run - baseline| of any seed and plot in the weeks before the change (or from it on)."""
        weeks = max((self.change_week or 1) - 1, 0)
        part = slice(weeks, None) if after else slice(0, weeks)
        gaps = [np.nan_to_num(np.abs(self.values[n]["lesson"][:, part] - self.values[n]["baseline"][:, part]))
                for n in names]
        return max((float(gap.max(initial=0.0)) for gap in gaps), default=0.0)


def paired_runs(settings: dict[str, Any], lesson: str, names, seeds: int = COMPARE_SEEDS, weeks: int = COMPARE_WEEKS,
                scales: dict[str, float] | None = None, on_seed=None) -> Paired:
    """Run the settings and the baseline on the same `seeds` replicate seeds (those of `exsim run --replicates N
    --seed S`) for `weeks` weeks; `on_seed(i)` is called before the i-th seed (from 0)."""
    model_seeds = replicate_seeds(int(settings["seed"]), seeds)
    values = {name: {"lesson": np.full((seeds, weeks), np.nan), "baseline": np.full((seeds, weeks), np.nan)}
              for name in names}
    change_week = None
    for i, model_seed in enumerate(model_seeds):
        if on_seed is not None:
            on_seed(i)
        run = LessonRun(settings, lesson, model_seed)
        change_week = run.change_week
        for _ in range(weeks):
            run.step()
        for name in names:
            scale = (scales or {}).get(name, 1.0)
            for which in ("lesson", "baseline"):
                values[name][which][i] = [np.nan if v is None else v for _, v in run.series(name, which, scale)]
    return Paired(dict(settings), lesson, tuple(model_seeds), change_week, values)
