"""Importing from a connector into the platform: CKAN, NGSI-LD, SensorThings and SDMX.

The same connectors as ``kizuna data import KIND+URL`` (`kizuna.datahub.sources.fetch`),
run by the server for a city's editor, with three guards:

- **Where.** Only hosts the operator allows (``KIZUNA_DATAHUB_ALLOWED_HOSTS``,
  `Settings.datahub_hosts`) are reached; every request is checked before it is sent,
  redirects and CKAN download links included (`kizuna.datahub.http.HttpSettings`). With
  no host listed, the platform fetches from nowhere (403 ``host_not_allowed``).
- **Who.** The rights of an upload (`kizuna.server.tenancy.datahub_uploads.import_target`)
  are checked before anything is fetched.
- **How much.** The upload size limit bounds a CKAN download and all the answers of a
  fetch together (`HttpClient.received`), and a timeout every request.

The rows then go the way of an upload (`store_loaded`): checked in full, stored in one
warehouse transaction with the source URL, retrieval time and query as their lineage,
registered and audited; the caller commits with `commit_import`. A failed fetch or a bad
table leaves nothing behind.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kizuna.datahub import Mode
from kizuna.datahub.files import LoadedFile, read_file
from kizuna.datahub.http import HttpSettings
from kizuna.datahub.schema import infer_table
from kizuna.datahub.sources import Fetched, FetchOptions, fetch, split_source
from kizuna.errors import InputError, Location
from kizuna.server.tables import City, Visibility
from kizuna.server.tenancy.datahub import HubWarehouse
from kizuna.server.tenancy.datahub_imports import (
    DatasetFields,
    ImportedDataset,
    import_target,
    store_loaded,
)
from kizuna.server.tenancy.datahub_uploads import preview_of, suggest_name
from kizuna.server.tenancy.permissions import require_change
from kizuna.server.tenancy.principals import Principal


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """What to fetch: ``KIND+URL`` (or a URL and its `kind`) and the kind's options."""

    source: str
    kind: str | None = None
    options: FetchOptions = field(default_factory=FetchOptions)

    def split(self) -> tuple[str, str]:
        """The kind and URL; `InputError` for a file path or an unknown kind."""
        kind, url = split_source(self.source.strip(), self.kind or None)
        if kind is None or not url.startswith(("http://", "https://")):
            raise InputError(
                f"{self.source!r} is not the URL of a source",
                where=Location(field="source"),
                hint="write KIND+URL (such as ckan+https://data.city.example); upload files "
                "on the upload page",
            )
        return kind, url

    def default_name(self) -> str:
        """A data set name from what is fetched (CKAN data set, entity type, stream, flow)."""
        o = self.options
        named = o.dataset or o.entity_type or o.entity_id or o.datastream or o.flow
        return suggest_name(named or self.split()[0])


@dataclass(frozen=True, slots=True)
class Fetching:
    """The limits of a fetch: allowed hosts, timeout (s), size limit (bytes)."""

    allowed_hosts: frozenset[str]
    timeout: float
    max_bytes: int

    def http(self) -> HttpSettings:
        return HttpSettings(
            timeout=self.timeout,
            connect_timeout=min(10.0, self.timeout),
            retries=1,
            max_bytes=self.max_bytes,
            allowed_hosts=self.allowed_hosts,
        )


@contextmanager
def fetched_table(
    request: SourceRequest, limits: Fetching, *, encoding: str = "utf-8", sheet: str | None = None
) -> Iterator[tuple[Fetched, LoadedFile]]:
    """Fetch `request` within `limits` and read it as a table: a CKAN resource is downloaded
    to a temporary folder (removed afterwards) and read like an upload; the rows of the
    other kinds are typed as a connector's table (`kizuna.datahub.schema.infer_table`)."""
    kind, url = request.split()
    options = replace(request.options, http=limits.http())
    with tempfile.TemporaryDirectory(prefix="kizuna-fetch-") as folder:
        fetched = fetch(kind, url, options, Path(folder))
        if fetched.file is not None:
            loaded = read_file(
                fetched.file, max_bytes=limits.max_bytes, encoding=encoding, sheet=sheet
            )
        else:
            assert fetched.frame is not None
            label = fetched.source.source
            table = infer_table(fetched.frame.reset_index(drop=True), label)
            loaded = LoadedFile(label, kind, table, 0)
        yield fetched, loaded


def suggested_columns(fetched: Fetched, loaded: LoadedFile, name: str) -> dict[str, Any]:
    """`preview_of` the table, its suggestions overridden by the connector's own (which
    knows its time and value columns and, for SensorThings, the unit)."""
    found = preview_of(loaded, name)
    suggested = found["suggested"]
    for key in ("time_column", "value_column", "unit"):
        suggested[key] = getattr(fetched, key) or suggested[key]
    if suggested["time_column"]:
        suggested["kind"] = "time_series"
    found["source"] = {
        **fetched.source.to_dict(),
        "title": fetched.title,
        "licence": fetched.licence,
        "dimensions": list(fetched.dimensions),
    }
    return found


def _filled(fields: DatasetFields, fetched: Fetched, suggested: dict[str, Any]) -> DatasetFields:
    """`fields` with blanks filled from the suggestions (title, columns, unit, dimensions)."""
    return replace(
        fields,
        title=fields.title or fetched.title,
        time_column=fields.time_column or suggested["time_column"],
        value_column=fields.value_column or suggested["value_column"],
        unit=fields.unit or fetched.unit,
        dimensions=fields.dimensions or fetched.dimensions,
    )


def preview_source(
    session: Session,
    principal: Principal,
    city: City,
    request: SourceRequest,
    limits: Fetching,
    *,
    encoding: str = "utf-8",
    sheet: str | None = None,
) -> dict[str, Any]:
    """What the source answers (`suggested_columns`: columns, types, units, first rows,
    problems, suggestions, and the source as the connector reports it); stores nothing.
    Editors and up of the city's owner."""
    require_change(session, principal, city, action="add data sets to the city")
    with fetched_table(request, limits, encoding=encoding, sheet=sheet) as (fetched, loaded):
        return suggested_columns(fetched, loaded, request.default_name())


def import_source(
    session: Session,
    principal: Principal,
    city: City,
    hub: HubWarehouse,
    request: SourceRequest,
    limits: Fetching,
    *,
    fields: DatasetFields,
    mode: Mode = Mode.create,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    encoding: str = "utf-8",
    sheet: str | None = None,
) -> ImportedDataset:
    """Fetch `request` and store it as data set `fields.name` of `city` (a blank name: one
    from the request; blank columns: the suggested ones), rights checked before the fetch
    (module docstring). Call
    `commit_import` after: nothing is committed here."""
    if not fields.name:
        fields = replace(fields, name=request.default_name())
    target = import_target(
        session, principal, city, fields, mode=mode, visibility=visibility, licence=licence
    )
    with fetched_table(request, limits, encoding=encoding, sheet=sheet) as (fetched, loaded):
        suggested = suggested_columns(fetched, loaded, fields.name)["suggested"]
        target = replace(target, fields=_filled(target.fields, fetched, suggested))
        source = replace(
            fetched.source,
            details={**fetched.source.details, "city": city.slug, "fetched_by": principal.label},
        )
        return store_loaded(
            session, principal, city, hub, loaded, target, source, mode=mode, visibility=visibility
        )
