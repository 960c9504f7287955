"""Climate indicators from Kizuna's own data: GHG per capita, renewable share, the plan's progress.

- GHG emissions per capita (a local version of 13.2.2 "Total greenhouse gas emissions per
  year"): e = E / N, tCO2e per person, from an inventory result (`kizuna.inventory`, E at a
  GPC reporting level) and a population N.
- Renewable share (SDG 7.2.1 "Renewable energy share in the total final energy
  consumption"): s = 100 x R / F, percent, from renewable energy R and total final energy
  consumption F in the same unit (MWh); and the renewable generation a plan adds:
  G(t) = sum over generating measures of stock(t) x output per unit (kWh/yr) / 1000, MWh/yr.
- The plan's progress (`kizuna.planning`): its milestones (cap, planned emissions, gap), the
  linear path from the base year to the first milestone, and the Open SDG progress of the
  observed emissions towards that milestone (base value = the plan's base-year emissions,
  target = the milestone cap in its year, lower is better).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.inventory import InventoryResult
from kizuna.planning import Plan, PlanResult
from kizuna.planning.baseline import base_year_emissions
from kizuna.planning.plan import Abatement
from kizuna.sdg.opensdg import IndicatorData
from kizuna.sdg.progress import SeriesProgress, assess_series

#: Library measures that generate renewable electricity (their abatement value is kWh/yr
#: generated per unit).
RENEWABLE_MEASURES = ("rooftop-pv", "utility-pv", "onshore-wind", "offshore-wind")
LEVELS = ("basic", "basic_plus", "basic_plus_s3", "territorial")


def ghg_per_capita(
    result: InventoryResult, population: float | None = None, level: str = "basic"
) -> float:
    """tCO2e per person of one inventory at a GPC reporting `level`; `population` defaults
    to the inventory's own. `InputError` when there is no positive population."""
    if level not in LEVELS:
        raise InputError(f"unknown reporting level {level!r}", hint=f"one of {', '.join(LEVELS)}")
    people = population if population is not None else result.population
    if people is None or not people > 0:
        raise InputError(
            f"{result.city} {result.year}: no population to divide the emissions by",
            hint="give the population (persons) of that year",
        )
    return float(result.totals[level]) / float(people)


def ghg_per_capita_frame(
    emissions_tco2e: Mapping[int, float], population: Mapping[int, float]
) -> pd.DataFrame:
    """An Open SDG frame (Year, Units, Value) of tCO2e per person for the years that have
    both emissions (tCO2e) and a population."""
    years = sorted(set(emissions_tco2e) & set(population))
    values = [float(emissions_tco2e[y]) / float(population[y]) for y in years]
    return pd.DataFrame(
        {"Year": years, "Units": ["tCO2e per person"] * len(years), "Value": values}
    )


def inventory_emissions(
    results: Sequence[InventoryResult], level: str = "basic"
) -> dict[int, float]:
    """tCO2e by year of a city's inventories at a reporting `level`."""
    return {int(r.year): float(r.totals[level]) for r in results}


