"""The educators' dashboard in a real browser: Playwright driving Debian's headless chromium.

What the page shows is read from the page: the controls' values from their sliders, what the model
runs from the `#exsim-running` line's data attributes (read back from the model's config), the
clock from `#exsim-week`. Waits are for conditions on the page, never for wall-clock time.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exsim.dashboard.charts import CHARTS, watched
from exsim.dashboard.model import CONTROLS, lesson_settings, lesson_titles
from exsim.lessons import load_lesson

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)")
SCREENS = {"wide": (1440, 900), "projector": (1024, 768)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "exsim.cli", "dashboard", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the dashboard did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, server, size=SCREENS["wide"]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.requests, page.failures = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("response", lambda r: page.failures.append((r.status, r.url)) if r.status >= 400 else None)
    page.goto(server, timeout=90_000)
    page.wait_for_selector("text=Week 0 ", timeout=90_000)
    page.wait_for_selector("#exsim-running", timeout=90_000)
    return page


@pytest.fixture()
def page(browser, server, tmp_path):
    page = open_page(browser, server)
    yield page
    page.screenshot(path=str(tmp_path / "dashboard.png"))
    page.close()


def slider_values(page) -> dict:
    """Each control's value as its slider (or choice) shows it, by control name."""
    values = {}
    for name, control in CONTROLS.items():
        box = page.locator(f".control-{name}")
        if control.kind == "choice":
            values[name] = json.loads(box.locator("[data-value]").get_attribute("data-value"))
            assert box.get_by_text(control.show(values[name])).first.is_visible()
        else:
            value = float(box.get_by_role("slider").get_attribute("aria-valuenow"))
            values[name] = control.clean(value)
    return values


def running_line(page):
    """The Running line, once a re-render has settled (for a moment the old and the new one are both there)."""
    page.wait_for_function("() => document.querySelectorAll('#exsim-running').length == 1", timeout=30_000)
    return page.locator("#exsim-running")


def running(page) -> dict:
    """What the page says the model runs (its settings, read back from the model's config)."""
    return json.loads(running_line(page).get_attribute("data-running"))


def pick_lesson(page, title: str) -> None:
    page.locator(".exsim-side .v-select").first.click()
    page.locator(".v-list-item", has_text=title).first.click()
    page.wait_for_selector(f".exsim-lesson h2:text-is(\"{title}\")" if title != "Baseline (no lesson)"
                           else ".exsim-lesson h2:has-text('Baseline')", timeout=60_000)


def step_to(page, week: int) -> None:
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector(f"#exsim-week[data-week='{week}']", timeout=30_000)


def test_page_loads_with_controls_plots_and_no_outside_requests(page, tmp_path):
    for control in CONTROLS.values():
        assert page.locator(f".control-{control.name}").get_by_text(control.label, exact=False).first.is_visible()
    for text in ("Reset", "Step", "Play", "Lesson", "Engagement (0-1)", "Voluntary attrition (% a year)"):
        assert page.get_by_text(text, exact=False).first.is_visible(), text
    page.wait_for_function("() => document.querySelectorAll('.exsim-chart canvas').length >= 13",
                           timeout=30_000)  # every plot and the org chart drawn in the browser
    assert page.get_by_text("Time:").count() == 0  # one clock
    outside = [url for url in page.requests if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:"))]
    assert not outside, outside
    assert not page.failures, page.failures
    page.screenshot(path=str(tmp_path / "loaded.png"))


def test_every_lesson_sets_every_control_and_the_model_runs_them(page):
    pick_lesson(page, "The span-of-control trap")  # start from another lesson's values
    titles = lesson_titles()
    for name, title in [(n, t) for n, t in titles.items() if n != "span-of-control-trap"] + \
            [("span-of-control-trap", titles["span-of-control-trap"])]:
        pick_lesson(page, title)
        expected = lesson_settings(name, {"headcount": 200, "seed": 42})
        page.wait_for_function("s => document.querySelector('#exsim-running').dataset.running.includes(s)",
                               arg=f'"span_of_control": {expected["span_of_control"]}', timeout=30_000)
        shown, runs = slider_values(page), running(page)
        assert shown == expected, name
        assert {key: runs[key] for key in shown} == shown, name
        assert page.locator("#exsim-banner").count() == 0, name
        watch = watched(name)  # the lesson file's [lesson] watch list: every one drawn first, with its title
        page.wait_for_function("n => document.querySelectorAll('.exsim-watch .exsim-chart canvas').length == n",
                               arg=len(watch), timeout=30_000)
        for chart in watch:
            assert page.locator(f".exsim-watch .chart-{chart} h3").inner_text() == CHARTS[chart].label, name
        if name != "baseline":
            assert running_line(page).get_attribute("data-change-week") == str(load_lesson(name).change_week)


def test_moved_slider_shows_a_banner_until_reset_applies_it(page):
    assert running(page)["span_of_control"] == 8
    thumb = page.locator(".control-span_of_control").get_by_role("slider")
    thumb.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => (document.querySelector('#exsim-banner') || {}).innerText"
                           "?.includes('12 reports per manager')", timeout=30_000)  # the last key's value
    assert slider_values(page)["span_of_control"] == 12
    assert running(page)["span_of_control"] == 8  # not applied yet, and the banner says so
    page.get_by_role("button", name="Reset").click()
    page.wait_for_selector("#exsim-banner", state="detached", timeout=30_000)
    page.wait_for_function("() => JSON.parse(document.querySelector('#exsim-running').dataset.running)"
                           ".span_of_control == 12", timeout=30_000)  # the new run's line, once rendered
    assert running(page)["span_of_control"] == 12
    assert slider_values(page) == {key: value for key, value in running(page).items() if key in CONTROLS}


