"""The data hub in the platform: who reads and changes which warehouse data set.

The warehouse (`kizuna.datahub.Warehouse`) has no tenancy: it is a folder of Parquet files
with a DuckDB catalogue. Each data set the platform serves has a row in the registry
(`kizuna.server.tables.datahub.Dataset`), a shared object with an owner organisation, a
visibility and a licence, and every read goes through that row first: `list_datasets`
and `get_dataset` filter by the visibility rule (`visible`, for the data set and for its
city), and the functions that read rows, lineage or charts take a `Dataset` found that
way. Changes need an editor of the owner (an admin to make a data set visible beyond the
organisation) and write an audit entry in the same transaction.

Uploads (preview, then import, all or nothing) are in
`kizuna.server.tenancy.datahub_uploads`; what is public (catalogues, the public API,
NGSI-LD and Open SDG exports) in `kizuna.server.tenancy.datahub_public`.

**One writer.** DuckDB lets one process at a time open a database file (and this
warehouse opens it read-write even to read). `HubWarehouse.use` holds a lock while the
warehouse is used: a thread lock within the process and an exclusive ``flock`` on
``<warehouse>/.lock`` across processes (several uvicorn workers), so uses never overlap.
Another program holding the file (``kizuna data import`` on the same folder) makes the
server answer 503 `WarehouseBusy` until it is done.

The warehouse folder: ``Settings.datahub_dir`` (``KIZUNA_DATAHUB_DIR``), else ``datahub``
beside the SQLite database file (``~/.local/share/kizuna/datahub`` for the default
database, the folder ``kizuna data`` uses too), else ``datahub`` in the user data folder
(`warehouse_dir`).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from kizuna.datahub import Warehouse
from kizuna.datahub.lineage import downstream, upstream
from kizuna.datahub.publish import Download
from kizuna.datahub.publish.public_api import records
from kizuna.datahub.publish.tables import csv_bytes, parquet_bytes
from kizuna.datahub.warehouse import DB_FILE
from kizuna.errors import InputError, KizunaError, Location, NotFound
from kizuna.server.tables import City, utcnow
from kizuna.server.tables.datahub import Dataset, DatasetKind
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.permissions import require_change
from kizuna.server.tenancy.principals import Principal
from kizuna.server.tenancy.visibility import visible

try:  # POSIX: a lock other processes see; elsewhere the thread lock alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The warehouse folder's name beside the SQLite database file.
WAREHOUSE_FOLDER = "datahub"
#: A data set's name within its city.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class WarehouseBusy(KizunaError):
    """Another program holds the warehouse file (HTTP 503)."""

    code = "warehouse_busy"
    http_status = 503


# --- where the warehouse is, and using it one at a time ---------------------------------------


def warehouse_dir(configured: str | Path | None, database_url: str) -> Path:
    """The warehouse folder: `configured` if given, else ``datahub`` beside the SQLite file of
    `database_url`, else ``datahub`` in the user data folder (PostgreSQL, in-memory SQLite)."""
    if configured:
        return Path(configured).expanduser().resolve()
    from sqlalchemy import make_url

    from kizuna.server.settings import default_data_dir

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(str(url.database)).expanduser().resolve().parent / WAREHOUSE_FOLDER
    return default_data_dir() / WAREHOUSE_FOLDER


@dataclass
class HubWarehouse:
    """A warehouse folder and the lock its users take (`use`)."""

    root: Path
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _depth: int = field(default=0, repr=False)

    @contextmanager
    def use(self) -> Iterator[Warehouse]:
        """The warehouse, used by this thread alone and by no other process meanwhile."""
        with self._lock:
            self._depth += 1
            handle = None
            try:
                if self._depth == 1 and fcntl is not None:
                    self.root.mkdir(parents=True, exist_ok=True)
                    handle = (self.root / ".lock").open("a")
                    fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield Warehouse(self.root)
                except duckdb.IOException as exc:
                    raise WarehouseBusy(
                        f"The data hub's warehouse is in use by another program ({exc})",
                        hint="try again in a moment; stop 'kizuna data' commands that use the "
                        "server's warehouse folder",
                    ) from None
            finally:
                if handle is not None:
                    handle.close()  # releases the flock
                self._depth -= 1


_HUBS: dict[Path, HubWarehouse] = {}
_HUBS_LOCK = threading.Lock()


def hub_at(root: str | Path) -> HubWarehouse:
    """The one `HubWarehouse` of this process for the folder `root`."""
    path = Path(root).expanduser().resolve()
    with _HUBS_LOCK:
        return _HUBS.setdefault(path, HubWarehouse(path))


def hub_for(datahub_dir: str | Path | None, database_url: str) -> HubWarehouse:
    """The warehouse of a platform (`warehouse_dir` of its settings)."""
    return hub_at(warehouse_dir(datahub_dir, database_url))


def hub_for_session(session: Session) -> HubWarehouse:
    """The warehouse of the database `session` is bound to: ``session.info["datahub_dir"]``
    (``kizuna demo`` sets it from its settings), else ``KIZUNA_DATAHUB_DIR``, else beside
    the SQLite file (the rule the server follows, so a seeded demo shows what it seeded)."""
    configured = session.info.get("datahub_dir") or os.environ.get("KIZUNA_DATAHUB_DIR")
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    return hub_for(configured, url)


# --- reading ---------------------------------------------------------------------------------


def _readable(principal: Principal) -> Select[tuple[Dataset]]:
    """Data sets `principal` may read, whose city it may read too."""
    stmt = select(Dataset).join(Dataset.city).options(selectinload(Dataset.city))
    stmt = stmt.options(selectinload(Dataset.owner))
    return visible(visible(stmt, Dataset, principal), City, principal)


def _filters(stmt: Select[Any], city: City | None, kind: DatasetKind | str | None) -> Select[Any]:
    if city is not None:
        stmt = stmt.where(Dataset.city_id == city.id)
    if kind:
        stmt = stmt.where(Dataset.kind == DatasetKind(kind))
    return stmt


def list_datasets(
    session: Session,
    principal: Principal,
    *,
    city: City | None = None,
    kind: DatasetKind | str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Dataset]:
    """The data sets `principal` may read (of `city`, of `kind`), by city and title."""
    stmt = _filters(_readable(principal), city, kind).order_by(City.name, Dataset.title, Dataset.id)
    return session.scalars(stmt.limit(limit).offset(offset)).all()


def count_datasets(
    session: Session,
    principal: Principal,
    *,
    city: City | None = None,
    kind: DatasetKind | str | None = None,
) -> int:
    """How many data sets `list_datasets` lists with the same filters."""
    stmt = select(func.count(Dataset.id)).join(Dataset.city)
    stmt = visible(visible(stmt, Dataset, principal), City, principal)
    return int(session.scalar(_filters(stmt, city, kind)) or 0)


def get_dataset(session: Session, principal: Principal, city: City, name: str) -> Dataset:
    """The data set `name` of `city` (or its public id ``warehouse-<name>``); `NotFound`
    when it is hidden from `principal` or unknown (the same answer)."""
    name = name.removeprefix("warehouse-")
    stmt = _readable(principal).where(Dataset.city_id == city.id, Dataset.name == name)
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise NotFound(
            f"{city.name} has no data set {name!r}",
            where=Location(field="dataset"),
            hint=f"see /cities/{city.slug}/data for the city's data sets you may read",
        )
    return found


# --- changing and deleting -------------------------------------------------------------------

EDITABLE = ("title", "description", "unit", "sources")


def update_dataset(
    session: Session, principal: Principal, dataset: Dataset, **changes: Any
) -> Dataset:
    """Change the title, description, unit or sources of `dataset` (its editors)."""
    require_change(session, principal, dataset, action="change the data set")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(
            f"Unknown data set fields: {', '.join(sorted(unknown))}",
            where=[Location(field=name) for name in sorted(unknown)],
            hint=f"give only {', '.join(EDITABLE)}",
        )
    for name, value in changes.items():
        setattr(dataset, name, value)
    dataset.updated_at = utcnow()
    session.flush()
    record(
        session,
        principal,
        "dataset.update",
        organisation_id=dataset.owner_org_id,
        object_type=Dataset.shared_type,
        object_id=dataset.id,
        details={"fields": sorted(changes)},
    )
    return dataset


def drop_from_warehouse(hub: HubWarehouse, warehouse_name: str) -> None:
    """Remove a data set's rows from the warehouse, after its registry row was deleted
    (`kizuna.server.tenancy.delete_object`) and committed."""
    with hub.use() as warehouse:
        warehouse.delete(warehouse_name)


def forget_city(hub: HubWarehouse, slug: str) -> list[str]:
    """Remove from the warehouse every data set of the city `slug` (``<slug>.*``: uploads,
    imports, pipeline tables) and its pipelines' state, once the city's deletion is
    committed (its registry rows went with it, ON DELETE CASCADE). Returns the names
    removed; a warehouse never made is left unmade."""
    if not (hub.root / DB_FILE).exists():
        return []
    prefix = f"{slug}."
    with hub.use() as warehouse:
        names = [d.name for d in warehouse.datasets() if d.name.startswith(prefix)]
        for name in names:
            warehouse.delete(name)
        warehouse.forget_state(prefix, prefix=True)
    return names


# --- the rows, lineage and charts of a data set found above ---------------------------------


def dataset_rows(hub: HubWarehouse, dataset: Dataset, *, limit: int, offset: int = 0) -> Any:
    """`limit` rows of `dataset` from `offset` (a DataFrame, without the ``_month`` column)."""
    with hub.use() as warehouse:
        frame = warehouse.read(dataset.warehouse_name, limit=limit, offset=offset)
    return frame.drop(columns=["_month"], errors="ignore")


def dataset_table(hub: HubWarehouse, dataset: Dataset) -> Any:
    """Every row of `dataset` (a DataFrame, without the ``_month`` column)."""
    with hub.use() as warehouse:
        frame = warehouse.read(dataset.warehouse_name)
    return frame.drop(columns=["_month"], errors="ignore")


def dataset_lineage(hub: HubWarehouse, dataset: Dataset) -> dict[str, Any]:
    """Where `dataset` came from (its lineage records, newest first, then those of its
    inputs) and what was derived from it (warehouse names)."""
    with hub.use() as warehouse:
        every = warehouse.lineage()  # one read for both directions
    name = dataset.warehouse_name
    return {
        "records": [r.to_dict() for r in upstream(every, name)],
        "derived": downstream(every, name),
    }


#: The download formats of every data set; a map also has ``geojson`` (its districts).
FORMATS = ("csv", "parquet", "json")
MEDIA_TYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def download_formats(dataset: Dataset) -> tuple[str, ...]:
    """The formats `dataset` downloads in."""
    return (*FORMATS, "geojson") if dataset.kind is DatasetKind.MAP else FORMATS


def download_dataset(hub: HubWarehouse, dataset: Dataset, fmt: str) -> Download:
    """`dataset` as CSV, Parquet, JSON rows or (a map) its GeoJSON FeatureCollection."""
    if fmt not in download_formats(dataset):
        raise NotFound(
            f"{dataset.title} has no {fmt} download",
            where=Location(field="format"),
            hint=f"its formats: {', '.join(download_formats(dataset))}",
        )
    name = f"{dataset.city.slug}-{dataset.name}.{fmt}"
    if fmt == "geojson":
        text = json.dumps(dataset.geojson or {}, ensure_ascii=False)
        return Download(text.encode("utf-8"), MEDIA_TYPES[fmt], name)
    frame = dataset_table(hub, dataset)
    if fmt == "csv":
        return Download(csv_bytes(frame), MEDIA_TYPES[fmt], name)
    if fmt == "parquet":
        return Download(parquet_bytes(frame), MEDIA_TYPES[fmt], name)
    body = json.dumps(records(frame), ensure_ascii=False).encode("utf-8")
    return Download(body, MEDIA_TYPES[fmt], name)


#: Rows a time-series chart draws as they are; above, it draws daily sums.
CHART_POINTS = 5000


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def series_frame(hub: HubWarehouse, dataset: Dataset, table: Any | None = None) -> tuple[Any, bool]:
    """The rows a time-series chart of `dataset` draws, and whether they are daily sums.

    Up to `CHART_POINTS` rows: time, value and the first dimension as stored. Above: one
    row per day (in the data set's time zone) and dimension value, the sum of the values
    of that day, computed by DuckDB over the data set's Parquet files. `table`, the rows
    already read by the caller, saves reading them again.
    """
    time, value = dataset.time_column, dataset.value_column
    if not time or not value:
        raise InputError(
            f"{dataset.title} is not a time series with values",
            where=Location(field="value_column"),
            hint="import it with a time column and a value column",
        )
    group = (dataset.dimensions or [None])[0]
    columns = [c for c in (time, value, group) if c]
    if dataset.rows <= CHART_POINTS:
        rows = table if table is not None else dataset_table(hub, dataset)
        return rows[columns], False
    keys = ", ".join(_quoted(c) for c in columns[2:])
    select_group = f", {keys}" if keys else ""
    sql = (
        f"SELECT time_bucket(INTERVAL 1 day, {_quoted(time)}, ?) AS {_quoted(time)}{select_group}, "
        f"sum({_quoted(value)}) AS {_quoted(value)} "
        "FROM read_parquet(?, union_by_name = true) GROUP BY ALL ORDER BY 1"
    )
    with hub.use() as warehouse:
        files = [str(f) for f in warehouse.files(dataset.warehouse_name)]
        con = duckdb.connect()
        try:  # days of the data set's time zone (time_bucket's third argument)
            frame = con.execute(sql, [dataset.timezone, files]).df()
        finally:
            con.close()
    return frame, True
