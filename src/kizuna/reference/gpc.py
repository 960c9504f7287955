"""The GPC taxonomy: reference numbers, sectors, scopes and reporting levels.

Source: WRI, C40 and ICLEI (2021), *Global Protocol for Community-Scale
Greenhouse Gas Inventories*, v1.1, Tables 4.1 and 4.3 (see the header of
``data/gpc_taxonomy.csv``). Reporting levels, as sums over reference numbers r:

- BASIC       = sum of r with ``basic`` (scope 1 and 2 of stationary energy and
  transport except I.4.4, and waste generated in the city, scopes 1 and 3);
- BASIC+      = BASIC + scope 3 of stationary energy and transport + IPPU + AFOLU;
- BASIC+S3    = BASIC+ + VI.1 (other scope 3);
- territorial = sum of all scope 1 sources (I.4.4 and imported waste included).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from kizuna.reference._files import read_reference_csv

#: Reporting levels and the taxonomy flag columns that define them.
GPC_LEVELS: dict[str, tuple[str, ...]] = {
    "basic": ("basic",),
    "basic_plus": ("basic_plus",),
    "basic_plus_s3": ("basic_plus", "other_scope3"),
    "territorial": ("territorial",),
}

#: The order in which GPC numbers its sectors.
SECTOR_ORDER: tuple[str, ...] = (
    "Stationary energy",
    "Transportation",
    "Waste",
    "IPPU",
    "AFOLU",
    "Other scope 3",
)


@cache
def gpc_taxonomy() -> pd.DataFrame:
    """The taxonomy as a DataFrame indexed by ``gpc_ref`` (I.1.1 ... VI.1), in GPC order.

    Columns: ``sector_code``, ``sector``, ``subsector``, ``scope`` (1, 2, 3),
    boolean flags ``basic``, ``basic_plus``, ``other_scope3``, ``territorial``,
    ``may_be_negative`` (net removals are legitimate) and ``description``.
    One level flag per `GPC_LEVELS` key is added as ``in_<level>``. The returned
    frame is shared: copy it before changing it.
    """
    df = read_reference_csv("gpc_taxonomy.csv", dtype={"scope": "int8"})
    for flag in ("basic", "basic_plus", "other_scope3", "territorial", "may_be_negative"):
        df[flag] = df[flag].astype(bool)
    for level, flags in GPC_LEVELS.items():
        df[f"in_{level}"] = df[list(flags)].any(axis=1)
    df["position"] = range(len(df))
    return df.set_index("gpc_ref")


def gpc_refs() -> list[str]:
    """All reference numbers in GPC order."""
    return list(gpc_taxonomy().index)
