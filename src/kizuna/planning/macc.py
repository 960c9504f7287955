"""Marginal abatement cost curves (MACC).

Two views of the same measures:

- the classic curve: each measure's levelised cost of abatement
      LCOA_m = (CRF(r, L_m) x capex_m + opex_m) / a_m      [currency per tCO2e]
  (a_m the mean abatement per unit-year over the horizon) against its annual
  abatement potential P_m x a_m [tCO2e/yr], sorted by LCOA. It ignores timing,
  overlaps and ramp-up, which is why the plan itself comes from the LP;
- the model-derived curve: the LP re-solved with every target's reduction scaled
  by an ambition factor f, reporting the abatement reached in the first target
  year, the marginal cost of that milestone (its shadow price) and the NPV.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kizuna.planning.economics import crf
from kizuna.planning.model import abatement_matrix
from kizuna.planning.optimise import optimise
from kizuna.planning.plan import Plan


def macc_table(plan: Plan) -> pd.DataFrame:
    """One row per measure, sorted by LCOA, with the cumulative annual abatement potential.

    Columns: ``measure``, ``name``, ``sector``, ``lcoa`` (currency/tCO2e),
    ``abatement_tco2e_per_year`` (potential x mean abatement per unit),
    ``cumulative_tco2e_per_year``, ``capex``, ``opex``, ``lifetime``.
    """
    years = np.arange(plan.start_year, plan.end_year + 1)
    per_unit = abatement_matrix(plan, years).mean(axis=1) if plan.measures else np.zeros(0)
    rows = []
    for m, a in zip(plan.measures, per_unit, strict=True):
        lcoa = (float(crf(plan.discount_rate, m.lifetime)) * m.capex + m.opex) / a if a else None
        rows.append(
            {
                "measure": m.id,
                "name": m.name,
                "sector": m.sector,
                "lcoa": lcoa,
                "abatement_tco2e_per_year": m.potential * a,
                "capex": m.capex,
                "opex": m.opex,
                "lifetime": m.lifetime,
            }
        )
    table = pd.DataFrame.from_records(
        rows,
        columns=[
            "measure",
            "name",
            "sector",
            "lcoa",
            "abatement_tco2e_per_year",
            "capex",
            "opex",
            "lifetime",
        ],
    )
    table = table.sort_values("lcoa", na_position="last", kind="stable").reset_index(drop=True)
    table["cumulative_tco2e_per_year"] = table["abatement_tco2e_per_year"].cumsum()
    return table


def macc_sweep(
    plan: Plan,
    ambitions: Sequence[float] = tuple(np.linspace(0.1, 1.0, 10)),
) -> pd.DataFrame:
    """The model-derived curve: re-solve with all target reductions scaled by each ambition.

    Columns: ``ambition``, ``year`` (the first target year), ``abatement_tco2e`` (BAU minus
    planned emissions that year), ``marginal_cost`` (currency/tCO2e, that milestone's shadow
    price in that year's money), ``gap_tco2e``, ``npv``.
    """
    first_year = min(t.year for t in plan.targets)
    rows = []
    for f in ambitions:
        scaled = [t.model_copy(update={"reduction": t.reduction * f}) for t in plan.targets]
        result = optimise(plan.model_copy(update={"targets": scaled}))
        city_caps = [m for m in result.milestones if m.sector is None and m.year == first_year]
        milestone = city_caps[0] if city_caps else None
        rows.append(
            {
                "ambition": float(f),
                "year": first_year,
                "abatement_tco2e": result.bau[first_year] - result.emissions[first_year],
                "marginal_cost": milestone.marginal_cost + 0.0 if milestone else None,  # no -0.0
                "gap_tco2e": milestone.gap if milestone else None,
                "npv": result.npv,
            }
        )
    return pd.DataFrame.from_records(rows)
