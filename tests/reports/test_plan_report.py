"""The standalone HTML plan report: one file with everything in it, drawn offline."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kizuna.planning import Plan, PlanResult
from kizuna.reports import write_plan_report
from kizuna.reports.figures import plotly_js_path
from kizuna.reports.rendering import format_amount

SCREENSHOT = Path("/tmp/kizuna-plan-report.png")


class Fetches(HTMLParser):
    """Every attribute that makes a browser fetch something, and the inline scripts."""

    FETCHING = frozenset(
        {
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("iframe", "src"),
            ("source", "src"),
            ("embed", "src"),
            ("object", "data"),
            ("img", "srcset"),
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.attrs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if value is not None:
                self.attrs.append(value)
                if (tag, name) in self.FETCHING:
                    self.urls.append(value)


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory,
    plan: Plan,
    result: PlanResult,
    macc: pd.DataFrame,
    sweep: pd.DataFrame,
) -> Path:
    path = tmp_path_factory.mktemp("report") / "nested" / "bayside-plan.html"
    assert write_plan_report(plan, result, macc, path, sweep=sweep) == path
    return path


def test_report_is_one_self_contained_file(report: Path) -> None:
    assert report.is_file()
    html = report.read_text(encoding="utf-8")
    parsed = Fetches()
    parsed.feed(html)
    assert parsed.urls == []  # nothing is fetched: no src, no stylesheet link
    assert not [a for a in parsed.attrs if "://" in a]
    assert "<style>" in html
    # Plotly.js is inlined, whole, from the installed plotly package
    bundle = plotly_js_path().read_text(encoding="utf-8")
    assert bundle in html
    assert report.stat().st_size > len(bundle)
    # the three charts, as JSON for the inline drawing script
    for chart in ("chart-trajectory", "chart-macc", "chart-sweep"):
        assert f'data-chart-for="{chart}"' in html


def test_report_shows_the_figures(report: Path, result: PlanResult) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<title>Bayside climate plan 2025–2035 · Kizuna</title>" in html
    assert "8 of 11 missed" in html
    assert "largest gap 620 tCO2e in 2035" in html
    assert format_amount(result.npv, "JPY") in html
    assert format_amount(result.green_investment, "JPY") in html
    assert format_amount(result.net_savings, "JPY") in html
    assert '65 <span class="unit">job-years</span>' in html
    # milestone table: 2030 cap (1 - 0.3) x 1,600 = 1,120 t, planned and gap from the solver
    m2030 = next(m for m in result.milestones if m.year == 2030)
    row = (
        '<th scope="row">2030</th>\n      <td class="num">1,120</td>\n'
        f'      <td class="num">{m2030.emissions:,.0f}</td>\n'
        f'      <td class="num">{m2030.gap:,.0f}</td>'
    )
    assert row in html
    # marginal costs with the decimals their size needs: 2025 33.58, 2026 0.345 JPY/tCO2e
    assert '<td class="num">33.6</td>' in html
    assert '<td class="num">0.35</td>' in html
    assert "JPY/tCO2e" in html
    # measure table, names escaped; the sources
    assert "Electric cars &lt;EV&gt;" in html
    assert "<EV>" not in html
    assert "Bayside vehicle register (https://bayside.example/ev)" in html


@pytest.mark.browser
def test_report_draws_offline_in_a_browser(browser: Any, report: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(report.as_uri(), wait_until="load")
        for chart in ("chart-trajectory", "chart-macc", "chart-sweep"):
            page.wait_for_selector(f"#{chart}.js-plotly-plot svg.main-svg", timeout=15_000)
        assert page.locator("#chart-macc g.trace.bars").count() == 3  # one per sector
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        context.close()
    assert outside == [], f"the report tried to load: {outside}"
    assert errors == [], f"browser errors: {errors}"
    assert SCREENSHOT.stat().st_size > 10_000


def test_many_missed_milestones_are_summed_up(
    plan: Plan, result: PlanResult, macc: pd.DataFrame
) -> None:
    from kizuna.reports import render_plan_report

    html = render_plan_report(plan, result, macc)
    # 8 missed: too many to list in the summary, the table has them
    assert "8 milestones missed, from 2028 to 2035: the milestone table gives each gap." in html
    assert "chart-sweep" not in html  # no sweep given
