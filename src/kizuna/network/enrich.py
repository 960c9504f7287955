"""A registry enriched with real data sets: the network of cities with emissions.

`enrich_registry` reads whichever of the three files it is given (`kizuna.network.loaders`),
matches their rows to registry cities (`kizuna.network.joins`) and writes their columns in
this order, later sources overwriting earlier ones where they have a value:

1. Carbon Monitor: CO2 totals and sector shares (the only source with a sector mix);
2. CDP 2021 targets: ambition, target year and reduction;
3. CDP 2021 emissions: CO2e totals, the reported population and land area (city-reported
   figures win over modelled ones; the sector shares of Carbon Monitor stay).

Figures that cannot be right are dropped and counted in `EnrichedRegistry.dropped`: emissions
per capita outside `PLAUSIBLE_PER_CAPITA` (tCO2e per person; e.g. a city that reported one
sector's emissions as its total).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kizuna.network.joins import MatchReport, match_rows
from kizuna.network.loaders import read_carbon_monitor, read_cdp_emissions, read_cdp_targets
from kizuna.network.profiles import SECTORS
from kizuna.network.registry import Registry

#: Bounds of believable city emissions per capita, tCO2e per person per year.
PLAUSIBLE_PER_CAPITA = (0.1, 100.0)

_EMISSION_COLUMNS = ["emissions_tco2e", "emissions_year", "emissions_basis", "emissions_source"]
_TARGET_COLUMNS = ["ambition_pct_per_year", "target_year", "target_reduction", "target_base_year"]


@dataclass(frozen=True)
class EnrichedRegistry:
    registry: Registry
    reports: dict[str, MatchReport]
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def with_emissions(self) -> int:
        """Registry cities that now have emissions (the network of cities with emissions)."""
        return int(self.registry.frame["emissions_tco2e"].notna().sum())

    def to_dict(self) -> dict[str, Any]:
        return {
            "cities": len(self.registry),
            "cities_with_emissions": self.with_emissions,
            "matches": {k: r.to_dict() for k, r in self.reports.items()},
            "dropped": dict(self.dropped),
        }


def enrich_registry(
    registry: Registry,
    *,
    cdp_emissions: str | Path | None = None,
    cdp_targets: str | Path | None = None,
    carbon_monitor: str | Path | None = None,
) -> EnrichedRegistry:
    """`registry` with the columns of the given files written on the matched cities."""
    reports: dict[str, MatchReport] = {}
    dropped: dict[str, int] = {}
    if carbon_monitor is not None:
        cm = read_carbon_monitor(carbon_monitor)
        report = match_rows(registry, cm, "Carbon Monitor Cities")
        reports["carbon_monitor"] = report
        cols = [*_EMISSION_COLUMNS, *SECTORS.values(), "locode"]
        cm = _plausible(cm, report.rows, registry, dropped, "carbon_monitor")
        registry = registry.with_columns(report.rows, cm[cols])
    targets = read_cdp_targets(cdp_targets) if cdp_targets is not None else None
    if targets is not None:
        report = match_rows(registry, targets, "CDP 2021 targets")
        reports["cdp_targets"] = report
        registry = registry.with_columns(report.rows, targets[[*_TARGET_COLUMNS, "cdp_account"]])
    if cdp_emissions is not None:
        cdp = read_cdp_emissions(cdp_emissions, targets)
        report = match_rows(registry, cdp, "CDP 2021 city-wide emissions")
        reports["cdp_emissions"] = report
        cdp = _plausible(cdp, report.rows, registry, dropped, "cdp_emissions")
        cols = [*_EMISSION_COLUMNS, "population", "population_year", "area_km2", "cdp_account"]
        registry = registry.with_columns(report.rows, cdp[cols])
    return EnrichedRegistry(registry, reports, dropped)


def _plausible(
    source: pd.DataFrame, rows: np.ndarray, registry: Registry, dropped: dict[str, int], key: str
) -> pd.DataFrame:
    """`source` with emissions blanked where per capita is outside `PLAUSIBLE_PER_CAPITA`."""
    people = registry.frame["population"].to_numpy(dtype=float, na_value=np.nan)
    theirs = (
        source["population"].to_numpy(dtype=float, na_value=np.nan)
        if "population" in source
        else np.full(len(source), np.nan)
    )
    ours = np.where(rows >= 0, people[np.maximum(rows, 0)], np.nan)
    pop = np.where(np.isfinite(theirs), theirs, ours)
    emissions = source["emissions_tco2e"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_capita = emissions / pop
    lo, hi = PLAUSIBLE_PER_CAPITA
    bad = np.isfinite(per_capita) & ((per_capita < lo) | (per_capita > hi)) & (rows >= 0)
    dropped[key] = int(bad.sum())
    out = source.copy()
    out.loc[bad, _EMISSION_COLUMNS] = None
    return out
