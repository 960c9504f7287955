"""The data hub's pages in a real browser (Debian's Chromium driven by Playwright), offline.

On the packaged demo (its synthetic Yokohama smart-meter series and schematic district
map, seeded into a warehouse beside the demo database): the data catalogue and its
filters; a time series page whose chart Plotly draws from the local Plotly.js; the
district map drawn as filled polygons without any tile; then, signed in as Yokohama's
officer, the upload: a preview of a file (its columns, with the fields it suggests filled
in), a broken file's problems next to the form, and the import, which lands on the new
data set's page. No request may leave the loopback server and no console error may
appear (except the 422 answers of refused files). Screenshots: ``test-artifacts/datahub-*.png``.
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

#: Three days of two meters; 2024-03-01T00:00+09:00 is still February in UTC, March in Tokyo.
GOOD_CSV = """timestamp,meter,energy [kWh]
2024-02-29T12:00:00+09:00,m1,10.5
2024-02-29T12:00:00+09:00,m2,7.0
2024-03-01T00:00:00+09:00,m1,11.0
2024-03-01T00:00:00+09:00,m2,6.5
2024-03-02T00:00:00+09:00,m1,9.5
2024-03-02T00:00:00+09:00,m2,8.0
"""
#: Row 4 holds "n/a" among numbers: a mixed-types problem at that row.
MIXED_CSV = GOOD_CSV.replace("11.0", "n/a")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, dict[str, DemoLogin]]:
    """The app with the packaged demo on a fresh SQLite file (warehouse beside it)."""
    folder = tmp_path_factory.mktemp("datahub-browser")
    app = create_app(Settings(database_url=sqlite_url(folder / "kizuna.sqlite")))
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
    logins: dict[str, DemoLogin] = {}
    for login in summary.logins:
        logins.setdefault(login.organisation, login)
    return app, logins


def drawn(page: Any, chart: str) -> None:
    page.wait_for_selector(f"#{chart}.js-plotly-plot svg.main-svg", timeout=15_000)


def test_catalogue_series_and_map_offline(
    browser: Any, serve: Callable[[FastAPI], str], demo: tuple[FastAPI, dict[str, DemoLogin]]
) -> None:
    app, _logins = demo
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        page.goto(f"{base_url}/data")
        table = page.locator("#catalogue")
        assert "Smart meters 2024 (synthetic demo data)" in table.inner_text()
        assert "CC0-1.0" in table.inner_text()  # the licence is shown
        assert page.locator("#exports a", has_text="DCAT JSON-LD").count() >= 1
        shot(page, "datahub-catalogue")

        # filter: maps only (one, the demo's districts)
        page.select_option("#filter-kind", "map")
        with page.expect_navigation():
            page.click("#catalogue-filter button[type=submit]")
        assert page.locator("#catalogue tbody tr").count() == 1
        with page.expect_navigation():
            page.click("#catalogue tbody a", timeout=5_000)
        drawn(page, "chart-map")
        # nine districts, each a filled polygon trace, and the colour bar's marker trace
        assert page.locator("#chart-map g.trace.scatter").count() == 9 + 1
        assert page.locator("#chart-map .colorbar").count() == 1
        assert "Demo district A" in page.locator("#preview-table").inner_text()
        shot(page, "datahub-map")

        page.goto(f"{base_url}/data?city=yokohama&kind=time_series")
        with page.expect_navigation():
            page.click("text=Smart meters 2024 (synthetic demo data)")
        drawn(page, "chart-series")
        # one line per building type
        assert page.locator("#chart-series g.trace.scatter").count() == 2
        assert page.locator("#preview-table tbody tr").count() == 20
        assert "import csv" in page.locator("#lineage").inner_text()
        shot(page, "datahub-series")

        # in Japanese: the page's texts translated, the chart drawn again
        page.goto(f"{base_url}/data?lang=ja")
        assert page.locator("h1").inner_text() == "データカタログ"
        assert page.locator("#catalogue th", has_text="ライセンス").count() == 1
        page.goto(f"{base_url}/cities/yokohama/data/warehouse-smart-meters-2024")
        assert page.locator("#series-h").inner_text() == "値の推移"
        drawn(page, "chart-series")
        shot(page, "datahub-series-ja")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"


def test_upload_with_preview_problems_and_import(
    browser: Any,
    serve: Callable[[FastAPI], str],
    demo: tuple[FastAPI, dict[str, DemoLogin]],
    tmp_path: Path,
) -> None:
    app, logins = demo
    base_url = serve(app)
    good, mixed = tmp_path / "meters.csv", tmp_path / "mixed.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    mixed.write_text(MIXED_CSV, encoding="utf-8")
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        sign_in(page, base_url, logins["yokohama"])
        page.goto(f"{base_url}/cities/yokohama/data")
        with page.expect_navigation():
            page.click("text=Upload a data set for Yokohama")
        assert page.url == f"{base_url}/cities/yokohama/data/upload"

        # a broken file: its problem (row 4, column energy) appears beside the form
        page.set_input_files("#ds-file", str(mixed))
        page.click("#preview-button")
        page.wait_for_selector("#preview-problems", timeout=15_000)
        assert "row" in page.locator("#preview-problems").inner_text()
        assert "4" in page.locator("#preview-problems").inner_text()

        # the good file: columns and types, and the fields it suggests filled in
        page.set_input_files("#ds-file", str(good))
        page.click("#preview-button")
        page.wait_for_selector("#preview-ok", timeout=15_000)
        columns = page.locator("#preview-columns").inner_text()
        assert "timestamp" in columns
        assert "datetime" in columns
        assert page.input_value("#ds-time") == "timestamp"
        assert page.input_value("#ds-value") == "energy"
        assert page.input_value("#ds-unit") == "kWh"
        assert page.input_value("#ds-name") == "mixed"  # from the first file: kept once filled
        page.fill("#ds-title", "Test meters")
        page.fill("#ds-dimensions", "meter")
        shot(page, "datahub-upload-preview")

        # the name of an existing data set: refused inline, nothing stored
        page.fill("#ds-name", "smart-meters-2024")
        page.click("#import-button")
        page.wait_for_selector("#upload-error", timeout=15_000)
        assert "already" in page.locator("#upload-error").inner_text()
        assert page.get_attribute("#ds-name", "aria-invalid") == "true"
        shot(page, "datahub-upload-error")

        page.fill("#ds-name", "test-meters")
        with page.expect_navigation(timeout=30_000):
            page.click("#import-button")
        assert page.url == f"{base_url}/cities/yokohama/data/warehouse-test-meters"
        drawn(page, "chart-series")
        assert page.locator("#chart-series g.trace.scatter").count() == 2  # m1, m2
        assert "6 rows" in page.locator("p.meta").inner_text()
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert [e for e in errors if "422" not in e] == [], f"browser errors: {errors}"
