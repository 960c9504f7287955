"""The SensorThings connector against a local service answering as OGC 18-088 specifies:
collections ``{"value": [...], "@iot.nextLink": ...}``, Datastreams with their
``unitOfMeasurement``, Observations with ``phenomenonTime`` and ``result``, and errors."""

from __future__ import annotations

import pytest
from datahub_support import LocalApi, Reply, Seen

from kizuna.datahub import DatasetSpec, Warehouse, import_frame
from kizuna.datahub.http import HttpSettings
from kizuna.datahub.sensorthings import SensorThingsClient, entity_path
from kizuna.datahub.sources import FetchOptions, fetch
from kizuna.errors import NotFound

FAST = HttpSettings(timeout=1.0, retries=0)
DATASTREAM = {
    "@iot.id": 7,
    "@iot.selfLink": "/v1.1/Datastreams(7)",
    "name": "Electricity, city hall",
    "description": "Main meter of the city hall",
    "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
    "unitOfMeasurement": {
        "name": "kilowatt hour",
        "symbol": "kWh",
        "definition": "http://qudt.org/vocab/unit/KiloW-HR",
    },
}


def observations(start: int, count: int) -> list[dict]:
    return [
        {
            "@iot.id": start + k,
            "phenomenonTime": f"2024-06-01T{start + k:02d}:00:00.000Z",
            "resultTime": f"2024-06-01T{start + k:02d}:00:05.000Z",
            "result": 10 * (start + k),
        }
        for k in range(count)
    ]


@pytest.fixture
def service(api: LocalApi) -> LocalApi:
    base = f"{api.url}/v1.1"

    def page(seen: Seen) -> Reply:
        skip = int(seen.query.get("$skip", 0))
        items = observations(skip, 3 if skip < 6 else 2)
        body = {"@iot.count": 8, "value": items}
        if skip < 6:
            body["@iot.nextLink"] = f"{base}/Datastreams(7)/Observations?$top=3&$skip={skip + 3}"
        return Reply(body)

    api.route("/v1.1/Datastreams(7)", Reply(DATASTREAM))
    api.route("/v1.1/Datastreams(7)/Observations", page)
    api.route("/v1.1/Things", Reply({"value": [{"@iot.id": 1, "name": "City hall"}]}))
    api.route(
        "/v1.1/Datastreams(99)",
        Reply({"code": 404, "type": "error", "message": "Nothing found."}, status=404),
    )
    return api


def test_observations_follow_next_links(service: LocalApi) -> None:
    with SensorThingsClient(f"{service.url}/v1.1", settings=FAST) as sta:
        items = sta.observations(7, start="2024-06-01T00:00:00Z")
        things = sta.things()
    assert [o["result"] for o in items] == [0, 10, 20, 30, 40, 50, 60, 70]
    first, *rest = service.requests_to("/v1.1/Datastreams(7)/Observations")
    assert first.query["$filter"] == "phenomenonTime ge 2024-06-01T00:00:00Z"
    assert first.query["$orderby"] == "phenomenonTime asc"
    assert [s.query["$skip"] for s in rest] == ["3", "6"]
    assert things == [{"@iot.id": 1, "name": "City hall"}]


def test_a_datastream_imports_with_its_unit(service: LocalApi, warehouse: Warehouse) -> None:
    """Results 0 + 10 + ... + 70 = 280 kWh, in kWh as the Datastream's unit says."""
    fetched = fetch(
        "sensorthings", f"{service.url}/v1.1", FetchOptions(datastream="7", http=FAST), workdir=None
    )  # type: ignore[arg-type]
    assert fetched.unit == "kWh"
    spec = DatasetSpec(
        "city-hall",
        time_column="time",
        value_column="value",
        unit=fetched.unit,
        expected_unit="MWh",
        dimensions=("datastream",),
    )
    import_frame(fetched.frame, warehouse, spec, fetched.source)
    assert warehouse.read("city-hall")["value"].sum() == pytest.approx(280)
    assert warehouse.lineage("city-hall")[0].details == {
        "rows": 8,
        "partitions": ["2024-06"],
        "mode": "create",
        "datastream": "7",
    }


def test_an_unknown_datastream_is_not_found(service: LocalApi) -> None:
    with (
        SensorThingsClient(f"{service.url}/v1.1", settings=FAST) as sta,
        pytest.raises(NotFound, match="Nothing found"),
    ):
        sta.datastream(99)


def test_text_ids_are_quoted() -> None:
    assert entity_path("Datastreams", 7) == "Datastreams(7)"
    assert entity_path("Things", "o'hare") == "Things('o''hare')"
