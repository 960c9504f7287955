"""Schema inference and the problems a file shows before it is imported.

A table arrives with text cells (CSV, JSON) or typed cells (Parquet, Excel). Each column
gets one `ColumnType`, found over the whole column at once (vectorised pandas, no loop per
row):

- a column whose every filled cell is a number is ``integer`` (all integral) or ``number``;
- every filled cell an ISO 8601 date or time (``2024-01-31``, ``2024-01-31T09:00:00+09:00``)
  is ``datetime`` (converted to UTC);
- ``true``/``false``/``yes``/``no`` is ``boolean``; GeoJSON geometries are ``geometry``;
- anything else is ``string``; a column with no filled cell is ``empty``.

A column where at least `MIXED_SHARE` of the filled cells are numbers (or dates) and the
others are not has **mixed types**: a problem naming the rows that break the pattern
(``"n/a"`` in a column of readings is the usual case). Units are read by the registry of
`kizuna.units`: from a header such as ``energy [kWh]`` or ``energy (kWh)``, and from the
cells of a unit column (``unit``, ``activity_unit``, ...), where each text must be a unit
pint knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pint

from kizuna.errors import InputError, Location
from kizuna.units import parse_unit, ureg

#: Share of filled cells of one kind above which the other cells are "mixed types" problems.
MIXED_SHARE = 0.8
#: Examples kept per column in a schema.
EXAMPLES = 3
#: Rows named in one problem (the count says how many more).
ROWS_SHOWN = 20

_TRUE = {"true", "yes", "y", "t"}
_FALSE = {"false", "no", "n", "f"}
_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*[\[(](?P<unit>[^\])]+)[\])]\s*$")


class ColumnType(StrEnum):
    """The type of a column, as inferred."""

    integer = "integer"
    number = "number"
    boolean = "boolean"
    datetime = "datetime"
    string = "string"
    geometry = "geometry"
    empty = "empty"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file: what, where (file, rows, column) and how to fix it."""

    message: str
    where: tuple[Location, ...] = ()
    hint: str | None = None
    rows_total: int = 0  # rows affected (where lists at most ROWS_SHOWN of them)

    def text(self) -> str:
        """One line: the message, the column and first rows, and the fix."""
        rows = [w.row for w in self.where if w.row is not None]
        column = next((w.column for w in self.where if w.column), None)
        text = self.message
        if column:
            text += f" in column {column!r}"
        if rows:
            total = max(self.rows_total, len(rows))
            text += f" at row{'s' if total > 1 else ''} " + ", ".join(map(str, rows[:5]))
            if total > 5:
                text += f" and {total - 5} more"
        if self.hint:
            text += f". Fix: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "hint": self.hint,
            "rows_total": self.rows_total,
            "where": [w.as_dict() for w in self.where],
        }


def problem_at(
    source: str,
    message: str,
    rows: np.ndarray | list[int] | None = None,
    column: str | None = None,
    hint: str | None = None,
) -> Problem:
    """A `Problem` at the file rows `rows` (1-based as a spreadsheet shows them) of `column`."""
    listed = [] if rows is None else [int(r) for r in np.asarray(rows).ravel()]
    where = tuple(Location(source, r, column) for r in listed[:ROWS_SHOWN]) or (
        Location(source, None, column),
    )
    return Problem(message, where, hint, rows_total=len(listed))


def raise_problems(source: str, problems: list[Problem]) -> None:
    """Raise one `InputError` that lists every problem, if there is any."""
    if not problems:
        return
    where = [w for p in problems for w in p.where]
    if len(problems) == 1:
        raise InputError(f"{source}: {problems[0].text()}", where=where, where_in_message=True)
    lines = [f"{source} has {len(problems)} problems:", *(f"  - {p.text()}" for p in problems)]
    raise InputError("\n".join(lines), where=where, where_in_message=True)


@dataclass(frozen=True, slots=True)
class ColumnSchema:
    """One column: its name, type, unit (if known), how many cells are blank, a few examples."""

    name: str
    type: ColumnType
    unit: str | None = None
    missing: int = 0
    examples: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type.value,
            "unit": self.unit,
            "missing": self.missing,
            "examples": [_json_value(v) for v in self.examples],
        }


