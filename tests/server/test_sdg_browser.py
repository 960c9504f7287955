"""The SDG pages in a real browser (Debian's Chromium driven by Playwright), on the demo.

A visitor opens Yokohama's SDG dashboard (goal wheel drawn by the local Plotly.js, the
17 goals in the table) and an indicator (trend chart with its target); the city's officer
opens the VLR editor, changes the opening statement, sees it in the preview (the report's
own inline scripts draw its charts inside the frame, under the preview's own
Content-Security-Policy) and builds the PDF (a progress indicator, then a download link).
No request may leave the loopback server and the console must stay free of errors.
Screenshots: ``test-artifacts/sdg-*.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from test_server_browser import open_guarded_page

from kizuna.demo import load_demo
from kizuna.demo.accounts import DemoLogin
from kizuna.server import Settings, create_app
from kizuna.server.settings import sqlite_url

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PLOT = "svg.main-svg"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, DemoLogin]:
    """The app with the packaged demo, and Yokohama's climate officer (owner)."""
    app = create_app(Settings(database_url=sqlite_url(tmp_path_factory.mktemp("sdg") / "k.db")))
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
    officer = next(x for x in summary.logins if x.email == "officer@yokohama.example")
    return app, officer


def shot(page: Any, name: str, full_page: bool = True) -> None:
    """A screenshot of the page (the viewport only where a frame sized by the viewport,
    such as the VLR preview, would be stretched by a full-page capture)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"sdg-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000


def test_dashboard_and_indicator_page(
    browser: Any, serve: Callable[[FastAPI], str], demo: tuple[FastAPI, DemoLogin]
) -> None:
    app, _officer = demo
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        page.goto(f"{base_url}/cities/yokohama")
        with page.expect_navigation():
            page.click("text=SDG dashboard")
        assert page.url == f"{base_url}/sdg/yokohama"
        page.wait_for_selector(f"#chart-wheel.js-plotly-plot {PLOT}", timeout=15_000)
        # the status ring and the goal ring (17 bars each), one legend entry per status
        assert page.locator("#chart-wheel .barlayer g.point").count() == 34
        assert page.locator("#chart-wheel .legendtext").count() == 6
        assert page.locator("table.sdg-goals tbody tr").count() == 17
        # goal 13 has one indicator, 13.2.2: 21.59 (2013) -> 16.48 (2020) MtCO2e against
        # 10.795 in 2030 gives R = 0.947 (test_sdg_server), moderate progress
        row13 = page.locator("table.sdg-goals tbody tr").nth(12)
        assert "13.2.2" in row13.inner_text()
        assert "Moderate progress" in row13.inner_text()
        shot(page, "dashboard")

        with page.expect_navigation():
            row13.locator("a", has_text="13.2.2").click()
        assert "/sdg/yokohama/indicators/13-2-2" in page.url
        page.wait_for_selector(f"#chart-trend.js-plotly-plot {PLOT}", timeout=15_000)
        # the series and the target (a diamond at 2030)
        assert page.locator("#chart-trend g.trace.scatter").count() == 2
        series = page.locator("table.data").first.inner_text()
        assert "10.79 (2030)" in series  # the target, 10.795, in four digits
        assert "0.9473" in series  # R, the progress value
        shot(page, "indicator")

        page.goto(f"{base_url}/sdg/yokohama?lang=ja")
        page.wait_for_selector(f"#chart-wheel.js-plotly-plot {PLOT}", timeout=15_000)
        assert "YokohamaのSDGs" in page.locator("h1").inner_text()
        shot(page, "dashboard-ja")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"


def test_vlr_editor_preview_and_pdf(
    browser: Any, serve: Callable[[FastAPI], str], demo: tuple[FastAPI, DemoLogin]
) -> None:
    app, officer = demo
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        page.goto(f"{base_url}/signin")
        page.fill("#signin-email", officer.email)
        page.fill("#signin-password", officer.password)
        with page.expect_navigation():
            page.click("form.signin-form button[type=submit]")
        page.goto(f"{base_url}/sdg/yokohama/vlr?edit=en")
        opening = page.locator("#text-opening")
        assert "Demo text" in opening.input_value()
        opening.fill("Yokohama reviews its SDGs with **its residents** (browser test).")
        with page.expect_navigation():
            page.click("#narratives-form button[type=submit]")
        assert page.url.endswith("/sdg/yokohama/vlr?edit=en#preview")

        frame = page.frame(name="vlr-frame")
        assert frame is not None
        frame.wait_for_selector(f"#chart-wheel.js-plotly-plot {PLOT}", timeout=30_000)
        assert "its residents" in frame.locator("#opening").inner_text()
        assert frame.locator("#opening strong").inner_text() == "its residents"
        # the climate plan is shown to the officer, with its trajectory chart
        frame.wait_for_selector(f"#climate .js-plotly-plot {PLOT}", timeout=30_000)
        page.locator("#preview-h").scroll_into_view_if_needed()
        shot(page, "vlr-editor", full_page=False)

        page.click("#pdf-en button")
        page.wait_for_selector("#pdf-link-en", timeout=60_000)
        assert "kB" in page.locator("#pdf-link-en").inner_text()
        with page.expect_download() as download:
            page.click("#pdf-link-en")
        pdf = Path(download.value.path())
        assert pdf.read_bytes()[:5] == b"%PDF-"
        page.locator("#download-h").scroll_into_view_if_needed()
        shot(page, "vlr-pdf-ready", full_page=False)
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"
