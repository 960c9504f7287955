"""Stress test: the plan's roadmap, fixed, evaluated under each scenario.

The schedule of installations stays as the optimiser chose it; each scenario changes the
world around it (`kizuna.review.worlds`): BAU is projected again with the scenario's drivers,
shocks and energy intensity, driver-linked abatement follows the scenario's drivers, and the
costs use its discount rate, energy prices and carbon price (`kizuna.review.evaluate`).
The result says, per scenario, the emissions path, which milestones the roadmap still meets
(and the gap of the others), the cumulative emissions against the plan's budget, the
discounted cost, and the carbon cost of the residual emissions. The first row is the plan's
own world ("plan"), which reproduces the optimiser's figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.planning import Plan, PlanResult, optimise
from kizuna.review.basis import PlanBasis, plan_basis
from kizuna.review.evaluate import Outcomes, evaluate, met
from kizuna.review.roadmap import Roadmap
from kizuna.review.scenarios import ScenarioSet, default_scenarios
from kizuna.review.worlds import plan_world, scenario_world, stack


@dataclass(frozen=True)
class MilestoneCheck:
    """One milestone in one world: the cap, the emissions, the gap above it (tCO2e)."""

    year: int
    sector: str | None
    cap: float
    emissions: float
    gap: float
    met: bool


@dataclass(frozen=True)
class ScenarioOutcome:
    """The roadmap in one scenario (tCO2e; money in the plan currency, NPV to start_year)."""

    scenario: str
    name: str
    emissions: dict[int, float]
    bau: dict[int, float]
    emissions_by_sector: dict[str, dict[int, float]]
    milestones: list[MilestoneCheck]
    cumulative_emissions: float
    within_budget: bool | None  # method "budget" only
    npv: float
    capex: float
    opex: float
    carbon_cost: float
    carbon_value: float
    notes: list[str]

    @property
    def milestones_met(self) -> int:
        return sum(m.met for m in self.milestones)

    @property
    def total_cost(self) -> float:
        """NPV of the measures plus the carbon cost of the residual emissions."""
        return self.npv + self.carbon_cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "name": self.name,
            "milestones_met": self.milestones_met,
            "milestones_total": len(self.milestones),
            "cumulative_emissions": self.cumulative_emissions,
            "within_budget": self.within_budget,
            "npv": self.npv,
            "net_savings": -self.npv,
            "capex": self.capex,
            "opex": self.opex,
            "carbon_cost": self.carbon_cost,
            "carbon_value": self.carbon_value,
            "total_cost": self.total_cost,
            "emissions": _text_keys(self.emissions),
            "bau": _text_keys(self.bau),
            "emissions_by_sector": {s: _text_keys(v) for s, v in self.emissions_by_sector.items()},
            "milestones": [asdict(m) for m in self.milestones],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class StressResult:
    """The roadmap of one plan under several scenarios (the first is the plan's own world)."""

    city: str
    currency: str
    years: list[int]
    budget: float | None
    target_years: list[int]  # years of the city-wide targets
    outcomes: list[ScenarioOutcome]
    scenarios: ScenarioSet

    def table(self) -> pd.DataFrame:
        """The comparison: one row per scenario, emissions in each city target year."""
        rows = []
        for o in self.outcomes:
            row: dict[str, Any] = {"scenario": o.scenario, "name": o.name}
            for y in self.target_years:
                row[f"emissions_{y}"] = o.emissions[y]
            row["milestones_met"] = f"{o.milestones_met}/{len(o.milestones)}"
            row["largest_gap"] = max((m.gap for m in o.milestones), default=0.0)
            row["cumulative_emissions"] = o.cumulative_emissions
            if self.budget is not None:
                row["within_budget"] = o.within_budget
            row["npv"] = o.npv
            row["carbon_cost"] = o.carbon_cost
            row["total_cost"] = o.total_cost
            rows.append(row)
        return pd.DataFrame.from_records(rows).set_index("scenario")

    def paths_frame(self) -> pd.DataFrame:
        """Long table: scenario, year, BAU and emissions (tCO2e) of the city."""
        return pd.DataFrame.from_records(
            [
                {"scenario": o.scenario, "year": y, "bau": o.bau[y], "emissions": o.emissions[y]}
                for o in self.outcomes
                for y in self.years
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna review stress --format json``."""
        sources = {s.id: s for s in self.scenarios.scenarios}
        return {
            "city": self.city,
            "currency": self.currency,
            "years": self.years,
            "budget": self.budget,
            "target_years": self.target_years,
            "scenarios": [
                {
                    **o.to_dict(),
                    "description": sources[o.scenario].description if o.scenario in sources else "",
                    "sources": [s.model_dump() for s in sources[o.scenario].sources]
                    if o.scenario in sources
                    else [],
                }
                for o in self.outcomes
            ],
        }


def stress_test(
    plan: Plan,
    result: PlanResult | Mapping[str, Any] | None = None,
    scenarios: ScenarioSet | None = None,
    *,
    basis: PlanBasis | None = None,
) -> StressResult:
    """Evaluate the plan's roadmap (`result`, optimised here when None) under `scenarios`
    (the packaged set when None); see the module docstring."""
    scenarios = scenarios or default_scenarios()
    result = optimise(plan) if result is None else result
    basis = basis or plan_basis(plan)
    roadmap = Roadmap.from_result(plan, result)
    worlds = stack(
        basis,
        [plan_world(basis)] + [scenario_world(basis, s, scenarios) for s in scenarios.scenarios],
    )
    out = evaluate(basis, roadmap, worlds)
    names = {"plan": "Plan assumptions"} | {s.id: s.name for s in scenarios.scenarios}
    return StressResult(
        city=plan.city,
        currency=plan.currency,
        years=[int(y) for y in basis.years],
        budget=basis.budget,
        target_years=sorted({t.year for t in plan.targets if t.sector is None}),
        outcomes=[_outcome(basis, out, i, names, worlds.notes[i]) for i in range(worlds.n)],
        scenarios=scenarios,
    )


def _outcome(
    basis: PlanBasis, out: Outcomes, i: int, names: dict[str, str], notes: list[str]
) -> ScenarioOutcome:
    years = [int(y) for y in basis.years]
    city = out.city[i]
    checks = []
    for cap in basis.caps:
        value = float(out.at_cap(cap)[i])
        checks.append(
            MilestoneCheck(
                year=cap.year,
                sector=cap.sector,
                cap=cap.cap,
                emissions=value,
                gap=max(value - cap.cap, 0.0),
                met=bool(met(np.array(value), cap.cap)),
            )
        )
    cumulative = float(city.sum())
    label = out.labels[i]
    return ScenarioOutcome(
        scenario=label,
        name=names.get(label, label),
        emissions=dict(zip(years, map(float, city), strict=True)),
        bau=dict(zip(years, map(float, out.city_bau[i]), strict=True)),
        emissions_by_sector={
            s: dict(zip(years, map(float, out.emissions[i, k]), strict=True))
            for k, s in enumerate(out.sectors)
        },
        milestones=checks,
        cumulative_emissions=cumulative,
        within_budget=None
        if basis.budget is None
        else bool(met(np.array(cumulative), basis.budget)),
        npv=float(out.npv[i]),
        capex=float(out.capex[i]),
        opex=float(out.opex[i]),
        carbon_cost=float(out.carbon_cost[i]),
        carbon_value=float(out.carbon_value[i]),
        notes=notes,
    )


def _text_keys(values: dict[int, float]) -> dict[str, float]:
    return {str(k): v for k, v in values.items()}
