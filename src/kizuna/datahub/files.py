"""File connectors: CSV, Excel, Parquet, JSON and GeoJSON, with a size limit and a preview.

`read_file` loads a file into a DataFrame of typed columns (`kizuna.datahub.schema`);
`preview_file` shows the first rows, the inferred schema and every problem without
importing anything. The size limit (`DEFAULT_MAX_BYTES`, 50 MiB; ``KIZUNA_DATAHUB_MAX_MB``
changes it) is checked on the file's size before a byte is read, so a file far too large
fails at once. Text files are decoded strictly in the given encoding (UTF-8 by default,
with or without a BOM); a byte that does not decode is an error naming the line.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kizuna.datahub.schema import Problem, TableSchema, TypedTable, infer_table
from kizuna.errors import InputError, Location

#: Default size limit of a file or download, bytes.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Rows a preview shows by default.
PREVIEW_ROWS = 10

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".ods": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".geojson": "geojson",
}
#: Keys under which JSON files commonly hold their list of records.
RECORD_KEYS = ("data", "records", "results", "value", "items", "features")


def max_bytes_from_env() -> int:
    """The size limit: ``KIZUNA_DATAHUB_MAX_MB`` (mebibytes) if set, else `DEFAULT_MAX_BYTES`."""
    text = os.environ.get("KIZUNA_DATAHUB_MAX_MB")
    if not text:
        return DEFAULT_MAX_BYTES
    try:
        return int(float(text) * 1024 * 1024)
    except ValueError:
        raise InputError(
            f"KIZUNA_DATAHUB_MAX_MB={text!r} is not a number",
            hint="set it to a size in MiB, such as 50",
        ) from None


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """A file read into typed columns; `geojson` keeps a GeoJSON file's FeatureCollection."""

    source: str
    format: str
    table: TypedTable
    size_bytes: int
    geojson: dict[str, Any] | None = None

    @property
    def frame(self) -> pd.DataFrame:
        return self.table.frame

    @property
    def schema(self) -> TableSchema:
        return self.table.schema

    @property
    def problems(self) -> list[Problem]:
        return self.table.problems


@dataclass(frozen=True, slots=True)
class Preview:
    """What a file holds before it is imported: first rows, schema, problems."""

    source: str
    format: str
    size_bytes: int
    rows: int
    schema: TableSchema
    head: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "size_bytes": self.size_bytes,
            "rows": self.rows,
            "schema": self.schema.to_dict(),
            "head": self.head,
            "problems": [p.to_dict() for p in self.problems],
            "ok": self.ok,
        }


def detect_format(path: Path, fmt: str | None = None) -> str:
    """The format of `path` from `fmt` or the file's suffix; an `InputError` if unknown."""
    if fmt:
        if fmt not in set(FORMATS.values()):
            raise InputError(
                f"unknown format {fmt!r}",
                hint=f"use one of {', '.join(sorted(set(FORMATS.values())))}",
            )
        return fmt
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}",
            where=Location(file=path.name),
            hint=f"use one of {', '.join(sorted(FORMATS))}",
        )
    return found


def check_size(path: Path, max_bytes: int) -> int:
    """The size of `path` in bytes; an `InputError` if it is missing or above `max_bytes`."""
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="check the path")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path.name} is {size / 1024**2:,.1f} MiB, above the limit of "
            f"{max_bytes / 1024**2:,.1f} MiB",
            where=Location(file=path.name),
            hint="split the file, import it as Parquet, or raise the limit "
            "(--max-mb, or KIZUNA_DATAHUB_MAX_MB)",
        )
    return size


def read_file(
    path: str | Path,
    *,
    fmt: str | None = None,
    max_bytes: int | None = None,
    encoding: str = "utf-8",
    sheet: str | None = None,
    delimiter: str | None = None,
) -> LoadedFile:
    """Read `path` into typed columns (see `kizuna.datahub.schema.infer_table`).

    Raises `InputError` for a missing or oversized file, an unknown format, a text file
    that is not in `encoding`, or content that is not a table. Problems of the cells
    (mixed types, bad units) are in the result, for `preview_file` to show and for
    `kizuna.datahub.imports` to raise.
    """
    path = Path(path)
    limit = max_bytes_from_env() if max_bytes is None else max_bytes
    size = check_size(path, limit)
    kind = detect_format(path, fmt)
    geojson = None
    if kind == "csv":
        frame = _read_csv(path, encoding, delimiter)
    elif kind == "excel":
        frame = _read_excel(path, sheet)
    elif kind == "parquet":
        frame = _read_parquet(path)
    elif kind == "geojson":
        geojson = _load_json(path, encoding)
        frame = geojson_frame(geojson, path.name)
    else:
        data = _load_json(path, encoding)
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            kind, geojson = "geojson", data
            frame = geojson_frame(data, path.name)
        else:
            frame = json_frame(data, path.name)
    return LoadedFile(path.name, kind, infer_table(frame, path.name), size, geojson)


