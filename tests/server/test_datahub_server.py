"""The data hub in the platform, on SQLite and PostgreSQL: upload with preview, import, rows,
lineage and downloads of data sets, their tenancy, the public open data API (DCAT, NGSI-LD,
Open SDG) and the pages.

The platform is `world`'s (every role and visibility); the warehouse is a folder of the
test's own (``Settings.datahub_dir``). Bad input is answered 4xx and leaves nothing
behind: each such test compares the registry rows, the audit entries, the warehouse's data
sets and every file of the warehouse folder before and after.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from dbs import ENGINES, fresh_database
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF
from sqlalchemy import func, select
from world import World, build_world

from kizuna.datahub import Warehouse
from kizuna.datahub.charts import COLOUR_SCALE
from kizuna.datahub.publish import result_from_dict
from kizuna.server import Settings, create_app
from kizuna.server.tables import AuditEntry, Inventory
from kizuna.server.tables.datahub import Dataset

#: Readings in Wh. Months are counted in Asia/Tokyo: 2024-01-31T20:00Z is 2024-02-01 05:00
#: there, so February holds 4 rows and March 2; the six readings add up to
#: 1500 + 4000 + 1200 + 3000 + 1000 + 2500 = 13,200 Wh.
METERS = b"""timestamp,building_type,energy [Wh]
2024-01-31T20:00:00Z,residential,1500
2024-01-31T20:00:00Z,commercial,4000
2024-02-10T09:00:00+09:00,residential,1200
2024-02-10T09:00:00+09:00,commercial,3000
2024-03-05T12:00:00+09:00,residential,1000
2024-03-05T12:00:00+09:00,commercial,2500
"""
METER_FIELDS = {
    "time_column": "timestamp",
    "value_column": "energy",
    "timezone": "Asia/Tokyo",
    "dimensions": "building_type",
    "expected_unit": "kWh",
}
#: Two districts; B has the larger value, so it takes the darkest colour of the scale.
DISTRICTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"ward": "A", "kwh": 100.0},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        },
        {
            "type": "Feature",
            "properties": {"ward": "B", "kwh": 300.0},
            "geometry": {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 0]]]},
        },
    ],
}
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World, Path]]:
    with fresh_database(request.param, tmp_path_factory.mktemp("datahub")) as url:
        folder = tmp_path_factory.mktemp("warehouse")
        app = create_app(Settings(database_url=url, upload_max_mb=0.2, datahub_dir=folder))
        with app.state.sessionmaker() as session:
            world = build_world(session)
        with TestClient(app) as client:
            yield client, world, folder
        app.state.engine.dispose()


def upload(
    client: TestClient,
    world: World,
    who: str,
    city: str,
    name: str,
    data: bytes = METERS,
    filename: str = "meters.csv",
    **fields: str,
) -> Any:
    form = {"name": name, **(METER_FIELDS if filename.endswith(".csv") else {}), **fields}
    return client.post(
        f"/api/v1/cities/{city}/datasets",
        files={"file": (filename, data, "application/octet-stream")},
        data=form,
        headers=world.headers(who),
    )


def state(client: TestClient, folder: Path) -> dict[str, Any]:
    """Registry rows, audit entries, the warehouse's data sets and files."""
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        rows = session.scalar(select(func.count()).select_from(Dataset))
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
    files = sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != ".lock"
    )
    names = [d.name for d in Warehouse(folder).datasets()]
    return {"rows": rows, "audit": audit, "datasets": names, "files": files}


def parquet_files(folder: Path, name: str) -> list[str]:
    return sorted(
        str(p.relative_to(folder)) for p in (folder / "datasets" / name).rglob("*.parquet")
    )


# --- upload: preview, then import ---------------------------------------------------------


