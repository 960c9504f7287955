"""The data hub's fetch and pipeline pages in a real browser (Debian's Chromium), offline.

On the packaged demo, signed in as Yokohama's officer, with a server that may fetch from
127.0.0.1 only: a SensorThings stream (a local service answering in the OGC format,
`test_datahub_sources.api`) previewed and imported from the fetch page, and a host off the
allowlist refused next to the form; then a pipeline stored from the example the page
offers, run (every month computed), run again (nothing recomputed), and an engine the
platform does not run refused next to the file. No request may leave the loopback server
and no console error may appear (except the 4xx answers of refused forms). Screenshots:
``test-artifacts/datahub-fetch*.png``, ``datahub-pipeline*.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from test_datahub_sources import api  # noqa: F401  (the local SensorThings service)
from test_platform_browser import shot, sign_in
from test_server_browser import open_guarded_page

from datahub.datahub_support import LocalApi
from kizuna.demo import load_demo
from kizuna.demo.accounts import DemoLogin
from kizuna.server import Settings, create_app
from kizuna.server.settings import sqlite_url

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, DemoLogin]:
    """The demo on a fresh SQLite file, fetching from 127.0.0.1 only; Yokohama's login."""
    folder = tmp_path_factory.mktemp("pipelines-browser")
    settings = Settings(
        database_url=sqlite_url(folder / "kizuna.sqlite"),
        datahub_allowed_hosts="127.0.0.1",
        datahub_fetch_timeout=2.0,
    )
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
    login = next(x for x in summary.logins if x.organisation == "yokohama")
    return app, login


def refused(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(code in e for code in ("403", "422"))]


def test_fetch_a_sensor_stream_from_the_page(
    browser: Any,
    serve: Callable[[FastAPI], str],
    demo: tuple[FastAPI, DemoLogin],
    api: LocalApi,  # noqa: F811
) -> None:
    app, login = demo
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        sign_in(page, base_url, login)
        page.goto(f"{base_url}/cities/yokohama/data")
        with page.expect_navigation():
            page.click("text=Fetch data for Yokohama")
        assert "127.0.0.1" in page.locator("#allowed-hosts").inner_text()

        # a host off the allowlist: refused beside the form, nothing fetched
        page.select_option("#src-kind", "sensorthings")
        page.fill("#src-url", api.url.replace("127.0.0.1", "localhost") + "/v1.1")
        page.fill("#src-datastream", "7")
        page.click("#preview-button")
        page.wait_for_selector("#upload-error", timeout=15_000)
        assert "KIZUNA_DATAHUB_ALLOWED_HOSTS" in page.locator("#upload-error").inner_text()

        # the allowed host: the preview shows the observations and fills the columns in
        page.fill("#src-url", f"{api.url}/v1.1")
        page.click("#preview-button")
        page.wait_for_selector("#preview-ok", timeout=15_000)
        assert "6 rows" in page.locator("#file-preview").inner_text()
        assert page.input_value("#ds-time") == "time"
        assert page.input_value("#ds-value") == "value"
        assert page.input_value("#ds-unit") == "kWh"
        assert page.input_value("#ds-title") == "Electricity, city hall"
        page.fill("#ds-name", "city-hall-power")
        page.press("#ds-name", "Tab")  # close the column suggestions of the name field
        shot(page, "datahub-fetch-preview")
        with page.expect_navigation(timeout=30_000):
            page.click("#import-button")
        assert page.url == f"{base_url}/cities/yokohama/data/warehouse-city-hall-power"
        page.wait_for_selector("#chart-series.js-plotly-plot svg.main-svg", timeout=15_000)
        assert "6 rows" in page.locator("p.meta").inner_text()
        shot(page, "datahub-fetch-imported")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert refused(errors) == [], f"browser errors: {errors}"


def test_store_run_and_rerun_a_pipeline(
    browser: Any, serve: Callable[[FastAPI], str], demo: tuple[FastAPI, DemoLogin]
) -> None:
    app, login = demo
    base_url = serve(app)
    page, outside, errors = open_guarded_page(browser, base_url)
    try:
        sign_in(page, base_url, login)
        page.goto(f"{base_url}/cities/yokohama/data")
        with page.expect_navigation():
            page.click("#pipelines-link")
        assert "smart-meters-activity" in page.locator("#pipelines").inner_text()  # the demo's
        example = page.input_value("#pl-definition")
        assert "input: {dataset: smart-meters-2024}" in example

        # an engine the platform does not run: refused beside the file
        page.fill("#pl-definition", example.replace("outputs:", "engine: dask\noutputs:"))
        with page.expect_navigation():
            page.click("#pipeline-save")
        assert "DuckDB" in page.locator("#pipeline-error").inner_text()
        assert page.get_attribute("#pl-definition", "aria-invalid") is None  # engine, not file

        page.fill("#pl-definition", example)
        with page.expect_navigation():
            page.click("#pipeline-save")
        assert page.url == f"{base_url}/cities/yokohama/data/pipelines/smart-meters-2024-activity"
        assert "Not run yet" in page.locator("#run-summary").inner_text()

        with page.expect_navigation(timeout=30_000):
            page.click("#run-button")
        summary = page.locator("#run-summary").inner_text()
        assert "12 months recomputed, 0 unchanged" in summary
        page.wait_for_selector("#chart-monthly.js-plotly-plot svg.main-svg", timeout=15_000)
        assert page.locator("#chart-monthly g.trace.scatter").count() == 2  # two building types
        outputs = page.locator("#run-outputs").inner_text()
        assert "2024/I.1.2, 2024/I.2.2" in outputs
        shot(page, "datahub-pipeline-run")

        with page.expect_navigation(timeout=30_000):
            page.click("#run-button")
        assert "0 months recomputed, 12 unchanged" in page.locator("#run-summary").inner_text()

        # an output is a data set of the city, with a preview of its rows
        with page.expect_navigation():
            page.click("#run-outputs a:text('buildings')")
        assert page.url.endswith("/data/warehouse-smart-meters-2024-activity-buildings")
        assert "I.1.2" in page.content()
        with page.expect_navigation():
            page.click("#made-by-pipeline a")
        assert page.url.endswith("/data/pipelines/smart-meters-2024-activity")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert refused(errors) == [], f"browser errors: {errors}"
