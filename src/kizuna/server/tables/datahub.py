"""The data hub's registry: one `Dataset` row per warehouse data set the platform knows.

The warehouse (`kizuna.datahub.Warehouse`: DuckDB and Parquet files in a folder) stores the
rows and their lineage but knows nothing of organisations. Each of its data sets that the
platform serves has a row here, a shared object like a city or an inventory: an owner
organisation, a visibility and a licence, the city it belongs to, and what the pages and
the public API show without opening the warehouse (title, kind, unit, time and value
columns, row count and time range). Every read of a data set's rows goes through this row
first (`kizuna.server.tenancy.datahub`), so the visibility rule of the platform holds for
the warehouse too.

A map data set (a GeoJSON FeatureCollection of districts) keeps the original collection in
`geojson`: the warehouse stores one row per feature, with the geometry as text, and the
district map is drawn from the kept collection.

A `HubPipeline` is a city's pipeline (`kizuna.datahub.pipeline_file`): the file as written
and as validated, and what its last run did. Its outputs are data sets of the city named
``<pipeline>-<output>`` (warehouse ``<city slug>.<pipeline>.<output>``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Connection,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, declared_attr, mapped_column, relationship

from kizuna.server.tables.base import Base, JSONDict, JSONList, StrList, str_enum, utcnow
from kizuna.server.tables.places import City, SharedObject, licence_check
from kizuna.server.tables.sharing import Share


class DatasetKind(StrEnum):
    """What a registered data set is."""

    TIME_SERIES = "time_series"  # readings with a time column (meters, sensors, counts)
    MAP = "map"  # a GeoJSON FeatureCollection of districts with values
    TABLE = "table"  # any other table (buildings, districts without geometry)


class CityObject(SharedObject):
    """What a data set and a pipeline share: a city they belong to (and are deleted with),
    a name unique within it, and when they were made and last changed."""

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[CheckConstraint | UniqueConstraint, ...]:
        return (licence_check(), UniqueConstraint("city_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    @classmethod
    def city(cls) -> Mapped[City]:
        return relationship(City)

    def parents(self) -> tuple[SharedObject, ...]:
        return (self.city,)


class Dataset(CityObject, Base):
    """A warehouse data set of a city, with its owner, visibility and licence.

    `name` is the data set's name within its city (lower-case letters, digits and hyphens);
    `warehouse_name` its name in the warehouse (``<city slug>.<name>``, unique). The
    public id of a data set in the city's catalogue is ``warehouse-<name>``.
    """

    __tablename__ = "datahub_dataset"
    shared_type = "dataset"

    warehouse_name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[DatasetKind] = mapped_column(str_enum(DatasetKind, "kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    #: The unit of `value_column` (a pint unit such as ``kWh``), when known.
    unit: Mapped[str | None] = mapped_column(String(64))
    time_column: Mapped[str | None] = mapped_column(String(200))
    value_column: Mapped[str | None] = mapped_column(String(200))
    #: Columns that split the series (``building_type``), drawn as one line each.
    dimensions: Mapped[StrList] = mapped_column(default=list)
    #: IANA time zone in which months are counted (``Asia/Tokyo``).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: The property naming each district on a map (``name``).
    label_column: Mapped[str | None] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(300))
    #: `kizuna.datahub.TableSchema.to_dict()`: columns, types, units, blanks, examples.
    columns: Mapped[JSONDict] = mapped_column(default=dict)
    #: Publications the figures come from: ``[{title, publisher, year, url}]``.
    sources: Mapped[JSONList] = mapped_column(default=list)
    rows: Mapped[int] = mapped_column(default=0)
    first_time: Mapped[datetime | None]
    last_time: Mapped[datetime | None]
    #: The FeatureCollection of a map data set, as uploaded (deferred: lists do not read it).
    geojson: Mapped[JSONDict | None] = mapped_column(deferred=True)

    @property
    def public_id(self) -> str:
        """The data set's id in the city's catalogue and the public API."""
        return f"warehouse-{self.name}"

    @property
    def page(self) -> str:
        """The address of the data set's page."""
        return f"/cities/{self.city.slug}/data/{self.public_id}"

    def describe(self) -> tuple[str, str]:
        return f"{self.city.name}: {self.title}", self.page


class HubPipeline(CityObject, Base):
    """A pipeline of a city: raw series aggregated into activity data and indicator series.

    `definition` is the pipeline file as its author wrote it (YAML or JSON), `spec` the
    validated mapping; `last_run` what the last run did (`kizuna.datahub.RunResult.to_dict`,
    with ``ran_at`` and ``ran_by``).
    """

    __tablename__ = "datahub_pipeline"
    shared_type = "pipeline"

    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    spec: Mapped[JSONDict] = mapped_column(default=dict)
    last_run: Mapped[JSONDict | None]
    last_run_at: Mapped[datetime | None]

    @property
    def page(self) -> str:
        """The address of the pipeline's page."""
        return f"/cities/{self.city.slug}/data/pipelines/{self.name}"

    @property
    def warehouse_prefix(self) -> str:
        """The warehouse names of its monthly table and outputs start with this."""
        return f"{self.city.slug}.{self.name}."

    def describe(self) -> tuple[str, str]:
        return f"{self.city.name}: {self.title}", self.page


@event.listens_for(City, "before_delete")
def _forget_dataset_shares(_mapper: Mapper[Any], connection: Connection, city: City) -> None:
    """A city's data sets and pipelines go with it (ON DELETE CASCADE); their shares go
    first, so that no share outlives its object (and applies to a later row with its id)."""
    for model in (Dataset, HubPipeline):
        owned = select(model.id).where(model.city_id == city.id)
        connection.execute(
            delete(Share).where(Share.object_type == model.shared_type, Share.object_id.in_(owned))
        )