def test_preview_then_import_round_trip(platform: tuple[TestClient, World, Path]) -> None:
    client, world, folder = platform
    before = state(client, folder)
    preview = client.post(
        "/api/v1/cities/private-city/datasets/preview",
        files={"file": ("meters.csv", METERS, "text/csv")},
        headers=world.headers("editor"),
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["preview"]["rows"] == 6
    assert body["preview"]["ok"] is True
    columns = {c["name"]: c for c in body["preview"]["schema"]["columns"]}
    assert columns["timestamp"]["type"] == "datetime"
    assert (columns["energy"]["type"], columns["energy"]["unit"]) == ("integer", "Wh")
    assert body["suggested"] == {
        "kind": "time_series",
        "name": "meters",
        "time_column": "timestamp",
        "value_column": "energy",
        "unit": "Wh",
        "label_column": None,
    }
    assert state(client, folder) == before  # a preview stores nothing

    made = upload(client, world, "editor", "private-city", "round-trip", title="Meters")
    assert made.status_code == 201, made.text
    dataset = made.json()
    assert (dataset["id"], dataset["kind"], dataset["unit"]) == (
        "warehouse-round-trip",
        "time_series",
        "Wh",
    )
    assert dataset["rows"] == 6
    assert dataset["sharing"] == {"owner": "city-hall", "visibility": "private", "licence": None}
    assert dataset["first_time"] == "2024-01-31T20:00:00Z"
    assert dataset["last_time"] == "2024-03-05T03:00:00Z"
    # one Parquet file per month in Tokyo time
    assert [p.split("/")[2] for p in parquet_files(folder, "private-city.round-trip")] == [
        "_month=2024-02",
        "_month=2024-03",
    ]
    headers = world.headers("viewer")  # any member of the owner reads it
    rows = client.get(dataset["links"]["rows"] + "?limit=4", headers=headers).json()
    assert (rows["total"], len(rows["rows"])) == (6, 4)
    assert rows["next"].endswith("limit=4&offset=4")
    assert rows["rows"][0]["energy"] == 1500
    rest = client.get(rows["next"], headers=headers).json()
    assert [r["energy"] for r in rest["rows"]] == [1000, 2500]
    csv = client.get(dataset["links"]["csv"], headers=headers)
    assert csv.headers["content-type"].startswith("text/csv")
    assert pd.read_csv(io.StringIO(csv.text))["energy"].sum() == 13_200
    table = pq.read_table(
        io.BytesIO(client.get(dataset["links"]["parquet"], headers=headers).content)
    )
    assert table.to_pandas()["energy"].sum() == 13_200
    records = client.get(dataset["links"]["json"], headers=headers).json()
    assert sum(r["energy"] for r in records) == 13_200
    lineage = client.get(dataset["links"]["lineage"], headers=headers).json()
    (record,) = lineage["records"]
    assert record["transformation"] == "import csv (create)"
    assert record["source"] == "upload:meters.csv"
    assert record["details"]["uploaded_by"] == world.emails["editor"]
    assert record["details"]["partitions"] == ["2024-02", "2024-03"]
    after = state(client, folder)
    assert after["rows"] == before["rows"] + 1
    assert after["audit"] == before["audit"] + 1  # dataset.create


def test_append_adds_rows_and_lineage(platform: tuple[TestClient, World, Path]) -> None:
    """Two April readings appended: 8 rows, a new month, lineage newest first."""
    client, world, folder = platform
    assert upload(client, world, "editor", "private-city", "appended").status_code == 201
    april = b"timestamp,building_type,energy [Wh]\n2024-04-01T09:00:00+09:00,residential,900\n"
    april += b"2024-04-01T09:00:00+09:00,commercial,2000\n"
    more = upload(client, world, "editor", "private-city", "appended", april, mode="append")
    assert more.status_code == 201, more.text
    assert more.json()["rows"] == 8
    months = [p.split("/")[2] for p in parquet_files(folder, "private-city.appended")]
    assert months == ["_month=2024-02", "_month=2024-03", "_month=2024-04"]
    lineage = client.get(more.json()["links"]["lineage"], headers=world.headers("editor")).json()
    assert [r["transformation"] for r in lineage["records"]] == [
        "import csv (append)",
        "import csv (create)",
    ]
    # columns that do not match are refused and change nothing
    before = state(client, folder)
    wrong = b"timestamp,building_type,power [W]\n2024-05-01T09:00:00+09:00,residential,1\n"
    refused = upload(
        client, world, "editor", "private-city", "appended", wrong, mode="append",
        value_column="power", expected_unit="",
    )  # fmt: skip
    assert refused.status_code == 422, refused.text
    assert "power" in refused.json()["error"]["message"]
    assert state(client, folder) == before


# --- tenancy ---------------------------------------------------------------------------------


def test_a_private_data_set_is_404_for_outsiders(platform: tuple[TestClient, World, Path]) -> None:
    client, world, _folder = platform
    made = upload(client, world, "editor", "public-city", "hidden", title="Hidden meters")
    assert made.status_code == 201, made.text
    links = made.json()["links"]
    reads = [links["self"], links["rows"], links["lineage"], links["csv"], links["parquet"]]
    public = "/api/v1/public/cities/public-city/datasets/warehouse-hidden"
    for who in ("anonymous", "outsider", "loner", "partner"):
        headers = world.headers(who)
        for url in [*reads, public, public + ".csv"]:
            assert client.get(url, headers=headers).status_code == 404, (who, url)
        listed = client.get("/api/v1/datasets?city=public-city", headers=headers).json()
        assert "hidden" not in [d["name"] for d in listed["datasets"]], who
        page = client.get("/cities/public-city/data/warehouse-hidden", headers={**headers, **HTML})
        assert page.status_code == 404
        catalogue = client.get("/data?city=public-city", headers={**headers, **HTML})
        assert "Hidden meters" not in catalogue.text
    for who in ("owner", "admin", "editor", "viewer"):
        assert client.get(links["rows"], headers=world.headers(who)).status_code == 200, who
    # shared with the partner (partners visibility): the partner reads it, others still not
    sharing = links["sharing"]
    admin = world.headers("admin")
    assert client.put(sharing, json={"visibility": "partners"}, headers=admin).status_code == 200
    shared = client.post(f"{sharing}/partners", json={"organisation": "partner-lab"}, headers=admin)
    assert shared.status_code == 200, shared.text
    assert client.get(links["rows"], headers=world.headers("partner")).status_code == 200
    assert client.get(links["rows"], headers=world.headers("outsider")).status_code == 404
    assert client.get(public, headers=world.headers("partner")).status_code == 404  # not public


def test_a_data_set_of_a_hidden_city_is_hidden(platform: tuple[TestClient, World, Path]) -> None:
    """A public data set of a private city: the city decides first."""
    client, world, _folder = platform
    made = upload(
        client, world, "admin", "private-city", "open-but-hidden",
        visibility="public", licence="CC-BY-4.0",
    )  # fmt: skip
    assert made.status_code == 201, made.text
    for who in ("anonymous", "outsider"):
        assert (
            client.get(made.json()["links"]["self"], headers=world.headers(who)).status_code == 404
        )
    assert (
        client.get(
            "/api/v1/public/cities/private-city/datasets/warehouse-open-but-hidden"
        ).status_code
        == 404
    )


def test_writes_need_the_right_role(platform: tuple[TestClient, World, Path]) -> None:
    client, world, folder = platform
    before = state(client, folder)
    assert upload(client, world, "viewer", "public-city", "no").status_code == 403
    assert upload(client, world, "editor-read-token", "public-city", "no").status_code == 403
    assert upload(client, world, "outsider", "private-city", "no").status_code == 404
    assert upload(client, world, "outsider", "public-city", "no").status_code == 403
    # publishing beyond the organisation is a sharing decision: admins only
    public = {"visibility": "public", "licence": "CC-BY-4.0"}
    assert upload(client, world, "editor", "public-city", "no", **public).status_code == 403
    no_licence = upload(client, world, "admin", "public-city", "no", visibility="public")
    assert no_licence.status_code == 422
    assert no_licence.json()["error"]["details"] == [{"field": "licence"}]
    assert state(client, folder) == before
    made = upload(client, world, "editor", "public-city", "editable").json()
    patch = {"title": "Renamed"}
    assert (
        client.patch(made["links"]["self"], json=patch, headers=world.headers("viewer")).status_code
        == 403
    )
    renamed = client.patch(made["links"]["self"], json=patch, headers=world.headers("editor"))
    assert renamed.json()["title"] == "Renamed"
    assert client.delete(made["links"]["self"], headers=world.headers("viewer")).status_code == 403


def test_delete_removes_the_rows_from_the_warehouse(
    platform: tuple[TestClient, World, Path],
) -> None:
    client, world, folder = platform
    made = upload(client, world, "editor", "private-city", "doomed").json()
    assert parquet_files(folder, "private-city.doomed")
    assert client.delete(made["links"]["self"], headers=world.headers("editor")).status_code == 204
    assert client.get(made["links"]["self"], headers=world.headers("editor")).status_code == 404
    assert "private-city.doomed" not in [d.name for d in Warehouse(folder).datasets()]
    assert not (folder / "datasets" / "private-city.doomed").exists()
    assert Warehouse(folder).lineage("private-city.doomed") == []
    # the name is free again
    assert upload(client, world, "editor", "private-city", "doomed").status_code == 201


# --- bad files ----------------------------------------------------------------------------


BAD = [
    (
        "sjis.csv",
        "timestamp,メーター,energy [Wh]\n2024-01-01T00:00:00Z,a,1\n".encode("cp932"),
        {},
        422,
        "utf-8",
    ),
    ("mixed.csv", METERS.replace(b"1200", b"n/a"), {}, 422, "mixed types"),
    ("meters.csv", METERS, {"time_column": "when"}, 422, "missing column"),
    ("meters.csv", METERS, {"expected_unit": "t"}, 422, "Wh"),
    ("meters.csv", METERS, {"timezone": "Mars/Olympus"}, 422, "time zone"),
    ("meters.csv", METERS + b"2024-05-01T00:00:00Z,residential,1\n" * 8000, {}, 413, "limit"),
    ("meters.docx", METERS, {}, 422, "unsupported"),
    ("empty.csv", b"", {}, 422, "empty"),
    ("broken.json", b'[{"time": 1,', {}, 422, "not valid JSON"),
    ("districts.geojson", json.dumps(DISTRICTS).encode(), {"value_column": "kwh"}, 422, "no id"),
]


@pytest.mark.parametrize(("filename", "data", "fields", "status", "says"), BAD)
def test_bad_files_leave_nothing_behind(
    platform: tuple[TestClient, World, Path],
    filename: str,
    data: bytes,
    fields: dict[str, str],
    status: int,
    says: str,
) -> None:
    client, world, folder = platform
    before = state(client, folder)
    response = upload(client, world, "editor", "private-city", "bad", data, filename, **fields)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "hint", "details"}
    assert says in error["message"] + (error["hint"] or "")
    assert state(client, folder) == before
    assert not (folder / "_staging").exists()


