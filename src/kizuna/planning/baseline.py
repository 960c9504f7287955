"""Business-as-usual (BAU) projection of emissions by sector.

For sector s with base-year emissions E_s(b), annual growth g_s, driver
elasticities e_{s,d} and linear driver shares s_{s,k}:

    E_s(t) = E_s(b) x (1 + g_s)^(t - b) x prod_d (D_d(t) / D_d(b))^e_{s,d}
                    x [(1 - sum_k s_{s,k}) + sum_k s_{s,k} D_k(t) / D_k(b)]

Base-year emissions come from the plan or from the city's inventory: the sum of the
sector's GPC reference numbers (its `refs`, or the GPC sector of the same name) that
count in the chosen reporting level (BASIC by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.inventory import InventoryResult, compute, read_inventory_file
from kizuna.planning.paths import evaluate
from kizuna.planning.plan import Plan
from kizuna.reference.gpc import gpc_taxonomy


def base_year_emissions(plan: Plan) -> dict[str, float]:
    """tCO2e by sector in the base year, from the plan or its inventory file."""
    b = plan.baseline
    inventory = _base_inventory(plan) if b.inventory else None
    names = list(b.sectors) or (list(dict.fromkeys(gpc_taxonomy()["sector"])) if inventory else [])
    out: dict[str, float] = {}
    for name in names:
        spec = b.sectors.get(name)
        if spec is not None and spec.emissions is not None:
            out[name] = float(spec.emissions)
        elif inventory is not None:
            value = _sector_from_inventory(plan, inventory, name, spec.refs if spec else [])
            if value is not None:
                out[name] = value
        if name not in out and (spec is not None or inventory is None):
            raise InputError(
                f"baseline sector {name!r} has no base-year emissions",
                hint="give baseline.sectors.<name>.emissions in tCO2e, or a baseline.inventory "
                "and refs (GPC numbers) for it",
            )
    return out


def _base_inventory(plan: Plan) -> InventoryResult:
    b = plan.baseline
    assert b.inventory is not None
    results = [
        r for r in compute(read_inventory_file(b.inventory, gwp=b.gwp)) if r.year == plan.base_year
    ]
    if len(results) != 1:
        raise InputError(
            f"{b.inventory}: expected one inventory for the base year {plan.base_year}, "
            f"found {len(results)}",
            hint="the plan's base_year must be a year of its baseline inventory",
        )
    return results[0]


def sector_emissions(plan: Plan, inventory: InventoryResult) -> dict[str, float]:
    """tCO2e by plan sector in one computed inventory of any year (actuals for a review):
    the sums the base year takes (each sector's `refs`, or the GPC sector of its name, in
    the plan's reporting level). Sectors that no reference number matches are left out."""
    b = plan.baseline
    names = list(b.sectors) or list(dict.fromkeys(gpc_taxonomy()["sector"]))
    out: dict[str, float] = {}
    for name in names:
        spec = b.sectors.get(name)
        value = _sector_from_inventory(plan, inventory, name, spec.refs if spec else [])
        if value is not None:
            out[name] = value
    return out


def _sector_from_inventory(
    plan: Plan, inventory: InventoryResult, name: str, refs: list[str]
) -> float | None:
    """Sum of the inventory's values at the sector's reference numbers in the chosen level;
    None when no number matches (a GPC sector the city does not report)."""
    tax = gpc_taxonomy()
    in_level = tax[f"in_{plan.baseline.inventory_level}"]
    if refs:
        chosen = {r for r in tax.index if any(r == p or r.startswith(p + ".") for p in refs)}
        unknown = [p for p in refs if not any(r == p or r.startswith(p + ".") for r in tax.index)]
        if unknown:
            raise InputError(
                f"baseline.sectors.{name}.refs: no GPC reference number {unknown}",
                hint="use numbers such as I.1.2 or prefixes such as I.1",
            )
    else:
        chosen = set(tax.index[tax["sector"] == name])
    values = [v for ref, v in inventory.by_ref.items() if ref in chosen and in_level[ref]]
    return float(sum(values)) if values or refs else None


def project_bau(plan: Plan) -> pd.DataFrame:
    """BAU emissions (tCO2e), index = years base_year..end_year, one column per sector."""
    years = np.arange(plan.base_year, plan.end_year + 1)
    base = base_year_emissions(plan)
    drivers = {
        name: evaluate(path, years, plan.base_year) for name, path in plan.baseline.drivers.items()
    }
    columns = {}
    for sector, e0 in base.items():
        spec = plan.baseline.sectors.get(sector)
        factor = np.ones(len(years))
        if spec is not None:
            factor = factor * (1.0 + spec.growth) ** (years - plan.base_year)
            for driver, elasticity in spec.elasticities.items():
                d = _positive(drivers[driver], driver)
                factor = factor * (d / d[0]) ** elasticity
            if spec.driver_shares:
                mix = 1.0 - sum(spec.driver_shares.values())
                for driver, share in spec.driver_shares.items():
                    d = _positive(drivers[driver][:1], driver)[0]
                    mix = mix + share * drivers[driver] / d
                factor = factor * mix
        columns[sector] = e0 * factor
    return pd.DataFrame(columns, index=pd.Index(years, name="year"))


def _positive(values: np.ndarray, driver: str) -> np.ndarray:
    if np.any(values <= 0):
        raise InputError(
            f"driver {driver!r} must be positive where it scales emissions (base year and, for "
            "elasticities, every year)",
            hint="check baseline.drivers",
        )
    return values
