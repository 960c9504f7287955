"""NGSI-LD context brokers (ETSI GS CIM 009): current entities and their history.

- ``GET /ngsi-ld/v1/entities?type=T&attrs=a,b&q=...&limit=L&offset=O&count=true``: paged
  with ``limit`` and ``offset`` until a page is short or ``NGSILD-Results-Count`` entities
  are read.
- ``GET /ngsi-ld/v1/temporal/entities/{id}?attrs=a&timerel=between&timeAt=t0&endTimeAt=t1``
  (and ``/temporal/entities?type=T`` for all entities of a type): the history of each
  attribute as a list of instances ``{"type": "Property", "value": v, "observedAt": t}``,
  or ``{"values": [[v, t], ...]}`` with ``options=temporalValues``. A broker that truncates
  an answer replies **206 Partial Content** with ``Content-Range: date-time <t0>-<t1>/<n>``;
  the next request starts at the end of that range.

Headers: ``NGSILD-Tenant`` (FIWARE multi-tenancy) when a tenant is given, and the JSON-LD
``@context`` as a ``Link`` header (``rel="http://www.w3.org/ns/json-ld#context"``) so short
attribute names are expanded by the broker, with ``Accept: application/json``. Errors are
ProblemDetails (``{"type": ".../errors/ResourceNotFound", "title": ..., "detail": ...}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx
import pandas as pd

from kizuna.datahub.http import HttpClient, HttpSettings, SourceUnavailable
from kizuna.errors import Location

API = "ngsi-ld/v1"
CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
PAGE = 100
MAX_TEMPORAL_PAGES = 1000
_RANGE = re.compile(
    r"date-time\s+(?P<start>\d{4}-\d\d-\d\dT[^/]*?(?:Z|[+-]\d\d:\d\d))-"
    r"(?P<end>\d{4}-\d\d-\d\dT[^/]*?(?:Z|[+-]\d\d:\d\d))(?:/(?P<count>\S+))?"
)
_META = {
    "id",
    "type",
    "@context",
    "scope",
    "location",
    "observationSpace",
    "operationSpace",
    "createdAt",
    "modifiedAt",
}


def ngsi_describe(response: httpx.Response) -> str | None:
    """The ProblemDetails ``title`` and ``detail`` (and the error type's last part)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or None
    if not isinstance(body, dict):
        return None
    kind = str(body.get("type", "")).rsplit("/", 1)[-1]
    parts = [p for p in (kind, body.get("title"), body.get("detail")) if p]
    return ": ".join(str(p) for p in parts) or None


class NgsiLdClient:
    """A broker at `base_url` (the root, before ``/ngsi-ld/v1``)."""

    def __init__(
        self,
        base_url: str,
        *,
        tenant: str | None = None,
        context: str | None = None,
        settings: HttpSettings | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        if tenant:
            headers["NGSILD-Tenant"] = tenant
        if context:
            headers["Link"] = f'<{context}>; rel="{CONTEXT_REL}"; type="application/ld+json"'
        self.http = HttpClient(
            base_url,
            settings=settings,
            headers=headers,
            describe=ngsi_describe,
            service="the NGSI-LD broker",
        )

    def __enter__(self) -> NgsiLdClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def entities(
        self,
        type: str,
        *,
        attrs: Iterable[str] | None = None,
        q: str | None = None,
        limit: int = PAGE,
        max_entities: int | None = None,
    ) -> list[dict[str, Any]]:
        """Every entity of `type` (or the first `max_entities`), page by page."""
        found: list[dict[str, Any]] = []
        offset = 0
        total: int | None = None
        while True:
            page = limit if max_entities is None else min(limit, max_entities - len(found))
            if page <= 0:
                break
            body, response = self.http.get_json(
                f"{API}/entities",
                params={
                    "type": type,
                    "attrs": ",".join(attrs) if attrs else None,
                    "q": q,
                    "limit": page,
                    "offset": offset,
                    "count": "true",
                },
            )
            batch = _entity_list(body, response)
            found.extend(batch)
            offset += len(batch)
            count = response.headers.get("NGSILD-Results-Count")
            if count is not None and count.isdigit():
                total = int(count)
            if len(batch) < page or (total is not None and offset >= total):
                break
        return found

    def temporal(
        self,
        entity_id: str | None = None,
        *,
        type: str | None = None,
        attrs: Iterable[str] | None = None,
        start: str,
        end: str | None = None,
        temporal_values: bool = False,
    ) -> list[dict[str, Any]]:
        """The history of one entity (`entity_id`) or of every entity of `type`, from `start`
        (ISO 8601) to `end`; partial answers (206) are followed to the end of the period."""
        path = f"{API}/temporal/entities" + (f"/{entity_id}" if entity_id else "")
        merged: dict[str, dict[str, Any]] = {}
        cursor = start
        for _ in range(MAX_TEMPORAL_PAGES):
            params = {
                "type": type if entity_id is None else None,
                "attrs": ",".join(attrs) if attrs else None,
                "timerel": "between" if end else "after",
                "timeAt": cursor,
                "endTimeAt": end,
                "options": "temporalValues" if temporal_values else None,
            }
            body, response = self.http.get_json(path, params=params, ok=frozenset({200, 206}))
            batch = [body] if isinstance(body, dict) else _entity_list(body, response)
            for entity in batch:
                _merge_temporal(merged, entity)
            if response.status_code != 206:
                break
            found = _RANGE.search(response.headers.get("Content-Range", ""))
            if not found or found["end"] == cursor:
                raise SourceUnavailable(
                    f"the broker sent a partial answer (206) for {response.url} without a "
                    "usable Content-Range",
                    where=Location(field=str(response.url)),
                    hint="ask for a shorter period",
                )
            cursor = found["end"]
        return list(merged.values())


def _entity_list(body: Any, response: httpx.Response) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise SourceUnavailable(
            f"{response.url} did not answer with a list of entities",
            where=Location(field=str(response.url)),
            hint="check the base URL (the broker's root, before /ngsi-ld/v1)",
        )
    return [e for e in body if isinstance(e, dict)]


def _instances(attribute: Any) -> list[tuple[Any, Any, Any]]:
    """(value, observedAt, unitCode) of each instance of a temporal attribute."""
    if isinstance(attribute, dict) and "values" in attribute:
        unit = attribute.get("unitCode")
        return [(v[0], v[1], unit) for v in attribute["values"] if len(v) >= 2]
    items = attribute if isinstance(attribute, list) else [attribute]
    out = []
    for item in items:
        if isinstance(item, dict):
            value = item.get("value", item.get("object"))
            if isinstance(value, dict) and "@value" in value:
                value = value["@value"]
            out.append((value, item.get("observedAt"), item.get("unitCode")))
    return out


def _merge_temporal(merged: dict[str, dict[str, Any]], entity: dict[str, Any]) -> None:
    """Add the instances of `entity` to the entity of the same id in `merged` (no duplicates)."""
    target = merged.setdefault(
        entity.get("id", ""), {"id": entity.get("id"), "type": entity.get("type")}
    )
    for name, attribute in entity.items():
        if name in _META:
            continue
        known = target.setdefault(name, [])
        seen = {(i.get("observedAt"), str(i.get("value"))) for i in known}
        for value, observed, unit in _instances(attribute):
            if (observed, str(value)) not in seen:
                known.append(
                    {"type": "Property", "value": value, "observedAt": observed, "unitCode": unit}
                )
                seen.add((observed, str(value)))


def _rows(entities: list[dict[str, Any]]) -> pd.DataFrame:
    """entity, entity_type, attribute, value, unit_code, observed_at of every instance."""
    rows = [
        (e.get("id"), e.get("type"), name, value, unit, observed)
        for e in entities
        for name, attribute in e.items()
        if name not in _META
        for value, observed, unit in _instances(attribute)
    ]
    return pd.DataFrame(
        rows, columns=["entity", "entity_type", "attribute", "value", "unit_code", "observed_at"]
    )


def temporal_frame(entities: list[dict[str, Any]]) -> pd.DataFrame:
    """Long table of a temporal answer: entity, entity_type, attribute, time (UTC), value,
    unit_code (UN/CEFACT, when the broker gives it); sorted by entity, attribute, time."""
    frame = _rows(entities).rename(columns={"observed_at": "time"})
    frame = frame[["entity", "entity_type", "attribute", "time", "value", "unit_code"]]
    frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame.sort_values(["entity", "attribute", "time"], kind="stable").reset_index(drop=True)


def entities_frame(entities: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per entity and attribute of current values: entity, entity_type, attribute,
    value, unit_code, observed_at."""
    return _rows(entities)
