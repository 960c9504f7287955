"""The rows of each published data set (`dataset_table`) and their CSV/Parquet downloads.

Emissions are in tCO2e; sector rows are BASIC (the GPC v1.1 reporting level every city
covers); targets and progress are computed by `kizuna.datahub.publish.targets`.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kizuna.datahub.datasets import MONTH
from kizuna.datahub.publish.cities import PublishedCity
from kizuna.datahub.publish.open_sdg import sdg_13_2_2
from kizuna.datahub.publish.targets import sectors_at_level, targets_table
from kizuna.datahub.warehouse import Warehouse
from kizuna.errors import NotFound


def totals_table(city: PublishedCity) -> pd.DataFrame:
    """Year, BASIC, BASIC+, BASIC+ with other scope 3, territorial (tCO2e), population,
    BASIC per person."""
    rows = [
        {
            "year": r.year,
            "basic_tco2e": r.totals.get("basic"),
            "basic_plus_tco2e": r.totals.get("basic_plus"),
            "basic_plus_s3_tco2e": r.totals.get("basic_plus_s3"),
            "territorial_tco2e": r.totals.get("territorial"),
            "population": r.population,
            "basic_tco2e_per_person": r.per_capita.get("basic"),
        }
        for r in sorted(city.results, key=lambda r: r.year)
    ]
    return pd.DataFrame(rows)


def sectors_table(city: PublishedCity) -> pd.DataFrame:
    """Year, GPC sector, tCO2e (BASIC), one row per sector with a value."""
    rows = [
        {"year": r.year, "sector": sector, "emissions_tco2e": value}
        for r in sorted(city.results, key=lambda r: r.year)
        for sector, value in sectors_at_level(r).items()
    ]
    return pd.DataFrame(rows, columns=["year", "sector", "emissions_tco2e"])


def dataset_table(
    city: PublishedCity, dataset_id: str, warehouse: Warehouse | None = None
) -> pd.DataFrame:
    """The rows of data set `dataset_id` of `city` (see `kizuna.datahub.publish.catalogue`)."""
    if dataset_id == "ghg-inventory":
        return city.inventory_rows
    if dataset_id == "emissions-totals":
        return totals_table(city)
    if dataset_id == "emissions-by-sector":
        return sectors_table(city)
    if dataset_id == "climate-targets" and city.targets:
        return targets_table(city)
    if dataset_id == "sdg-13-2-2":
        return sdg_13_2_2(city)
    if dataset_id.startswith("warehouse-") and warehouse is not None:
        name = dataset_id.removeprefix("warehouse-")
        info = warehouse.dataset(name)
        if info.spec.public and info.spec.city == city.slug:
            return warehouse.read(name).drop(columns=[MONTH], errors="ignore")
    raise NotFound(
        f"{city.name} publishes no data set {dataset_id!r}",
        hint="see the city's catalogue (kizuna data publish CITY --format dcat)",
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, no index."""
    return frame.to_csv(index=False).encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A Parquet file in memory (pyarrow, Snappy)."""
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()
