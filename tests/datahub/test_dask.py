"""The same pipeline on a local Dask cluster (two worker processes) gives the DuckDB result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from datahub_support import meter_frame

from kizuna.datahub import DatasetSpec, Mode, Warehouse, import_file, parse_pipeline, run_pipeline
from kizuna.datahub.engines import aggregate_dask, aggregate_duckdb, aggregate_pandas

distributed = pytest.importorskip("dask.distributed")

SPEC = DatasetSpec(
    "meters",
    time_column="timestamp",
    value_column="energy",
    timezone="Asia/Tokyo",
    dimensions=("building_type",),
)
PIPELINE = {
    "name": "sm",
    "input": {"dataset": "meters"},
    "aggregate": {"by": ["building_type"], "unit": "kWh"},
    "outputs": [
        {
            "kind": "activity",
            "name": "a",
            "city": "X",
            "column": "building_type",
            "map": {"residential": "I.1.2", "commercial": "I.2.2"},
            "emission_factor": {"value": 0.441, "unit": "t/MWh"},
        }
    ],
}


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def fill(tmp_path: Path, name: str) -> Warehouse:
    warehouse = Warehouse(tmp_path / name)
    for k, (start, end) in enumerate(
        [("2024-01-01", "2024-02-29 23:00"), ("2024-02-15", "2024-03-31 23:00")]
    ):
        path = tmp_path / f"{name}-{k}.csv"
        meter_frame(start, end).to_csv(path, index=False)
        import_file(path, warehouse, SPEC, mode=Mode.append)
    return warehouse


def test_dask_cluster_run_equals_the_duckdb_run(tmp_path: Path, client: object) -> None:
    pipeline = parse_pipeline(PIPELINE)
    on_duckdb = run_pipeline(pipeline, fill(tmp_path, "a"), engine="duckdb")
    on_dask = run_pipeline(pipeline, fill(tmp_path, "b"), engine="dask", client=client)
    assert on_dask.engine == "dask"
    assert on_dask.recomputed == on_duckdb.recomputed == ("2024-01", "2024-02", "2024-03")
    pd.testing.assert_frame_equal(on_dask.monthly, on_duckdb.monthly, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(
        on_dask.tables["a"], on_duckdb.tables["a"], check_exact=False, rtol=1e-12
    )
    # Feb 15 to 29 is in both files: 15 days x 24 h counted twice in February
    feb = on_dask.monthly.set_index(["building_type", "_month"]).loc[("commercial", "2024-02")]
    assert feb["value"] == pytest.approx(2.0 * (696 + 15 * 24))


def test_the_three_engines_agree_on_the_files(tmp_path: Path, client: object) -> None:
    warehouse = fill(tmp_path, "c")
    files = warehouse.files("meters")
    args = (files, ["building_type"], "energy", 0.001)
    duck = aggregate_duckdb(*args)
    pd.testing.assert_frame_equal(aggregate_dask(*args, client=client), duck, rtol=1e-12)
    pd.testing.assert_frame_equal(aggregate_pandas(*args), duck, rtol=1e-12)
