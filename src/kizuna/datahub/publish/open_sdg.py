"""Open SDG data of a city: indicator 13.2.2, total greenhouse gas emissions per year.

The frame has Open SDG's layout (Year first, Value last; a blank disaggregation is the
total): headline rows hold the BASIC total of each inventory year, and rows with a
``Sector`` hold the GPC sector totals, all in tCO2e. Files are written with the Open SDG
reader and writer of `kizuna.sdg.opensdg` (``data/indicator_13-2-2.csv`` and
``indicator-config/13-2-2.yml``), the config built by `kizuna.sdg.climate.ghg_indicator`
with the city's first base-year target as the progress target.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kizuna.datahub.publish.cities import PublishedCity
from kizuna.datahub.publish.targets import sectors_at_level, target_progress
from kizuna.sdg.climate import ghg_indicator
from kizuna.sdg.opensdg import IndicatorData, write_data_dir

INDICATOR_ID = "13-2-2"
UNITS = "tCO2e"


def sdg_13_2_2(city: PublishedCity) -> pd.DataFrame:
    """Year, Sector (blank for the total), Units, Value (tCO2e, BASIC)."""
    rows = []
    for result in sorted(city.results, key=lambda r: r.year):
        rows.append(
            {
                "Year": result.year,
                "Sector": None,
                "Units": UNITS,
                "Value": float(result.totals["basic"]),
            }
        )
        rows.extend(
            {"Year": result.year, "Sector": sector, "Units": UNITS, "Value": float(value)}
            for sector, value in sectors_at_level(result).items()
        )
    return pd.DataFrame(rows, columns=["Year", "Sector", "Units", "Value"])


def open_sdg_indicators(city: PublishedCity) -> list[IndicatorData]:
    """The city's Open SDG indicators (frame and config)."""
    frame = sdg_13_2_2(city)
    options: dict[str, float | int] = {}
    for target in city.targets:
        progress = target_progress(city, target)
        if progress["target_tco2e"] is not None and progress["base_year"] is not None:
            options = {
                "target": progress["target_tco2e"],
                "target_year": target.year,
                "base_year": progress["base_year"],
            }
            break
    item = ghg_indicator(
        INDICATOR_ID,
        frame,
        name="Total greenhouse gas emissions per year",
        name_ja="温室効果ガス総排出量(年間)",
        **options,
    )
    item.config["kizuna"]["source"] = f"{city.name}: {city.inventory_file} (GPC BASIC)"
    item.config["kizuna"]["licence"] = city.licence
    return [item]


def write_open_sdg(city: PublishedCity, folder: str | Path) -> list[Path]:
    """Write the city's indicators in Open SDG's data layout under `folder`; the files."""
    return write_data_dir(open_sdg_indicators(city), folder)
