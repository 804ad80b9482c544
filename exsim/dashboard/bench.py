"""Benchmark (not a test) of the dashboard's week: step plus redraw at 50, 200 and 400 people.

    python -m exsim.dashboard.bench                 # server side: both runs stepped, every plot's option built
    python -m exsim.dashboard.bench --browser       # as a browser sees it: Step pressed until the page is redrawn
    python -m exsim.dashboard.bench 400 20          # one size, 20 weeks

The server-side figure is the seconds per week for stepping the lesson run and its paired baseline
and building and serialising every plot's ECharts option (what the page sends). The browser figure
starts the dashboard (`exsim dashboard`) and drives Debian's chromium headless with Playwright: it
presses the right arrow (Step) in the page and times, with the page's own clock, until the week
label shows the next week and the browser has painted two frames after it: the server's step and
re-render, the websocket and ECharts drawing the plots (Playwright's own overhead is not counted).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from exsim.dashboard.charts import CHARTS, option, org_option
from exsim.dashboard.model import CONTROLS, LessonRun, lesson_settings

SIZES = (50, 200, 400)
LESSON = "understaffing-spiral"


def step_and_redraw_seconds(headcount: int = 400, steps: int = 10, lesson: str = LESSON) -> float:
    """Mean seconds for one week: both runs stepped, every plot's option built and serialised."""
    run = LessonRun(lesson_settings(lesson, {"headcount": headcount}), lesson)
    start = time.perf_counter()
    for _ in range(steps):
        run.step()
        json.dumps([option(run, name) for name in CHARTS] + [org_option(run)])
    return (time.perf_counter() - start) / steps


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# In the page: press the right arrow (the Step shortcut), wait until the week label shows the next week,
# then for two painted frames; milliseconds from the key to the painted page.
PRESS_STEP = """() => new Promise(resolve => {
    const label = document.querySelector('#exsim-week');
    const week = label.dataset.week;
    const start = performance.now();
    const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
    const watcher = new MutationObserver(() => {
        const now = document.querySelector('#exsim-week');
        if (now && now.dataset.week !== week) { watcher.disconnect(); done(); }
    });
    watcher.observe(document.body, {subtree: true, attributes: true, childList: true, attributeFilter: ['data-week']});
    document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
})"""


def browser_seconds(sizes=SIZES, steps: int = 10, lesson_title: str = "The understaffing spiral",
                    viewport=(1024, 768)) -> dict[int, list[float]]:
    """Seconds from pressing Step to the redrawn page, per week, at each size (a fresh page per size)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "exsim.cli", "dashboard", "--port", str(port)],
                              cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    results: dict[int, list[float]] = {}
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            for size in sizes:
                page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.wait_for_selector("#exsim-running", timeout=120_000)
                page.locator(".exsim-picker").first.click()
                page.locator(".v-list-item", has_text=lesson_title).first.click()
                page.wait_for_selector(f".exsim-lesson h2:text-is(\"{lesson_title}\")", timeout=60_000)
                slider = page.locator(".control-headcount").get_by_role("slider")
                slider.focus()
                control = CONTROLS["headcount"]
                page.keyboard.press("Home")
                for _ in range(int(round((size - control.low) / control.step))):
                    page.keyboard.press("ArrowRight")
                page.locator(".exsim-reset").click()
                page.wait_for_function("n => JSON.parse(document.querySelector('#exsim-running').dataset.running)"
                                       ".headcount == n", arg=size, timeout=120_000)
                page.wait_for_function("() => [...document.querySelectorAll('.exsim-chart')]"
                                       ".every(chart => chart.querySelector('canvas'))", timeout=60_000)
                times = []
                for _ in range(steps):
                    times.append(page.evaluate(PRESS_STEP) / 1000)
                results[size] = times
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("people", nargs="?", type=int, help="one size (default: 50, 200 and 400)")
    parser.add_argument("steps", nargs="?", type=int, default=10, help="weeks to time (default 10)")
    parser.add_argument("--browser", action="store_true", help="time it in headless chromium, as a viewer sees it")
    args = parser.parse_args(argv)
    sizes = (args.people,) if args.people else SIZES
    if args.browser:
        for size, times in browser_seconds(sizes, args.steps).items():
            print(f"{size} people: {statistics.median(times):.3f} s per week from Step to the redrawn page "
                  f"(median of {len(times)}; slowest {max(times):.3f} s)")
    else:
        for size in sizes:
            print(f"{size} people: {step_and_redraw_seconds(size, args.steps):.3f} s per week stepped and plots built")


if __name__ == "__main__":
    main()
