"""Running a pipeline: monthly aggregates of a raw series, recomputed incrementally, then
activity data for the inventory and indicator series.

1. **Monthly step.** The input's monthly partitions whose fingerprint (files and row
   counts, `Warehouse.fingerprints`) differs from the one recorded at the last run are
   recomputed, on DuckDB or Dask (`kizuna.datahub.engines`); partitions that went away are
   dropped; the others are kept as stored. The result is the data set ``<pipeline>.monthly``.
2. **Outputs.** Each output is computed from the whole monthly table (one row per group and
   month, small) and stored as ``<pipeline>.<output>``, with lineage back to the input.
   `OutputResult.changed` lists the keys (year, GPC number, disaggregation) whose rows are
   new, changed or gone since the previous run.

Activity rows (long layout of docs/formats.md), per year y and reference number r:

    activity_value(y, r) = sum over months m of y and groups g mapped to r of value(g, m) x c

with c the conversion from the aggregate unit to the output unit; the emission factor is
the output's (per year if given). Indicator rows: Value(y) = sum_m value(m) x c / divisor(y).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kizuna.datahub.datasets import MONTH, DatasetSpec, Mode, SourceInfo
from kizuna.datahub.engines import READINGS, VALUE, aggregate_dask, aggregate_duckdb
from kizuna.datahub.lineage import LineageRecord
from kizuna.datahub.pipeline_file import ActivityOutput, IndicatorOutput, Pipeline
from kizuna.datahub.schema import ColumnSchema, ColumnType, TableSchema, conversion_factor
from kizuna.datahub.warehouse import Warehouse
from kizuna.errors import InputError, Location

MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class OutputResult:
    """One output of a run: its rows, the keys that changed, the file written."""

    name: str
    kind: str
    dataset: str
    rows: int
    changed: tuple[str, ...]
    file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "dataset": self.dataset,
            "rows": self.rows,
            "changed": list(self.changed),
            "file": self.file,
        }


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run recomputed (months), kept, dropped, and what each output became."""

    pipeline: str
    engine: str
    recomputed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    monthly: pd.DataFrame = field(repr=False)
    outputs: tuple[OutputResult, ...] = ()
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pipeline": self.pipeline,
            "engine": self.engine,
            "recomputed": list(self.recomputed),
            "unchanged": list(self.unchanged),
            "removed": list(self.removed),
            "monthly_rows": len(self.monthly),
            "outputs": [o.to_dict() for o in self.outputs],
        }


def run_pipeline(
    pipeline: Pipeline,
    warehouse: Warehouse,
    *,
    base_dir: str | Path = ".",
    engine: str | None = None,
    client: Any = None,
) -> RunResult:
    """Run `pipeline` on `warehouse`; output files are written relative to `base_dir`.

    `engine` overrides the file's (``duckdb`` or ``dask``); `client`, a
    ``dask.distributed.Client``, is used for Dask instead of the file's address or a new
    local cluster.
    """
    chosen = engine or pipeline.engine
    info = warehouse.dataset(pipeline.input.dataset)
    spec = info.spec
    value = pipeline.input.value or spec.value_column
    unit = pipeline.input.unit or info.unit
    if not spec.is_time_series or not value:
        raise InputError(
            f"{spec.name!r} is not a time series with a value column",
            where=Location(field="input.dataset"),
            hint="import it with --time-column and --value-column",
        )
    missing = [c for c in [value, *pipeline.aggregate.by] if c not in info.schema.names]
    if missing:
        raise InputError(
            f"{spec.name!r} has no column {', '.join(repr(c) for c in missing)}",
            where=Location(field="aggregate.by"),
            hint=f"its columns are {', '.join(info.schema.names)}",
        )
    target_unit = pipeline.aggregate.unit or unit
    factor = 1.0
    if target_unit and unit and target_unit != unit:
        factor = conversion_factor(unit, target_unit)
    elif target_unit and not unit:
        raise InputError(
            f"{spec.name!r} has no unit, so its values cannot be converted to {target_unit}",
            where=Location(field="input.unit"),
            hint="give input.unit in the pipeline file",
        )

    fingerprints = warehouse.fingerprints(spec.name)
    before = warehouse.state(pipeline.name, MONTHLY)
    changed = sorted(p for p, f in fingerprints.items() if before.get(p) != f)
    removed = sorted(p for p in before if p not in fingerprints)
    unchanged = sorted(p for p in fingerprints if p not in changed)
    by = pipeline.aggregate.by
    monthly_name = f"{pipeline.name}.{MONTHLY}"
    if changed:
        files = warehouse.files(spec.name, changed)
        if chosen == "dask":
            with _dask_client(pipeline, client) as dask_client:
                fresh = aggregate_dask(files, by, value, factor, dask_client)
        else:
            fresh = aggregate_duckdb(files, by, value, factor)
        schema = TableSchema(
            (
                *(ColumnSchema(c, ColumnType.string) for c in by),
                ColumnSchema(VALUE, ColumnType.number, target_unit),
                ColumnSchema(READINGS, ColumnType.integer),
            )
        )
        warehouse.store(
            fresh,
            DatasetSpec(
                monthly_name,
                title=f"{pipeline.name}: monthly {value} by {', '.join(by) or 'month'}",
                value_column=VALUE,
                unit=target_unit,
                dimensions=tuple(by),
                city=spec.city,
            ),
            SourceInfo(f"warehouse:{spec.name}", "pipeline"),
            schema=schema,
            unit=target_unit,
            mode=Mode.append,
            transformation=f"monthly sum of {value} by {', '.join(by) or '(all)'}"
            + (f" ({unit} -> {target_unit})" if factor != 1.0 else ""),
            inputs=(spec.name,),
            kind="output",
            replace_partitions=[*changed, *removed],
            details={"pipeline": pipeline.name, "engine": chosen, "recomputed": changed},
        )
    if removed and not changed:
        warehouse.drop_partitions(monthly_name, removed)
    warehouse.set_state(pipeline.name, MONTHLY, {p: fingerprints[p] for p in changed}, removed)
    monthly = pd.DataFrame(columns=[*by, MONTH, VALUE, READINGS])
    if warehouse.has(monthly_name):
        monthly = warehouse.read(monthly_name)[[*by, MONTH, VALUE, READINGS]]
        monthly = monthly.sort_values([*by, MONTH], kind="stable").reset_index(drop=True)
    results, tables = [], {}
    for output in pipeline.outputs:
        table = (
            activity_rows(monthly, output, target_unit or "")
            if isinstance(output, ActivityOutput)
            else indicator_rows(monthly, output, target_unit or "")
        )
        results.append(_store_output(warehouse, pipeline, output, table, monthly_name, base_dir))
        tables[output.name] = table
    return RunResult(
        pipeline.name,
        chosen,
        tuple(changed),
        tuple(unchanged),
        tuple(removed),
        monthly,
        tuple(results),
        tables,
    )


