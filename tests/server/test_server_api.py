"""The JSON API and the shared error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def test_cities(client: TestClient) -> None:
    r = client.get("/api/v1/cities")
    assert r.status_code == 200
    cities = {c["slug"]: c for c in r.json()["cities"]}
    assert set(cities) == {"emptyburg", "testville"}
    town = cities["testville"]
    assert town["name_ja"] == "テストビル"
    assert [i["year"] for i in town["inventories"]] == [2015, 2021]
    assert town["inventories"][1]["totals_tco2e"]["basic"] == pytest.approx(1_638_800)
    assert town["targets"][0] == {
        "year": 2030,
        "type": "base_year",
        "reduction": 0.46,
        "base_year": 2013,
        "source": "Testville climate plan",
    }
    assert town["links"]["inventories"] == "/api/v1/cities/testville/inventories"


def test_city(client: TestClient) -> None:
    r = client.get("/api/v1/cities/emptyburg")
    assert r.status_code == 200
    assert r.json()["inventories"][0]["totals_tco2e"]["basic"] == pytest.approx(1234.6)


def test_inventories_are_the_engine_results(client: TestClient) -> None:
    from kizuna.inventory import compute, read_inventory_file

    source = Path(__file__).parent / "data" / "testville.csv"
    expected = [r.to_dict() for r in compute(read_inventory_file(source))]
    r = client.get("/api/v1/cities/testville/inventories")
    assert r.status_code == 200
    body = r.json()
    assert body["city"] == "testville"
    assert body["inventories"] == expected


def test_unknown_city_is_the_json_error_shape(client: TestClient) -> None:
    for path in ("/api/v1/cities/atlantis", "/api/v1/cities/atlantis/inventories"):
        r = client.get(path, headers={"accept": "text/html"})  # the API always answers JSON
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {
            "error": {
                "code": "not_found",
                "message": "No city with slug 'atlantis'",
                "hint": "use one of: emptyburg, testville",
                "details": [],
            }
        }


def test_unknown_route_is_the_json_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_bad_parameter_is_an_input_error(client: TestClient) -> None:
    r = client.get("/cities/testville?year=last")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "input_error"
    assert error["details"] == [{"field": "query.year"}]


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["database"] == "ok"


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/cities" in paths
    assert "/api/v1/cities/{slug}/inventories" in paths
    assert "/cities/{slug}" not in paths  # pages are not API
