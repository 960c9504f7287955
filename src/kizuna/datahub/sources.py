"""Fetching a table from a source named by URL, for ``kizuna data import`` and the platform.

A source is a file path, or a URL of a known API kind written ``KIND+URL``
(``ckan+https://data.example.org``, ``ngsi-ld+http://broker:1026``,
``sensorthings+https://host/v1.1``, ``sdmx+https://host/rest``) or given with ``kind=``.
`fetch` returns the rows (or, for CKAN, the downloaded file), their `SourceInfo` for
lineage, and the columns the kind suggests for time, value, unit and dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kizuna.datahub.ckan import CkanClient, pick_resource
from kizuna.datahub.datasets import SourceInfo
from kizuna.datahub.http import HttpSettings
from kizuna.datahub.ngsi_ld import NgsiLdClient, entities_frame, temporal_frame
from kizuna.datahub.sdmx import TIME, VALUE, SdmxClient, period_start
from kizuna.datahub.sensorthings import SensorThingsClient, observations_frame
from kizuna.errors import InputError, Location

KINDS = ("ckan", "ngsi-ld", "sensorthings", "sdmx")


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """What to fetch from a source; each kind reads the fields it needs (docs/datahub.md)."""

    dataset: str | None = None  # CKAN data set id or name
    resource: str | None = None  # CKAN resource id or name
    entity_type: str | None = None  # NGSI-LD
    entity_id: str | None = None
    attrs: tuple[str, ...] = ()
    tenant: str | None = None
    context: str | None = None
    start: str | None = None  # ISO 8601 (NGSI-LD history, SensorThings, SDMX startPeriod)
    end: str | None = None
    datastream: str | None = None  # SensorThings
    flow: str | None = None  # SDMX
    key: str = "all"
    sdmx_format: str = "json"
    http: HttpSettings = field(default_factory=HttpSettings)


@dataclass(frozen=True, slots=True)
class Fetched:
    """Rows from a source (or a downloaded `file`), where they came from, and suggestions."""

    source: SourceInfo
    frame: pd.DataFrame | None = None
    file: Path | None = None
    time_column: str | None = None
    value_column: str | None = None
    unit: str | None = None
    dimensions: tuple[str, ...] = ()
    licence: str | None = None
    title: str | None = None


def split_source(text: str, kind: str | None = None) -> tuple[str | None, str]:
    """``("ckan", "https://x")`` for ``ckan+https://x``; ``(kind, text)`` otherwise."""
    head, sep, rest = text.partition("+")
    if sep and head.lower() in KINDS and rest.startswith(("http://", "https://")):
        return head.lower(), rest
    if kind is not None and kind not in KINDS:
        raise InputError(
            f"unknown source kind {kind!r}",
            where=Location(field="kind"),
            hint=f"use one of {', '.join(KINDS)}",
        )
    if kind is None and text.startswith(("http://", "https://")):
        raise InputError(
            f"{text} is a URL of no known kind",
            where=Location(field="source"),
            hint=f"write KIND+URL (such as ckan+{text}) or give --kind ({', '.join(KINDS)})",
        )
    return kind, text


def _need(value: str | None, option: str, kind: str) -> str:
    if not value:
        raise InputError(
            f"a {kind} source needs {option}",
            where=Location(field=option.lstrip("-").replace("-", "_")),
            hint=f"give {option}",
        )
    return value


def fetch(kind: str, url: str, options: FetchOptions, workdir: Path) -> Fetched:
    """Fetch from `url` of `kind`; CKAN resources are downloaded into `workdir`."""
    retrieved = datetime.now(UTC)
    if kind == "ckan":
        return _fetch_ckan(url, options, workdir, retrieved)
    if kind == "ngsi-ld":
        return _fetch_ngsi(url, options, retrieved)
    if kind == "sensorthings":
        return _fetch_sensorthings(url, options, retrieved)
    if kind == "sdmx":
        return _fetch_sdmx(url, options, retrieved)
    raise InputError(
        f"unknown source kind {kind!r}",
        where=Location(field="kind"),
        hint=f"use one of {', '.join(KINDS)}",
    )


