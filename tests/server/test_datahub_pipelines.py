"""Pipelines in the platform, on SQLite and PostgreSQL: a city's smart-meter series aggregated
to GPC activity data and an indicator series, re-run incrementally after an append, the
activity output taken by the inventory upload, and the rules (rights, platform limits,
deletion with the outputs).

The meter readings are those of `test_datahub_server.METERS` (Wh, months in Asia/Tokyo):
February holds 1,500 + 1,200 Wh residential and 4,000 + 3,000 Wh commercial, March
1,000 Wh residential and 2,500 Wh commercial. So 2024 has 3.7 kWh residential (I.1.2)
and 9.5 kWh commercial (I.2.2); April adds 0.9 and 2.0 kWh.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dbs import ENGINES, fresh_database
from fastapi.testclient import TestClient
from test_datahub_server import state, upload
from world import World, build_world

from kizuna.datahub import Warehouse
from kizuna.server import Settings, create_app

PIPELINE = """
name: meters-to-activity
description: Smart meters to buildings' electricity
input: {dataset: meters}
aggregate: {by: [building_type], unit: kWh}
outputs:
  - kind: activity
    name: buildings
    city: Private City
    column: building_type
    map: {residential: I.1.2, commercial: I.2.2}
    unit: kWh
    emission_factor: {value: 0.441, unit: kg/kWh, gas: CO2, source: utility disclosure 2024}
  - kind: indicator
    name: per-person
    indicator: 7.1.x
    unit: kWh
    divide_by: {value: 2, name: person}
    disaggregate: [building_type]
