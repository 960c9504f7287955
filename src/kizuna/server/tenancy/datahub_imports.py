"""Storing a table as a city's data set, the part an upload and a connector import share.

`import_target` checks, before anything is read or fetched, that the principal may import
into the city with the mode (Rights below) and that the name fits the mode. `store_loaded`
then stores a table read in full (`kizuna.datahub.files.LoadedFile`): the problems of its
cells are raised first; the registry row (`Dataset`) is flushed, so constraint errors
surface while the warehouse is untouched; the rows are stored in one warehouse transaction
(`kizuna.datahub.Warehouse.store`) with their lineage; the audit entry is written. The
caller commits with `commit_import`, which removes a new warehouse data set again if the
database commit fails. A refused import leaves nothing behind.

Rights: an editor of the city's owner adds data sets (an admin, with the ``admin`` token
scope, one that is not private); appending to or replacing a data set needs its editor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.datahub import DatasetSpec, Mode, SourceInfo
from kizuna.datahub.files import LoadedFile
from kizuna.datahub.imports import ImportResult, import_loaded
from kizuna.datahub.schema import raise_problems
from kizuna.errors import InputError, Location
from kizuna.server.tables import City, Role, Visibility, utcnow
from kizuna.server.tables.datahub import Dataset, DatasetKind
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.datahub import NAME_PATTERN, HubWarehouse
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import require_change, require_role, require_scope
from kizuna.server.tenancy.principals import Principal, Scope


@dataclass(frozen=True, slots=True)
class DatasetFields:
    """What the uploader says about a file: its name in the city, title and columns.

    `time_column` makes a time series (months counted in `timezone`); a GeoJSON file is a
    map whose districts are named by `label_column`; `value_column` holds the values (in
    `unit`, or the unit of its header, ``energy [kWh]``), which must convert to
    `expected_unit` when given.
    """

    name: str
    title: str | None = None
    description: str | None = None
    time_column: str | None = None
    value_column: str | None = None
    unit: str | None = None
    expected_unit: str | None = None
    timezone: str = "UTC"
    dimensions: tuple[str, ...] = ()
    label_column: str | None = None
    sources: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedDataset:
    """What an upload stored: the registry row, the warehouse write, whether it is new."""

    dataset: Dataset
    result: ImportResult
    created: bool


def require_publish(
    principal: Principal, owner_org_id: int, visibility: Visibility, what: str = "a data set"
) -> None:
    """Making `what` visible beyond its owner needs an admin of the owner (``admin`` scope)."""
    if visibility is not Visibility.PRIVATE:
        require_scope(principal, Scope.ADMIN)
        require_role(principal, owner_org_id, Role.ADMIN, f"publish {what} beyond the organisation")


def _check_fields(fields: DatasetFields, loaded: LoadedFile, mode: Mode) -> DatasetKind:
    """The kind of the data set; `InputError` for a bad name or map without districts."""
    if not NAME_PATTERN.match(fields.name):
        raise InputError(
            f"{fields.name!r} is not a data set name",
            where=Location(field="name"),
            hint="use lower-case letters, digits and hyphens (such as smart-meters-2024)",
        )
    if loaded.format != "geojson":
        return DatasetKind.TIME_SERIES if fields.time_column else DatasetKind.TABLE
    names = loaded.schema.names
    if mode is Mode.append:
        raise InputError(
            "A map is replaced as a whole, not appended to",
            where=Location(field="mode"),
            hint="upload the whole FeatureCollection with mode replace",
        )
    if fields.label_column and fields.label_column not in names:
        raise InputError(
            f"{loaded.source} has no property {fields.label_column!r} to name the districts",
            where=Location(file=loaded.source, field="label_column"),
            hint=f"name one of its properties: {', '.join(n for n in names if n != 'geometry')}",
        )
    if "feature_id" not in names and not fields.label_column:
        raise InputError(
            f"The features of {loaded.source} have no id to match values to districts",
            where=Location(file=loaded.source, field="label_column"),
            hint="give each feature an id, or name the property that names the districts",
        )
    return DatasetKind.MAP


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """Where an import goes, checked before anything is read: the data set it appends to or
    replaces (None: a new one), the fields with blanks taken from it, the licence."""

    existing: Dataset | None
    fields: DatasetFields
    licence: str | None


def import_target(
    session: Session,
    principal: Principal,
    city: City,
    fields: DatasetFields,
    *,
    mode: Mode,
    visibility: Visibility,
    licence: str | None,
) -> ImportTarget:
    """Check that `principal` may import `fields.name` into `city` with `mode` (module
    docstring, Rights) and that the name fits the mode; `Forbidden` or `InputError`."""
    require_change(session, principal, city, action="add data sets to the city")
    existing = session.scalars(
        select(Dataset).where(Dataset.city_id == city.id, Dataset.name == fields.name)
    ).one_or_none()
    if existing is not None and mode is Mode.create:
        raise InputError(
            f"{city.name} has a data set {fields.name!r} already",
            where=Location(field="name"),
            hint="choose another name, or append to it or replace it (mode)",
        )
    if existing is not None:
        require_change(session, principal, existing, action=f"{mode.value} this data set")
        return ImportTarget(existing, _with_defaults(fields, existing), existing.licence)
    require_publish(principal, city.owner_org_id, visibility)
    return ImportTarget(None, fields, check_licence(visibility, licence))


def store_loaded(
    session: Session,
    principal: Principal,
    city: City,
    hub: HubWarehouse,
    loaded: LoadedFile,
    target: ImportTarget,
    source: SourceInfo,
    *,
    mode: Mode,
    visibility: Visibility,
) -> ImportedDataset:
    """Store a table read in full (a file, or rows a connector fetched) as `target`: the
    cells' problems are raised first, then the registry row is flushed, then the rows are
    written in one warehouse transaction with `source` as their lineage, then the audit
    entry. Nothing is committed here (`commit_import`)."""
    raise_problems(loaded.source, loaded.problems)
    fields, existing = target.fields, target.existing
    kind = _check_fields(fields, loaded, mode)
    if existing is not None and existing.kind is not kind:
        raise InputError(
            f"{existing.title!r} is a {existing.kind.value} data set, this source a {kind.value}",
            where=Location(field="mode"),
            hint="import data of the same kind, or choose a new name",
        )
    spec = DatasetSpec(
        f"{city.slug}.{fields.name}",
        title=fields.title or fields.name,
        time_column=fields.time_column or None,
        value_column=fields.value_column or None,
        unit=fields.unit or None,
        timezone=fields.timezone or "UTC",
        dimensions=tuple(d for d in fields.dimensions if d),
        expected_unit=fields.expected_unit or None,
        city=city.slug,
        description=fields.description or None,
    )
    dataset = existing or Dataset(
        city=city,
        name=fields.name,
        warehouse_name=spec.name,
        owner_org_id=city.owner_org_id,
        visibility=visibility,
        licence=target.licence,
        kind=kind,
        rows=0,
    )
    _describe(dataset, fields, spec, kind, loaded, mode)
    session.add(dataset)
    session.flush()  # constraint errors here, before the warehouse is touched
    source = replace(source, details={**source.details, "registry_id": dataset.id})
    with hub.use() as warehouse:
        if existing is None and warehouse.has(spec.name):
            warehouse.delete(spec.name)  # left by a city deleted while the warehouse was busy
        result = import_loaded(loaded, warehouse, spec, source, mode=mode)
        info = warehouse.dataset(spec.name)
    dataset.rows, dataset.unit = info.rows, info.unit
    dataset.columns = info.schema.to_dict()
    span = info.to_dict()["time_range"]
    dataset.first_time, dataset.last_time = (
        (datetime.fromisoformat(span[0]), datetime.fromisoformat(span[1])) if span else (None, None)
    )
    session.flush()
    record(
        session,
        principal,
        f"dataset.{'create' if existing is None else mode.value}",
        organisation_id=dataset.owner_org_id,
        object_type=Dataset.shared_type,
        object_id=dataset.id,
        details={
            "city": city.slug,
            "name": dataset.name,
            "file": loaded.source,
            "source": source.kind,
            "rows": result.stored.rows,
            "partitions": list(result.stored.partitions),
        },
    )
    return ImportedDataset(dataset, result, created=existing is None)


def _with_defaults(fields: DatasetFields, existing: Dataset) -> DatasetFields:
    """`fields` with what the upload leaves blank taken from the stored data set."""
    return replace(
        fields,
        title=fields.title or existing.title,
        time_column=fields.time_column or existing.time_column,
        value_column=fields.value_column or existing.value_column,
        unit=fields.unit or existing.unit,
        timezone=fields.timezone if fields.timezone != "UTC" else existing.timezone,
        dimensions=fields.dimensions or tuple(existing.dimensions or ()),
        label_column=fields.label_column or existing.label_column,
    )


def _describe(
    dataset: Dataset,
    fields: DatasetFields,
    spec: DatasetSpec,
    kind: DatasetKind,
    loaded: LoadedFile,
    mode: Mode,
) -> None:
    """Fill the registry row's description of the data set from the upload."""
    dataset.kind = kind
    dataset.title = spec.title or fields.name
    if fields.description or dataset.description is None:
        dataset.description = spec.description
    dataset.time_column, dataset.value_column = spec.time_column, spec.value_column
    dataset.dimensions = list(spec.dimensions)
    dataset.timezone = spec.timezone
    dataset.label_column = fields.label_column or None
    dataset.source_file = loaded.source[:300]
    if fields.sources:
        dataset.sources = [dict(s) for s in fields.sources]
    elif dataset.sources is None:
        dataset.sources = []
    if kind is DatasetKind.MAP:
        dataset.geojson = loaded.geojson
    dataset.rows = len(loaded.frame)  # the warehouse's count replaces it once stored
    dataset.updated_at = utcnow()


def commit_import(session: Session, hub: HubWarehouse, done: ImportedDataset) -> None:
    """Commit the upload `done`; if the commit fails, a data set it created is removed from
    the warehouse again (an append or replace cannot be undone there: the error is raised)."""
    try:
        session.commit()
    except BaseException:
        session.rollback()
        if done.created:
            with hub.use() as warehouse:
                warehouse.delete(done.dataset.warehouse_name)
        raise