def renewable_share(renewable_mwh: Any, total_mwh: Any) -> np.ndarray:
    """Percent of renewable energy in total final energy consumption (arrays or scalars in
    the same unit); NaN where the total is not positive."""
    r = np.asarray(renewable_mwh, dtype=float)
    f = np.asarray(total_mwh, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(f > 0, 100.0 * r / f, np.nan)


def planned_renewable_generation(
    plan: Plan, result: PlanResult, measures: Sequence[str] = RENEWABLE_MEASURES
) -> dict[int, float]:
    """MWh/yr of renewable electricity the plan's roadmap generates in each year: for each
    generating measure (library ids in `measures`), units in place x its kWh/yr per unit."""
    output = {
        m.id: m.abatement.value / 1000.0
        for m in plan.measures
        if m.id in measures and isinstance(m.abatement, Abatement) and "kWh" in m.abatement.unit
    }
    totals = dict.fromkeys(result.years, 0.0)
    for m in result.measures:
        if m.id in output:
            for year, stock in m.stock.items():
                totals[int(year)] += stock * output[m.id]
    return totals


@dataclass(frozen=True)
class PlanProgress:
    """Where the city stands on its plan (tCO2e; years as numbers).

    `path` is the linear path from the base year to the first city-wide milestone;
    `progress` assesses the latest observed emissions against that milestone with the Open
    SDG method (None without observations after the base year)."""

    city: str
    base_year: int
    base_emissions_tco2e: float
    milestones: list[dict[str, Any]]
    observed_tco2e: dict[int, float]
    path_tco2e: dict[int, float]
    progress: SeriesProgress | None
    all_met: bool
    measures: list[dict[str, Any]]
    renewable_mwh: dict[int, float]

    @property
    def latest_year(self) -> int | None:
        """The latest year with observed emissions."""
        return max(self.observed_tco2e) if self.observed_tco2e else None

    @property
    def on_path(self) -> bool | None:
        """True when the latest observation is at or below the linear path (None without)."""
        year = self.latest_year
        if year is None or year not in self.path_tco2e:
            return None
        return self.observed_tco2e[year] <= self.path_tco2e[year] + 1e-9

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (years as text keys)."""
        return {
            "city": self.city,
            "base_year": self.base_year,
            "base_emissions_tco2e": self.base_emissions_tco2e,
            "milestones": self.milestones,
            "observed_tco2e": {str(k): v for k, v in self.observed_tco2e.items()},
            "path_tco2e": {str(k): v for k, v in self.path_tco2e.items()},
            "latest_year": self.latest_year,
            "on_path": self.on_path,
            "progress": self.progress.to_dict() if self.progress else None,
            "all_milestones_met": self.all_met,
            "measures": self.measures,
            "renewable_mwh": {str(k): v for k, v in self.renewable_mwh.items()},
        }


def plan_progress(
    plan: Plan, result: PlanResult, observed_tco2e: Mapping[int, float] | None = None
) -> PlanProgress:
    """The plan's milestones, its measures with the SDGs they serve, its renewable
    generation, and the progress of `observed_tco2e` (city total by year) towards its first
    city-wide milestone."""
    base = float(sum(base_year_emissions(plan).values()))
    observed = {int(k): float(v) for k, v in (observed_tco2e or {}).items()}
    city_milestones = sorted(
        (m for m in result.milestones if m.sector is None), key=lambda m: m.year
    )
    path: dict[int, float] = {}
    progress = None
    if city_milestones:
        first = city_milestones[0]
        span = first.year - plan.base_year
        path = (
            {
                y: base + (first.cap - base) * (y - plan.base_year) / span
                for y in range(plan.base_year, first.year + 1)
            }
            if span > 0
            else {}
        )
        later = {y: v for y, v in observed.items() if y > plan.base_year}
        if later:
            latest = max(later)
            progress = assess_series(
                base,
                plan.base_year,
                later[latest],
                latest,
                -1,
                first.cap,
                first.year,
                series=f"{plan.city} GHG emissions vs {first.year} milestone",
            )
    sdgs = {m.id: list(m.sdgs) for m in plan.measures}
    measures = [
        {
            "id": m.id,
            "name": m.name,
            "sector": m.sector,
            "sdgs": sdgs.get(m.id, []),
            "units_installed": m.units_installed,
            "abatement_final_tco2e": m.abatement.get(result.years[-1], 0.0)
            if result.years
            else 0.0,
            "capex": m.capex,
            "lcoa": m.lcoa,
        }
        for m in sorted(result.measures, key=lambda m: -sum(m.abatement.values()))
        if m.units_installed > 1e-9
    ]
    milestones = [
        {
            "year": m.year,
            "sector": m.sector,
            "cap_tco2e": m.cap,
            "planned_tco2e": m.emissions,
            "gap_tco2e": m.gap,
            "met": m.met,
            "marginal_cost": m.marginal_cost,
        }
        for m in result.milestones
    ]
    return PlanProgress(
        plan.city,
        plan.base_year,
        base,
        milestones,
        observed,
        path,
        progress,
        result.all_met,
        measures,
        planned_renewable_generation(plan, result),
    )


def ghg_indicator(
    indicator_id: str,
    frame: pd.DataFrame,
    *,
    name: str,
    name_ja: str | None = None,
    target: float | None = None,
    target_year: int = 2030,
    base_year: int = 2015,
    global_indicators: Sequence[str] = ("13.2.2",),
) -> IndicatorData:
    """An Open SDG indicator (frame and config) for a climate series computed by Kizuna,
    lower being better, with the progress calculation on."""
    option: dict[str, Any] = {"direction": "negative", "base_year": base_year}
    if target is not None:
        option.update(target=target, target_year=target_year)
    units = frame["Units"].dropna().unique().tolist() if "Units" in frame else []
    config = {
        "indicator_number": indicator_id.replace("-", "."),
        "indicator_name": name,
        "computation_units": units[0] if units else "",
        "reporting_status": "complete",
        "auto_progress_calculation": True,
        "progress_calculation_options": [option],
        "kizuna": {"name_ja": name_ja, "global_indicators": list(global_indicators)},
    }
    return IndicatorData(indicator_id, frame, config)
