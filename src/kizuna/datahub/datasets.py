"""What a data set is: its declaration (`DatasetSpec`), where it came from (`SourceInfo`), and
the checks that turn an inferred table into rows the warehouse stores (`prepare_rows`).

A data set is a **time series** when it names a `time_column`: its rows are then stored in
monthly partitions, the month counted in the data set's `timezone` (a reading at
2024-01-31T20:00Z is in February in Asia/Tokyo). The month of each row is kept in the
reserved column ``_month`` (``YYYY-MM``), so every engine (DuckDB, Dask, pandas) groups by
month the same way. Other data sets (a GeoJSON of districts, a table of buildings) are
stored as one partition, ``all``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from kizuna.datahub.schema import (
    ColumnType,
    Problem,
    TableSchema,
    check_unit_dimension,
    problem_at,
)
from kizuna.errors import InputError, Location

MONTH = "_month"
ALL = "all"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")


class Mode(StrEnum):
    """How an import meets an existing data set of the same name."""

    create = "create"  # the data set must not exist yet
    append = "append"  # add rows (the columns must match)
    replace = "replace"  # drop all rows, then store these


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """How to store a table: its name, which columns hold time and value, and what it is.

    `unit` is the unit of `value_column` (a unit in the header, ``energy [kWh]``, is used
    when none is given); `expected_unit` asks that it convert to such a unit (``kWh``: an
    energy). `required` columns must be present. `public` data sets go into the city's
    DCAT catalogue under `licence` (an SPDX identifier such as ``CC-BY-4.0``).
    """

    name: str
    title: str | None = None
    time_column: str | None = None
    value_column: str | None = None
    unit: str | None = None
    timezone: str = "UTC"
    dimensions: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    expected_unit: str | None = None
    city: str | None = None
    licence: str | None = None
    description: str | None = None
    public: bool = False

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise InputError(
                f"{self.name!r} is not a data set name",
                where=Location(field="name"),
                hint="use lower-case letters, digits, '.', '-' and '_', starting with a letter "
                "or digit (such as meters-2024)",
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(
                f"unknown time zone {self.timezone!r}",
                where=Location(field="timezone"),
                hint="name an IANA time zone such as UTC, Asia/Tokyo or Europe/Paris",
            ) from None

    @property
    def is_time_series(self) -> bool:
        return self.time_column is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["dimensions"] = list(self.dimensions)
        data["required"] = list(self.required)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetSpec:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("dimensions", "required"):
            known[key] = tuple(known.get(key) or ())
        return cls(**known)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where rows came from and when: a file path or URL, its kind, the retrieval time."""

    source: str
    kind: str
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "retrieved_at": self.retrieved_at.isoformat(),
            "details": self.details,
        }


def prepare_rows(
    frame: pd.DataFrame, schema: TableSchema, spec: DatasetSpec, source: str, first_row: int = 2
) -> tuple[pd.DataFrame, str | None, list[Problem]]:
    """Check `frame` against `spec` and add the ``_month`` column; returns the rows to store,
    the value unit and the problems (missing columns, wrong types, blank times, bad units).

    Nothing is raised: the caller raises all problems at once (`raise_problems`).
    """
    problems: list[Problem] = []
    named = [c for c in (spec.time_column, spec.value_column) if c]
    needed = [*dict.fromkeys([*named, *spec.required, *spec.dimensions])]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        problems.append(
            problem_at(
                source,
                f"missing column{'s' if len(missing) > 1 else ''} "
                + ", ".join(repr(c) for c in missing)
                + f" (the file has {', '.join(repr(c) for c in frame.columns)})",
                hint="rename the file's columns, or name its columns with --time-column, "
                "--value-column and --dimension",
            )
        )
        return frame, spec.unit, problems
    if MONTH in frame.columns:
        problems.append(
            problem_at(
                source,
                f"the column name {MONTH!r} is reserved",
                column=MONTH,
                hint="rename that column",
            )
        )
    rows = np.arange(first_row, first_row + len(frame))
    unit = spec.unit
    if spec.value_column:
        column = schema[spec.value_column] if spec.value_column in schema.names else None
        if column is not None and column.type not in (ColumnType.integer, ColumnType.number):
            problems.append(
                problem_at(
                    source,
                    f"the value column holds {column.type.value}s, not numbers",
                    column=spec.value_column,
                    hint="give the readings as plain numbers (a dot for decimals)",
                )
            )
        unit = unit or (column.unit if column is not None else None)
        if spec.expected_unit:
            if unit is None:
                problems.append(
                    problem_at(
                        source,
                        f"no unit for the values (expected a unit like {spec.expected_unit})",
                        column=spec.value_column,
                        hint="give --unit, or write it in the header: 'energy [kWh]'",
                    )
                )
            else:
                found = check_unit_dimension(unit, spec.expected_unit, source, spec.value_column)
                if found:
                    problems.append(found)
    out = frame
    if spec.time_column:
        column = schema[spec.time_column] if spec.time_column in schema.names else None
        if column is None or column.type is not ColumnType.datetime:
            kind = column.type.value if column is not None else "unknown"
            problems.append(
                problem_at(
                    source,
                    f"the time column holds {kind}s, not dates or times",
                    column=spec.time_column,
                    hint="write times in ISO 8601, such as 2024-01-31T09:00:00+09:00",
                )
            )
            return frame, unit, problems
        times = frame[spec.time_column]
        blank = times.isna().to_numpy(bool)
        if blank.any():
            problems.append(
                problem_at(
                    source,
                    "time is missing",
                    rows[blank],
                    spec.time_column,
                    "give every reading its time",
                )
            )
        out = frame.copy()
        out[MONTH] = month_of(times, spec.timezone)
    else:
        out = frame.copy()
        out[MONTH] = ALL
    return out, unit, problems


def month_of(times: pd.Series, timezone: str) -> pd.Series:
    """``YYYY-MM`` of each UTC time in `timezone` (vectorised; blank for a blank time)."""
    local = times.dt.tz_convert(timezone)
    year = local.dt.year.astype("Int64").astype("string")
    return year + "-" + local.dt.month.astype("Int64").astype("string").str.zfill(2)


def storable(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with geometries (dicts) as GeoJSON text, so Parquet can hold them."""
    out = frame
    for name in frame.columns:
        column = frame[name]
        if (
            column.dtype == object
            and column.map(lambda v: isinstance(v, dict | list), na_action="ignore")
            .fillna(False)
            .astype(bool)
            .any()
        ):
            if out is frame:
                out = frame.copy()
            out[name] = column.map(json.dumps, na_action="ignore").astype("string")
    return out
