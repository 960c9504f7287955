"""What the cities publish, as the anonymous public reads it: catalogues, data sets, exports.

Everything here reads as `ANONYMOUS`, whoever asks: a city the public may not read is
`NotFound`, and only its public inventories and public data sets are published. The
inventories are stored as ``InventoryResult.to_dict()``; `public_city` rebuilds them
(`kizuna.datahub.publish.result_from_dict`) into the `PublishedCity` the publishing
library works on, so the platform publishes exactly what ``kizuna data publish`` does:

- the city's standard data sets (``ghg-inventory``, ``emissions-totals``,
  ``emissions-by-sector``, ``climate-targets``, ``sdg-13-2-2``) from the inventories of one
  GWP set (that of its latest public inventory), under that inventory's licence;
- its public warehouse data sets, ``warehouse-<name>``, each under its own licence;
- a DCAT catalogue of both (`catalogue_for`, JSON-LD or Turtle by `kizuna.datahub.publish`),
  NGSI-LD entities (KeyPerformanceIndicator, CarbonFootprint; validated against the Smart
  Data Models schemas) and Open SDG data (indicator 13.2.2).

A public city without a public inventory publishes only its warehouse data sets.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from kizuna.datahub.publish import (
    Catalogue,
    DatasetEntry,
    Download,
    PublicUrls,
    PublishedCity,
    catalogue_jsonld,
    catalogue_turtle,
    city_catalogue,
    ngsi_ld_entities,
    public_dataset,
    public_download,
    validate_entities,
    write_open_sdg,
)
from kizuna.datahub.publish.catalogue import THEME_ENERGY, Distribution
from kizuna.datahub.publish.cities import result_from_dict, targets_from_dicts
from kizuna.datahub.publish.public_api import check_page, records
from kizuna.errors import Location, NotFound
from kizuna.server.tables import City, Inventory
from kizuna.server.tables.datahub import Dataset
from kizuna.server.tenancy.datahub import (
    HubWarehouse,
    dataset_rows,
    download_dataset,
    download_formats,
    get_dataset,
    list_datasets,
)
from kizuna.server.tenancy.principals import ANONYMOUS
from kizuna.server.tenancy.queries import get_city, list_cities

#: The prefix of a warehouse data set's id in a catalogue.
WAREHOUSE_PREFIX = "warehouse-"


def _published_inventories(city: City) -> list[Inventory]:
    """The city's loaded inventories of one GWP set: that of the latest, by year."""
    if not city.inventories:
        return []
    latest = max(city.inventories, key=lambda inv: (inv.year, inv.gwp))
    return sorted((i for i in city.inventories if i.gwp == latest.gwp), key=lambda i: i.year)


def published(city: City, *, with_rows: bool = False) -> PublishedCity:
    """`city` (loaded with the inventories to publish) as the publishing library's city;
    `with_rows` reads the inventories' entries too (for the ``ghg-inventory`` data set)."""
    chosen = _published_inventories(city)
    latest = chosen[-1] if chosen else None
    rows = pd.DataFrame([e for inv in chosen for e in inv.entries]) if with_rows else pd.DataFrame()
    return PublishedCity(
        slug=city.slug,
        name=city.name,
        name_ja=city.name_ja,
        country=city.country,
        licence=(latest.licence if latest else None) or city.licence or "CC-BY-4.0",
        inventory_file=latest.source_file if latest else "",
        inventory_rows=rows,
        results=tuple(result_from_dict(inv.result) for inv in chosen),
        population=city.population,
        population_year=city.population_year,
        targets=targets_from_dicts(city.targets or []),
        sources=tuple(s for s in city.sources or [] if isinstance(s, dict)),
        publisher=city.owner.name,
    )


def public_city(session: Session, slug: str, *, with_rows: bool = False) -> PublishedCity:
    """The public city `slug` with its public inventories; `NotFound` if it is not public."""
    return published(get_city(session, ANONYMOUS, slug), with_rows=with_rows)


def public_cities(session: Session) -> list[PublishedCity]:
    """Every public city, by name."""
    return [published(city) for city in list_cities(session, ANONYMOUS)]


def dataset_entry(dataset: Dataset, urls: PublicUrls) -> DatasetEntry:
    """The DCAT data set of a registered warehouse data set."""
    slug, id_ = dataset.city.slug, dataset.public_id
    licence = dataset.licence or "CC-BY-4.0"
    years = None
    if dataset.first_time and dataset.last_time:
        years = (dataset.first_time.year, dataset.last_time.year)
    unit = f" in {dataset.unit}" if dataset.unit else ""
    return DatasetEntry(
        id=id_,
        title=f"{dataset.city.name}: {dataset.title}",
        description=dataset.description or f"{dataset.rows:,} rows of {dataset.title}{unit}",
        licence=licence,
        uri=urls.dataset(slug, id_),
        landing_page=urls.landing(slug, id_),
        keywords=(dataset.kind.value.replace("_", " "), dataset.name),
        themes=(THEME_ENERGY,),
        temporal=years,
        modified=dataset.updated_at.isoformat(),
        sources=tuple(s["url"] for s in dataset.sources or [] if s.get("url")),
        distributions=tuple(
            Distribution(f, urls.download(slug, id_, f), licence) for f in download_formats(dataset)
        ),
    )