def _fetch_ckan(url: str, options: FetchOptions, workdir: Path, retrieved: datetime) -> Fetched:
    with CkanClient(url, settings=options.http) as ckan:
        dataset = ckan.dataset(_need(options.dataset, "--dataset", "CKAN"))
        resource = pick_resource(dataset, options.resource)
        path = ckan.download(resource, workdir, options.http.max_bytes)
    details: dict[str, Any] = {
        "portal": url,
        "dataset": dataset.name,
        "resource": resource.id,
        "licence": dataset.license_id,
    }
    return Fetched(
        SourceInfo(resource.url, "ckan", retrieved, details),
        file=path,
        licence=dataset.license_id,
        title=f"{dataset.title}: {resource.name}",
    )


def _fetch_ngsi(url: str, options: FetchOptions, retrieved: datetime) -> Fetched:
    with NgsiLdClient(
        url, tenant=options.tenant, context=options.context, settings=options.http
    ) as broker:
        if options.start:
            if not (options.entity_id or options.entity_type):
                _need(None, "--entity-type or --entity-id", "NGSI-LD")
            entities = broker.temporal(
                options.entity_id,
                type=options.entity_type,
                attrs=options.attrs or None,
                start=options.start,
                end=options.end,
            )
            frame = temporal_frame(entities)
        else:
            entities = broker.entities(
                _need(options.entity_type, "--entity-type", "NGSI-LD"),
                attrs=options.attrs or None,
            )
            frame = entities_frame(entities).rename(columns={"observed_at": "time"})
            frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
            frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    details = {
        "broker": url,
        "tenant": options.tenant,
        "type": options.entity_type,
        "entity": options.entity_id,
        "attrs": list(options.attrs),
    }
    return Fetched(
        SourceInfo(url, "ngsi-ld", retrieved, {k: v for k, v in details.items() if v}),
        frame=frame,
        time_column="time",
        value_column="value",
        dimensions=("entity", "attribute"),
        title=f"NGSI-LD {options.entity_type or options.entity_id}",
    )


def _fetch_sensorthings(url: str, options: FetchOptions, retrieved: datetime) -> Fetched:
    with SensorThingsClient(url, settings=options.http) as sta:
        stream_id = _need(options.datastream, "--datastream", "SensorThings")
        datastream = sta.datastream(stream_id)
        observations = sta.observations(stream_id, start=options.start, end=options.end)
    frame = observations_frame(datastream, observations)
    units = frame["unit"].dropna().unique()
    return Fetched(
        SourceInfo(url, "sensorthings", retrieved, {"datastream": stream_id}),
        frame=frame.drop(columns="unit"),
        time_column="time",
        value_column="value",
        unit=str(units[0]) if len(units) else None,
        dimensions=("datastream",),
        title=str(datastream.get("name") or f"Datastream {stream_id}"),
    )


def _fetch_sdmx(url: str, options: FetchOptions, retrieved: datetime) -> Fetched:
    flow = _need(options.flow, "--flow", "SDMX")
    with SdmxClient(url, settings=options.http) as sdmx:
        frame = sdmx.data(
            flow, options.key, start=options.start, end=options.end, fmt=options.sdmx_format
        )
    frame = frame.copy()
    frame["time"] = period_start(frame[TIME]) if TIME in frame.columns else pd.NaT
    dims = tuple(c for c in frame.columns if c not in (TIME, VALUE, "time"))
    return Fetched(
        SourceInfo(url, "sdmx", retrieved, {"flow": flow, "key": options.key}),
        frame=frame,
        time_column="time",
        value_column=VALUE,
        dimensions=dims,
        title=f"SDMX {flow} {options.key}",
    )
