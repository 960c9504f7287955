"""The platform's main flow in a real browser (Debian's Chromium driven by Playwright).

A city officer signs in, adds a city, uploads an inventory (first a broken file,
whose problems appear next to the form), uploads and optimises a plan, shares the
city and plan with a partner university; a member of that university signs in,
sees the plan, and switches the pages to Japanese. No request may leave the
loopback server. Screenshots of each step are kept in ``test-artifacts/`` (CI
keeps them as artefacts).
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

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BAD_CSV = "city,year,gpc_ref,gas,emissions_value,emissions_unit\nTestville,2022,I.9.9,CO2,-5,t\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, dict[str, DemoLogin]]:
    """The app on a fresh SQLite file with the packaged demo, and its logins by organisation."""
    db = tmp_path_factory.mktemp("flow") / "kizuna.sqlite"
    app = create_app(Settings(database_url=sqlite_url(db)))
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
    logins: dict[str, DemoLogin] = {}
    for login in summary.logins:
        logins.setdefault(login.organisation, login)
    return app, logins


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000


def sign_in(page: Any, base_url: str, login: DemoLogin) -> None:
    page.goto(f"{base_url}/signin")
    page.fill("#signin-email", login.email)
    page.fill("#signin-password", login.password)
    with page.expect_navigation():
        page.click("form.signin-form button[type=submit]")
    assert page.locator(".account-name").count() == 1


def test_officer_shares_a_plan_that_a_partner_reads_in_japanese(
    browser: Any,
    serve: Callable[[FastAPI], str],
    demo: tuple[FastAPI, dict[str, DemoLogin]],
    tmp_path: Path,
) -> None:
    app, logins = demo
    officer, partner = logins["yokohama"], logins["minato-university"]
    base_url = serve(app)
    bad = tmp_path / "broken.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        sign_in(page, base_url, officer)
        shot(page, "01-signed-in")

        page.goto(f"{base_url}/cities/new")
        page.fill("#city-name", "Testville")
        page.fill("#city-slug", "testville")
        page.fill("#city-country", "Japan")
        with page.expect_navigation():
            page.click("#city-form button[type=submit]")
        assert page.url == f"{base_url}/cities/testville/upload"

        # a broken file: HTMX swaps the form back in with the problems, nothing stored
        page.set_input_files("#inventory-file", str(bad))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#upload-error", timeout=15_000)
        assert "row 2" in page.locator("#upload-error").inner_text()
        shot(page, "02-inventory-problems")

        page.set_input_files("#inventory-file", str(DATA / "testville.csv"))
        with page.expect_navigation(timeout=30_000):
            page.click("#upload-form button[type=submit]")
        assert page.url == f"{base_url}/cities/testville?year=2021"
        page.wait_for_selector("#chart-sector-scope.js-plotly-plot svg.main-svg", timeout=15_000)
        shot(page, "03-inventory")

        page.goto(f"{base_url}/cities/testville/plan/upload")
        page.set_input_files("#plan-file", str(DATA / "plans" / "testville.yaml"))
        with page.expect_navigation(timeout=60_000):
            page.click("#upload-form button[type=submit]")
        assert page.url == f"{base_url}/cities/testville/plan"
        page.wait_for_selector("#chart-trajectory.js-plotly-plot svg.main-svg", timeout=15_000)
        shot(page, "04-plan")

        for link in ("Sharing of the plan", None):
            if link is None:  # the city itself, from its page
                page.goto(f"{base_url}/cities/testville")
                link = "Sharing of the city"
            with page.expect_navigation():
                page.click(f"text={link}")
            page.check("#vis-partners")
            with page.expect_navigation():
                page.click("text=Save visibility")
            page.select_option("#add-partner", "minato-university")
            with page.expect_navigation():
                page.click("form.inline-form button:has-text('Share')")
            assert "Minato" in page.locator("#partners-h + p + ul").inner_text()
        shot(page, "05-sharing")

        with page.expect_navigation():
            page.click(".signout-form button")
        sign_in(page, base_url, partner)
        page.goto(f"{base_url}/cities/testville/plan")
        page.wait_for_selector("#chart-trajectory.js-plotly-plot svg.main-svg", timeout=15_000)
        assert "Optimise again" not in page.content()  # a partner reads, it does not edit
        with page.expect_navigation():
            page.click(".lang-switch a[lang=ja]")
        assert page.locator("html").get_attribute("lang") == "ja"
        assert page.locator("h1").inner_text() == "Testville 気候変動対策計画"
        page.wait_for_selector("#chart-trajectory.js-plotly-plot svg.main-svg", timeout=15_000)
        shot(page, "06-partner-plan-ja")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert [e for e in errors if "422" not in e] == [], f"browser errors: {errors}"