def city_catalogue_of(
    session: Session, urls: PublicUrls, slug: str
) -> tuple[PublishedCity, Catalogue]:
    """The public city `slug` and its DCAT catalogue: its standard data sets (when it has a
    public inventory) and its public warehouse data sets."""
    row = get_city(session, ANONYMOUS, slug)
    city = published(row)
    base = city_catalogue(city, urls)
    standard = base.datasets if city.results else ()
    extra = tuple(dataset_entry(d, urls) for d in list_datasets(session, ANONYMOUS, city=row))
    return city, replace(base, datasets=standard + extra)


def catalogue_json(session: Session, urls: PublicUrls, slug: str) -> dict[str, Any]:
    """The catalogue as plain JSON (`kizuna.datahub.publish.public_catalogue`'s shape)."""
    city, catalogue = city_catalogue_of(session, urls, slug)
    return {"city": city.to_dict(), **catalogue.to_dict()}


def catalogue_file(session: Session, urls: PublicUrls, slug: str, syntax: str) -> Download:
    """The DCAT catalogue as JSON-LD (``jsonld``) or Turtle (``ttl``)."""
    _city, catalogue = city_catalogue_of(session, urls, slug)
    if syntax == "ttl":
        return Download(
            catalogue_turtle(catalogue).encode("utf-8"), "text/turtle", f"{slug}-catalogue.ttl"
        )
    return Download(
        catalogue_jsonld(catalogue).encode("utf-8"),
        "application/ld+json",
        f"{slug}-catalogue.jsonld",
    )


def _registered(session: Session, slug: str, dataset_id: str) -> Dataset:
    city = get_city(session, ANONYMOUS, slug)
    return get_dataset(session, ANONYMOUS, city, dataset_id.removeprefix(WAREHOUSE_PREFIX))


def _standard(session: Session, slug: str, dataset_id: str) -> PublishedCity:
    city = public_city(session, slug, with_rows=dataset_id == "ghg-inventory")
    if not city.results:
        raise NotFound(
            f"{city.name} publishes no data set {dataset_id!r}",
            where=Location(field="dataset"),
            hint="see the city's catalogue for its data sets",
        )
    return city


def public_rows(
    session: Session,
    hub: HubWarehouse,
    urls: PublicUrls,
    slug: str,
    dataset_id: str,
    *,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A public data set's metadata, columns and `limit` rows from `offset`."""
    check_page(limit, offset)
    if not dataset_id.startswith(WAREHOUSE_PREFIX):
        return public_dataset(
            _standard(session, slug, dataset_id), dataset_id, urls=urls, limit=limit, offset=offset
        )
    dataset = _registered(session, slug, dataset_id)
    page = dataset_rows(hub, dataset, limit=limit, offset=offset)
    total = dataset.rows
    return {
        **dataset_entry(dataset, urls).to_dict(),
        "columns": [{"name": str(c), "dtype": str(page[c].dtype)} for c in page.columns],
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if offset + limit < total else None,
        "rows": records(page),
    }


def public_file(
    session: Session, hub: HubWarehouse, urls: PublicUrls, slug: str, dataset_id: str, fmt: str
) -> Download:
    """A public data set as CSV, Parquet, JSON, NGSI-LD (``jsonld``) or GeoJSON (a map)."""
    if not dataset_id.startswith(WAREHOUSE_PREFIX):
        return public_download(_standard(session, slug, dataset_id), dataset_id, fmt, urls=urls)
    return download_dataset(hub, _registered(session, slug, dataset_id), fmt)


def ngsi_ld(session: Session, urls: PublicUrls, slug: str) -> list[dict[str, Any]]:
    """The city's KPIs (its targets) and carbon footprints (its emissions) as NGSI-LD
    entities of the Smart Data Models, validated against their schemas."""
    entities = ngsi_ld_entities(public_city(session, slug), urls)
    validate_entities(entities)
    return entities


def open_sdg_zip(session: Session, slug: str) -> Download:
    """The city's Open SDG data folder (``data/indicator_13-2-2.csv``,
    ``indicator-config/13-2-2.yml``) as a zip file."""
    city = _standard(session, slug, "sdg-13-2-2")
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="kizuna-open-sdg-") as folder:
        paths = write_open_sdg(city, folder)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(paths):
                archive.write(path, Path(path).relative_to(folder).as_posix())
    return Download(buffer.getvalue(), "application/zip", f"{slug}-open-sdg.zip")


def json_bytes(data: Any) -> bytes:
    """`data` as UTF-8 JSON, indented by one space (the library's downloads look the same)."""
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


__all__ = [
    "catalogue_file",
    "catalogue_json",
    "city_catalogue_of",
    "dataset_entry",
    "json_bytes",
    "ngsi_ld",
    "open_sdg_zip",
    "public_cities",
    "public_city",
    "public_file",
    "public_rows",
    "published",
    "records",
]
