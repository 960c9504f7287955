"""Front-end assets served from the package, the API docs offline, and accessibility basics.

HTMX is committed under ``static/vendor``; Swagger UI comes from the installed
``swagger-ui-bundle-v2`` package; the OpenAPI description is at ``/api/v1/openapi.json``.
In Chromium, the docs page and HTMX load with no request leaving the loopback server
and no console error. The stylesheets' colours meet WCAG AA contrast, every page has a
skip link and labelled controls, and keyboard focus is visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from swagger_ui_bundle import swagger_ui_path

import kizuna
from kizuna.server.app import DOCS_URL, HTMX_URL, HTMX_VERSION, OPENAPI_URL, SWAGGER_URL

HTML = {"accept": "text/html"}
STATIC = Path(kizuna.__file__).parent / "server" / "static"
VENDOR = STATIC / "vendor"
REPORT_CSS = Path(kizuna.__file__).parent / "reports" / "templates" / "report.css"
PAGES = ("/", "/cities/testville", "/cities/testville/plan", "/cities/atlantis", DOCS_URL)


@pytest.fixture(autouse=True)
def forget_language(client: TestClient) -> Iterator[None]:
    """``?lang=`` sets a cookie on the module's shared client: drop it after each test."""
    yield
    client.cookies.clear()


# --- HTMX, Swagger UI and the OpenAPI description -----------------------------------------------


def test_htmx_is_served_from_the_package(client: TestClient) -> None:
    r = client.get(HTMX_URL)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.content == (VENDOR / "htmx.min.js").read_bytes()
    assert f'version:"{HTMX_VERSION}"' in r.text  # the version app.py names
    assert (VENDOR / "htmx.LICENSE").read_text(encoding="utf-8").startswith("Zero-Clause BSD")
    note = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert f"npm pack htmx.org@{HTMX_VERSION}" in note


def test_pages_load_htmx(client: TestClient) -> None:
    for path in ("/", "/cities/testville", "/cities/testville/plan"):
        page = client.get(path, headers=HTML).text
        assert f'<script src="{HTMX_URL}?v={HTMX_VERSION}" defer></script>' in page
        assert '"allowEval": false' in page  # htmx-config: no eval under the CSP


def test_swagger_ui_is_served_from_the_installed_package(client: TestClient) -> None:
    for name, kind in (("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css")):
        r = client.get(f"{SWAGGER_URL}/{name}")
        assert r.status_code == 200, name
        assert r.headers["content-type"].startswith(kind)
        assert r.content == (Path(str(swagger_ui_path)) / name).read_bytes()
    r = client.get(f"{SWAGGER_URL}/index.html")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_openapi_description_under_the_api_prefix(client: TestClient) -> None:
    r = client.get(OPENAPI_URL)
    assert r.status_code == 200
    schema = r.json()
    assert OPENAPI_URL == "/api/v1/openapi.json"
    assert "/api/v1/cities" in schema["paths"]
    assert DOCS_URL not in schema["paths"]
    moved = client.get("/openapi.json", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == OPENAPI_URL


def test_docs_page_loads_only_from_this_server(client: TestClient) -> None:
    r = client.get(DOCS_URL, headers=HTML)
    assert r.status_code == 200
    page = r.text
    assert f'data-openapi-url="{OPENAPI_URL}"' in page
    assert f'<script src="{SWAGGER_URL}/swagger-ui-bundle.js"></script>' in page
    assert f'href="{SWAGGER_URL}/swagger-ui.css"' in page
    assert "://" not in page
    assert not re.search(r"<script>", page)  # no inline script: the CSP forbids them


# --- accessibility basics -----------------------------------------------------------------------


class Controls(HTMLParser):
    """Form controls and their labels, ids, nav landmarks and the first link of a page."""

    CONTROLS: ClassVar[set[str]] = {"input", "select", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.unlabelled: list[str] = []
        self.controls: list[dict[str, str | None]] = []
        self.navs: list[dict[str, str | None]] = []
        self.first_link: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        if tag in self.CONTROLS and a.get("type") != "hidden":
            self.controls.append(a)
        if tag == "nav":
            self.navs.append(a)
        if tag == "a" and self.first_link is None:
            self.first_link = a


def test_every_page_has_a_skip_link_and_labelled_controls(client: TestClient) -> None:
    for lang in ("en", "ja"):
        for path in PAGES:
            page = client.get(path, params={"lang": lang}, headers=HTML).text
            parsed = Controls()
            parsed.feed(page)
            first = parsed.first_link
            assert first is not None, path
            assert first.get("class") == "skip-link", path
            target = str(first["href"]).lstrip("#")
            assert target in parsed.ids, f"{path}: skip link to missing #{target}"
            for control in parsed.controls:
                named = control.get("id") in parsed.label_for or control.get("aria-label")
                assert named, f"{path}: unlabelled control {control}"
            for nav in parsed.navs:
                assert nav.get("aria-label"), f"{path}: unnamed nav"


def test_city_page_year_control_is_labelled(client: TestClient) -> None:
    page = client.get("/cities/testville", headers=HTML).text
    assert '<label for="year">Inventory year</label>' in page
    assert '<select id="year" name="year"' in page


def css_variables(css: str) -> dict[str, str]:
    """The custom properties of the ``:root`` rule of a stylesheet."""
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root, "no :root rule"
    return dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", root.group(1)))


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.1)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


#: Text colour on background, as used in kizuna.css (4.5:1 for text, WCAG 2.1 AA 1.4.3).
DASHBOARD_TEXT = [
    ("--ink", "--bg"),
    ("--ink", "--panel"),
    ("--ink", "--missed-row-bg"),
    ("--ink", "--hover-bg"),
    ("--muted", "--bg"),
    ("--muted", "--panel"),
    ("--muted", "--head-bg"),
    ("--muted", "--hover-bg"),
    ("--muted", "--missed-row-bg"),
    ("--accent", "--bg"),
    ("--accent", "--panel"),
    ("--accent", "--group-bg"),
    ("--accent", "--on-accent"),  # the brand mark, the skip link
    ("--on-accent", "--accent"),  # the header and buttons
    ("--ok-ink", "--ok-bg"),
    ("--note-ink", "--note-bg"),
    ("--miss-ink", "--miss-bg"),
    ("--miss-ink", "--bg"),
]
#: Focus rings against what surrounds them (3:1, WCAG 2.1 AA 1.4.11).
DASHBOARD_FOCUS = [
    ("--focus", "--bg"),
    ("--focus", "--panel"),
    ("--focus-on-accent", "--accent"),
]
REPORT_TEXT = [
    ("--ink", "--bg"),
    ("--ink", "--panel"),
    ("--muted", "--bg"),
    ("--muted", "--panel"),
    ("--accent", "--panel"),
    ("--ok-ink", "--ok-bg"),
    ("--miss-ink", "--miss-bg"),
    ("--miss-ink", "--bg"),
]


def test_dashboard_colours_meet_wcag_aa() -> None:
    css = (STATIC / "kizuna.css").read_text(encoding="utf-8")
    colours = css_variables(css)
    for fg, bg in DASHBOARD_TEXT:
        ratio = contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}"
    for ring, bg in DASHBOARD_FOCUS:
        ratio = contrast(colours[ring], colours[bg])
        assert ratio >= 3.0, f"{ring} on {bg}: {ratio:.2f}"
    # every colour of the rules is one of these variables, so the pairs above cover them
    rules = re.sub(r":root\s*\{.*?\}", "", css, count=1, flags=re.S)
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", rules) == []
    # keyboard focus is drawn, not removed, on every interactive element
    assert re.search(r"a:focus-visible.*?outline: 3px solid var\(--focus\)", css, re.S)
    for selector in ("button:focus-visible", "select:focus-visible", "input:focus-visible"):
        assert selector in css


