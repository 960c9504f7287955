"""The read-only public JSON API, as pure functions the server exposes (one per route).

Suggested routes (the URLs of `PublicUrls`; all GET, anonymous, for public cities only):

| route | function |
|---|---|
| ``/api/v1/public/cities`` | `public_index` |
| ``/api/v1/public/cities/{slug}/catalogue`` | `public_catalogue` (JSON-LD DCAT: `dcat_download`) |
| ``/api/v1/public/cities/{slug}/datasets/{id}`` | `public_dataset` (``?limit=&offset=``) |
| ``/api/v1/public/cities/{slug}/datasets/{id}.{csv,parquet,json,jsonld}`` | `public_download` |

Every function takes the already-loaded `PublishedCity` objects and returns JSON-ready
dicts (or a `Download`); unknown data sets and formats raise `NotFound`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kizuna.datahub.publish.catalogue import MEDIA_TYPES, PublicUrls, city_catalogue
from kizuna.datahub.publish.cities import PublishedCity
from kizuna.datahub.publish.dcat import catalogue_jsonld
from kizuna.datahub.publish.ngsi_ld_export import carbon_footprints, kpi_entities
from kizuna.datahub.publish.smart_data_models import validate_entities
from kizuna.datahub.publish.tables import csv_bytes, dataset_table, parquet_bytes
from kizuna.datahub.warehouse import Warehouse
from kizuna.errors import InputError, Location, NotFound

#: Rows per page of `public_dataset`, at most.
MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Download:
    """A file to send: bytes, media type and a file name for Content-Disposition."""

    content: bytes
    media_type: str
    filename: str


def public_index(cities: Iterable[PublishedCity], urls: PublicUrls | None = None) -> dict[str, Any]:
    """The public cities with their catalogue URLs."""
    urls = urls or PublicUrls()
    return {
        "cities": [
            {
                "slug": c.slug,
                "name": c.name,
                "name_ja": c.name_ja,
                "country": c.country,
                "years": c.years,
                "licence": c.licence,
                "catalogue": urls.catalogue(c.slug),
                "page": urls.city(c.slug),
            }
            for c in cities
        ]
    }


def public_catalogue(
    city: PublishedCity, urls: PublicUrls | None = None, warehouse: Warehouse | None = None
) -> dict[str, Any]:
    """The city's catalogue as plain JSON (the DCAT content, without RDF)."""
    return {"city": city.to_dict(), **city_catalogue(city, urls, warehouse).to_dict()}


def public_dataset(
    city: PublishedCity,
    dataset_id: str,
    *,
    urls: PublicUrls | None = None,
    warehouse: Warehouse | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A data set's metadata, columns and one page of rows (``limit`` rows from ``offset``)."""
    check_page(limit, offset)
    entry = _entry(city, dataset_id, urls, warehouse)
    table = dataset_table(city, dataset_id, warehouse)
    page = table.iloc[offset : offset + limit]
    total = len(table)
    return {
        **entry,
        "columns": [{"name": str(c), "dtype": str(table[c].dtype)} for c in table.columns],
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if offset + limit < total else None,
        "rows": records(page),
    }


def check_page(limit: int, offset: int) -> None:
    """`InputError` unless 0 < `limit` <= `MAX_LIMIT` and `offset` >= 0."""
    if not 0 < limit <= MAX_LIMIT or offset < 0:
        raise InputError(
            f"limit must be 1 to {MAX_LIMIT} and offset at least 0 (got {limit}, {offset})",
            where=Location(field="limit"),
            hint="page with ?limit=100&offset=200",
        )


def public_download(
    city: PublishedCity,
    dataset_id: str,
    fmt: str,
    *,
    urls: PublicUrls | None = None,
    warehouse: Warehouse | None = None,
) -> Download:
    """A data set as CSV, Parquet, JSON rows, or NGSI-LD (``jsonld``) where it has one."""
    entry = _entry(city, dataset_id, urls, warehouse)
    formats = {d["format"].lower() for d in entry["distributions"]}
    key = "ngsi-ld" if fmt == "jsonld" else fmt
    if MEDIA_TYPES.get(key, ("",))[0].lower() not in formats:
        raise NotFound(
            f"{dataset_id} of {city.name} has no {fmt} download",
            where=Location(field="format"),
            hint=f"its formats: {', '.join(sorted(formats))}",
        )
    name = f"{city.slug}-{dataset_id}.{fmt}"
    if key == "ngsi-ld":
        entities = (
            kpi_entities(city, urls)
            if dataset_id == "climate-targets"
            else carbon_footprints(city, urls)
        )
        validate_entities(entities)
        return Download(_json(entities), MEDIA_TYPES[key][1], name)
    table = dataset_table(city, dataset_id, warehouse)
    if key == "csv":
        return Download(csv_bytes(table), MEDIA_TYPES[key][1], name)
    if key == "parquet":
        return Download(parquet_bytes(table), MEDIA_TYPES[key][1], name)
    return Download(_json(records(table)), MEDIA_TYPES["json"][1], name)


def dcat_download(
    city: PublishedCity, urls: PublicUrls | None = None, warehouse: Warehouse | None = None
) -> Download:
    """The city's DCAT catalogue as JSON-LD."""
    text = catalogue_jsonld(city_catalogue(city, urls, warehouse))
    return Download(text.encode("utf-8"), "application/ld+json", f"{city.slug}-catalogue.jsonld")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN as null, times as ISO 8601."""
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))


def _entry(
    city: PublishedCity, dataset_id: str, urls: PublicUrls | None, warehouse: Warehouse | None
) -> dict[str, Any]:
    entry = city_catalogue(city, urls, warehouse).dataset(dataset_id)
    if entry is None:
        raise NotFound(
            f"{city.name} publishes no data set {dataset_id!r}",
            where=Location(field="dataset"),
            hint="see the city's catalogue for its data sets",
        )
    return entry.to_dict()


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
