"""Shapes of the data hub in the JSON API: data sets, previews, rows, lineage, the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kizuna.datahub import Mode
from kizuna.server.schemas.common import PageInfo
from kizuna.server.schemas.places import Sharing
from kizuna.server.tables.base import Visibility
from kizuna.server.tables.datahub import Dataset, DatasetKind
from kizuna.server.tenancy.datahub_imports import DatasetFields


def dataset_links(dataset: Dataset, formats: tuple[str, ...]) -> dict[str, str]:
    """The addresses of a data set: its API resource, rows, lineage, downloads, page, sharing
    and, when public, its public API address."""
    base = f"/api/v1/cities/{dataset.city.slug}/datasets/{dataset.name}"
    links = {
        "self": base,
        "rows": f"{base}/rows",
        "lineage": f"{base}/lineage",
        "page": dataset.page,
        "sharing": f"/api/v1/sharing/dataset/{dataset.id}",
        **{fmt: f"{base}/download?format={fmt}" for fmt in formats},
    }
    if dataset.visibility is Visibility.PUBLIC:
        links["public"] = f"/api/v1/public/cities/{dataset.city.slug}/datasets/{dataset.public_id}"
    return links


class DatasetOut(BaseModel):
    """A data set of the data hub: what it holds, where it came from, who reads it."""

    name: str = Field(description="Its name within the city.")
    id: str = Field(description="Its id in the city's catalogue: warehouse-<name>.")
    city: str = Field(description="Slug of the city.")
    title: str
    description: str | None
    kind: DatasetKind
    unit: str | None = Field(description="Unit of the value column (a pint unit).")
    time_column: str | None
    value_column: str | None
    dimensions: list[str]
    timezone: str = Field(description="IANA time zone in which months are counted.")
    label_column: str | None = Field(description="The property naming a map's districts.")
    source_file: str
    rows: int
    first_time: datetime | None
    last_time: datetime | None
    columns: list[dict[str, Any]] = Field(description="Name, type, unit, blanks, examples.")
    sources: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def of(cls, dataset: Dataset, formats: tuple[str, ...]) -> DatasetOut:
        return cls(
            name=dataset.name,
            id=dataset.public_id,
            city=dataset.city.slug,
            title=dataset.title,
            description=dataset.description,
            kind=dataset.kind,
            unit=dataset.unit,
            time_column=dataset.time_column,
            value_column=dataset.value_column,
            dimensions=list(dataset.dimensions or []),
            timezone=dataset.timezone,
            label_column=dataset.label_column,
            source_file=dataset.source_file,
            rows=dataset.rows,
            first_time=dataset.first_time,
            last_time=dataset.last_time,
            columns=list((dataset.columns or {}).get("columns", [])),
            sources=list(dataset.sources or []),
            created_at=dataset.created_at,
            updated_at=dataset.updated_at,
            sharing=Sharing.of(dataset),
            links=dataset_links(dataset, formats),
        )


class DatasetList(PageInfo):
    """A page of the data sets you may read, by city and title."""

    datasets: list[DatasetOut]


class DatasetPatch(BaseModel):
    """The editable descriptions of a data set."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    unit: str | None = Field(None, max_length=64)
    sources: list[dict[str, Any]] | None = Field(
        None, max_length=50, description="Publications: [{title, publisher, year, url}]."
    )


def blank_none(value: str) -> str | None:
    """`value` stripped, or None when blank (form fields)."""
    return value.strip() or None


class DatasetForm(BaseModel):
    """What the uploader says about a file: the form fields of an import (multipart)."""

    name: str = Field(
        "", max_length=64, description="Its name in the city: lower-case letters, digits, hyphens."
    )
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=10_000)
    time_column: str = Field("", max_length=200, description="Makes a time series.")
    value_column: str = Field("", max_length=200)
    unit: str = Field("", max_length=64, description="Of the values, if the header has none.")
    expected_unit: str = Field("", max_length=64, description="The values must convert to it.")
    timezone: str = Field("UTC", max_length=64, description="IANA; months are counted in it.")
    dimensions: str = Field("", max_length=1000, description="Comma-separated column names.")
    label_column: str = Field("", max_length=200, description="A map's district names.")
    mode: Mode = Field(Mode.create, description="create (a new name), append or replace.")
    visibility: Visibility = Visibility.PRIVATE
    licence: str = Field("", max_length=64, description="An open licence (SPDX id).")
    encoding: str = Field("utf-8", max_length=40, description="Of a CSV file.")
    sheet: str = Field("", max_length=200, description="Of a workbook (default: the first).")

    def fields(self) -> DatasetFields:
        """The fields as the upload service takes them (blank ones as None)."""
        return DatasetFields(
            name=self.name.strip(),
            title=blank_none(self.title),
            description=blank_none(self.description),
            time_column=blank_none(self.time_column),
            value_column=blank_none(self.value_column),
            unit=blank_none(self.unit),
            expected_unit=blank_none(self.expected_unit),
            timezone=self.timezone.strip() or "UTC",
            dimensions=tuple(d.strip() for d in self.dimensions.split(",") if d.strip()),
            label_column=blank_none(self.label_column),
        )


class Suggested(BaseModel):
    """What a file suggests for the import: kind, name, time, value, unit, district names."""

    kind: DatasetKind
    name: str
    time_column: str | None
    value_column: str | None
    unit: str | None
    label_column: str | None


class PreviewOut(BaseModel):
    """What an uploaded file holds before it is imported (nothing is stored)."""

    preview: dict[str, Any] = Field(
        description="source, format, size_bytes, rows, schema (columns: name, type, unit, "
        "missing, examples), head (the first rows), problems, ok."
    )
    suggested: Suggested


class ColumnOut(BaseModel):
    """A column of a page of rows and its pandas dtype."""

    name: str
    dtype: str


class RowsOut(BaseModel):
    """One page of a data set's rows."""

    dataset: str
    columns: list[ColumnOut]
    total: int = Field(ge=0)
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    next: str | None = Field(description="Address of the next page; null on the last.")
    rows: list[dict[str, Any]]


class LineageOut(BaseModel):
    """Where a data set came from (newest first, then its inputs) and what was derived
    from it (warehouse names)."""

    dataset: str
    records: list[dict[str, Any]] = Field(
        description="object, object_kind, inputs, source, retrieved_at, transformation, "
        "details, recorded_at."
    )
    derived: list[str]


# --- the public API ------------------------------------------------------------------------


class PublicCityOut(BaseModel):
    """A public city and the addresses of its catalogue and page."""

    slug: str
    name: str
    name_ja: str | None
    country: str
    years: list[int]
    licence: str
    catalogue: str
    page: str


class PublicIndexOut(BaseModel):
    """The public cities of this instance."""

    cities: list[PublicCityOut]


class PublicCatalogueOut(BaseModel):
    """A city's catalogue as plain JSON (the content of its DCAT catalogue)."""

    model_config = ConfigDict(extra="allow")

    city: dict[str, Any]
    uri: str
    title: str
    description: str
    publisher: str
    licence: str
    datasets: list[dict[str, Any]] = Field(
        description="id, title, description, licence, uri, landing_page, keywords, themes, "
        "temporal, modified, sources, conforms_to, distributions."
    )


class PublicRowsOut(BaseModel):
    """A public data set's metadata, columns and one page of rows."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    licence: str
    columns: list[ColumnOut]
    total: int = Field(ge=0)
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    next_offset: int | None
    rows: list[dict[str, Any]]