def play_until(page, week: int) -> dict:
    """Play until the page shows `week`, pause, and return the series it plotted (data-series)."""
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("w => +document.querySelector('#exsim-week').dataset.week >= w", arg=week,
                           timeout=120_000)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("button:has-text('Play')", timeout=30_000)
    return json.loads(running_line(page).get_attribute("data-series"))


def test_week_label_is_consistent(page):
    for week in (1, 2, 3):
        step_to(page, week)
        assert page.locator("#exsim-week").inner_text() == f"Week {week} · year 1, week {week} of the year"


def test_the_lessons_change_appears_at_its_marked_week(page, tmp_path):
    pick_lesson(page, "The understaffing spiral")
    week = load_lesson("understaffing-spiral").change_week
    assert running_line(page).get_attribute("data-change-week") == str(week)
    assert f"change at week {week}" in page.locator(".exsim-legend").inner_text()
    burnout = play_until(page, week + 5)["burnout_share"]
    assert burnout["lesson"][:week - 1] == burnout["baseline"][:week - 1]  # same organisation and seed until then
    assert burnout["lesson"][week:week + 5] != burnout["baseline"][week:week + 5]  # the workload bites from then on
    page.locator(".exsim-compare-button").click()  # the side-by-side on paired seeds
    paired = page.wait_for_selector(".exsim-paired", state="attached", timeout=120_000)
    seeds = json.loads(paired.get_attribute("data-seeds"))
    assert len(set(seeds)) == 8 and seeds[0] == str(running(page)["model_seed"])
    assert paired.get_attribute("data-change-week") == str(week)
    assert json.loads(paired.get_attribute("data-before")) == 0  # every pair identical until the change
    assert json.loads(paired.get_attribute("data-after")) > 0
    page.wait_for_function("n => document.querySelectorAll('.exsim-compare canvas').length == n",
                           arg=2 * len(watched("understaffing-spiral")), timeout=30_000)
    page.screenshot(path=str(tmp_path / "lesson.png"))


def test_the_span_lesson_reorganises_at_its_marked_week(page):
    pick_lesson(page, "The span-of-control trap")
    week = load_lesson("span-of-control-trap").change_week
    assert running_line(page).get_attribute("data-change-week") == str(week)
    assert f"from week {week}: span of control 30 reports per manager" in running_line(page).inner_text()
    support = play_until(page, week + 8)["manager_support"]
    lesson, baseline = support["lesson"], support["baseline"]
    assert lesson[:week - 1] == baseline[:week - 1]  # the baseline's organisation until the marked week
    after = len(lesson) - (week - 1)
    assert sum(lesson[week - 1:]) / after < sum(baseline[week - 1:]) / after - 0.02  # then the wider spans


def test_the_lesson_picker_is_clickable_at_1024x768(browser, server, tmp_path):
    page = open_page(browser, server, SCREENS["projector"])
    layout = page.evaluate("""() => {
        const box = s => { const r = document.querySelector(s).getBoundingClientRect();
                           return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
        const picker = document.querySelector('.exsim-picker').getBoundingClientRect();
        const hit = document.elementFromPoint(picker.left + picker.width / 2, picker.top + picker.height / 2);
        return {side: box('.exsim-side'), main: box('.exsim-lesson'), header: box('#exsim-week'),
                play: box('.exsim-play'), picker_on_top: !!hit.closest('.exsim-picker'),
                width: document.documentElement.scrollWidth};
    }""")
    assert layout["picker_on_top"]  # nothing covers the lesson picker
    assert layout["side"]["right"] <= layout["main"]["left"]  # controls beside the plots, not over them
    assert layout["header"]["right"] <= layout["play"]["left"] or layout["header"]["bottom"] <= layout["play"]["top"]
    assert layout["width"] <= 1024  # nothing wider than the screen
    pick_lesson(page, "Surveys without follow-up")
    assert slider_values(page)["follow_up"] == 0.0
    page.screenshot(path=str(tmp_path / "projector.png"))
    page.close()


