"""Reading inventories from CSV and Excel files, in the long and the wide layout.

The long layout (one row per entry) is read by `kizuna.inventory.long_layout`, the
wide layout (one row per city-year, as the C40 GHG Emissions Dashboard data) by
`kizuna.inventory.wide_layout`; docs/formats.md describes both.

Every check runs over whole columns; all problems of a file are raised
together as one `InputError`, and nothing partial is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.inventory.book import InventoryBook
from kizuna.inventory.long_layout import read_long
from kizuna.inventory.mappings import apply_mapping
from kizuna.inventory.problems import Problems
from kizuna.inventory.tables import load_table, normalise
from kizuna.inventory.wide_layout import read_wide
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.reference.gwp import DEFAULT_GWP, gwp_values


def read_inventory_file(
    path: str | Path,
    *,
    gwp: str = DEFAULT_GWP,
    sheet: str | None = None,
    city: str | None = None,
    year: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> InventoryBook:
    """Read an inventory file (CSV or Excel, long or wide layout) into an `InventoryBook`.

    `city` and `year` fill in files that have no such column; `columns` maps
    the file's column names to the layout's (see `kizuna.inventory.mappings`).
    Raises `InputError` naming the file, rows, columns and the fix.
    """
    path = Path(path)
    frame = load_table(path, sheet)
    if columns:
        frame = apply_mapping(frame, columns, path.name)
    return read_inventory_frame(frame, source=path.name, gwp=gwp, city=city, year=year)


def read_inventory_frame(
    frame: pd.DataFrame,
    *,
    source: str = "<frame>",
    gwp: str = DEFAULT_GWP,
    city: str | None = None,
    year: int | None = None,
    first_row: int = 2,
) -> InventoryBook:
    """Read a DataFrame in the long or wide layout; `first_row` is the file row of its first row."""
    gwp = gwp.upper()
    gwp_values(gwp)  # validates the set name
    columns = {normalise(c): c for c in frame.columns}
    df = frame.rename(columns={orig: norm for norm, orig in columns.items()})
    problems = Problems(source)
    rows = np.arange(first_row, first_row + len(df))
    if "gpc_ref" in df.columns:
        return read_long(df, rows, problems, gwp, source, city, year)
    refs = [c for c in frame.columns if str(c).strip() in gpc_taxonomy().index]
    if refs:
        return read_wide(frame, rows, problems, gwp, source, city, year)
    raise InputError(
        f"{source}: neither a long nor a wide inventory",
        hint="add a 'gpc_ref' column (long layout: one row per entry) or one column per GPC "
        "reference number such as I.1.1 (wide layout: one row per city-year); "
        "see docs/formats.md",
    )
