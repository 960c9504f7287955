"""The data hub: open and big city data in, linked to inventories and indicators, published.

- Files (`files`): CSV, Excel, Parquet, JSON, GeoJSON with schema inference, unit checks,
  a preview and a size limit; `imports` stores them in the warehouse in one transaction.
- Connectors: CKAN (`ckan`), NGSI-LD brokers (`ngsi_ld`), OGC SensorThings
  (`sensorthings`), SDMX (`sdmx`), over one HTTP client with timeouts and retries (`http`).
- Warehouse (`warehouse`): DuckDB + monthly Parquet partitions, with lineage (`lineage`).
- Pipelines (`pipeline_file`, `pipelines`, `engines`): monthly aggregates recomputed
  incrementally, on DuckDB or Dask, into GPC activity rows and indicator series.
- Publishing (`kizuna.datahub.publish`): DCAT, NGSI-LD Smart Data Models, Open SDG,
  CSV/Parquet downloads and the public JSON API. Charts: `charts`.

>>> from kizuna.datahub import Warehouse, DatasetSpec, import_file, load_pipeline, run_pipeline
>>> # import_file("meters.csv", Warehouse(), DatasetSpec("meters", time_column="time", ...))
"""

from kizuna.datahub.datasets import DatasetSpec, Mode, SourceInfo
from kizuna.datahub.files import DEFAULT_MAX_BYTES, Preview, preview_file, read_file
from kizuna.datahub.imports import ImportResult, import_file, import_frame
from kizuna.datahub.lineage import LineageRecord
from kizuna.datahub.pipeline_file import Pipeline, load_pipeline, parse_pipeline
from kizuna.datahub.pipelines import RunResult, run_pipeline
from kizuna.datahub.schema import ColumnSchema, ColumnType, Problem, TableSchema
from kizuna.datahub.warehouse import DatasetInfo, Warehouse, default_warehouse_dir

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ColumnSchema",
    "ColumnType",
    "DatasetInfo",
    "DatasetSpec",
    "ImportResult",
    "LineageRecord",
    "Mode",
    "Pipeline",
    "Preview",
    "Problem",
    "RunResult",
    "SourceInfo",
    "TableSchema",
    "Warehouse",
    "default_warehouse_dir",
    "import_file",
    "import_frame",
    "load_pipeline",
    "parse_pipeline",
    "preview_file",
    "read_file",
    "run_pipeline",
]
