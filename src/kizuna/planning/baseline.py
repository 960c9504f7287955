"""Business-as-usual (BAU) projection of emissions by sector.

For sector s with base-year emissions E_s(b), annual growth g_s and driver
elasticities e_{s,d}:

    E_s(t) = E_s(b) x (1 + g_s)^(t - b) x prod_d (D_d(t) / D_d(b))^e_{s,d}

Base-year emissions come from the plan or from the city's inventory file (the
sector sums of the chosen reporting level, BASIC by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.inventory import compute, read_inventory_file
from kizuna.planning.paths import evaluate
from kizuna.planning.plan import Plan
from kizuna.reference.gpc import gpc_taxonomy


def base_year_emissions(plan: Plan) -> dict[str, float]:
    """tCO2e by sector in the base year, from the plan or its inventory file."""
    b = plan.baseline
    from_inventory = _inventory_sectors(plan) if b.inventory else {}
    out: dict[str, float] = {}
    names = list(b.sectors) or list(from_inventory)
    for name in names:
        given = b.sectors[name].emissions if name in b.sectors else None
        if given is not None:
            out[name] = float(given)
        elif name in from_inventory:
            out[name] = from_inventory[name]
        else:
            raise InputError(
                f"baseline sector {name!r} has no base-year emissions",
                hint="give baseline.sectors.<name>.emissions in tCO2e, or a baseline.inventory "
                "whose sectors include it",
            )
    return out


def _inventory_sectors(plan: Plan) -> dict[str, float]:
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
    in_level = gpc_taxonomy()[f"in_{b.inventory_level}"]
    sectors = gpc_taxonomy()["sector"]
    out: dict[str, float] = {}
    for ref, value in results[0].by_ref.items():
        if in_level[ref]:
            out[sectors[ref]] = out.get(sectors[ref], 0.0) + value
    return out


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
                d = drivers[driver]
                if d[0] <= 0 or np.any(d <= 0):
                    raise InputError(
                        f"driver {driver!r} must stay positive to carry an elasticity",
                        hint="check baseline.drivers",
                    )
                factor = factor * (d / d[0]) ** elasticity
        columns[sector] = e0 * factor
    return pd.DataFrame(columns, index=pd.Index(years, name="year"))
