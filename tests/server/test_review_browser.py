"""The review pages in a real browser (Debian's Chromium driven by Playwright), on the demo.

A member of the city network reads the demo's stress test of the Yokohama plan (the pandemic
scenario in the comparison and its chart) and its Monte Carlo risk (fan chart and tornado);
Yokohama's climate officer runs progress tracking, first with a broken actuals file (the
problem appears next to the form and nothing is stored), then with a good one (the on/off
track badges), runs a re-plan, uploads a scenario set and stress-tests the plan under it,
and reads the stress test in Japanese. No request may leave
the loopback server and the console stays clean. Screenshots: ``test-artifacts/review-*.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from test_platform_browser import shot, sign_in
from test_server_browser import open_guarded_page

from kizuna.demo import load_demo
from kizuna.demo.accounts import DemoLogin
from kizuna.server import Settings, create_app
from kizuna.server.settings import sqlite_url

pytestmark = pytest.mark.browser

#: Made-up actuals for the demo plan: 2025 and 2026 city totals 3 % and 5 % above the roadmap
#: (18,916,565 and 18,312,209 tCO2e planned).
ACTUALS = "year,sector,emissions_tco2e\n2025,total,19484000\n2026,total,19228000\n"
#: Half the planned household LED lamps (1,400,000 a year) delivered.
DELIVERY = (
    "year,measure,installed\n"
    "2025,led-lighting-household,700000\n2026,led-lighting-household,700000\n"
)
BROKEN = "year,sector,emissions_tco2e\n2025,Buildings,lots\n"
#: A made-up scenario: BAU 10 % lower in 2027, recovering over two years.
SLUMP = """scenarios:
  - id: slump
    name: Slump
    shocks: [{year: 2027, drop: 0.1, rebound_years: 2}]
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, dict[str, DemoLogin]]:
    """The app with the packaged demo, and the first login of each organisation."""
    db = tmp_path_factory.mktemp("review-browser") / "kizuna.sqlite"
    app = create_app(Settings(database_url=sqlite_url(db)))
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
    logins: dict[str, DemoLogin] = {}
    for login in summary.logins:
        logins.setdefault(login.organisation, login)
    return app, logins


def drawn(page: Any, chart_id: str) -> None:
    page.wait_for_selector(f"#{chart_id}.js-plotly-plot svg.main-svg", timeout=15_000)


def test_network_member_reads_the_demo_reviews(
    browser: Any,
    serve: Callable[[FastAPI], str],
    demo: tuple[FastAPI, dict[str, DemoLogin]],
) -> None:
    app, logins = demo
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        missing = page.goto(f"{base_url}/cities/yokohama/review")  # the plan is for members
        assert missing is not None
        assert missing.status == 404
        sign_in(page, base_url, logins["zero-carbon-cities"])
        page.goto(f"{base_url}/cities/yokohama/plan")
        with page.expect_navigation():
            page.click("text=Reviews: scenarios, risk, progress, re-plan")
        assert page.url == f"{base_url}/cities/yokohama/review"
        assert page.locator("#run-stress").count() == 0  # a network member reads, not runs
        shot(page, "review-hub-network")
        with page.expect_navigation():
            page.click("table.review-list a:has-text('Stress test')")
        drawn(page, "chart-stress")
        pandemic = page.locator("#scenario-pandemic")
        assert "Pandemic shock" in pandemic.inner_text()
        # one line per scenario (plan + 4 packaged) and the milestone caps
        assert page.locator("#chart-stress g.trace.scatter").count() == 6
        shot(page, "review-stress")
        page.goto(f"{base_url}/cities/yokohama/review")
        with page.expect_navigation():
            page.click("table.review-list a:has-text('Monte Carlo risk')")
        drawn(page, "chart-fan")
        drawn(page, "chart-tornado")
        assert "2,000" in page.locator(".plan-cards").inner_text()
        with page.expect_navigation():
            page.select_option("#outcome", "npv")
        assert page.url.endswith("outcome=npv")
        drawn(page, "chart-tornado")
        shot(page, "review-risk")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert [e for e in errors if "404" not in e] == [], f"browser errors: {errors}"


