"""Benchmark of the data hub: 100 million meter readings to monthly activity data.

Generates hourly smart-meter readings for 2024 (seeded), stores them in a real warehouse
(`kizuna.datahub.Warehouse`, one Parquet file per month), then measures:

- the monthly aggregation (sum of Wh by building type and month, to kWh) on **DuckDB**
  over all the files: rows per second and the peak RSS of the process;
- **pandas** (read the files, concatenate, group by) on a sample of the months, against
  DuckDB on the same sample: the ratio of their rows per second;
- the **same pipeline** (`run_pipeline`: monthly step, then GPC activity rows) on DuckDB
  and on a local **Dask** cluster of 2 worker processes (1 thread each), with the workers'
  peak RSS;
- and checks that every engine's monthly totals equal the sums made while generating.

Peak RSS is Linux ``/proc/<pid>/status`` VmHWM, reset through ``/proc/<pid>/clear_refs``
before each measurement (in the workers too). Usage::

    python benchmarks/datahub.py                       # 100 M readings (about 2 GB on disk)
    python benchmarks/datahub.py --rows 5000000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kizuna.datahub import DatasetSpec, Mode, SourceInfo, Warehouse, parse_pipeline, run_pipeline
from kizuna.datahub.datasets import MONTH
from kizuna.datahub.engines import aggregate_duckdb, aggregate_pandas
from kizuna.datahub.schema import ColumnSchema, ColumnType, TableSchema
from measurements import Table, Timing  # benchmarks/measurements.py

TYPES = np.array(["residential", "commercial", "industrial"])
TYPE_SHARES = (0.85, 0.13, 0.02)  # meters by building type
MEAN_WH = (450.0, 2500.0, 12000.0)  # mean hourly consumption, Wh
HOURS_2024 = 8784
SPEC = DatasetSpec(
    "meters",
    time_column="timestamp",
    value_column="energy",
    unit="Wh",
    timezone="UTC",
    dimensions=("building_type",),
)
SCHEMA = TableSchema(
    (
        ColumnSchema("meter_id", ColumnType.integer),
        ColumnSchema("building_type", ColumnType.string),
        ColumnSchema("timestamp", ColumnType.datetime),
        ColumnSchema("energy", ColumnType.number, "Wh"),
    )
)


def pipeline(name: str) -> dict:
    return {
        "name": name,
        "input": {"dataset": "meters"},
        "aggregate": {"by": ["building_type"], "unit": "kWh"},
        "outputs": [
            {
                "kind": "activity",
                "name": "buildings",
                "city": "Benchmark City",
                "column": "building_type",
                "unit": "MWh",
                "map": {"residential": "I.1.2", "commercial": "I.2.2", "industrial": "I.3.2"},
                "emission_factor": {"value": 0.441, "unit": "t/MWh"},
            }
        ],
    }


def status_mib(field: str, pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid: str = "self") -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def worker_peak() -> float:
    return status_mib("VmHWM")


def worker_reset() -> None:
    reset_peak()


def generate(warehouse: Warehouse, rows: int, seed: int) -> tuple[int, pd.DataFrame]:
    """Store hourly readings of 2024 for rows / 8,784 meters, one import per month; returns
    the row count and the expected kWh by (building_type, month)."""
    rng = np.random.default_rng(seed)
    meters = max(1, round(rows / HOURS_2024))
    kinds = rng.choice(len(TYPES), size=meters, p=TYPE_SHARES).astype(np.int8)
    scale = np.array(MEAN_WH)[kinds]
    hours = pd.date_range("2024-01-01", periods=HOURS_2024, freq="h", tz="UTC")
    expected = []
    total = 0
    for month in range(1, 13):
        in_month = hours[hours.month == month]
        n = meters * len(in_month)
        energy = rng.gamma(2.0, 0.5, size=n) * np.repeat(scale, len(in_month))
        kind_codes = np.repeat(kinds, len(in_month))
        label = f"2024-{month:02d}"
        frame = pd.DataFrame(
            {
                "meter_id": np.repeat(np.arange(meters, dtype=np.int32), len(in_month)),
                "building_type": pd.Categorical.from_codes(kind_codes, categories=TYPES),
                "timestamp": np.tile(in_month.values, meters),
                "energy": energy,
                MONTH: pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[label]),
            }
        )
        frame["timestamp"] = frame["timestamp"].dt.tz_localize("UTC")
        sums = np.bincount(kind_codes, weights=energy, minlength=len(TYPES)) / 1000.0
        expected += [(TYPES[k], label, sums[k]) for k in range(len(TYPES)) if sums[k]]
        warehouse.store(
            frame,
            SPEC,
            SourceInfo("synthetic meters", "benchmark"),
            schema=SCHEMA,
            unit="Wh",
            mode=Mode.append,
        )
        total += n
        del frame, energy
    table = pd.DataFrame(expected, columns=["building_type", MONTH, "value"])
    return total, table.sort_values(["building_type", MONTH]).reset_index(drop=True)


def check(name: str, monthly: pd.DataFrame, expected: pd.DataFrame) -> bool:
    got = monthly[["building_type", MONTH, "value"]].reset_index(drop=True)
    keys = ["building_type", MONTH]
    ok = got[keys].astype(str).values.tolist() == expected[keys].astype(str).values.tolist()
    ok = ok and np.allclose(got["value"], expected["value"], rtol=1e-9)
    print(f"check {name}: monthly kWh equal to the generated sums: {'yes' if ok else 'NO'}")
    return ok


def timed(repeat: int, run):  # type: ignore[no-untyped-def]
    seconds, peaks, result = [], [], None
    for _ in range(repeat):
        reset_peak()
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
        peaks.append(status_mib("VmHWM"))
    return Timing(tuple(seconds)), max(peaks), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--sample-months", type=int, default=1, help="pandas sample, months")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20240801)
    parser.add_argument("--dir", type=Path, default=None, help="where to write (then deleted)")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()

    print(
        f"nproc {os.cpu_count()} ({platform.machine()}), {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    root = Path(tempfile.mkdtemp(prefix="kizuna-bench-", dir=args.dir))
    ok = True
    try:
        warehouse = Warehouse(root / "warehouse")
        start = time.perf_counter()
        rows, expected = generate(warehouse, args.rows, args.seed)
        made = time.perf_counter() - start
        size = sum(f.stat().st_size for f in warehouse.files("meters"))
        print(
            f"generated and stored {rows:,} readings ({rows // HOURS_2024:,} meters x "
            f"{HOURS_2024:,} h) in {made:.1f} s: 12 Parquet files, {size / 1024**3:.2f} GiB "
            f"at {root}"
        )

        files = warehouse.files("meters")
        sample = files[: args.sample_months]
        sample_rows = sum(
            p.rows for p in warehouse.dataset("meters").partitions[: args.sample_months]
        )
        agg = (["building_type"], "energy", 0.001)
        table = Table()
        duck_t, duck_mem, duck = timed(args.repeat, lambda: aggregate_duckdb(files, *agg))
        ok &= check("DuckDB", duck, expected)
        table.add(
            "DuckDB, all rows",
            f"{duck_t.best:.2f} s",
            f"{duck_t.median:.2f} s",
            f"{rows / duck_t.median / 1e6:.1f} M rows/s (median), peak RSS {duck_mem:,.0f} MiB",
        )
        ds_t, ds_mem, _ = timed(args.repeat, lambda: aggregate_duckdb(sample, *agg))
        pd_t, pd_mem, pds = timed(args.repeat, lambda: aggregate_pandas(sample, *agg))
        ok &= np.allclose(pds["value"], aggregate_duckdb(sample, *agg)["value"], rtol=1e-9)
        table.add(
            f"DuckDB, sample ({sample_rows:,} rows)",
            f"{ds_t.best:.2f} s",
            f"{ds_t.median:.2f} s",
            f"{sample_rows / ds_t.median / 1e6:.1f} M rows/s, peak {ds_mem:,.0f} MiB",
        )
        table.add(
            "pandas, same sample",
            f"{pd_t.best:.2f} s",
            f"{pd_t.median:.2f} s",
            f"{sample_rows / pd_t.median / 1e6:.1f} M rows/s, peak {pd_mem:,.0f} MiB",
        )
        ratio = pd_t.median / ds_t.median

        run_t, _, run = timed(
            1,
            lambda: run_pipeline(
                parse_pipeline(pipeline("bench-duckdb")), warehouse, engine="duckdb"
            ),
        )
        ok &= check("pipeline on DuckDB", run.monthly, expected)
        table.add(
            "pipeline run, DuckDB",
            f"{run_t.best:.2f} s",
            f"{run_t.median:.2f} s",
            f"{rows / run_t.best / 1e6:.1f} M rows/s, monthly step + activity rows",
        )
        if not args.no_dask:
            from dask.distributed import Client, LocalCluster

            up = time.perf_counter()
            with (
                LocalCluster(
                    n_workers=args.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    memory_limit="8GiB",
                ) as cluster,
                Client(cluster) as client,
            ):
                started = time.perf_counter() - up
                client.run(worker_reset)
                dask_t, _, dask_run = timed(
                    1,
                    lambda: run_pipeline(
                        parse_pipeline(pipeline("bench-dask")),
                        warehouse,
                        engine="dask",
                        client=client,
                    ),
                )
                peaks = client.run(worker_peak)
            ok &= check("pipeline on Dask", dask_run.monthly, expected)
            table.add(
                f"pipeline run, Dask {args.workers} workers",
                f"{dask_t.best:.2f} s",
                f"{dask_t.median:.2f} s",
                f"{rows / dask_t.best / 1e6:.1f} M rows/s; cluster start {started:.1f} s "
                "not included; worker peak RSS "
                + ", ".join(f"{v:,.0f}" for v in peaks.values())
                + " MiB",
            )
            pd.testing.assert_frame_equal(
                dask_run.tables["buildings"], run.tables["buildings"], check_exact=False, rtol=1e-9
            )
            print("check Dask activity rows equal DuckDB's: yes")
        print()
        print(table.render())
        print()
        print(
            f"DuckDB: {rows / duck_t.median / 1e6:.1f} M rows/s over {rows:,} readings "
            f"(median of {args.repeat}); pandas on {sample_rows:,} rows is {ratio:.1f}x slower "
            "than DuckDB on the same rows (medians)"
        )
        activity = run.tables["buildings"][["gpc_ref", "activity_value", "activity_unit"]]
        print(
            "activity data 2024:",
            "; ".join(
                f"{r.gpc_ref} {r.activity_value:,.1f} {r.activity_unit}"
                for r in activity.itertuples()
            ),
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
        print(f"deleted {root}")
    print("all checks:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
