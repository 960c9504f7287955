"""The NGSI-LD connector against a local broker answering as ETSI GS CIM 009 specifies:
entity queries paged with limit/offset (``NGSILD-Results-Count``), the temporal API in its
normalized and ``temporalValues`` forms with 206 partial answers, the tenant and ``Link``
headers, and ProblemDetails errors."""

from __future__ import annotations

import pytest
from datahub_support import LocalApi, Reply, Seen

from kizuna.datahub import DatasetSpec, Warehouse, import_frame
from kizuna.datahub.http import HttpSettings
from kizuna.datahub.ngsi_ld import NgsiLdClient, entities_frame, temporal_frame
from kizuna.datahub.sources import FetchOptions, fetch
from kizuna.errors import InputError, NotFound

FAST = HttpSettings(timeout=1.0, retries=0)
CONTEXT = "https://smart-data-models.github.io/dataModel.Environment/context.jsonld"
LINK = f'<{CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'


def air(n: int) -> dict:
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:station-{n}",
        "type": "AirQualityObserved",
        "pm25": {
            "type": "Property",
            "value": 10.0 + n,
            "unitCode": "GQ",
            "observedAt": "2024-05-01T00:00:00Z",
        },
        "location": {
            "type": "GeoProperty",
            "value": {"type": "Point", "coordinates": [139.6, 35.4]},
        },
    }


def problem(kind: str, title: str, status: int) -> Reply:
    return Reply(
        {
            "type": f"https://uri.etsi.org/ngsi-ld/errors/{kind}",
            "title": title,
            "detail": f"{title} (from the broker)",
        },
        status=status,
        content_type="application/json",
    )


def test_entities_are_paged_with_limit_and_offset(api: LocalApi) -> None:
    entities = [air(n) for n in range(5)]

    def query(seen: Seen) -> Reply:
        offset, limit = int(seen.query["offset"]), int(seen.query["limit"])
        return Reply(entities[offset : offset + limit], headers={"NGSILD-Results-Count": "5"})

    api.route("/ngsi-ld/v1/entities", query)
    with NgsiLdClient(api.url, tenant="yokohama", context=CONTEXT, settings=FAST) as broker:
        found = broker.entities("AirQualityObserved", attrs=["pm25"], limit=2)
    assert [e["id"][-1] for e in found] == ["0", "1", "2", "3", "4"]
    seen = api.requests_to("/ngsi-ld/v1/entities")
    assert [s.query["offset"] for s in seen] == ["0", "2", "4"]
    assert all(s.query["type"] == "AirQualityObserved" and s.query["attrs"] == "pm25" for s in seen)
    assert seen[0].headers["NGSILD-Tenant"] == "yokohama"
    assert seen[0].headers["Link"] == LINK
    frame = entities_frame(found)
    assert frame["value"].tolist() == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert set(frame["attribute"]) == {"pm25"}


def instance(value: float, hour: int) -> dict:
    return {
        "type": "Property",
        "value": value,
        "unitCode": "KWH",
        "observedAt": f"2024-05-01T{hour:02d}:00:00Z",
    }


