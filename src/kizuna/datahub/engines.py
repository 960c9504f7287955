"""The monthly aggregation on each engine: DuckDB (default), Dask (a cluster), pandas (the
baseline of the benchmark). All three compute, over the Parquet files given,

    value(g, m) = f * sum of the readings of group g in month m,   readings(g, m) = their count

where the groups are the `by` columns, the month is the stored ``_month`` column and `f`
the unit conversion factor (0.001 for Wh -> kWh). Blank readings are skipped (SQL ``sum``
and pandas' ``sum`` agree on that); the result is sorted by group and month so engines can
be compared row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from kizuna.datahub.datasets import MONTH

VALUE = "value"
READINGS = "readings"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def aggregate_duckdb(
    files: Sequence[Path], by: Sequence[str], value: str, factor: float = 1.0, threads: int = 0
) -> pd.DataFrame:
    """Monthly sums with DuckDB straight over the Parquet files (`threads` 0: DuckDB's own)."""
    keys = [*by, MONTH]
    if not files:
        return _empty(keys)
    cols = ", ".join(_quote(k) for k in keys)
    sql = (
        f"SELECT {cols}, sum({_quote(value)}) * {float(factor)!r} AS {VALUE}, "
        f"count({_quote(value)}) AS {READINGS} "
        f"FROM read_parquet(?, hive_partitioning = false) GROUP BY {cols} ORDER BY {cols}"
    )
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        frame = con.execute(sql, [[str(f) for f in files]]).df()
    finally:
        con.close()
    return _tidy(frame, keys)


def aggregate_dask(
    files: Sequence[Path],
    by: Sequence[str],
    value: str,
    factor: float = 1.0,
    client: Any = None,
) -> pd.DataFrame:
    """Monthly sums with ``dask.dataframe`` over the same Parquet files, computed on `client`
    (a ``dask.distributed.Client``; the default scheduler when None)."""
    import dask.dataframe as dd

    keys = [*by, MONTH]
    if not files:
        return _empty(keys)
    ddf = dd.read_parquet(
        [str(f) for f in files], columns=[*keys, value], dataset={"partitioning": None}
    )
    grouped = ddf.groupby(keys, observed=True, dropna=False)[value].agg(["sum", "count"])
    frame = client.compute(grouped).result() if client is not None else grouped.compute()
    frame = frame.reset_index().rename(columns={"sum": VALUE, "count": READINGS})
    frame[VALUE] = frame[VALUE] * factor
    return _tidy(frame, keys)


def aggregate_pandas(
    files: Sequence[Path], by: Sequence[str], value: str, factor: float = 1.0
) -> pd.DataFrame:
    """Monthly sums with pandas: read every file, concatenate, group (the naive baseline)."""
    keys = [*by, MONTH]
    if not files:
        return _empty(keys)
    frame = pd.concat(
        [pd.read_parquet(f, columns=[*keys, value]) for f in files], ignore_index=True
    )
    grouped = frame.groupby(keys, observed=True, dropna=False)[value].agg(["sum", "count"])
    out = grouped.reset_index().rename(columns={"sum": VALUE, "count": READINGS})
    out[VALUE] = out[VALUE] * factor
    return _tidy(out, keys)


def _empty(keys: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({**{k: pd.Series(dtype="string") for k in keys}, VALUE: [], READINGS: []})


def _tidy(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Keys as text, value as float, readings as int, sorted by the keys."""
    out = frame[[*keys, VALUE, READINGS]].copy()
    for key in keys:
        out[key] = out[key].astype("string")
    out[VALUE] = out[VALUE].astype("float64")
    out[READINGS] = out[READINGS].astype("int64")
    return out.sort_values(list(keys), kind="stable").reset_index(drop=True)
