"""Targets and progress: the baseline, the target level and what the latest inventory achieved.

For the latest inventory year L against base year B with reduction r (1.0 for net zero):

    achieved = 1 - E_L / E_B,      target_emissions = E_B x (1 - r)

with E the BASIC total in tCO2e (`LEVEL`). A fixed-level target (60 Mt in 2030) has
target_emissions = the level, converted to tonnes, and no baseline. A net-zero target
without a base year takes the first inventory year as its baseline.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kizuna.datahub.publish.cities import CityTarget, PublishedCity
from kizuna.inventory import InventoryResult
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.units import parse_unit, ureg

#: The GPC total used for targets, sectors and SDG 13.2.2.
LEVEL = "basic"


def sectors_at_level(result: InventoryResult, level: str = LEVEL) -> dict[str, float]:
    """tCO2e by GPC sector of the reference numbers in reporting `level` (so the sectors add
    up to ``result.totals[level]``; ``result.by_sector`` holds every number with a value)."""
    taxonomy = gpc_taxonomy()
    inside = taxonomy[taxonomy[f"in_{level}"]]
    out: dict[str, float] = {}
    for ref, value in result.by_ref.items():
        if ref in inside.index:
            sector = str(inside.at[ref, "sector"])
            out[sector] = out.get(sector, 0.0) + float(value)
    return out


def target_progress(city: PublishedCity, target: CityTarget) -> dict[str, Any]:
    """The target with its baseline, target level and the latest year's progress (tCO2e)."""
    latest = max(city.results, key=lambda r: r.year) if city.results else None
    out: dict[str, Any] = {
        **target.to_dict(),
        "latest_year": latest.year if latest else None,
        "latest_tco2e": latest.totals.get(LEVEL) if latest else None,
        "baseline_tco2e": None,
        "target_tco2e": None,
        "achieved_reduction": None,
    }
    if target.type == "fixed_level" and target.level_value is not None:
        unit = parse_unit(target.level_unit or "t")
        out["target_tco2e"] = float(ureg.Quantity(target.level_value, unit).to("t").magnitude)
        return out
    reduction = 1.0 if target.type == "net_zero" and target.reduction is None else target.reduction
    base = city.result(target.base_year) if target.base_year is not None else None
    if base is None and target.type == "net_zero" and city.results:
        base = min(city.results, key=lambda r: r.year)
    if base is not None:
        base_total = base.totals.get(LEVEL)
        out["base_year"] = base.year
        out["baseline_tco2e"] = base_total
        if reduction is not None and base_total:
            out["target_tco2e"] = base_total * (1 - reduction)
        if latest is not None and base_total:
            out["achieved_reduction"] = 1 - latest.totals.get(LEVEL, 0.0) / base_total
    out["reduction"] = reduction
    return out


def targets_table(city: PublishedCity) -> pd.DataFrame:
    """One row per target: `target_progress` without the source text."""
    rows = [target_progress(city, t) for t in city.targets]
    return pd.DataFrame(rows).drop(columns=["source"], errors="ignore")
