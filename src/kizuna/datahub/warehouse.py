"""The embedded warehouse: Parquet files for the rows, a DuckDB file for what they are.

Layout under the warehouse folder (default `default_warehouse_dir`)::

    warehouse.duckdb                        data sets, partitions, lineage, pipeline state
    datasets/<name>/_month=2024-01/part-<id>.parquet    one file per import and month
    _staging/<id>/                          files of an import not yet committed

An import is one transaction: the rows are checked first, written to ``_staging``, the
catalogue rows are inserted in one DuckDB transaction, and the files are moved into
place before it commits. Any error rolls the transaction back and removes the staged and
moved files, so a failed import leaves nothing behind. Appending adds files to the months
it touches; each month's *fingerprint* (a hash of its files and row counts) then changes,
and only those months, which is what incremental pipelines recompute.

DuckDB allows one writing process at a time per file; every method opens and closes
its own connection.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import platformdirs
import pyarrow as pa
import pyarrow.parquet as pq

from kizuna.datahub.datasets import ALL, MONTH, DatasetSpec, Mode, SourceInfo, storable
from kizuna.datahub.lineage import LineageRecord, downstream, upstream
from kizuna.datahub.schema import TableSchema
from kizuna.errors import InputError, Location, NotFound

DB_FILE = "warehouse.duckdb"

_TABLES = """
CREATE TABLE IF NOT EXISTS datasets (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, spec TEXT NOT NULL, schema TEXT NOT NULL,
    unit TEXT, source TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS partitions (
    dataset TEXT NOT NULL, partition TEXT NOT NULL, file TEXT NOT NULL, rows BIGINT NOT NULL,
    min_time TEXT, max_time TEXT, written_at TEXT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS lineage_ids;
CREATE TABLE IF NOT EXISTS lineage (
    id BIGINT PRIMARY KEY, object TEXT NOT NULL, object_kind TEXT NOT NULL, inputs TEXT NOT NULL,
    source TEXT, retrieved_at TEXT, transformation TEXT NOT NULL, details TEXT NOT NULL,
    recorded_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pipeline_state (
    pipeline TEXT NOT NULL, step TEXT NOT NULL, partition TEXT NOT NULL,
    fingerprint TEXT NOT NULL, computed_at TEXT NOT NULL);
"""


def default_warehouse_dir() -> Path:
    """``KIZUNA_DATAHUB_DIR`` if set, else ``datahub`` in Kizuna's per-user data folder
    (``~/.local/share/kizuna/datahub`` on Linux, the folder the platform database uses)."""
    env = os.environ.get("KIZUNA_DATAHUB_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("kizuna", appauthor=False)) / "datahub"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class PartitionInfo:
    """One month (or ``all``) of a data set: rows, files, time range."""

    partition: str
    rows: int
    files: int
    min_time: str | None
    max_time: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "rows": self.rows,
            "files": self.files,
            "min_time": self.min_time,
            "max_time": self.max_time,
        }


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """A stored data set as the catalogue shows it."""

    spec: DatasetSpec
    kind: str  # "dataset" (imported) or "output" (made by a pipeline)
    schema: TableSchema
    unit: str | None
    source: dict[str, Any] | None
    created_at: str
    updated_at: str
    partitions: tuple[PartitionInfo, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)

    def to_dict(self) -> dict[str, Any]:
        times = [p.min_time for p in self.partitions if p.min_time]
        ends = [p.max_time for p in self.partitions if p.max_time]
        return {
            "name": self.name,
            "title": self.spec.title or self.name,
            "kind": self.kind,
            "spec": self.spec.to_dict(),
            "unit": self.unit,
            "schema": self.schema.to_dict(),
            "rows": self.rows,
            "time_range": [min(times), max(ends)] if times and ends else None,
            "partitions": [p.to_dict() for p in self.partitions],
            "source": self.source,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What one import or pipeline write stored."""

    dataset: str
    mode: str
    rows: int
    partitions: tuple[str, ...]
    lineage_id: int
    dropped: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "mode": self.mode,
            "rows": self.rows,
            "partitions": list(self.partitions),
            "dropped": list(self.dropped),
            "lineage_id": self.lineage_id,
        }


@dataclass
class Warehouse:
    """A warehouse folder (created when first written)."""

    root: Path = field(default_factory=default_warehouse_dir)

    def __post_init__(self) -> None:
        self.root = Path(self.root).expanduser()

    @property
    def db_path(self) -> Path:
        return self.root / DB_FILE

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to the catalogue (tables created on first use)."""
        if read_only and not self.db_path.exists():
            con = duckdb.connect()
            con.execute(_TABLES)
        else:
            self.root.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(self.db_path))
            con.execute(_TABLES)
        try:
            yield con
        finally:
            con.close()

    # --- reading ---------------------------------------------------------------------------

    def datasets(self) -> list[DatasetInfo]:
        """Every stored data set, by name."""
        with self.connect(read_only=True) as con:
            rows = con.execute("SELECT * FROM datasets ORDER BY name").fetchall()
            return [self._info(con, r) for r in rows]

    def has(self, name: str) -> bool:
        with self.connect(read_only=True) as con:
            return bool(con.execute("SELECT 1 FROM datasets WHERE name = ?", [name]).fetchone())

    def dataset(self, name: str) -> DatasetInfo:
        """The data set `name`; `NotFound` naming the stored ones if there is none."""
        with self.connect(read_only=True) as con:
            row = con.execute("SELECT * FROM datasets WHERE name = ?", [name]).fetchone()
            if row is None:
                names = [r[0] for r in con.execute("SELECT name FROM datasets").fetchall()]
                raise NotFound(
                    f"no data set {name!r} in the warehouse at {self.root}",
                    where=Location(field="dataset"),
                    hint=f"import it first (kizuna data import); stored: {', '.join(names)}"
                    if names
                    else "import it first with kizuna data import",
                )
            return self._info(con, row)

    def _info(self, con: duckdb.DuckDBPyConnection, row: tuple[Any, ...]) -> DatasetInfo:
        name, kind, spec, schema, unit, source, created, updated = row
        parts = con.execute(
            "SELECT partition, sum(rows), count(*), min(min_time), max(max_time) FROM partitions "
            "WHERE dataset = ? GROUP BY partition ORDER BY partition",
            [name],
        ).fetchall()
        return DatasetInfo(
            DatasetSpec.from_dict(json.loads(spec)),
            kind,
            TableSchema.from_dict(json.loads(schema)),
            unit,
            json.loads(source) if source else None,
            created,
            updated,
            tuple(PartitionInfo(p, int(r), int(f), lo, hi) for p, r, f, lo, hi in parts),
        )

    def files(self, name: str, partitions: Iterable[str] | None = None) -> list[Path]:
        """The Parquet files of `name` (all, or those of `partitions`), in partition order."""
        wanted = None if partitions is None else set(partitions)
        with self.connect(read_only=True) as con:
            rows = con.execute(
                "SELECT partition, file FROM partitions WHERE dataset = ? ORDER BY partition, file",
                [name],
            ).fetchall()
        return [self.root / f for p, f in rows if wanted is None or p in wanted]

    def fingerprints(self, name: str) -> dict[str, str]:
        """Partition -> a hash of its files and row counts (changes when rows are added)."""
        with self.connect(read_only=True) as con:
            rows = con.execute(
                "SELECT partition, file, rows FROM partitions WHERE dataset = ? "
                "ORDER BY partition, file",
                [name],
            ).fetchall()
        digests: dict[str, Any] = {}
        for partition, file, count in rows:
            digests.setdefault(partition, hashlib.sha256()).update(f"{file}:{count};".encode())
        return {p: d.hexdigest()[:16] for p, d in digests.items()}

    def read(
        self,
        name: str,
        partitions: Iterable[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """The rows of `name` (all, or of `partitions`) as a DataFrame, via DuckDB; `limit`
        rows from `offset` when given (files in partition order and rows in file order:
        DuckDB keeps the order of the scan, so pages do not overlap)."""
        info = self.dataset(name)
        files = self.files(name, partitions)
        if not files:
            return pd.DataFrame(columns=[*info.schema.names, MONTH])
        sql = "SELECT * FROM read_parquet(?, union_by_name = true)"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f" OFFSET {int(offset)}"
        with self.connect(read_only=True) as con:
            return con.execute(sql, [[str(f) for f in files]]).df()

    def lineage(self, name: str | None = None) -> list[LineageRecord]:
        """Every lineage record, or those of `name` and everything it was derived from."""
        with self.connect(read_only=True) as con:
            rows = con.execute("SELECT * FROM lineage ORDER BY id").fetchall()
        records = [
            LineageRecord(
                object=obj,
                object_kind=kind,
                inputs=tuple(json.loads(inputs)),
                source=source,
                retrieved_at=retrieved,
                transformation=transformation,
                details=json.loads(details),
                recorded_at=recorded,
                id=int(id_),
            )
            for id_, obj, kind, inputs, source, retrieved, transformation, details, recorded in rows
        ]
        return records if name is None else upstream(records, name)

    def derived_from(self, name: str) -> list[str]:
        """Names of the objects derived, directly or not, from `name`."""
        return downstream(self.lineage(), name)

    # --- writing ---------------------------------------------------------------------------

    def store(
        self,
        frame: pd.DataFrame,
        spec: DatasetSpec,
        source: SourceInfo,
        *,
        schema: TableSchema,
        unit: str | None = None,
        mode: Mode = Mode.create,
        transformation: str | None = None,
        inputs: tuple[str, ...] = (),
        kind: str = "dataset",
        replace_partitions: Iterable[str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> StoreResult:
        """Store `frame` (rows checked by `prepare_rows`, with ``_month``) as data set `spec.name`.

        `mode` says how to meet an existing data set (`Mode`). `replace_partitions`, for
        pipeline outputs, drops those partitions first and keeps the others. One
        transaction: on any error nothing is stored and no file is left behind.
        """
        if MONTH not in frame.columns:
            raise ValueError(f"rows to store need the {MONTH} column (see prepare_rows)")
        exists = self.has(spec.name)
        if mode is Mode.create and exists:
            raise InputError(
                f"the data set {spec.name!r} already exists",
                where=Location(field="name"),
                hint="choose another --name, or --mode append / replace",
            )
        if mode is Mode.append and exists:
            self._check_columns(spec.name, schema)
        txid = uuid.uuid4().hex[:12]
        staging = self.root / "_staging" / txid
        staged = _stage(storable(frame), staging, spec.time_column, txid)
        drop: set[str] = set()
        if mode is Mode.replace:
            drop = {"*"}
        elif replace_partitions is not None:
            drop = set(replace_partitions)
        moved: list[Path] = []
        obsolete: list[Path] = []
        stamp = now_iso()
        try:
            with self.connect() as con:
                con.begin()
                try:
                    obsolete = self._drop(con, spec.name, drop)
                    self._upsert_dataset(con, spec, schema, unit, source, kind, stamp, exists)
                    for partition, (path, rows, lo, hi) in staged.items():
                        final = self._partition_dir(spec.name, partition) / path.name
                        con.execute(
                            "INSERT INTO partitions VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [
                                spec.name,
                                partition,
                                str(final.relative_to(self.root)),
                                rows,
                                lo,
                                hi,
                                stamp,
                            ],
                        )
                    lineage_id = self._record(
                        con,
                        LineageRecord(
                            object=spec.name,
                            object_kind=kind,
                            transformation=transformation or f"import {source.kind} ({mode})",
                            inputs=inputs,
                            source=source.source,
                            retrieved_at=source.retrieved_at.isoformat(),
                            details={
                                "rows": len(frame),
                                "partitions": sorted(staged),
                                "mode": str(mode),
                                **source.details,
                                **(details or {}),
                            },
                        ),
                        stamp,
                    )
                    for partition, (path, *_rest) in staged.items():
                        final = self._partition_dir(spec.name, partition) / path.name
                        final.parent.mkdir(parents=True, exist_ok=True)
                        os.replace(path, final)
                        moved.append(final)
                    con.commit()
                except BaseException:
                    con.rollback()
                    raise
        except BaseException:
            for path in moved:
                path.unlink(missing_ok=True)
            self._prune_dirs(spec.name)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with suppress(OSError):
                (self.root / "_staging").rmdir()
        for path in obsolete:
            path.unlink(missing_ok=True)
        self._prune_dirs(spec.name)
        dropped = () if drop == {"*"} else tuple(sorted(drop - set(staged)))
        return StoreResult(
            spec.name, str(mode), len(frame), tuple(sorted(staged)), lineage_id, dropped
        )

    def delete(self, name: str) -> bool:
        """Remove the data set `name`: its rows, files, catalogue row and lineage records (what
        was derived from it keeps its own records). False when there was no such data set."""
        with self.connect() as con:
            con.begin()
            found = con.execute("SELECT 1 FROM datasets WHERE name = ?", [name]).fetchone()
            obsolete = self._drop(con, name, {"*"})
            con.execute("DELETE FROM datasets WHERE name = ?", [name])
            con.execute("DELETE FROM lineage WHERE object = ?", [name])
            con.commit()
        for path in obsolete:
            path.unlink(missing_ok=True)
        self._prune_dirs(name)
        return found is not None

    def drop_partitions(self, name: str, partitions: Iterable[str]) -> None:
        """Remove `partitions` of `name` (a pipeline output whose inputs went away)."""
        wanted = set(partitions)
        if not wanted:
            return
        with self.connect() as con:
            con.begin()
            obsolete = self._drop(con, name, wanted)
            con.commit()
        for path in obsolete:
            path.unlink(missing_ok=True)
        self._prune_dirs(name)

    def _check_columns(self, name: str, schema: TableSchema) -> None:
        stored = self.dataset(name).schema
        missing = [c for c in stored.names if c not in schema.names]
        extra = [c for c in schema.names if c not in stored.names]
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(repr(c) for c in missing))
            if extra:
                parts.append("new " + ", ".join(repr(c) for c in extra))
            raise InputError(
                f"the rows do not match the columns of {name!r}: {'; '.join(parts)}",
                where=Location(field="columns"),
                hint=f"give the columns {', '.join(stored.names)}, or --mode replace",
            )
        for column in schema.columns:
            before = stored[column.name].type
            if "empty" not in (before, column.type) and before != column.type:
                numeric = {"integer", "number"}
                if {before, column.type} <= numeric:
                    continue
                raise InputError(
                    f"column {column.name!r} holds {column.type}s but {name!r} stores {before}s",
                    where=Location(column=column.name),
                    hint="fix the cells of that column",
                )

    def _drop(self, con: duckdb.DuckDBPyConnection, name: str, partitions: set[str]) -> list[Path]:
        if not partitions:
            return []
        if partitions == {"*"}:
            rows = con.execute("SELECT file FROM partitions WHERE dataset = ?", [name]).fetchall()
            con.execute("DELETE FROM partitions WHERE dataset = ?", [name])
        else:
            wanted = sorted(partitions)
            rows = con.execute(
                "SELECT file FROM partitions WHERE dataset = ? AND list_contains(?, partition)",
                [name, wanted],
            ).fetchall()
            con.execute(
                "DELETE FROM partitions WHERE dataset = ? AND list_contains(?, partition)",
                [name, wanted],
            )
        return [self.root / f for (f,) in rows]

    def _upsert_dataset(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: DatasetSpec,
        schema: TableSchema,
        unit: str | None,
        source: SourceInfo,
        kind: str,
        stamp: str,
        exists: bool,
    ) -> None:
        values = [
            kind,
            json.dumps(spec.to_dict()),
            json.dumps(schema.to_dict()),
            unit,
            json.dumps(source.to_dict(), default=str),
        ]
        if exists:
            con.execute(
                "UPDATE datasets SET kind = ?, spec = ?, schema = ?, unit = ?, source = ?, "
                "updated_at = ? WHERE name = ?",
                [*values, stamp, spec.name],
            )
        else:
            con.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [spec.name, *values, stamp, stamp],
            )

    def _record(self, con: duckdb.DuckDBPyConnection, record: LineageRecord, stamp: str) -> int:
        (lineage_id,) = con.execute("SELECT nextval('lineage_ids')").fetchone()  # type: ignore[misc]
        con.execute(
            "INSERT INTO lineage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                lineage_id,
                record.object,
                record.object_kind,
                json.dumps(list(record.inputs)),
                record.source,
                record.retrieved_at,
                record.transformation,
                json.dumps(record.details, default=str),
                stamp,
            ],
        )
        return int(lineage_id)

    def record_lineage(self, record: LineageRecord) -> int:
        """Add one lineage record (for an output written outside the warehouse, a CSV file)."""
        with self.connect() as con:
            return self._record(con, record, now_iso())

    def _partition_dir(self, name: str, partition: str) -> Path:
        return self.root / "datasets" / name / f"{MONTH}={partition}"

    def _prune_dirs(self, name: str) -> None:
        base = self.root / "datasets" / name
        if not base.is_dir():
            return
        for folder in sorted(base.iterdir(), reverse=True):
            with suppress(OSError):
                folder.rmdir()
        with suppress(OSError):
            base.rmdir()

    # --- pipeline state --------------------------------------------------------------------

    def state(self, pipeline: str, step: str) -> dict[str, str]:
        """Partition -> input fingerprint when `step` of `pipeline` last computed it."""
        with self.connect(read_only=True) as con:
            rows = con.execute(
                "SELECT partition, fingerprint FROM pipeline_state WHERE pipeline = ? AND step = ?",
                [pipeline, step],
            ).fetchall()
        return dict(rows)

    def state_times(self, pipeline: str, step: str) -> dict[str, str]:
        """Partition -> when `step` of `pipeline` last computed it (ISO 8601 UTC)."""
        with self.connect(read_only=True) as con:
            rows = con.execute(
                "SELECT partition, computed_at FROM pipeline_state WHERE pipeline = ? AND step = ?",
                [pipeline, step],
            ).fetchall()
        return dict(rows)

    def set_state(
        self, pipeline: str, step: str, fingerprints: dict[str, str], removed: Iterable[str] = ()
    ) -> None:
        """Record that `step` computed these partitions from inputs with these fingerprints."""
        stamp = now_iso()
        gone = sorted({*fingerprints, *removed})
        with self.connect() as con:
            con.begin()
            con.execute(
                "DELETE FROM pipeline_state WHERE pipeline = ? AND step = ? "
                "AND list_contains(?, partition)",
                [pipeline, step, gone],
            )
            for partition, fingerprint in sorted(fingerprints.items()):
                con.execute(
                    "INSERT INTO pipeline_state VALUES (?, ?, ?, ?, ?)",
                    [pipeline, step, partition, fingerprint, stamp],
                )
            con.commit()

    def forget_state(self, pipeline: str, *, prefix: bool = False) -> None:
        """Forget what `pipeline` computed (every step), or with `prefix` what every
        pipeline whose name starts with `pipeline` computed: its next run starts afresh."""
        test = "starts_with(pipeline, ?)" if prefix else "pipeline = ?"
        with self.connect() as con:
            con.execute(f"DELETE FROM pipeline_state WHERE {test}", [pipeline])


def _stage(
    frame: pd.DataFrame, staging: Path, time_column: str | None, txid: str
) -> dict[str, tuple[Path, int, str | None, str | None]]:
    """Write one Parquet file per partition of `frame` into `staging`; partition -> (file,
    rows, first time, last time)."""
    staging.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, int, str | None, str | None]] = {}
    if frame.empty:
        return out
    for partition, rows in frame.groupby(MONTH, sort=True, dropna=False):
        key = str(partition) if not pd.isna(partition) else ALL
        path = staging / key / f"part-{txid}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(rows.reset_index(drop=True), preserve_index=False)
        pq.write_table(table, path)
        lo = hi = None
        if time_column and time_column in rows.columns and len(rows):
            lo = pd.Timestamp(rows[time_column].min()).isoformat()
            hi = pd.Timestamp(rows[time_column].max()).isoformat()
        out[key] = (path, len(rows), lo, hi)
    return out
