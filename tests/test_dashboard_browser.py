"""The educators' dashboard in a real browser: Playwright driving Debian's headless chromium."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)")


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


@pytest.fixture()
def page(server, tmp_path):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(server, timeout=90_000)
        page.wait_for_selector("text=Week 0 ", timeout=90_000)
        yield page
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        browser.close()


def slider_values(page) -> list[str]:
    sliders = page.get_by_role("slider")
    return [sliders.nth(i).get_attribute("aria-valuenow") for i in range(sliders.count())]


def kpi_image(page) -> str:
    return page.locator("img").nth(1).get_attribute("src")


def test_page_loads_with_controls_chart_and_plots(page, tmp_path):
    for text in ("Reset", "Step", "Organisation size (people)", "Span of control (reports per manager)",
                 "Survey follow-up rate (4 surveys a year)", "Lesson"):
        assert page.get_by_text(text, exact=False).first.is_visible(), text
    assert page.locator("img").count() >= 2  # org chart and KPI plots
    page.screenshot(path=str(tmp_path / "loaded.png"), full_page=True)


def test_moving_a_slider_and_stepping_changes_week_and_plots(page, tmp_path):
    before = slider_values(page)
    span = page.get_by_role("slider").nth(3)  # play, render, size, span
    span.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert slider_values(page) != before
    plots = kpi_image(page)
    page.get_by_role("button", name="Reset").click()
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector("text=Week 1 ", timeout=30_000)
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector("text=Week 2 ", timeout=30_000)
    page.wait_for_function("src => document.querySelectorAll('img')[1].src !== src", arg=plots, timeout=30_000)
    page.screenshot(path=str(tmp_path / "stepped.png"), full_page=True)


def test_picking_a_lesson_changes_the_sliders_and_shows_its_text(page, tmp_path):
    before = slider_values(page)
    page.get_by_text("Baseline (no lesson)").click()
    page.locator(".v-list-item", has_text="The span-of-control trap").click()
    page.wait_for_selector("text=What to watch", timeout=60_000)
    page.wait_for_selector("text=against the baseline", timeout=120_000)
    after = slider_values(page)
    assert after != before and "30" in after  # the lesson's span of 30 is in the span slider
    page.screenshot(path=str(tmp_path / "lesson.png"), full_page=True)
