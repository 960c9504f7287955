"""Column mappings: reading files whose columns have other names than Kizuna's long layout.

A mapping is ``{column in the file: column of the long layout}``. Presets name
mappings for public data sets (documented in docs/formats.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kizuna.errors import InputError

#: Carbon Monitor Cities (Huo et al. 2022, Sci Data 9, 533; CC BY 4.0): annual CO2 by city,
#: sector and GPC number in kg. City names repeat (Guadalajara in Mexico and Spain, Kochi in
#: India and Japan), so the UN/LOCODE is the city key and the name becomes the description.
CARBON_MONITOR: dict[str, str] = {
    "locode": "city",
    "city_name": "description",
    "GPC_refno": "gpc_ref",
    "gas_name": "gas",
    "emissions_value": "emissions_value",
    "emissions_units": "emissions_unit",
    "source_name": "source",
}

PRESETS: dict[str, dict[str, str]] = {"carbon-monitor": CARBON_MONITOR}


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str], source: str) -> pd.DataFrame:
    """Rename the columns of `frame` by `mapping`; every mapped column must exist."""
    missing = [c for c in mapping if c not in frame.columns]
    if missing:
        raise InputError(
            f"{source}: the column mapping names columns the file does not have: "
            f"{', '.join(repr(c) for c in missing)}",
            hint=f"the file's columns are {', '.join(map(str, frame.columns[:20]))}",
        )
    return frame.rename(columns=dict(mapping))


def parse_mapping(items: list[str], preset: str | None = None) -> dict[str, str]:
    """A mapping from a preset name and ``FILE_COLUMN=LAYOUT_COLUMN`` items (items win)."""
    mapping: dict[str, str] = {}
    if preset is not None:
        if preset not in PRESETS:
            raise InputError(
                f"unknown mapping preset {preset!r}", hint=f"use one of {', '.join(PRESETS)}"
            )
        mapping.update(PRESETS[preset])
    for item in items:
        src, sep, dst = item.partition("=")
        if not sep or not src.strip() or not dst.strip():
            raise InputError(
                f"column mapping {item!r} is not FILE_COLUMN=LAYOUT_COLUMN",
                hint="for example --column GPC_refno=gpc_ref",
            )
        mapping[src.strip()] = dst.strip()
    return mapping