def test_mixed_types_name_the_row(platform: tuple[TestClient, World, Path]) -> None:
    """'n/a' in the fourth data row, row 5 of the file (the header is row 1)."""
    client, world, _folder = platform
    response = upload(
        client, world, "editor", "private-city", "bad", METERS.replace(b"1200", b"n/a")
    )
    assert {"file": "meters.csv", "row": 4, "column": "energy"} in response.json()["error"][
        "details"
    ]
    preview = client.post(
        "/api/v1/cities/private-city/datasets/preview",
        files={"file": ("meters.csv", METERS.replace(b"1200", b"n/a"), "text/csv")},
        headers=world.headers("editor"),
    ).json()["preview"]
    assert preview["ok"] is False
    assert [w["row"] for w in preview["problems"][0]["where"]] == [4]


# --- maps ---------------------------------------------------------------------------------


def test_a_map_keeps_its_geojson_and_is_drawn(platform: tuple[TestClient, World, Path]) -> None:
    client, world, _folder = platform
    made = upload(
        client, world, "editor", "private-city", "wards", json.dumps(DISTRICTS).encode(),
        "wards.geojson", value_column="kwh", label_column="ward", unit="kWh",
    )  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["kind"], body["rows"], body["label_column"]) == ("map", 2, "ward")
    headers = world.headers("editor")
    assert client.get(body["links"]["geojson"], headers=headers).json() == DISTRICTS
    page = client.get(body["links"]["page"], headers={**headers, **HTML})
    assert page.status_code == 200
    chart = page.text.split('data-chart-for="chart-map">', 1)[1].split("</script>", 1)[0]
    traces = json.loads(chart)["data"]
    fills = {t["name"]: t["fillcolor"] for t in traces if t.get("fill") == "toself"}
    # the smallest value takes the first colour of the scale, the largest the last
    assert fills == {"A": COLOUR_SCALE[0], "B": COLOUR_SCALE[-1]}
    assert 'id="preview-table"' in page.text


