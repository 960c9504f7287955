"""OGC SensorThings API (v1.0 / v1.1): Things, Datastreams and their Observations.

Collections answer ``{"@iot.count": n, "value": [...], "@iot.nextLink": url}`` and are
followed through ``@iot.nextLink`` until there is none (OGC 18-088, 9.3.3.4 and 9.3.2.4
``$top``/``$skip``). Observations are read from
``Datastreams(<id>)/Observations?$orderby=phenomenonTime asc&$filter=phenomenonTime ge t0``;
each has ``phenomenonTime`` (an instant or an interval ``t0/t1``, whose start is taken),
``result`` and ``resultTime``. The unit of a Datastream is its ``unitOfMeasurement``
(``{"name": "kilowatt hour", "symbol": "kWh", "definition": ...}``): its symbol is kept
with the rows when pint can read it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kizuna.datahub.http import HttpClient, HttpSettings, SourceUnavailable
from kizuna.errors import Location
from kizuna.units import parse_unit

PAGE = 1000
MAX_PAGES = 10_000


def entity_path(collection: str, entity_id: str | int) -> str:
    """``Datastreams(1)`` for a number, ``Datastreams('abc')`` for a text id."""
    if isinstance(entity_id, int) or str(entity_id).isdigit():
        return f"{collection}({entity_id})"
    return f"{collection}('{str(entity_id).replace(chr(39), chr(39) * 2)}')"


class SensorThingsClient:
    """A SensorThings service at `base_url` (such as ``https://host/FROST-Server/v1.1``)."""

    def __init__(self, base_url: str, *, settings: HttpSettings | None = None) -> None:
        self.http = HttpClient(base_url, settings=settings, service="the SensorThings service")

    def __enter__(self) -> SensorThingsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def collect(
        self, path: str, params: dict[str, Any] | None = None, max_items: int | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a collection, following ``@iot.nextLink``."""
        items: list[dict[str, Any]] = []
        url: str | None = path
        query = params
        for _ in range(MAX_PAGES):
            if url is None:
                break
            body, response = self.http.get_json(url, params=query)
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise SourceUnavailable(
                    f"{response.url} is not a SensorThings collection (no 'value' array)",
                    where=Location(field=str(response.url)),
                    hint="give the service root, such as https://host/FROST-Server/v1.1",
                )
            items.extend(body["value"])
            if max_items is not None and len(items) >= max_items:
                return items[:max_items]
            url = body.get("@iot.nextLink")
            query = None  # the next link carries the query
        return items

    def things(self, filter: str | None = None) -> list[dict[str, Any]]:
        return self.collect("Things", {"$filter": filter, "$top": PAGE})

    def datastreams(self, thing: str | int | None = None) -> list[dict[str, Any]]:
        """The Datastreams of a Thing (or all)."""
        path = f"{entity_path('Things', thing)}/Datastreams" if thing is not None else "Datastreams"
        return self.collect(path, {"$top": PAGE})

    def datastream(self, datastream: str | int) -> dict[str, Any]:
        body, _ = self.http.get_json(entity_path("Datastreams", datastream))
        return body

    def observations(
        self,
        datastream: str | int,
        *,
        start: str | None = None,
        end: str | None = None,
        max_items: int | None = None,
    ) -> list[dict[str, Any]]:
        """Observations of a Datastream in time order, between `start` and `end` (ISO 8601)."""
        filters = []
        if start:
            filters.append(f"phenomenonTime ge {start}")
        if end:
            filters.append(f"phenomenonTime lt {end}")
        params = {
            "$orderby": "phenomenonTime asc",
            "$top": PAGE,
            "$filter": " and ".join(filters) or None,
            "$select": "@iot.id,phenomenonTime,result,resultTime",
        }
        return self.collect(
            f"{entity_path('Datastreams', datastream)}/Observations", params, max_items
        )


def observations_frame(
    datastream: dict[str, Any], observations: list[dict[str, Any]]
) -> pd.DataFrame:
    """Rows: datastream (id), name, time (UTC, start of ``phenomenonTime``), value, unit."""
    unit = _unit(datastream.get("unitOfMeasurement") or {})
    times = [str(o.get("phenomenonTime", "")).split("/")[0] for o in observations]
    frame = pd.DataFrame(
        {
            "datastream": str(datastream.get("@iot.id", "")),
            "name": datastream.get("name"),
            "time": pd.to_datetime(pd.Series(times, dtype="string"), utc=True, format="ISO8601"),
            "value": pd.to_numeric(
                pd.Series([o.get("result") for o in observations]), errors="coerce"
            ),
        }
    )
    frame["unit"] = unit
    return frame


def _unit(unit: dict[str, Any]) -> str | None:
    """The unit symbol if pint reads it (``kWh``, ``degC``), else None."""
    for text in (unit.get("symbol"), unit.get("name")):
        if text:
            try:
                parse_unit(str(text))
            except Exception:  # pint raises several kinds
                continue
            return str(text)
    return None