def preview_file(path: str | Path, *, rows: int = PREVIEW_ROWS, **options: Any) -> Preview:
    """The first `rows` rows, the inferred schema and the problems of `path`; imports nothing.

    `options` are those of `read_file`. Errors that stop the file from being read at all
    (size, encoding, format) are raised as `InputError`, as `read_file` does.
    """
    return preview_loaded(read_file(path, **options), rows=rows)


def preview_loaded(loaded: LoadedFile, *, rows: int = PREVIEW_ROWS) -> Preview:
    """The preview of a table already read (a file, or rows a connector fetched)."""
    head = json.loads(
        loaded.frame.head(rows).to_json(orient="records", date_format="iso", default_handler=str)
    )
    return Preview(
        loaded.source,
        loaded.format,
        loaded.size_bytes,
        len(loaded.frame),
        loaded.schema,
        head,
        list(loaded.problems),
    )


def decode_text(raw: bytes, source: str, encoding: str = "utf-8") -> str:
    """`raw` decoded strictly; an `InputError` naming the line of the first bad byte."""
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(codec)
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r}",
            hint="name an encoding Python knows, such as utf-8, cp932, shift_jis or latin-1",
        ) from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{source} is not valid {encoding} text: byte 0x{raw[exc.start]:02x} at line {line} "
            "cannot be decoded",
            where=Location(file=source, row=line),
            hint="save the file as UTF-8, or give its encoding (--encoding cp932, shift_jis, "
            "latin-1, ...)",
        ) from None


def _read_csv(path: Path, encoding: str, delimiter: str | None) -> pd.DataFrame:
    text = decode_text(path.read_bytes(), path.name, encoding)
    sep = delimiter or ("\t" if path.suffix.lower() == ".tsv" else ",")
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=False,
        )
    except pd.errors.EmptyDataError:
        raise InputError(
            f"{path.name} is empty", where=Location(file=path.name), hint="add a header row"
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(
            f"{path.name} cannot be read as CSV ({exc})",
            where=Location(file=path.name),
            hint="give every row as many cells as the header, quoting cells that hold the "
            "delimiter",
        ) from None


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet or 0, engine="calamine")
    except (KeyError, ValueError) as exc:
        raise InputError(
            f"{path.name} cannot be read as a workbook{f' (sheet {sheet!r})' if sheet else ''}: "
            f"{exc}",
            where=Location(file=path.name),
            hint="save it as .xlsx and name an existing sheet (--sheet)",
        ) from None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"{path.name} is not a Parquet file ({exc})",
            where=Location(file=path.name),
            hint="write it with pyarrow, pandas, DuckDB or Spark",
        ) from None
    return table.to_pandas()


def _load_json(path: Path, encoding: str) -> Any:
    text = decode_text(path.read_bytes(), path.name, encoding)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path.name} is not valid JSON: {exc.msg}",
            where=Location(file=path.name, row=exc.lineno),
            hint="check the brackets and commas near that line",
        ) from None


def json_frame(data: Any, source: str) -> pd.DataFrame:
    """A table from JSON: a list of records, or an object holding one under a `RECORD_KEYS`
    key; nested objects become dotted columns (``address.city``)."""
    records = data
    if isinstance(data, dict):
        records = next((data[k] for k in RECORD_KEYS if isinstance(data.get(k), list)), None)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(
            f"{source} holds no list of records",
            where=Location(file=source),
            hint='give a JSON array of objects, such as [{"time": ..., "value": ...}], or an '
            f"object with the array under one of {', '.join(RECORD_KEYS)}",
        )
    return pd.json_normalize(records)


def geojson_frame(data: Any, source: str) -> pd.DataFrame:
    """The features of a GeoJSON FeatureCollection: one row per feature, its properties as
    columns, its ``id`` as ``feature_id`` and its geometry (a dict) as ``geometry``."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(
            f"{source} is not a GeoJSON FeatureCollection",
            where=Location(file=source, field="type"),
            hint='give {"type": "FeatureCollection", "features": [...]} (RFC 7946)',
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise InputError(
            f"{source} has no list of features",
            where=Location(file=source, field="features"),
            hint="add a features array",
        )
    bad = [
        i
        for i, f in enumerate(features)
        if not isinstance(f, dict) or f.get("type") != "Feature" or "geometry" not in f
    ]
    if bad:
        raise InputError(
            f"{source}: {len(bad)} feature(s) are not GeoJSON Features",
            where=[Location(file=source, field=f"features[{i}]") for i in bad[:20]],
            hint='give each feature "type": "Feature", a "geometry" and "properties"',
        )
    frame = pd.json_normalize([f.get("properties") or {} for f in features])
    frame.insert(0, "feature_id", [f.get("id") for f in features])
    frame["geometry"] = [f.get("geometry") for f in features]
    if frame["feature_id"].isna().all():
        frame = frame.drop(columns="feature_id")
    return frame