"""
APRIL = (
    b"timestamp,building_type,energy [Wh]\n"
    b"2024-04-01T09:00:00+09:00,residential,900\n"
    b"2024-04-01T09:00:00+09:00,commercial,2000\n"
)
BASE = "/api/v1/cities/private-city/pipelines"


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World, Path]]:
    with fresh_database(request.param, tmp_path_factory.mktemp("pipelines")) as url:
        folder = tmp_path_factory.mktemp("warehouse")
        app = create_app(Settings(database_url=url, datahub_dir=folder))
        with app.state.sessionmaker() as session:
            world = build_world(session)
        with TestClient(app) as client:
            assert upload(client, world, "editor", "private-city", "meters").status_code == 201
            yield client, world, folder
        app.state.engine.dispose()


def create(client: TestClient, world: World, who: str, text: str = PIPELINE, **extra: Any) -> Any:
    body = {"definition": text, **extra}
    return client.post(BASE, json=body, headers=world.headers(who))


def rows_of(client: TestClient, world: World, dataset: str) -> pd.DataFrame:
    link = f"/api/v1/cities/private-city/datasets/{dataset}/download?format=csv"
    answer = client.get(link, headers=world.headers("editor"))
    assert answer.status_code == 200, answer.text
    return pd.read_csv(io.StringIO(answer.text))


def test_a_run_aggregates_then_recomputes_only_the_new_month(
    platform: tuple[TestClient, World, Path],
) -> None:
    client, world, folder = platform
    made = create(client, world, "editor")
    assert made.status_code == 201, made.text
    assert made.json()["outputs"] == {"buildings": None, "per-person": None}
    run = client.post(f"{BASE}/meters-to-activity/run", headers=world.headers("editor"))
    assert run.status_code == 200, run.text
    first = run.json()
    assert (first["recomputed"], first["unchanged"]) == (["2024-02", "2024-03"], [])
    assert first["ran_by"] == world.emails["editor"]
    activity = rows_of(client, world, "meters-to-activity-buildings").set_index("gpc_ref")
    assert activity.loc["I.1.2", "activity_value"] == pytest.approx(3.7)
    assert activity.loc["I.2.2", "activity_value"] == pytest.approx(9.5)
    assert set(activity["year"]) == {2024}
    assert set(activity["months"]) == {2}
    indicator = rows_of(client, world, "meters-to-activity-per-person")
    headline = indicator[indicator["building_type"].isna()]
    assert headline["Value"].tolist() == pytest.approx([(3.7 + 9.5) / 2])
    assert headline["Units"].tolist() == ["kWh per person"]

    # April appended to the input: only April is recomputed, both 2024 rows change
    more = upload(client, world, "editor", "private-city", "meters", APRIL, mode="append")
    assert more.status_code == 201, more.text
    again = client.post(f"{BASE}/meters-to-activity/run", headers=world.headers("editor")).json()
    assert (again["recomputed"], again["unchanged"]) == (["2024-04"], ["2024-02", "2024-03"])
    outputs = {o["name"]: o for o in again["outputs"]}
    assert outputs["buildings"]["changed"] == ["2024/I.1.2", "2024/I.2.2"]
    activity = rows_of(client, world, "meters-to-activity-buildings").set_index("gpc_ref")
    assert activity.loc["I.1.2", "activity_value"] == pytest.approx(3.7 + 0.9)
    # nothing new: nothing recomputed, nothing changed
    idle = client.post(f"{BASE}/meters-to-activity/run", headers=world.headers("editor")).json()
    assert idle["recomputed"] == []
    assert all(not o["changed"] for o in idle["outputs"])

    # the outputs are data sets of the city, with lineage back to the meters
    shown = client.get(f"{BASE}/meters-to-activity", headers=world.headers("viewer")).json()
    assert shown["outputs"] == {
        "buildings": "meters-to-activity-buildings",
        "per-person": "meters-to-activity-per-person",
    }
    assert shown["last_run"]["recomputed"] == []
    lineage = client.get(
        "/api/v1/cities/private-city/datasets/meters-to-activity-buildings/lineage",
        headers=world.headers("viewer"),
    ).json()
    objects = {r["object"] for r in lineage["records"]}
    assert "private-city.meters" in objects
    assert "private-city.meters-to-activity.monthly" in objects
    names = {d.name for d in Warehouse(folder).datasets()}
    assert "private-city.meters-to-activity.buildings" in names


def test_the_activity_output_is_an_inventory_upload(
    platform: tuple[TestClient, World, Path],
) -> None:
    client, world, _folder = platform
    if client.get(f"{BASE}/meters-to-activity", headers=world.headers("editor")).status_code == 404:
        assert create(client, world, "editor").status_code == 201
    client.post(f"{BASE}/meters-to-activity/run", headers=world.headers("editor"))
    link = "/api/v1/cities/private-city/datasets/meters-to-activity-buildings/download?format=csv"
    csv = client.get(link, headers=world.headers("editor")).content
    made = client.post(
        "/api/v1/cities/private-city/inventories",
        files={"file": ("activity.csv", csv, "text/csv")},
        headers=world.headers("editor"),
    )
    assert made.status_code == 201, made.text
    (inventory,) = made.json()["inventories"]
    activity = rows_of(client, world, "meters-to-activity-buildings")
    expected = (activity["activity_value"] * 0.441 / 1000).sum()  # kWh x kg/kWh -> t
    assert inventory["year"] == 2024
    assert inventory["result"]["totals"]["basic"] == pytest.approx(expected, rel=1e-9), inventory[
        "result"
    ]["totals"]


def test_platform_limits_and_bad_files_are_422_and_store_nothing(
    platform: tuple[TestClient, World, Path],
) -> None:
    client, world, folder = platform
    before = state(client, folder)
    cases = {
        "engine": PIPELINE.replace("outputs:", "engine: dask\noutputs:"),
        "outputs.buildings.file": PIPELINE.replace(
            "    unit: kWh\n    emission", "    file: /etc/out.csv\n    unit: kWh\n    emission"
        ),
        "name": PIPELINE.replace("name: meters-to-activity", "name: Meters_To"),
        "definition": "name: [unclosed",
        "outputs.0.activity.map": PIPELINE.replace("I.2.2", "I.9.9"),
    }
    for field, text in cases.items():
        refused = create(client, world, "editor", text)
        assert refused.status_code == 422, (field, refused.text)
        fields = [d.get("field") for d in refused.json()["error"]["details"]]
        assert field in fields, (field, fields)
    assert state(client, folder) == before


def test_rights_and_deletion(platform: tuple[TestClient, World, Path]) -> None:
    client, world, folder = platform
    text = PIPELINE.replace("name: meters-to-activity", "name: doomed")
    assert create(client, world, "viewer", text).status_code == 403
    assert create(client, world, "outsider", text).status_code == 404
    public = {"visibility": "public", "licence": "CC-BY-4.0"}
    assert create(client, world, "editor", text, **public).status_code == 403
    made = create(client, world, "editor", text)
    assert made.status_code == 201
    assert create(client, world, "editor", text).status_code == 422  # the name is taken
    # shared like every shared object; hidden from outsiders like a missing one
    sharing = client.get(made.json()["links"]["sharing"], headers=world.headers("viewer"))
    assert sharing.status_code == 200, sharing.text
    assert sharing.json()["visibility"] == "private"
    hidden = client.get(f"{BASE}/doomed", headers=world.headers("outsider"))
    assert hidden.status_code == 404
    run = f"{BASE}/doomed/run"
    assert client.post(run, headers=world.headers("viewer")).status_code == 403
    assert client.post(run, headers=world.headers("outsider")).status_code == 404
    assert client.post(run, headers=world.headers("editor")).status_code == 200
    renamed = client.put(
        f"{BASE}/doomed",
        json={"definition": text.replace("name: doomed", "name: other")},
        headers=world.headers("editor"),
    )
    assert renamed.status_code == 422
    assert client.delete(f"{BASE}/doomed", headers=world.headers("viewer")).status_code == 403
    assert client.delete(f"{BASE}/doomed", headers=world.headers("editor")).status_code == 204
    assert client.get(f"{BASE}/doomed", headers=world.headers("editor")).status_code == 404
    gone = client.get(
        "/api/v1/cities/private-city/datasets/doomed-buildings", headers=world.headers("editor")
    )
    assert gone.status_code == 404
    names = {d.name for d in Warehouse(folder).datasets()}
    assert not any(n.startswith("private-city.doomed.") for n in names)
    assert Warehouse(folder).state("private-city.doomed", "monthly") == {}
    listed = client.get(BASE, headers=world.headers("viewer")).json()["pipelines"]
    assert "doomed" not in [p["name"] for p in listed]


def test_deleting_a_city_takes_its_warehouse_rows_along(
    platform: tuple[TestClient, World, Path],
) -> None:
    """A city's data sets and pipelines go with it: registry rows (cascade), then its rows,
    pipeline tables and pipeline state in the warehouse; other cities' rows stay."""
    client, world, folder = platform
    city = {"slug": "short-lived", "owner": "city-hall", "name": "Short", "country": "Japan"}
    assert (
        client.post("/api/v1/cities", json=city, headers=world.headers("admin")).status_code == 201
    )
    assert upload(client, world, "editor", "short-lived", "meters").status_code == 201
    base = "/api/v1/cities/short-lived/pipelines"
    made = client.post(base, json={"definition": PIPELINE}, headers=world.headers("editor"))
    assert made.status_code == 201, made.text
    run = client.post(f"{base}/meters-to-activity/run", headers=world.headers("editor"))
    assert run.status_code == 200, run.text
    warehouse = Warehouse(folder)
    mine = sorted(d.name for d in warehouse.datasets() if d.name.startswith("short-lived."))
    assert mine == [
        "short-lived.meters",
        "short-lived.meters-to-activity.buildings",
        "short-lived.meters-to-activity.monthly",
        "short-lived.meters-to-activity.per-person",
    ]
    others = sorted(d.name for d in warehouse.datasets() if not d.name.startswith("short-lived."))
    assert (folder / "datasets" / "short-lived.meters").is_dir()
    gone = client.delete("/api/v1/cities/short-lived", headers=world.headers("editor"))
    assert gone.status_code == 204, gone.text
    left = sorted(d.name for d in warehouse.datasets())
    assert left == others
    assert warehouse.state("short-lived.meters-to-activity", "monthly") == {}
    assert not (folder / "datasets" / "short-lived.meters").exists()