# --- the public API -----------------------------------------------------------------------


def test_the_public_api_shows_only_what_is_public(platform: tuple[TestClient, World, Path]) -> None:
    client, world, _folder = platform
    admin = world.headers("admin")
    public = {"visibility": "public", "licence": "CC0-1.0"}
    assert upload(client, world, "admin", "public-city", "open-meters", **public).status_code == 201
    assert (
        upload(
            client, world, "admin", "public-city", "members-meters", visibility="network"
        ).status_code
        == 201
    )
    index = client.get("/api/v1/public/cities", headers=admin).json()
    assert [c["slug"] for c in index["cities"]] == ["public-city"]  # the same for everyone
    catalogue = client.get("/api/v1/public/cities/public-city/catalogue", headers=admin).json()
    ids = [d["id"] for d in catalogue["datasets"]]
    assert "warehouse-open-meters" in ids
    assert "warehouse-members-meters" not in ids
    assert "warehouse-hidden" not in ids
    assert ids[:4] == ["ghg-inventory", "emissions-totals", "emissions-by-sector", "sdg-13-2-2"]
    entry = next(d for d in catalogue["datasets"] if d["id"] == "warehouse-open-meters")
    assert entry["licence"] == "CC0-1.0"
    page = client.get(entry["uri"] + "?limit=2&offset=4").json()
    assert (page["total"], page["next_offset"], [r["energy"] for r in page["rows"]]) == (
        6,
        None,
        [1000, 2500],
    )
    download = client.get(entry["uri"] + ".csv")
    assert download.status_code == 200
    assert pd.read_csv(io.StringIO(download.text))["energy"].sum() == 13_200
    for slug in ("private-city", "partners-city", "network-city", "atlantis"):
        assert (
            client.get(f"/api/v1/public/cities/{slug}/catalogue", headers=admin).status_code == 404
        )
    # the figures published from the public inventories: Testville's BASIC totals
    totals = client.get("/api/v1/public/cities/public-city/datasets/emissions-totals").json()
    assert [(r["year"], r["basic_tco2e"]) for r in totals["rows"]] == [
        (2015, pytest.approx(1_780_000)),
        (2021, pytest.approx(1_638_800)),
    ]
    assert client.get("/api/v1/public/cities/public-city/datasets/nothing").status_code == 404
    assert (
        client.get(
            "/api/v1/public/cities/public-city/datasets/emissions-totals?limit=0"
        ).status_code
        == 422
    )