@contextmanager
def _dask_client(pipeline: Pipeline, client: Any) -> Iterator[Any]:
    """The given client, a client of the file's scheduler address, or a new local cluster."""
    if client is not None:
        yield client
        return
    from dask.distributed import Client, LocalCluster

    if pipeline.dask.address:
        with Client(pipeline.dask.address) as remote:
            yield remote
        return
    with (
        LocalCluster(
            n_workers=pipeline.dask.workers,
            threads_per_worker=pipeline.dask.threads_per_worker,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as local,
    ):
        yield local


def _years(monthly: pd.DataFrame) -> pd.Series:
    return monthly[MONTH].astype("string").str.slice(0, 4).astype(int)


def activity_rows(monthly: pd.DataFrame, output: ActivityOutput, unit: str) -> pd.DataFrame:
    """Yearly activity per GPC number in the long inventory layout (see the module docstring)."""
    columns = [
        "city",
        "year",
        "gpc_ref",
        "gas",
        "activity_value",
        "activity_unit",
        "ef_value",
        "ef_unit",
        "months",
        "description",
        "source",
    ]
    if monthly.empty:
        return pd.DataFrame(columns=columns)
    if output.column not in monthly.columns:
        raise InputError(
            f"output {output.name!r} maps column {output.column!r}, which the aggregate has not",
            where=Location(field=f"outputs.{output.name}.column"),
            hint="add it to aggregate.by",
        )
    data = monthly.assign(year=_years(monthly), gpc_ref=monthly[output.column].map(output.map))
    data = data[data["gpc_ref"].notna()]
    factor = conversion_factor(unit, output.unit) if unit and unit != output.unit else 1.0
    grouped = data.groupby(["year", "gpc_ref"], sort=True).agg(
        activity=(VALUE, "sum"),
        months=(MONTH, "nunique"),
        first=(MONTH, "min"),
        last=(MONTH, "max"),
    )
    grouped = grouped.reset_index()
    if output.complete_years:
        grouped = grouped[grouped["months"] == 12]
    factors = grouped["year"].map(output.emission_factor.for_year)
    if factors.isna().any():
        years = sorted(grouped.loc[factors.isna(), "year"].unique())
        raise InputError(
            f"output {output.name!r} has no emission factor for {', '.join(map(str, years))}",
            where=Location(field=f"outputs.{output.name}.emission_factor"),
            hint="give emission_factor.value (all years) or a by_year entry for each",
        )
    label = output.description or "activity aggregated from metered series"
    return pd.DataFrame(
        {
            "city": output.city,
            "year": grouped["year"].astype(int),
            "gpc_ref": grouped["gpc_ref"],
            "gas": output.emission_factor.gas,
            "activity_value": grouped["activity"] * factor,
            "activity_unit": output.unit,
            "ef_value": factors.astype(float),
            "ef_unit": output.emission_factor.unit,
            "months": grouped["months"].astype(int),
            "description": label
            + ", "
            + grouped["months"].astype(str)
            + " of 12 months ("
            + grouped["first"].astype(str)
            + " to "
            + grouped["last"].astype(str)
            + ")",
            "source": output.source or f"kizuna data pipeline {output.name}",
        },
        columns=columns,
    ).reset_index(drop=True)


def indicator_rows(monthly: pd.DataFrame, output: IndicatorOutput, unit: str) -> pd.DataFrame:
    """Open SDG-like rows: Year, the disaggregation columns (blank on headline rows), Units,
    Series (if named) and Value, per year (see the module docstring)."""
    columns = [
        "Year",
        *output.disaggregate,
        "Units",
        *(["Series"] if output.series else []),
        "Value",
    ]
    if monthly.empty:
        return pd.DataFrame(columns=columns)
    missing = [c for c in output.disaggregate if c not in monthly.columns]
    if missing:
        raise InputError(
            f"output {output.name!r} disaggregates by {', '.join(missing)}, not aggregated",
            where=Location(field=f"outputs.{output.name}.disaggregate"),
            hint="add the columns to aggregate.by",
        )
    factor = conversion_factor(unit, output.unit) if unit and unit != output.unit else 1.0
    data = monthly.assign(Year=_years(monthly))
    frames = [data.groupby("Year", as_index=False)[VALUE].sum()]
    for column in output.disaggregate:
        frames.append(data.groupby(["Year", column], as_index=False)[VALUE].sum())
    table = pd.concat(frames, ignore_index=True)
    for column in output.disaggregate:
        if column not in table.columns:
            table[column] = pd.NA
    divisor = pd.Series(1.0, index=table.index)
    if output.divide_by is not None:
        divisor = table["Year"].map(output.divide_by.for_year)
        if divisor.isna().any():
            years = sorted(table.loc[divisor.isna(), "Year"].unique())
            raise InputError(
                f"output {output.name!r} has no {output.divide_by.name} for "
                f"{', '.join(map(str, years))}",
                where=Location(field=f"outputs.{output.name}.divide_by"),
                hint="give divide_by.value or a by_year entry for each year",
            )
    table["Value"] = table[VALUE] * factor / divisor.astype(float)
    table["Units"] = output.units_label()
    if output.series:
        table["Series"] = output.series
    order = ["Year", *output.disaggregate]
    return table.sort_values(order, na_position="first", kind="stable")[columns].reset_index(
        drop=True
    )


def _store_output(
    warehouse: Warehouse,
    pipeline: Pipeline,
    output: ActivityOutput | IndicatorOutput,
    table: pd.DataFrame,
    monthly_name: str,
    base_dir: str | Path,
) -> OutputResult:
    name = f"{pipeline.name}.{output.name}"
    keys = (
        ["year", "gpc_ref"]
        if isinstance(output, ActivityOutput)
        else ["Year", *output.disaggregate]
    )
    previous = warehouse.read(name).drop(columns=MONTH) if warehouse.has(name) else None
    changed = _changed_keys(previous, table, keys)
    file = None
    if output.file:
        path = Path(base_dir) / output.file
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(path, index=False)
        file = str(path)
    if changed or previous is None:
        schema = TableSchema(
            tuple(
                ColumnSchema(
                    c,
                    ColumnType.number
                    if pd.api.types.is_float_dtype(table[c])
                    else ColumnType.integer
                    if pd.api.types.is_integer_dtype(table[c])
                    else ColumnType.string,
                )
                for c in table.columns
            )
        )
        rows = table.assign(**{MONTH: "all"})
        for column in rows.columns:
            if rows[column].dtype == object:
                rows[column] = rows[column].astype("string")
        warehouse.store(
            rows,
            DatasetSpec(name, title=f"{pipeline.name}: {output.name} ({output.kind})"),
            SourceInfo(f"warehouse:{monthly_name}", "pipeline"),
            schema=schema,
            mode=Mode.replace,
            transformation=f"{output.kind} rows of {output.name}"
            + (f" -> {output.file}" if output.file else ""),
            inputs=(monthly_name,),
            kind="output",
            details={"pipeline": pipeline.name, "changed": changed, "file": file},
        )
    elif file:
        warehouse.record_lineage(
            LineageRecord(
                name,
                "output",
                f"rewrote {output.file} (unchanged)",
                (monthly_name,),
                details={"file": file},
            )
        )
    return OutputResult(output.name, output.kind, name, len(table), tuple(changed), file)


def _changed_keys(previous: pd.DataFrame | None, table: pd.DataFrame, keys: list[str]) -> list[str]:
    """Keys (``2024/I.1.2``) of rows that are new, gone or different since `previous`."""

    def keyed(frame: pd.DataFrame) -> dict[str, tuple[Any, ...]]:
        if frame is None or frame.empty:
            return {}
        labels = frame[keys].astype("string").fillna("").agg("/".join, axis=1)
        values = frame.drop(columns=keys).copy()
        for column in values.columns:  # 12 significant digits: engines differ in the last bits
            if pd.api.types.is_float_dtype(values[column]):
                values[column] = values[column].map(lambda v: f"{v:.12g}", na_action="ignore")
        values = values.astype("string").fillna("")
        return dict(zip(labels, map(tuple, values.to_numpy().tolist()), strict=True))

    old, new = keyed(previous), keyed(table)  # type: ignore[arg-type]
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