@dataclass(frozen=True, slots=True)
class TableSchema:
    """The columns of a table, in file order."""

    columns: tuple[ColumnSchema, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> ColumnSchema:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def to_dict(self) -> dict[str, Any]:
        return {"columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableSchema:
        return cls(
            tuple(
                ColumnSchema(
                    c["name"],
                    ColumnType(c["type"]),
                    c.get("unit"),
                    c.get("missing", 0),
                    tuple(c.get("examples", ())),
                )
                for c in data.get("columns", [])
            )
        )


@dataclass(frozen=True, slots=True)
class TypedTable:
    """A table with its cells converted to the inferred types, its schema and its problems."""

    frame: pd.DataFrame
    schema: TableSchema
    problems: list[Problem]


def split_header_unit(name: str) -> tuple[str, str | None]:
    """``"energy [kWh]"`` -> ``("energy", "kWh")``; a header without a unit keeps its name."""
    match = _HEADER_UNIT.match(str(name))
    if not match:
        return str(name), None
    try:
        parse_unit(match["unit"])
    except (pint.errors.PintError, ValueError, TypeError, AttributeError):
        return str(name), None
    return match["name"].strip() or str(name), match["unit"].strip()


def infer_table(frame: pd.DataFrame, source: str, first_row: int = 2) -> TypedTable:
    """Infer every column's type and unit, convert the cells, and list the problems.

    `first_row` is the file row of the frame's first row (2 for a CSV with a header).
    Units in headers (``energy [kWh]``) are moved to the schema and the column renamed
    (``energy``). Nothing is raised: problems are returned for a preview to show.
    """
    rows = np.arange(first_row, first_row + len(frame))
    out: dict[str, pd.Series] = {}
    columns: list[ColumnSchema] = []
    problems: list[Problem] = []
    for original in frame.columns:
        name, unit = split_header_unit(str(original))
        if name in out:
            problems.append(
                problem_at(
                    source,
                    f"two columns are named {name!r}",
                    column=str(original),
                    hint="give every column its own name",
                )
            )
            continue
        series, kind, found = _infer_column(frame[original], rows, source, name)
        problems.extend(found)
        if _is_unit_column(name) and kind is ColumnType.string:
            problems.extend(_check_unit_cells(series, rows, source, name))
        out[name] = series
        missing = int(series.isna().sum())
        examples = tuple(series.dropna().head(EXAMPLES).tolist())
        columns.append(ColumnSchema(name, kind, unit, missing, examples))
    typed = pd.DataFrame(out, index=frame.index)
    return TypedTable(typed, TableSchema(tuple(columns)), problems)


def _is_unit_column(name: str) -> bool:
    lowered = name.strip().lower()
    return lowered == "unit" or lowered.endswith("_unit") or lowered == "units"


def _check_unit_cells(series: pd.Series, rows: np.ndarray, source: str, name: str) -> list[Problem]:
    """Every distinct unit text of a unit column must parse; one problem per bad text."""
    problems = []
    values = series.astype("string")
    for text in values.dropna().unique():
        try:
            parse_unit(str(text))
        except (pint.errors.PintError, ValueError, TypeError, AttributeError):
            mask = (values == text).fillna(False).to_numpy(bool)
            problems.append(
                problem_at(
                    source,
                    f"{text!r} is not a unit",
                    rows[mask],
                    name,
                    "write a unit such as kWh, MWh, GJ, m3, l, km or t (docs/formats.md, Units)",
                )
            )
    return problems


def check_unit_dimension(
    unit: str, expected: str, source: str, column: str | None = None
) -> Problem | None:
    """A problem if `unit` cannot be converted to `expected` (a unit such as ``kWh``)."""
    try:
        ureg.Quantity(1, parse_unit(unit)).to(parse_unit(expected))
    except (pint.errors.PintError, ValueError, TypeError, AttributeError):
        return problem_at(
            source,
            f"the unit {unit!r} cannot be converted to {expected!r}",
            column=column,
            hint=f"give the values in a unit of the same kind as {expected}",
        )
    return None


def conversion_factor(unit: str, to: str) -> float:
    """How many `to` one `unit` is (``conversion_factor("Wh", "kWh") == 0.001``)."""
    return float(ureg.Quantity(1, parse_unit(unit)).to(parse_unit(to)).magnitude)


def _infer_column(
    column: pd.Series, rows: np.ndarray, source: str, name: str
) -> tuple[pd.Series, ColumnType, list[Problem]]:
    """Type one column; see the module docstring for the rules."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.astype("boolean"), ColumnType.boolean, []
    if pd.api.types.is_integer_dtype(column.dtype):
        return column, ColumnType.integer, []
    if pd.api.types.is_float_dtype(column.dtype):
        kind = ColumnType.integer if _integral(column) else ColumnType.number
        return column, (ColumnType.empty if column.isna().all() else kind), []
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        series = column if getattr(column.dt, "tz", None) else column.dt.tz_localize("UTC")
        return series.dt.tz_convert("UTC"), ColumnType.datetime, []
    if (
        column.map(lambda v: isinstance(v, dict) and "type" in v, na_action="ignore")
        .fillna(False)
        .astype(bool)
        .any()
    ):
        return column, ColumnType.geometry, []
    text = column.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    text = text.astype("string").str.strip()
    text = text.mask(text == "")
    filled = text.notna().to_numpy(bool)
    n_filled = int(filled.sum())
    if n_filled == 0:
        return pd.Series(pd.NA, index=column.index, dtype="string"), ColumnType.empty, []
    numbers = pd.to_numeric(text, errors="coerce")
    ok = numbers.notna().to_numpy(bool)
    if ok[filled].all():
        kind = ColumnType.integer if _integral(numbers) else ColumnType.number
        return numbers.astype("float64"), kind, []
    lowered = text.str.lower()
    is_bool = lowered.isin(_TRUE | _FALSE).to_numpy(bool)
    if is_bool[filled].all():
        return lowered.isin(_TRUE).astype("boolean").mask(~filled), ColumnType.boolean, []
    times = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    is_time = times.notna().to_numpy(bool)
    if is_time[filled].all():
        return times, ColumnType.datetime, []
    for share, kind, converted, hint in (
        (ok[filled].mean(), ColumnType.number, numbers.astype("float64"), "a number"),
        (is_time[filled].mean(), ColumnType.datetime, times, "an ISO 8601 date or time"),
    ):
        if share >= MIXED_SHARE:
            bad = filled & ~(ok if kind is ColumnType.number else is_time)
            examples = ", ".join(repr(v) for v in text[bad].unique()[:3])
            problem = problem_at(
                source,
                f"mixed types: {share:.0%} of the cells are {kind.value}s but some are not "
                f"({examples})",
                rows[bad],
                name,
                f"make every cell {hint} or leave it blank",
            )
            return converted, kind, [problem]
    return text, ColumnType.string, []


def _integral(values: pd.Series) -> bool:
    finite = values.dropna().to_numpy(float)
    return bool(len(finite)) and bool(np.all(np.mod(finite, 1) == 0))


def _json_value(value: Any) -> Any:
    """A cell as JSON: timestamps as ISO text, numpy scalars as Python numbers."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value