def test_stored_inventories_publish_as_computed(platform: tuple[TestClient, World, Path]) -> None:
    """The adapter from the stored dict: ``result_from_dict(r).to_dict() == r`` for every
    stored inventory, completeness (value, notation key, missing) included."""
    client, _world, _folder = platform
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        stored = [inv.result for inv in session.scalars(select(Inventory))]
    assert stored
    for result in stored:
        assert result_from_dict(result).to_dict() == result
    statuses = {r["status"] for result in stored for r in result["completeness"]}
    assert statuses == {"value", "notation", "missing"}


def test_dcat_from_the_api_parses_with_rdflib(platform: tuple[TestClient, World, Path]) -> None:
    client, world, _folder = platform
    upload(
        client,
        world,
        "admin",
        "public-city",
        "dcat-meters",
        visibility="public",
        licence="CC-BY-4.0",
    )
    listed = client.get("/api/v1/public/cities/public-city/catalogue").json()["datasets"]
    jsonld = client.get("/api/v1/public/cities/public-city/catalogue.jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    graph = Graph().parse(data=jsonld.text, format="json-ld")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(listed)
    for dataset in datasets:
        assert graph.value(dataset, DCTERMS.title) is not None
        assert graph.value(dataset, DCTERMS.license) is not None
        assert list(graph.objects(dataset, DCAT.distribution))
    ours = next(d for d in listed if d["id"] == "warehouse-dcat-meters")
    uri = next(d for d in datasets if str(d) == ours["uri"])
    assert str(graph.value(uri, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalogue).endswith("/api/v1/public/cities/public-city/catalogue")
    turtle = client.get("/api/v1/public/cities/public-city/catalogue.ttl")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) == len(graph)


def test_ngsi_ld_and_open_sdg_exports(platform: tuple[TestClient, World, Path]) -> None:
    """Testville 2015 and 2021: one CarbonFootprint for each year's BASIC total and one per
    sector with BASIC emissions; no targets, so no KeyPerformanceIndicator."""
    client, _world, _folder = platform
    entities = client.get("/api/v1/public/cities/public-city/ngsi-ld")
    assert entities.headers["content-type"].startswith("application/ld+json")
    found = entities.json()
    totals = {
        e["id"].rsplit(":", 2)[-2]: e["CO2eq"]["value"] for e in found if e["id"].endswith(":total")
    }
    assert totals == {"2015": pytest.approx(1_780_000), "2021": pytest.approx(1_638_800)}
    assert {e["type"] for e in found} == {"CarbonFootprint"}
    archive = zipfile.ZipFile(
        io.BytesIO(client.get("/api/v1/public/cities/public-city/open-sdg.zip").content)
    )
    assert sorted(archive.namelist()) == [
        "data/indicator_13-2-2.csv",
        "indicator-config/13-2-2.yml",
    ]
    frame = pd.read_csv(archive.open("data/indicator_13-2-2.csv"))
    headline = frame[frame["Sector"].isna()]
    assert headline["Value"].tolist() == pytest.approx([1_780_000, 1_638_800])
    assert client.get("/api/v1/public/cities/private-city/ngsi-ld").status_code == 404


# --- pages ---------------------------------------------------------------------------------


def test_catalogue_page_filters_and_licences(platform: tuple[TestClient, World, Path]) -> None:
    client, world, _folder = platform
    upload(
        client, world, "admin", "public-city", "page-meters", title="Page meters",
        visibility="public", licence="ODbL-1.0",
    )  # fmt: skip
    page = client.get("/data", headers=HTML)
    assert page.status_code == 200
    assert "Page meters" in page.text
    assert "ODbL-1.0" in page.text
    assert "/api/v1/public/cities/public-city/catalogue.jsonld" in page.text
    maps = client.get("/data?kind=map", headers=HTML)
    assert "Page meters" not in maps.text
    published = client.get("/data?kind=published&city=public-city", headers=HTML)
    assert "Total greenhouse gas emissions by year" in published.text
    assert "Page meters" not in published.text
    series = client.get("/cities/public-city/data/warehouse-page-meters", headers=HTML)
    assert 'data-chart-for="chart-series"' in series.text
    figures = client.get("/cities/public-city/data/emissions-by-sector", headers=HTML)
    assert 'data-chart-for="chart-series"' in figures.text
    assert client.get("/data?city=private-city", headers=HTML).status_code == 404


# --- one writer -----------------------------------------------------------------------------


CHILD = """
import sys
from kizuna.server.tenancy.datahub import hub_at
hub, done = hub_at(sys.argv[1]), 0
print("ready", flush=True)
for _ in range(int(sys.argv[2])):
    with hub.use() as warehouse:
        warehouse.datasets()
        done += 1
print(done, flush=True)
"""


def test_another_process_waits_for_the_warehouse(platform: tuple[TestClient, World, Path]) -> None:
    """A second process (another uvicorn worker) uses the warehouse 60 times while this one
    stores 6 uploads: the lock across processes makes each wait for the other, so DuckDB
    never finds its file held (which it refuses: 503 here, an error there)."""
    import subprocess
    import sys

    client, world, folder = platform
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), "60"], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    answers = [upload(client, world, "editor", "private-city", f"worker-{i}") for i in range(6)]
    out, _ = child.communicate(timeout=120)
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    assert (child.returncode, out.strip()) == (0, "60")


