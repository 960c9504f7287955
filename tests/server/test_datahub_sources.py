"""Connector imports in the platform, on SQLite and PostgreSQL: a SensorThings service and a
CKAN portal (local HTTP servers answering in the real formats of those APIs) fetched into
a city's data sets, with the operator's host allowlist (``KIZUNA_DATAHUB_ALLOWED_HOSTS``),
the rights of an upload, timeouts and redirects.

Refused fetches are answered 4xx or 502 and leave nothing behind: the registry, the audit
log and the warehouse folder are compared before and after (`state`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from dbs import ENGINES, fresh_database
from fastapi.testclient import TestClient
from test_datahub_server import state
from world import World, build_world

from datahub.datahub_support import LocalApi, Reply, Seen, serving
from kizuna.server import Settings, create_app

DATASTREAM = {
    "@iot.id": 7,
    "@iot.selfLink": "/v1.1/Datastreams(7)",
    "name": "Electricity, city hall",
    "unitOfMeasurement": {"name": "kilowatt hour", "symbol": "kWh"},
}
CSV = (
    "station,time,pm25 [ug/m3]\n"
    "naka,2024-05-01T00:00:00+09:00,12.5\n"
    "naka,2024-05-01T01:00:00+09:00,11.0\n"
    "nishi,2024-05-01T00:00:00+09:00,8.5\n"
)


def observations(day: int, count: int, skip: int = 0) -> list[dict[str, Any]]:
    """Hourly readings of June `day`, 2024: ``result`` = 10 x the hour."""
    return [
        {
            "@iot.id": day * 100 + hour,
            "phenomenonTime": f"2024-06-{day:02d}T{hour:02d}:00:00.000Z",
            "result": 10 * hour,
        }
        for hour in range(skip, skip + count)
    ]


@pytest.fixture(scope="module")
def api() -> Iterator[LocalApi]:
    """SensorThings at /v1.1 (two pages of observations, June 1 or, with a start time,
    June 2), a CKAN portal at /api/3 with a CSV resource, a slow route and a redirect."""
    with serving(LocalApi()) as local:
        _routes(local)
        yield local


def _routes(local: LocalApi) -> None:
    port = local.url.rsplit(":", 1)[1]
    base = f"{local.url}/v1.1"

    def page(seen: Seen) -> Reply:
        day = 2 if "2024-06-02" in seen.query.get("$filter", "") else 1
        skip = int(seen.query.get("$skip", 0))
        body: dict[str, Any] = {"value": observations(day, 3, skip)}
        if skip == 0:  # the next link keeps the query, as a server does
            query = urlencode({**seen.query, "$top": 3, "$skip": 3})
            body["@iot.nextLink"] = f"{base}/Datastreams(7)/Observations?{query}"
        return Reply(body)

    local.route("/v1.1/Datastreams(7)", Reply(DATASTREAM))
    local.route("/v1.1/Datastreams(7)/Observations", page)
    local.route("/slow/v1.1/Datastreams(7)", Reply(DATASTREAM, delay=3.0))
    moved = f"http://localhost:{port}/v1.1/Datastreams(7)"
    local.route("/moved/v1.1/Datastreams(7)", Reply("", status=302, headers={"Location": moved}))
    resource = {
        "id": "res-1",
        "name": "PM2.5 hourly",
        "format": "CSV",
        "url": f"{local.url}/files/pm25.csv",
    }
    package = {
        "id": "0f2c",
        "name": "air-quality",
        "title": "Air quality",
        "license_id": "cc-by",
        "resources": [resource],
    }
    local.route(
        "/api/3/action/package_show",
        Reply({"help": "package_show", "success": True, "result": package}),
    )
    local.route("/files/pm25.csv", Reply(CSV, content_type="text/csv"))


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World, Path, str]]:
    """The platform allowing 127.0.0.1 (not localhost), with a 1 s fetch timeout; and the
    database URL, for a second app with the default settings."""
    with fresh_database(request.param, tmp_path_factory.mktemp("sources")) as url:
        folder = tmp_path_factory.mktemp("warehouse")
        settings = Settings(
            database_url=url,
            datahub_dir=folder,
            datahub_allowed_hosts="127.0.0.1, .example.invalid",
            datahub_fetch_timeout=1.0,
        )
        app = create_app(settings)
        with app.state.sessionmaker() as session:
            world = build_world(session)
        with TestClient(app) as client:
            yield client, world, folder, url
        app.state.engine.dispose()


def stream(api: LocalApi, **extra: str) -> dict[str, str]:
    return {"source": f"sensorthings+{api.url}/v1.1", "datastream": "7", **extra}


def fetch(
    client: TestClient, world: World, who: str, body: dict[str, str], city: str = "private-city"
) -> Any:
    return client.post(
        f"/api/v1/cities/{city}/datasets/fetch", json=body, headers=world.headers(who)
    )


def test_a_sensorthings_stream_is_previewed_then_imported(
    platform: tuple[TestClient, World, Path, str], api: LocalApi
) -> None:
    client, world, folder, _url = platform
    before = state(client, folder)
    preview = client.post(
        "/api/v1/cities/private-city/datasets/fetch/preview",
        json=stream(api),
        headers=world.headers("editor"),
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["preview"]["rows"] == 6  # two pages of three
    assert body["suggested"]["time_column"] == "time"
    assert (body["suggested"]["value_column"], body["suggested"]["unit"]) == ("value", "kWh")
    assert body["source"]["title"] == "Electricity, city hall"
    assert state(client, folder) == before  # a preview stores nothing

    made = fetch(client, world, "editor", stream(api, name="city-hall-power"))
    assert made.status_code == 201, made.text
    dataset = made.json()
    assert (dataset["kind"], dataset["unit"], dataset["rows"]) == ("time_series", "kWh", 6)
    assert dataset["title"] == "Electricity, city hall"
    assert dataset["first_time"] == "2024-06-01T00:00:00Z"
    rows = client.get(dataset["links"]["rows"], headers=world.headers("viewer")).json()
    assert sum(r["value"] for r in rows["rows"]) == 10 * (0 + 1 + 2 + 3 + 4 + 5)
    lineage = client.get(dataset["links"]["lineage"], headers=world.headers("editor")).json()
    (record,) = lineage["records"]
    assert record["source"] == f"{api.url}/v1.1"
    assert record["details"]["datastream"] == "7"
    assert record["details"]["fetched_by"] == world.emails["editor"]
    after = state(client, folder)
    assert (after["rows"], after["audit"]) == (before["rows"] + 1, before["audit"] + 1)

    # a later day appended: the same name, mode append
    more = fetch(
        client,
        world,
        "editor",
        stream(api, name="city-hall-power", mode="append", start="2024-06-02T00:00:00Z"),
    )
    assert more.status_code == 201, more.text
    assert (more.json()["rows"], more.json()["last_time"]) == (12, "2024-06-02T05:00:00Z")


def test_a_ckan_resource_is_downloaded_and_imported(
    platform: tuple[TestClient, World, Path, str], api: LocalApi
) -> None:
    client, world, _folder, _url = platform
    body = {"source": f"ckan+{api.url}", "dataset": "air-quality", "resource": "res-1"}
    made = fetch(client, world, "editor", {**body, "time_column": "time"})
    assert made.status_code == 201, made.text
    dataset = made.json()
    assert dataset["name"] == "air-quality"  # from the CKAN data set
    assert (dataset["rows"], dataset["kind"], dataset["unit"]) == (3, "time_series", "ug/m3")
    lineage = client.get(dataset["links"]["lineage"], headers=world.headers("editor")).json()
    assert lineage["records"][0]["source"] == f"{api.url}/files/pm25.csv"
    assert lineage["records"][0]["details"]["licence"] == "cc-by"


def test_hosts_off_the_allowlist_are_never_reached(
    platform: tuple[TestClient, World, Path, str], api: LocalApi
) -> None:
    client, world, folder, url = platform
    before = state(client, folder)
    seen = len(api.seen)
    # a host not listed (localhost is 127.0.0.1, but not by name)
    other = fetch(
        client,
        world,
        "editor",
        {**stream(api), "source": stream(api)["source"].replace("127.0.0.1", "localhost")},
    )
    assert other.status_code == 403, other.text
    assert other.json()["error"]["code"] == "host_not_allowed"
    assert "KIZUNA_DATAHUB_ALLOWED_HOSTS" in other.json()["error"]["hint"]
    # a redirect from an allowed host to one that is not: stopped before it is followed
    moved = fetch(client, world, "editor", stream(api, source=f"sensorthings+{api.url}/moved/v1.1"))
    assert moved.status_code == 403, moved.text
    assert [s.path for s in api.seen[seen:]] == ["/moved/v1.1/Datastreams(7)"]
    # a server whose operator lists no host fetches from nowhere
    closed = create_app(Settings(database_url=url, datahub_dir=folder))
    with TestClient(closed) as default:
        refused = fetch(default, world, "editor", stream(api))
    closed.state.engine.dispose()
    assert refused.status_code == 403
    assert "fetches from no host" in refused.json()["error"]["hint"]
    assert len(api.seen) == seen + 1
    assert state(client, folder) == before


def test_a_source_answering_more_than_the_limit_is_refused(
    platform: tuple[TestClient, World, Path, str], api: LocalApi
) -> None:
    """The upload limit bounds what a fetch reads: here 500 bytes, less than the stream's
    two pages of observations."""
    client, world, folder, url = platform
    before = state(client, folder)
    small = Settings(
        database_url=url,
        datahub_dir=folder,
        datahub_allowed_hosts="127.0.0.1",
        upload_max_mb=0.0005,
    )
    app = create_app(small)
    with TestClient(app) as limited:
        refused = fetch(limited, world, "editor", stream(api))
    app.state.engine.dispose()
    assert refused.status_code == 422, refused.text
    assert "larger than the limit" in refused.json()["error"]["message"]
    assert state(client, folder) == before


def test_rights_are_checked_before_anything_is_fetched(
    platform: tuple[TestClient, World, Path, str], api: LocalApi
) -> None:
    client, world, folder, _url = platform
    before, seen = state(client, folder), len(api.seen)
    assert fetch(client, world, "viewer", stream(api)).status_code == 403
    assert fetch(client, world, "editor-read-token", stream(api)).status_code == 403
    assert fetch(client, world, "outsider", stream(api)).status_code == 404
    public = stream(api, visibility="public", licence="CC-BY-4.0")
    assert fetch(client, world, "editor", public).status_code == 403
    assert len(api.seen) == seen
    assert state(client, folder) == before


def test_bad_sources_are_clear_errors_and_store_nothing(
    platform: tuple[TestClient, World, Path, str], api: LocalApi
) -> None:
    client, world, folder, _url = platform
    before = state(client, folder)
    slow = fetch(client, world, "editor", stream(api, source=f"sensorthings+{api.url}/slow/v1.1"))
    assert slow.status_code == 502, slow.text
    assert slow.json()["error"]["code"] == "source_unavailable"
    assert "did not answer within 1 s" in slow.json()["error"]["message"]
    missing = fetch(client, world, "editor", stream(api, datastream="99"))
    assert missing.status_code == 404, missing.text
    no_kind = fetch(client, world, "editor", {"source": f"{api.url}/v1.1", "datastream": "7"})
    assert no_kind.status_code == 422
    assert "KIND+URL" in no_kind.json()["error"]["hint"]
    path = fetch(client, world, "editor", {"source": "/etc/passwd.csv"})
    assert path.status_code == 422
    taken = fetch(client, world, "editor", stream(api, name="taken"))
    assert taken.status_code == 201
    again = fetch(client, world, "editor", stream(api, name="taken"))
    assert again.status_code == 422
    assert "already" in again.json()["error"]["message"]
    after = state(client, folder)
    assert after["rows"] == before["rows"] + 1
    assert after["audit"] == before["audit"] + 1
