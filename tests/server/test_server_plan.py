"""The plan page and the plan API, on the plan of ``data/plans/testville.yaml``.

Caps by hand: Testville's 2021 BASIC total is 1,638,800 tCO2e (see test_server_pages);
-46 % by 2030 leaves 884,952 t (shown as 885 ktCO2e) and -80 % by 2040 leaves 327,760 t
(328 ktCO2e), on a linear path from 2021. What the roadmap does is the optimiser's: the
tests compare the pages with `kizuna.planning` run on the same file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_server_pages import HTML, assert_self_contained

from kizuna.planning import PlanResult, load_plan, optimise
from kizuna.planning.macc import macc_table
from kizuna.reports.formatting import KTCO2E, format_emissions
from kizuna.reports.rendering import format_amount

PLAN_FILE = Path(__file__).parent / "data" / "plans" / "testville.yaml"


@pytest.fixture(scope="module")
def expected() -> PlanResult:
    return optimise(load_plan(PLAN_FILE))


def test_plan_page(client: TestClient, expected: PlanResult) -> None:
    r = client.get("/cities/testville/plan", headers=HTML)
    assert r.status_code == 200
    page = r.text
    assert "<title>Testville plan 2023–2040 · Kizuna</title>" in page
    assert '<a href="/cities/testville">Testville</a> › Plan' in page
    assert "plan file <code>plans/testville.yaml</code>" in page
    # the summary
    missed = [m for m in expected.milestones if not m.met]
    assert missed, "the test plan is meant to miss its last milestones"
    assert f"{len(missed)} of {len(expected.milestones)} missed" in page
    assert format_amount(expected.npv, "JPY") in page
    assert format_amount(expected.green_investment, "JPY") in page
    assert format_amount(expected.net_savings, "JPY") in page
    # the two charts, drawn by our script with the local Plotly
    assert 'data-chart-for="chart-trajectory"' in page
    assert 'data-chart-for="chart-macc"' in page
    assert '<script src="/static/vendor/plotly.min.js?v=' in page
    assert_self_contained(page)


def test_plan_page_milestone_table(client: TestClient, expected: PlanResult) -> None:
    page = client.get("/cities/testville/plan", headers=HTML).text
    assert 'Cap <span class="unit">ktCO2e</span>' in page
    for year, cap in ((2030, "885"), (2040, "328")):
        assert re.search(rf'<th scope="row">{year}</th>\s*<td class="num">{cap}</td>', page)
    for m in expected.milestones:
        planned = format_emissions(m.emissions, KTCO2E)
        row = (
            rf'<th scope="row">{m.year}</th>\s*<td class="num">[\d,]+</td>\s*'
            rf'<td class="num">{planned}</td>'
        )
        assert re.search(row, page), m.year
    last = expected.milestones[-1]
    assert not last.met
    assert f"2040: {format_emissions(last.gap, KTCO2E)} ktCO2e above the cap" in page
    assert page.count('<span class="status status-missing">Missed</span>') == sum(
        not m.met for m in expected.milestones
    )


def test_plan_page_measures_and_sources(client: TestClient, expected: PlanResult) -> None:
    page = client.get("/cities/testville/plan", headers=HTML).text
    for m in expected.measures:
        assert f'<th scope="row">{m.name}</th>' in page
    assert "Testville transport bureau, vehicle register 2022" in page
    assert "(Electric cars, Electric buses)" in page  # one source, the measures citing it
    assert "https://testville.example/retrofit" in page  # as text, not a link
    assert "JPY/tCO2e" in page


def test_city_page_links_to_its_plan(client: TestClient) -> None:
    assert 'href="/cities/testville/plan"' in client.get("/cities/testville", headers=HTML).text
    assert "/plan" not in client.get("/cities/emptyburg", headers=HTML).text


def test_plan_api(client: TestClient, expected: PlanResult) -> None:
    r = client.get("/api/v1/cities/testville/plan")
    assert r.status_code == 200
    body = r.json()
    assert (body["city"], body["currency"]) == ("testville", "JPY")
    assert body["source_file"] == "plans/testville.yaml"
    assert body["plan"]["baseline"]["inventory"] == "../testville.csv"  # as written, no host path
    assert body["plan"]["targets"][1] == {"year": 2040, "reduction": 0.8, "sector": None}

    def without_timing(result: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in result.items() if k != "timing"}

    assert without_timing(body["result"]) == without_timing(expected.to_dict())
    table = macc_table(load_plan(PLAN_FILE))
    assert [row["measure"] for row in body["macc"]] == list(table["measure"])
    assert [row["lcoa"] for row in body["macc"]] == pytest.approx(list(table["lcoa"]))
    assert body["links"] == {
        "self": "/api/v1/cities/testville/plan",
        "result": "/api/v1/cities/testville/plan/result",
        "macc": "/api/v1/cities/testville/plan/macc",
        "optimise": "/api/v1/cities/testville/plan/optimise",
        "city": "/api/v1/cities/testville",
        "sharing": f"/api/v1/sharing/plan/{body['links']['sharing'].rsplit('/', 1)[1]}",
        "page": "/cities/testville/plan",
    }
    assert body["sharing"]["visibility"] == "public"


def test_city_links_name_the_plan(client: TestClient) -> None:
    cities = {c["slug"]: c for c in client.get("/api/v1/cities").json()["cities"]}
    assert cities["testville"]["links"]["plan"] == "/api/v1/cities/testville/plan"
    assert cities["testville"]["links"]["plan_page"] == "/cities/testville/plan"
    assert "plan" not in cities["emptyburg"]["links"]


def test_city_without_a_plan_is_a_404(client: TestClient) -> None:
    r = client.get("/api/v1/cities/emptyburg/plan", headers=HTML)  # the API answers JSON
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    error = r.json()["error"]
    assert (error["code"], error["message"]) == ("not_found", "Emptyburg has no plan")
    assert "/api/v1/cities" in error["hint"]  # same hint as a plan hidden from the caller
    page = client.get("/cities/emptyburg/plan", headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Emptyburg has no plan" in page.text


def test_unknown_city_plan_is_a_404(client: TestClient) -> None:
    for path in ("/api/v1/cities/atlantis/plan", "/cities/atlantis/plan"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.json()["error"]["message"] == "No city with slug 'atlantis'"


def test_openapi_documents_the_plan(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/cities/{slug}/plan" in paths
    assert "/cities/{slug}/plan" not in paths
