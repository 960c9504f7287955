"""GWP-100 sets (IPCC AR4, AR5, AR6) for converting masses of gases to CO2e.

Values come from the maintained `globalwarmingpotentials` package
(openclimatedata; AR4 and AR5 as tabulated by the GHG Protocol, AR6 from
IPCC AR6 WG I, Chapter 7, Supplementary Table 7.SM.7), plus methane split by
origin from ``data/gwp_supplement.csv`` (AR5 Table 8.7, AR6 Table 7.15).

``CO2e`` (an already converted mass) and ``CO2`` have a GWP of 1 in every set.
Equation: m_CO2e = sum over gases g of m_g x GWP_g.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import globalwarmingpotentials

from kizuna.errors import InputError
from kizuna.reference._files import read_reference_csv

GwpSet = Literal["AR4", "AR5", "AR6"]
GWP_SETS: tuple[str, ...] = ("AR4", "AR5", "AR6")
DEFAULT_GWP: GwpSet = "AR5"

#: Names people write for some gases, mapped to the package's species names.
GAS_ALIASES: dict[str, str] = {
    "CO2E": "CO2e",
    "CH4_FOSSIL": "CH4_fossil",
    "CH4_BIOGENIC": "CH4_biogenic",
    "CH4_NON_FOSSIL": "CH4_biogenic",
    "HFC-134A": "HFC134a",
    "HFC-23": "HFC23",
    "HFC-32": "HFC32",
    "HFC-125": "HFC125",
    "HFC-143A": "HFC143a",
    "HFC-152A": "HFC152a",
    "HFC-227EA": "HFC227ea",
    "HFC-245FA": "HFC245fa",
    "C-C4F8": "cC4F8",
}


@cache
def gwp_values(gwp_set: str) -> dict[str, float]:
    """GWP-100 of every species in `gwp_set` (``AR4``, ``AR5``, ``AR6``), CO2e and CO2 included."""
    key = gwp_set.upper()
    if key not in GWP_SETS:
        raise InputError(f"unknown GWP set {gwp_set!r}", hint=f"use one of {', '.join(GWP_SETS)}")
    values = {k: float(v) for k, v in globalwarmingpotentials.data[f"{key}GWP100"].items()}
    supplement = read_reference_csv("gwp_supplement.csv").set_index("species")[key]
    values.update({k: float(v) for k, v in supplement.items()})
    values["CO2"] = 1.0
    values["CO2e"] = 1.0
    return values


def gwp_table() -> dict[str, dict[str, float]]:
    """All three sets: ``{set: {species: GWP-100}}``."""
    return {s: gwp_values(s) for s in GWP_SETS}


def canonical_gas(name: str, gwp_set: str) -> str | None:
    """The species name for `name` as written in a file, or None when no GWP is known for it.

    Matching ignores case, spaces and hyphens: ``ch4``, ``HFC-134a`` and ``HFC134a`` all match.
    """
    values = gwp_values(gwp_set)
    raw = str(name).strip()
    if raw in values:
        return raw
    key = raw.upper().replace(" ", "")
    if key in GAS_ALIASES:
        return GAS_ALIASES[key]
    squashed = key.replace("-", "").replace("_", "")
    for species in values:
        if species.upper().replace("_", "") == squashed:
            return species
    return None