def test_the_temporal_api_follows_partial_answers(api: LocalApi, warehouse: Warehouse) -> None:
    """Five hourly readings; the broker sends hours 0-2 with 206 and the range ending at
    02:00, then hours 2-4 (hour 2 again, which is kept once): 1+2+3+4+5 = 15 kWh."""
    entity_id = "urn:ngsi-ld:Device:meter-7"

    def history(seen: Seen) -> Reply:
        if seen.query["timeAt"] == "2024-05-01T00:00:00Z":
            return Reply(
                {
                    "id": entity_id,
                    "type": "Device",
                    "energy": [instance(1, 0), instance(2, 1), instance(3, 2)],
                },
                status=206,
                headers={"Content-Range": "date-time 2024-05-01T00:00:00Z-2024-05-01T02:00:00Z/3"},
            )
        assert seen.query["timeAt"] == "2024-05-01T02:00:00Z"
        return Reply(
            {
                "id": entity_id,
                "type": "Device",
                "energy": [instance(3, 2), instance(4, 3), instance(5, 4)],
            }
        )

    api.route(f"/ngsi-ld/v1/temporal/entities/{entity_id}", history)
    options = FetchOptions(
        entity_id=entity_id,
        attrs=("energy",),
        start="2024-05-01T00:00:00Z",
        end="2024-05-02T00:00:00Z",
        tenant="kurume",
        http=FAST,
    )
    fetched = fetch("ngsi-ld", api.url, options, workdir=None)  # type: ignore[arg-type]
    frame = fetched.frame
    assert frame["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert frame["unit_code"].unique().tolist() == ["KWH"]
    seen = api.requests_to(f"/ngsi-ld/v1/temporal/entities/{entity_id}")
    assert [s.query["timerel"] for s in seen] == ["between", "between"]
    assert seen[0].headers["NGSILD-Tenant"] == "kurume"
    spec = DatasetSpec(
        "meter-7",
        time_column="time",
        value_column="value",
        unit="kWh",
        dimensions=("entity", "attribute"),
    )
    result = import_frame(frame, warehouse, spec, fetched.source)
    assert result.stored.rows == 5
    (record,) = warehouse.lineage("meter-7")
    assert record.source == api.url
    assert record.details["tenant"] == "kurume"


def test_temporal_values_form_of_every_entity_of_a_type(api: LocalApi) -> None:
    api.route(
        "/ngsi-ld/v1/temporal/entities",
        Reply(
            [
                {
                    "id": "urn:a",
                    "type": "TrafficFlowObserved",
                    "intensity": {
                        "type": "Property",
                        "values": [[120, "2024-05-01T08:00:00Z"], [95, "2024-05-01T09:00:00Z"]],
                    },
                },
                {
                    "id": "urn:b",
                    "type": "TrafficFlowObserved",
                    "intensity": {"type": "Property", "values": [[40, "2024-05-01T08:00:00Z"]]},
                },
            ]
        ),
    )
    with NgsiLdClient(api.url, settings=FAST) as broker:
        entities = broker.temporal(
            type="TrafficFlowObserved",
            attrs=["intensity"],
            start="2024-05-01T00:00:00Z",
            temporal_values=True,
        )
    frame = temporal_frame(entities)
    assert frame[["entity", "value"]].values.tolist() == [
        ["urn:a", 120],
        ["urn:a", 95],
        ["urn:b", 40],
    ]
    (seen,) = api.requests_to("/ngsi-ld/v1/temporal/entities")
    assert seen.query["options"] == "temporalValues"
    assert seen.query["timerel"] == "after"


def test_problem_details_become_clear_errors(api: LocalApi) -> None:
    api.route(
        "/ngsi-ld/v1/temporal/entities/urn:x", problem("ResourceNotFound", "Entity not found", 404)
    )
    api.route("/ngsi-ld/v1/entities", problem("BadRequestData", "Invalid query", 400))
    with NgsiLdClient(api.url, settings=FAST) as broker:
        with pytest.raises(NotFound, match="ResourceNotFound: Entity not found"):
            broker.temporal("urn:x", start="2024-01-01T00:00:00Z")
        with pytest.raises(InputError, match="BadRequestData: Invalid query"):
            broker.entities("Thing")


def test_a_partial_answer_without_a_range_is_an_error(api: LocalApi) -> None:
    api.route(
        "/ngsi-ld/v1/temporal/entities/urn:y", Reply({"id": "urn:y", "type": "T"}, status=206)
    )
    with (
        NgsiLdClient(api.url, settings=FAST) as broker,
        pytest.raises(Exception, match="Content-Range"),
    ):
        broker.temporal("urn:y", start="2024-01-01T00:00:00Z")
