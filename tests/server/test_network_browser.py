"""The network pages in a real browser (Debian's Chromium driven by Playwright), on the
packaged demo: a city's profile with its peers on the offline map and its standing, the
solution catalogue, matches with their reasons, the pipeline board, and a partnership where
the invited university accepts (its researcher's notification in the header leads there)
and a bad document address is shown next to the form.

No request may leave the loopback server and no console error may appear; screenshots go
to ``test-artifacts/network-*.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from test_platform_browser import demo, shot, sign_in  # noqa: F401 (the demo fixture)
from test_server_browser import open_guarded_page

from kizuna.demo.accounts import DemoLogin

pytestmark = pytest.mark.browser

PARTNERSHIP = "/network/partnerships/demo-ebus-joint-procurement"
PLOT = ".js-plotly-plot svg.main-svg"


def test_network_pages_in_a_browser(
    browser: Any,
    serve: Callable[[FastAPI], str],
    demo: tuple[FastAPI, dict[str, DemoLogin]],  # noqa: F811 (the fixture imported above)
) -> None:
    app, logins = demo
    base = serve(app)
    page, outside, errors = open_guarded_page(browser, base)
    try:
        # a city's profile: ten peers (never itself), the map and the standing chart
        page.goto(f"{base}/network/cities/yokohama")
        page.wait_for_selector(f"#chart-peers-map{PLOT}", timeout=20_000)
        page.wait_for_selector(f"#chart-standing{PLOT}", timeout=20_000)
        names = page.locator(".peers-table tbody th").all_inner_texts()
        assert len(names) == 10
        assert not any(n.startswith("Yokohama") for n in names)
        assert names[0].startswith("Kurume")  # the demo city alike on every dimension it has
        # land outline (a filled contour), the peers and the city itself
        assert page.locator("#chart-peers-map g.contour").count() == 1
        assert page.locator("#chart-peers-map g.trace.scatter").count() == 2
        shot(page, "network-profile")

        page.goto(f"{base}/network/solutions")
        cards = page.locator("#solutions > li")
        assert cards.count() == 7  # the eight demo solutions but one for signed-in members
        page.select_option("#sol-sector", "Transportation")
        with page.expect_navigation():
            page.click(".filter-form button[type=submit]")
        assert page.locator("#solutions > li").count() == 2  # electric buses, cycle network
        shot(page, "network-catalogue")

        page.goto(f"{base}/network/case-studies?q=bus+rapid+transit")
        assert page.locator("#case-studies > li h2").first.inner_text().startswith("Guangzhou")

        officer = logins["yokohama"]
        sign_in(page, base, officer)
        page.goto(f"{base}/network/cities/yokohama/matches")
        first = page.locator("#matches-solutions > li").first
        assert "Stationary energy" in first.locator(".reasons").inner_text()
        first.locator("summary").click()
        assert first.locator("table tbody tr").count() == 6  # the six solution components
        content = page.content()
        assert "Household LED campaign" not in content  # Kurume's private case study
        assert "Tokyo" in page.locator("#did-h + table").inner_text()
        shot(page, "network-matches")

        page.goto(f"{base}/network/partnerships")
        column = page.locator("section.board-column", has=page.locator("#stage-feasibility"))
        assert "Joint procurement of electric buses" in column.inner_text()
        shot(page, "network-pipeline")

        # a bad document address comes back next to the form, nothing stored
        page.goto(f"{base}{PARTNERSHIP}")
        page.fill("#doc-title", "Depot plan")
        page.fill("#doc-url", "not a web address")
        page.click("#document-form button[type=submit]")
        page.wait_for_selector("#document-error", timeout=10_000)
        assert "Not a web address" in page.locator("#document-error").inner_text()
        assert page.locator("#doc-url").get_attribute("aria-invalid") == "true"

        with page.expect_navigation():
            page.click(".signout-form button")
        sign_in(page, base, logins["minato-university"])
        badge = page.locator(".notifications-link")
        # a locator wait: no script evaluated in the page, whose CSP forbids eval
        page.locator(".notifications-link", has_text="(1)").wait_for(timeout=10_000)
        assert "(1)" in badge.inner_text()
        with page.expect_navigation():
            badge.click()
        notice = page.locator("#notifications li").first
        assert "invited Minato University" in notice.inner_text()
        shot(page, "network-notifications")
        with page.expect_navigation():
            notice.locator("a").click()
        assert page.url == f"{base}{PARTNERSHIP}"
        with page.expect_navigation():
            page.click(".invitation-form button[value=accept]")
        row = page.locator("#members-table tr", has_text="Minato University")
        assert "Accepted" in row.inner_text()
        assert "accepted the invitation" in page.locator("#feed li").first.inner_text()
        shot(page, "network-partnership")
    finally:
        page.context.close()
    assert outside == [], f"requests left the loopback server: {outside}"
    assert [e for e in errors if "422" not in e] == [], f"browser errors: {errors}"
