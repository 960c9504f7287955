"""Importing a file or a connector's table into the warehouse: read, check, store, record.

Every problem of the rows (mixed types, bad units, missing columns, blank times) is
raised at once as one `InputError` before anything is written; the write itself is one
transaction (`Warehouse.store`). A failed import therefore leaves the warehouse as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kizuna.datahub.datasets import DatasetSpec, Mode, SourceInfo, prepare_rows
from kizuna.datahub.files import LoadedFile, read_file
from kizuna.datahub.schema import TableSchema, infer_table, raise_problems
from kizuna.datahub.warehouse import StoreResult, Warehouse


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import stored: the write, the schema and unit of the rows, and their source."""

    stored: StoreResult
    schema: TableSchema
    unit: str | None
    source: SourceInfo

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.stored.to_dict(),
            "unit": self.unit,
            "schema": self.schema.to_dict(),
            "source": self.source.to_dict(),
        }


def import_file(
    path: str | Path,
    warehouse: Warehouse,
    spec: DatasetSpec,
    *,
    mode: Mode = Mode.create,
    fmt: str | None = None,
    max_bytes: int | None = None,
    encoding: str = "utf-8",
    sheet: str | None = None,
    source: SourceInfo | None = None,
) -> ImportResult:
    """Read `path` (CSV, Excel, Parquet, JSON, GeoJSON) and store it as `spec` in `warehouse`.

    `source` overrides the lineage source (a downloaded file keeps its URL). Raises
    `InputError` naming the file, rows, columns and fix for any problem; stores nothing then.
    """
    path = Path(path)
    loaded = read_file(path, fmt=fmt, max_bytes=max_bytes, encoding=encoding, sheet=sheet)
    origin = source or SourceInfo(str(path.resolve()), loaded.format)
    return import_loaded(loaded, warehouse, spec, origin, mode=mode)


def import_loaded(
    loaded: LoadedFile,
    warehouse: Warehouse,
    spec: DatasetSpec,
    source: SourceInfo,
    *,
    mode: Mode = Mode.create,
) -> ImportResult:
    """Store a file already read by `read_file` (so a caller that looked at it first, such
    as the platform's upload, does not read it twice); checks and raises as `import_file`."""
    raise_problems(loaded.source, loaded.problems)
    return _store(loaded.frame, loaded.schema, warehouse, spec, source, mode, loaded.source)


def import_frame(
    frame: pd.DataFrame,
    warehouse: Warehouse,
    spec: DatasetSpec,
    source: SourceInfo,
    *,
    mode: Mode = Mode.create,
) -> ImportResult:
    """Store a table a connector fetched (cells typed or text) as `spec` in `warehouse`."""
    label = source.source
    typed = infer_table(frame.reset_index(drop=True), label)
    raise_problems(label, typed.problems)
    return _store(typed.frame, typed.schema, warehouse, spec, source, mode, label)


def _store(
    frame: pd.DataFrame,
    schema: TableSchema,
    warehouse: Warehouse,
    spec: DatasetSpec,
    source: SourceInfo,
    mode: Mode,
    label: str,
) -> ImportResult:
    rows, unit, problems = prepare_rows(frame, schema, spec, label)
    raise_problems(label, problems)
    stored = warehouse.store(rows, spec, source, schema=schema, unit=unit, mode=mode)
    return ImportResult(stored, schema, unit, source)