def test_a_warehouse_held_by_another_program_is_503(
    platform: tuple[TestClient, World, Path],
) -> None:
    """Another process holds the DuckDB file (as ``kizuna data import`` would): the server
    answers 503 with the shared error shape instead of failing, and works again after."""
    import subprocess
    import sys

    client, world, folder = platform
    made = upload(client, world, "editor", "private-city", "busy").json()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(60)",
            str(folder / "warehouse.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        busy = client.get(made["links"]["rows"], headers=world.headers("editor"))
        assert busy.status_code == 503, busy.text
        assert busy.json()["error"]["code"] == "warehouse_busy"
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert client.get(made["links"]["rows"], headers=world.headers("editor")).status_code == 200


def test_a_long_series_is_charted_as_daily_sums(platform: tuple[TestClient, World, Path]) -> None:
    """6,000 hourly readings of 1 kWh from 2024-01-01 00:00 in Tokyo: above the chart's
    5,000 points, so the chart draws daily sums in the data set's time zone: 250 days of
    24 kWh each (in UTC the days would hold 15 and 9 readings at the edges)."""
    from kizuna.datahub import Mode
    from kizuna.server.tenancy import SYSTEM, get_city
    from kizuna.server.tenancy.datahub import CHART_POINTS, hub_at, series_frame
    from kizuna.server.tenancy.datahub_imports import DatasetFields, commit_import
    from kizuna.server.tenancy.datahub_uploads import import_upload

    client, _world, folder = platform
    times = pd.date_range("2024-01-01", periods=6000, freq="h", tz="Asia/Tokyo")
    frame = pd.DataFrame({"time": [t.isoformat() for t in times], "energy": 1.0})
    hub = hub_at(folder)
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        city = get_city(session, SYSTEM, "private-city")
        done = import_upload(
            session,
            SYSTEM,
            city,
            hub,
            filename="hourly.csv",
            data=frame.to_csv(index=False).encode(),
            fields=DatasetFields(
                "hourly",
                time_column="time",
                value_column="energy",
                unit="kWh",
                timezone="Asia/Tokyo",
            ),
            mode=Mode.create,
            max_bytes=10_000_000,
        )
        commit_import(session, hub, done)
        assert done.dataset.rows == 6000 > CHART_POINTS
        daily, summed = series_frame(hub, done.dataset)
    assert summed is True
    assert len(daily) == 250
    assert daily["energy"].tolist() == [24.0] * 250