def test_officer_tracks_progress_and_replans(
    browser: Any,
    serve: Callable[[FastAPI], str],
    demo: tuple[FastAPI, dict[str, DemoLogin]],
    tmp_path: Path,
) -> None:
    app, logins = demo
    base_url = serve(app)
    files = {}
    for name, text in (("broken", BROKEN), ("actuals", ACTUALS), ("delivery", DELIVERY)):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text(text, encoding="utf-8")
    files["scenarios"] = tmp_path / "slump.yaml"
    files["scenarios"].write_text(SLUMP, encoding="utf-8")
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        sign_in(page, base_url, logins["yokohama"])
        page.goto(f"{base_url}/cities/yokohama/review")
        before = page.locator("table.review-list tbody tr").count()

        # a broken file: HTMX swaps the form back in with the problem, nothing stored
        page.set_input_files("#progress-actuals", str(files["broken"]))
        page.click("#run-progress button[type=submit]")
        page.wait_for_selector("#run-progress-error", timeout=15_000)
        message = page.locator("#run-progress-error").inner_text()
        assert "emissions_tco2e" in message
        assert "row 2" in message
        assert page.locator("#progress-actuals[aria-invalid=true]").count() == 1
        shot(page, "review-form-error")
        page.reload()
        assert page.locator("table.review-list tbody tr").count() == before

        page.set_input_files("#progress-actuals", str(files["actuals"]))
        page.set_input_files("#progress-delivery", str(files["delivery"]))
        with page.expect_navigation(timeout=30_000):
            page.click("#run-progress button[type=submit]")
        drawn(page, "chart-progress")
        verdict = page.locator("p.verdict .status")
        assert verdict.inner_text() == "Off track"
        assert "status-missing" in (verdict.get_attribute("class") or "")
        delivery = page.locator("table.progress-delivery").inner_text()
        assert "led-lighting-household" in delivery
        assert "50 %" in delivery
        shot(page, "review-progress")

        page.goto(f"{base_url}/cities/yokohama/review")
        page.set_input_files("#replan-actuals", str(files["actuals"]))
        page.set_input_files("#replan-delivery", str(files["delivery"]))
        with page.expect_navigation(timeout=60_000):
            page.click("#run-replan button[type=submit]")
        drawn(page, "chart-replan")
        assert "cost change" in page.locator(".plan-cards").inner_text().lower()
        assert page.locator("table.replan-milestones tbody tr").count() == 2
        shot(page, "review-replan")

        page.goto(f"{base_url}/cities/yokohama/review")
        assert page.locator("table.review-list tbody tr").count() == before + 2
        shot(page, "review-hub")

        # a scenario set of the city's own, then a stress test under it
        page.goto(f"{base_url}/review/scenarios")
        page.fill("#scenario-name", "Yokohama slump")
        page.set_input_files("#scenario-file", str(files["scenarios"]))
        with page.expect_navigation(timeout=30_000):
            page.click("#scenario-form button[type=submit]")
        assert page.locator("h1").inner_text() == "Yokohama slump"
        assert "shocks[0]" in page.locator("section.scenario table").inner_text()
        shot(page, "review-scenario-set")
        page.goto(f"{base_url}/cities/yokohama/review")
        page.select_option("#stress-set", label="Yokohama slump")
        with page.expect_navigation(timeout=30_000):
            page.click("#run-stress button[type=submit]")
        drawn(page, "chart-stress")
        assert page.locator("#scenario-slump").count() == 1

        page.goto(f"{base_url}/cities/yokohama/review?lang=ja")
        with page.expect_navigation():
            page.click("table.review-list tr:has-text('Kizuna 標準シナリオ') a")
        drawn(page, "chart-stress")
        assert page.locator("html").get_attribute("lang") == "ja"
        assert "パンデミック" in page.locator("#scenario-pandemic").inner_text()
        shot(page, "review-stress-ja")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert [e for e in errors if "422" not in e] == [], f"browser errors: {errors}"
