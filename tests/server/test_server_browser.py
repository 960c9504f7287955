"""The city and plan pages in a real browser: Debian's Chromium driven by Playwright.

The pages must draw their Plotly charts from the local Plotly.js, log no console
error, and make no request outside the loopback server: every request to
another host is aborted and recorded, and the tests assert none was tried.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI

SCREENSHOT = Path("/tmp/kizuna-city.png")
PLAN_SCREENSHOT = Path("/tmp/kizuna-plan.png")

pytestmark = pytest.mark.browser


def failed(request: Any, errors: list[str]) -> None:
    """Record a failed request, unless a navigation cancelled it (``net::ERR_ABORTED``,
    such as a favicon still loading when a form is submitted)."""
    if request.failure != "net::ERR_ABORTED":
        errors.append(f"request failed: {request.url} ({request.failure})")


def open_guarded_page(browser: Any, base_url: str) -> tuple[Any, list[str], list[str]]:
    """A new page whose requests to other hosts are aborted; returns (page, outside, errors)."""
    loopback = urlsplit(base_url).netloc
    outside: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).netloc == loopback:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: failed(req, errors))
    return page, outside, errors


def test_city_page_draws_charts_offline(
    browser: Any, serve: Callable[[FastAPI], str], app: FastAPI
) -> None:
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        response = page.goto(f"{base_url}/cities/testville", wait_until="load")
        assert response is not None
        assert response.status == 200
        page.wait_for_selector("#chart-sector-scope.js-plotly-plot svg.main-svg", timeout=15_000)
        page.wait_for_selector("#chart-totals.js-plotly-plot svg.main-svg", timeout=15_000)
        # one stacked trace per scope with data (1, 2 and 3 in 2021), five sector bars in all
        assert page.locator("#chart-sector-scope g.trace.bars").count() == 3
        assert page.locator("#chart-totals g.trace.scatter").count() == 3
        assert page.evaluate("typeof window.Plotly.newPlot") == "function"
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        # the year selector submits itself and shows the chosen inventory
        with page.expect_navigation():
            page.select_option("#year", "2015")
        assert page.url.endswith("/cities/testville?year=2015")
        assert page.locator("#totals-h").inner_text() == "Totals 2015"
        page.wait_for_selector("#chart-sector-scope.js-plotly-plot svg.main-svg", timeout=15_000)
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"
    assert SCREENSHOT.stat().st_size > 10_000


def test_index_and_error_pages_in_browser(
    browser: Any, serve: Callable[[FastAPI], str], app: FastAPI
) -> None:
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        page.goto(f"{base_url}/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.click("text=Testville")
        page.wait_for_selector("#chart-sector-scope svg.main-svg", timeout=15_000)
        response = page.goto(f"{base_url}/cities/atlantis")
        assert response is not None
        assert response.status == 404
        assert "No city with slug" in page.locator("h1").inner_text()
    finally:
        page.context.close()
    assert outside == []
    # the 404 itself is reported by Chromium as a console error; nothing else may be
    assert [e for e in errors if "404" not in e] == []


def test_plan_page_draws_charts_offline(
    browser: Any, serve: Callable[[FastAPI], str], app: FastAPI
) -> None:
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        page.goto(f"{base_url}/cities/testville")
        with page.expect_navigation():
            page.click("text=Climate plan")
        assert page.url == f"{base_url}/cities/testville/plan"
        page.wait_for_selector("#chart-trajectory.js-plotly-plot svg.main-svg", timeout=15_000)
        page.wait_for_selector("#chart-macc.js-plotly-plot svg.main-svg", timeout=15_000)
        # the trajectory: plan line, 8 measure wedges, BAU, milestones met and missed, gaps
        assert page.locator("#chart-trajectory g.trace.scatter").count() == 1 + 8 + 1 + 3
        assert page.locator("#chart-trajectory .legendtext", has_text="Electric cars").count()
        # the MACC: one bar trace per sector, and the two target years' lines
        assert page.locator("#chart-macc g.trace.bars").count() == 3
        assert page.locator("#chart-macc g.trace.scatter").count() == 2
        assert page.locator("#chart-macc g.point").count() == 8  # one bar per measure
        page.screenshot(path=str(PLAN_SCREENSHOT), full_page=True)
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"
    assert PLAN_SCREENSHOT.stat().st_size > 10_000