def test_report_colours_meet_wcag_aa() -> None:
    colours = css_variables(REPORT_CSS.read_text(encoding="utf-8"))
    for fg, bg in REPORT_TEXT:
        ratio = contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, f"report {fg} on {bg}: {ratio:.2f}"


# --- in a real browser --------------------------------------------------------------------------


def open_guarded(browser: Any, base_url: str) -> tuple[Any, list[str], list[str]]:
    """A page whose requests to other hosts are aborted; returns (page, outside, errors)."""
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
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    return page, outside, errors


@pytest.mark.browser
def test_api_docs_draw_offline(browser: Any, serve: Callable[[FastAPI], str], app: FastAPI) -> None:
    base_url = serve(app)
    page, outside, errors = open_guarded(browser, base_url)
    try:
        response = page.goto(f"{base_url}{DOCS_URL}", wait_until="load")
        assert response is not None
        assert response.status == 200
        # Swagger UI fetched /api/v1/openapi.json and drew one block per operation
        page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
        assert "Kizuna" in page.locator(".swagger-ui .info .title").inner_text()
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/api/v1/cities/{slug}/plan" in p.replace("\u200b", "") for p in paths)
        page.screenshot(path="/tmp/kizuna-api-docs.png", full_page=False)
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"


@pytest.mark.browser
def test_htmx_loads_offline(browser: Any, serve: Callable[[FastAPI], str], app: FastAPI) -> None:
    base_url = serve(app)
    page, outside, errors = open_guarded(browser, base_url)
    try:
        page.goto(f"{base_url}/cities/testville", wait_until="load")
        page.wait_for_function("window.htmx !== undefined", timeout=15_000)
        assert page.evaluate("window.htmx.version") == HTMX_VERSION
        assert page.evaluate("window.htmx.config.allowEval") is False
        page.wait_for_selector("#chart-sector-scope.js-plotly-plot svg.main-svg", timeout=15_000)
        # HTMX swaps in the plan page's main part; kizuna.js draws the charts it brings
        page.evaluate(
            "htmx.ajax('GET', '/cities/testville/plan', {target: '#main', select: '#main',"
            " swap: 'innerHTML'})"
        )
        page.wait_for_selector("#chart-trajectory.js-plotly-plot svg.main-svg", timeout=15_000)
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"


@pytest.mark.browser
def test_keyboard_skip_link_and_visible_focus(
    browser: Any, serve: Callable[[FastAPI], str], app: FastAPI
) -> None:
    base_url = serve(app)
    page, outside, errors = open_guarded(browser, base_url)
    try:
        page.goto(f"{base_url}/cities/testville", wait_until="load")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        assert focused == "skip-link"
        box = page.locator(".skip-link").bounding_box()
        assert box is not None
        assert box["x"] >= 0  # moved into view when focused
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; })()"
        )
        assert style == ["solid", "3px"]
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        # the next Tab lands inside the content, not back in the header
        page.keyboard.press("Tab")
        inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
        assert inside
    finally:
        page.context.close()
    assert outside == []
    assert errors == [], f"browser errors: {errors}"