def test_the_language_switch_changes_the_labels(page):
    english = {".control-headcount .label": "Organisation size:", ".exsim-play": "Play",
               ".exsim-step": "Step", ".exsim-reset": "Reset", ".chart-engagement h3": "Engagement (0-1)",
               ".exsim-watch .chart-enps h3": "eNPS (-100..100)", ".exsim-lesson h2": "Baseline: a typical office organisation",
               "#exsim-week": "Week 0 · the settled organisation, before week 1"}
    dutch = {".control-headcount .label": "Omvang van de organisatie:", ".exsim-play": "Afspelen",
             ".exsim-step": "Stap", ".exsim-reset": "Opnieuw", ".chart-engagement h3": "Betrokkenheid (0-1)",
             ".exsim-watch .chart-enps h3": "eNPS (-100..100)", ".exsim-lesson h2": "Basislijn: een doorsnee kantoororganisatie",
             "#exsim-week": "Week 0 · de organisatie in evenwicht, vóór week 1"}

    def shown(selector):
        return page.locator(selector).first.inner_text().replace("▶", "").strip()

    def wait_for_texts(texts):  # the page updates its parts one after another: wait until all show the language
        page.wait_for_function("""texts => Object.entries(texts).every(([s, t]) => {
            const e = document.querySelector(s); return e && e.innerText.replace('▶', '').trim().toLowerCase() == t;
        })""", arg={s: t.lower() for s, t in texts.items()}, timeout=30_000)  # buttons show in upper case

    wait_for_texts(english)
    page.locator(".exsim-lang-nl").click()
    wait_for_texts(dutch)
    assert "mensen" in page.locator(".control-headcount .value").inner_text()
    pick_lesson(page, load_lesson("surveys-without-follow-up").titles["nl"])  # the picker lists the Dutch titles
    page.wait_for_function("t => document.querySelector('.exsim-lesson').innerText.includes(t)",
                           arg="Waar op te letten. " + load_lesson("surveys-without-follow-up").texts["nl"][:40])
    page.wait_for_function("() => document.querySelector('#exsim-running').innerText.startsWith('Nu:')")
    page.locator(".exsim-lang-en").click()
    wait_for_texts({".control-headcount .label": "Organisation size:", ".exsim-lesson h2": "Surveys without follow-up"})


def week_of(page) -> int:
    return int(page.locator("#exsim-week").get_attribute("data-week"))


def test_keyboard_space_plays_and_pauses_arrow_steps_r_resets(page):
    assert page.locator(".exsim-fullscreen").is_visible()
    page.locator("#exsim-week").click()  # the page has the focus, no control
    page.keyboard.press("Space")
    page.wait_for_selector(".exsim-play:has-text('Pause')", timeout=30_000)
    page.wait_for_function("() => +document.querySelector('#exsim-week').dataset.week >= 2", timeout=60_000)
    page.keyboard.press("Space")
    page.wait_for_selector(".exsim-play:has-text('Play')", timeout=30_000)
    week = week_of(page)
    page.keyboard.press("ArrowRight")  # steps only when paused: exactly one week on
    page.wait_for_selector(f"#exsim-week[data-week='{week + 1}']", timeout=30_000)
    page.locator(".exsim-play").click()  # playing by mouse leaves the focus on the button ...
    page.wait_for_selector(".exsim-play:has-text('Pause')", timeout=30_000)
    page.keyboard.press("Space")  # ... where the space pauses once, not pause-and-play again
    page.wait_for_selector(".exsim-play:has-text('Play')", timeout=30_000)
    assert week_of(page) >= week + 1
    page.locator(".control-seed").get_by_role("slider").focus()
    page.keyboard.press("r")  # typing in a control is not a shortcut
    page.keyboard.press("ArrowRight")  # the slider's own key: the seed moves, the model does not step
    page.wait_for_selector("#exsim-banner", timeout=30_000)
    assert week_of(page) >= week + 1
    page.locator("#exsim-week").click()
    page.keyboard.press("r")
    page.wait_for_selector("#exsim-week[data-week='0']", timeout=30_000)
    page.wait_for_selector("#exsim-banner", state="detached", timeout=30_000)  # the moved seed applied
    assert running(page)["seed"] == 43
