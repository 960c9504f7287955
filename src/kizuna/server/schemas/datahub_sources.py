"""Shapes of connector imports in the JSON API: the source form and what a source answers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kizuna.datahub.sources import FetchOptions
from kizuna.server.schemas.datahub import DatasetForm, PreviewOut, blank_none
from kizuna.server.tenancy.datahub_fetch import SourceRequest


class SourceForm(DatasetForm):
    """A connector import: the source (``KIND+URL``), what to fetch from it (each kind reads
    its own fields, docs/datahub.md), and the data set's fields as for an upload. Blank
    columns, title and unit take what the source suggests; a blank name one from the query."""

    source: str = Field(
        ...,
        min_length=8,
        max_length=2000,
        description="KIND+URL: ckan+https://..., ngsi-ld+https://..., sensorthings+https://..., "
        "sdmx+https://... (or the URL with `kind`).",
    )
    kind: Literal["", "ckan", "ngsi-ld", "sensorthings", "sdmx"] = ""
    dataset: str = Field("", max_length=200, description="CKAN data set id or name.")
    resource: str = Field("", max_length=200, description="CKAN resource id or name.")
    entity_type: str = Field("", max_length=500, description="NGSI-LD entity type.")
    entity_id: str = Field("", max_length=500, description="NGSI-LD entity id (its history).")
    attrs: str = Field("", max_length=1000, description="NGSI-LD attributes, comma-separated.")
    tenant: str = Field("", max_length=200, description="NGSI-LD tenant (NGSILD-Tenant).")
    context: str = Field("", max_length=1000, description="NGSI-LD @context URL (Link header).")
    start: str = Field("", max_length=40, description="ISO 8601 start (history, observations).")
    end: str = Field("", max_length=40, description="ISO 8601 end.")
    datastream: str = Field("", max_length=200, description="SensorThings Datastream id.")
    flow: str = Field("", max_length=200, description="SDMX dataflow (AGENCY,ID,VERSION).")
    key: str = Field("all", max_length=500, description="SDMX series key (such as A.JP..).")
    sdmx_format: Literal["json", "csv"] = "json"

    def request(self) -> SourceRequest:
        """The fetch as the connector service takes it (blank fields as None)."""
        options = FetchOptions(
            dataset=blank_none(self.dataset),
            resource=blank_none(self.resource),
            entity_type=blank_none(self.entity_type),
            entity_id=blank_none(self.entity_id),
            attrs=tuple(a.strip() for a in self.attrs.split(",") if a.strip()),
            tenant=blank_none(self.tenant),
            context=blank_none(self.context),
            start=blank_none(self.start),
            end=blank_none(self.end),
            datastream=blank_none(self.datastream),
            flow=blank_none(self.flow),
            key=self.key.strip() or "all",
            sdmx_format=self.sdmx_format,
        )
        return SourceRequest(self.source.strip(), self.kind or None, options)


class SourcePreviewOut(PreviewOut):
    """What a source answers before it is imported (nothing is stored)."""

    source: dict[str, Any] = Field(
        description="source (URL), kind, retrieved_at, details (the query), title, licence "
        "and dimensions, as the connector reports them."
    )
