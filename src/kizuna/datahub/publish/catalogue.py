"""What a city publishes, as plain records: the catalogue, its data sets and distributions,
and the URLs the platform serves them at (`PublicUrls`).

The data sets of every city with an inventory (ids are stable, used in URLs):

- ``ghg-inventory``: the inventory entries as published (long layout, docs/formats.md);
  CSV, Parquet.
- ``emissions-totals``: year, BASIC, BASIC+, territorial totals (tCO2e), per person;
  CSV, Parquet, JSON.
- ``emissions-by-sector``: year, GPC sector, tCO2e (BASIC); CSV, Parquet, JSON and NGSI-LD
  (CarbonFootprint).
- ``climate-targets``: the targets and progress; CSV, JSON, NGSI-LD (KeyPerformanceIndicator).
- ``sdg-13-2-2``: Open SDG data of indicator 13.2.2 (total GHG emissions per year); CSV.

plus the warehouse data sets marked public for the city (``warehouse-<name>``: CSV, Parquet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.datahub.publish.cities import PublishedCity
from kizuna.datahub.publish.licences import licence_uri
from kizuna.datahub.warehouse import DatasetInfo, Warehouse

GPC_URL = "https://ghgprotocol.org/ghg-protocol-cities"
OPEN_SDG_URL = "https://open-sdg.org/"
SDM_KPI_URL = (
    "https://github.com/smart-data-models/dataModel.KeyPerformanceIndicator/blob/master/"
    "KeyPerformanceIndicator/schema.json"
)
SDM_CARBON_URL = (
    "https://github.com/smart-data-models/dataModel.Environment/blob/master/"
    "CarbonFootprint/schema.json"
)
THEME_ENVIRONMENT = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
THEME_ENERGY = "http://publications.europa.eu/resource/authority/data-theme/ENER"

MEDIA_TYPES = {
    "csv": ("CSV", "text/csv"),
    "parquet": ("Parquet", "application/vnd.apache.parquet"),
    "json": ("JSON", "application/json"),
    "ngsi-ld": ("JSON-LD", "application/ld+json"),
    "geojson": ("GeoJSON", "application/geo+json"),
}


@dataclass(frozen=True, slots=True)
class PublicUrls:
    """The public URLs of the platform at `base` (no trailing slash)."""

    base: str = "http://127.0.0.1:8000"

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    def city(self, slug: str) -> str:
        return f"{self.base}/cities/{slug}"

    def catalogue(self, slug: str) -> str:
        return f"{self.base}/api/v1/public/cities/{slug}/catalogue"

    def dataset(self, slug: str, dataset: str) -> str:
        return f"{self.base}/api/v1/public/cities/{slug}/datasets/{dataset}"

    def landing(self, slug: str, dataset: str) -> str:
        return f"{self.base}/cities/{slug}/data/{dataset}"

    def download(self, slug: str, dataset: str, fmt: str) -> str:
        return f"{self.dataset(slug, dataset)}.{'jsonld' if fmt == 'ngsi-ld' else fmt}"


@dataclass(frozen=True, slots=True)
class Distribution:
    """One way to get a data set: a format at a download URL, under a licence."""

    fmt: str  # key of MEDIA_TYPES
    url: str
    licence: str
    conforms_to: str | None = None

    @property
    def format_name(self) -> str:
        return MEDIA_TYPES[self.fmt][0]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt][1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format_name,
            "media_type": self.media_type,
            "url": self.url,
            "licence": self.licence,
            "licence_uri": licence_uri(self.licence),
            "conforms_to": self.conforms_to,
        }


@dataclass(frozen=True, slots=True)
class DatasetEntry:
    """A data set of the catalogue (DCAT dcat:Dataset)."""

    id: str
    title: str
    description: str
    licence: str
    uri: str
    landing_page: str
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = (THEME_ENVIRONMENT,)
    temporal: tuple[int, int] | None = None  # first and last year
    modified: str | None = None
    sources: tuple[str, ...] = ()
    conforms_to: str | None = None
    distributions: tuple[Distribution, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "licence": self.licence,
            "licence_uri": licence_uri(self.licence),
            "uri": self.uri,
            "landing_page": self.landing_page,
            "keywords": list(self.keywords),
            "themes": list(self.themes),
            "temporal": list(self.temporal) if self.temporal else None,
            "modified": self.modified,
            "sources": list(self.sources),
            "conforms_to": self.conforms_to,
            "distributions": [d.to_dict() for d in self.distributions],
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A city's catalogue (DCAT dcat:Catalog)."""

    uri: str
    title: str
    description: str
    publisher: str
    homepage: str
    licence: str
    country: str
    language: tuple[str, ...] = ("en",)
    datasets: tuple[DatasetEntry, ...] = field(default_factory=tuple)

    def dataset(self, dataset_id: str) -> DatasetEntry | None:
        return next((d for d in self.datasets if d.id == dataset_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "title": self.title,
            "description": self.description,
            "publisher": self.publisher,
            "homepage": self.homepage,
            "licence": self.licence,
            "licence_uri": licence_uri(self.licence),
            "country": self.country,
            "language": list(self.language),
            "datasets": [d.to_dict() for d in self.datasets],
        }


def city_catalogue(
    city: PublishedCity, urls: PublicUrls | None = None, warehouse: Warehouse | None = None
) -> Catalogue:
    """The catalogue of `city`: the data sets of the module docstring, with their URLs."""
    urls = urls or PublicUrls()
    years = city.years
    temporal = (years[0], years[-1]) if years else None
    source_urls = tuple(s["url"] for s in city.sources if s.get("url"))

    def entry(
        id_: str,
        title: str,
        description: str,
        formats: tuple[str, ...],
        keywords: tuple[str, ...],
        conforms: dict[str, str] | None = None,
        **extra: Any,
    ) -> DatasetEntry:
        conforms = conforms or {}
        return DatasetEntry(
            id=id_,
            title=f"{city.name}: {title}",
            description=description,
            licence=city.licence,
            uri=urls.dataset(city.slug, id_),
            landing_page=urls.landing(city.slug, id_),
            keywords=keywords,
            temporal=extra.pop("temporal", temporal),
            sources=source_urls,
            distributions=tuple(
                Distribution(f, urls.download(city.slug, id_, f), city.licence, conforms.get(f))
                for f in formats
            ),
            **extra,
        )

    datasets = [
        entry(
            "ghg-inventory",
            "greenhouse gas inventory (GPC)",
            f"The entries of {city.name}'s community GHG inventory by GPC reference number, "
            "in Kizuna's long layout (one row per activity, emission or notation key), as "
            "published by the city and the sources it cites.",
            ("csv", "parquet"),
            ("greenhouse gas", "GHG inventory", "GPC", "emissions"),
            conforms_to=GPC_URL,
        ),
        entry(
            "emissions-totals",
            "total greenhouse gas emissions by year",
            "BASIC, BASIC+ and territorial totals in tCO2e by year, computed by Kizuna from "
            "the inventory entries (GPC v1.1 reporting levels), and per person where the "
            "population is known.",
            ("csv", "parquet", "json"),
            ("greenhouse gas", "emissions", "GPC", "BASIC"),
            conforms_to=GPC_URL,
        ),
        entry(
            "emissions-by-sector",
            "greenhouse gas emissions by sector",
            "Emissions in tCO2e by year and GPC sector (BASIC), also as NGSI-LD CarbonFootprint "
            "entities (Smart Data Models).",
            ("csv", "parquet", "json", "ngsi-ld"),
            ("greenhouse gas", "emissions", "sector", "CarbonFootprint"),
            conforms={"ngsi-ld": SDM_CARBON_URL},
            conforms_to=GPC_URL,
        ),
    ]
    if city.targets:
        datasets.append(
            entry(
                "climate-targets",
                "climate targets and progress",
                "The city's emission targets (year, kind, reduction against the base year or "
                "level) with the progress of the latest inventory, also as NGSI-LD "
                "KeyPerformanceIndicator entities with target and baseline attributes.",
                ("csv", "json", "ngsi-ld"),
                ("climate target", "net zero", "KPI", "KeyPerformanceIndicator"),
                conforms={"ngsi-ld": SDM_KPI_URL},
            )
        )
    datasets.append(
        entry(
            "sdg-13-2-2",
            "SDG indicator 13.2.2, total greenhouse gas emissions per year",
            "Open SDG data of indicator 13.2.2 (Year, Sector, Units, Value), BASIC totals and "
            "sectors in tCO2e, for a city's open SDG platform or Voluntary Local Review.",
            ("csv",),
            ("SDG 13", "13.2.2", "Open SDG", "emissions"),
            conforms={"csv": OPEN_SDG_URL},
            conforms_to=OPEN_SDG_URL,
        )
    )
    if warehouse is not None:
        datasets.extend(
            _warehouse_entry(city, info, urls)
            for info in public_warehouse_datasets(warehouse, city.slug)
        )
    return Catalogue(
        uri=urls.catalogue(city.slug),
        title=f"{city.name} open climate data",
        description=f"Open data that {city.publisher or city.name} publishes with Kizuna: its "
        "GHG inventory, emissions, targets and SDG indicators.",
        publisher=city.publisher or city.name,
        homepage=urls.city(city.slug),
        licence=city.licence,
        country=city.country,
        language=("en", "ja") if city.name_ja else ("en",),
        datasets=tuple(datasets),
    )


def public_warehouse_datasets(warehouse: Warehouse, slug: str) -> list[DatasetInfo]:
    """The warehouse data sets marked public whose city is `slug`."""
    return [info for info in warehouse.datasets() if info.spec.public and info.spec.city == slug]


def _warehouse_entry(city: PublishedCity, info: DatasetInfo, urls: PublicUrls) -> DatasetEntry:
    id_ = f"warehouse-{info.name}"
    licence = info.spec.licence or city.licence
    data = info.to_dict()
    years = None
    if data["time_range"]:
        years = (int(data["time_range"][0][:4]), int(data["time_range"][1][:4]))
    source = (info.source or {}).get("source")
    return DatasetEntry(
        id=id_,
        title=f"{city.name}: {info.spec.title or info.name}",
        description=info.spec.description
        or f"{info.rows:,} rows of {info.name}" + (f" in {info.unit}" if info.unit else ""),
        licence=licence,
        uri=urls.dataset(city.slug, id_),
        landing_page=urls.landing(city.slug, id_),
        keywords=("time series", info.name),
        themes=(THEME_ENERGY,),
        temporal=years,
        modified=info.updated_at,
        sources=(source,) if source and source.startswith("http") else (),
        distributions=tuple(
            Distribution(f, urls.download(city.slug, id_, f), licence) for f in ("csv", "parquet")
        ),
    )
