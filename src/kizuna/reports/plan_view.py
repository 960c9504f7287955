"""What a plan report shows, arranged from the JSON shapes of a plan, its result and its MACC.

One arrangement serves the standalone HTML report and the dashboard's plan page, so
both show the same figures: `plan_view` takes the plan's inputs
(``Plan.model_dump(mode="json")``), its result (``PlanResult.to_dict()``) and the
records of ``macc_table(plan)`` (optionally of ``macc_sweep``), which is also what the
platform stores. Nothing is computed here beyond sums and selections: every figure
comes from `kizuna.planning`.

Units: emissions and abatement in tCO2e (per year where a year is named), money in the
plan currency (capex and opex undiscounted horizon totals, NPV discounted to the start
year), LCOA and marginal costs in currency per tCO2e.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kizuna.reports.figures import Figure
from kizuna.reports.formatting import EmissionUnit, MoneyUnit, pick_money_unit, pick_unit
from kizuna.reports.macc_charts import macc_figure, sweep_figure
from kizuna.reports.plan_charts import trajectory_figure
from kizuna.reports.plan_data import TableLike, by_year, finite, records


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    """A cap in one year, for the city (`sector` None) or one sector; tCO2e and currency/tCO2e.

    A missed milestone's marginal cost is the plan's penalty per tCO2e, not a cost of
    abatement."""

    year: int
    sector: str | None
    cap_tco2e: float
    emissions_tco2e: float
    gap_tco2e: float
    marginal_cost: float | None
    met: bool


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """One measure of the plan: what the roadmap installs and what it costs and abates."""

    id: str
    name: str
    sector: str
    unit: str
    potential: float | None  # units
    units_installed: float  # over the horizon, replacements included
    stock_final: float  # units in place in the final year
    abatement_final_tco2e: float  # tCO2e abated in the final year
    abatement_total_tco2e: float  # tCO2e abated over the horizon
    capex: float  # currency, undiscounted horizon total
    opex: float  # currency, undiscounted horizon total (negative = savings)
    lcoa: float | None  # currency per tCO2e
    jobs: float  # job-years

    @property
    def chosen(self) -> bool:
        """True when the roadmap installs any unit of it."""
        return self.units_installed > 1e-9


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source cited by the plan's measures, with the names of the measures citing it."""

    text: str
    measures: list[str]


@dataclass(frozen=True, slots=True)
class TrajectoryRow:
    """One year of the trajectory chart: tCO2e, the city-wide cap where there is one."""

    year: int
    bau_tco2e: float
    emissions_tco2e: float
    abatement_tco2e: float
    cap_tco2e: float | None


@dataclass(slots=True)
class PlanView:
    """Everything a plan report or the plan page shows (see the module docstring for units)."""

    city: str
    currency: str
    status: str
    base_year: int
    start_year: int
    end_year: int
    discount_rate: float
    npv: float
    green_investment: float
    net_savings: float
    jobs: float
    jobs_estimated: bool  # False when no measure of the plan gives jobs per unit
    all_met: bool
    unit: EmissionUnit
    measure_unit: EmissionUnit
    money: MoneyUnit
    milestones: list[MilestoneRow]
    trajectory: list[TrajectoryRow]
    measures: list[MeasureRow]
    macc: list[dict[str, Any]]
    sources: list[SourceRow]
    needed_tco2e: dict[int, float] = field(default_factory=dict)
    charts: dict[str, Figure] = field(default_factory=dict)

    @property
    def missed(self) -> list[MilestoneRow]:
        """The milestones the roadmap does not reach, in year order."""
        return [m for m in self.milestones if not m.met]

    @property
    def largest_gap(self) -> MilestoneRow | None:
        """The missed milestone with the largest gap (tCO2e), or None when all are met."""
        return max(self.missed, key=lambda m: m.gap_tco2e, default=None)

    @property
    def has_sector_milestones(self) -> bool:
        """True when some milestone caps one sector rather than the whole city."""
        return any(m.sector is not None for m in self.milestones)


def plan_view(
    plan: Mapping[str, Any],
    result: Mapping[str, Any],
    macc: TableLike,
    sweep: TableLike | None = None,
) -> PlanView:
    """The view of a plan (``Plan.model_dump(mode="json")``), its result
    (``PlanResult.to_dict()``), its MACC records and, optionally, its sweep."""
    currency = str(result["currency"])
    bau, planned = by_year(result["bau"]), by_year(result["emissions"])
    final_year = max(bau)
    milestones = [
        MilestoneRow(
            year=int(m["year"]),
            sector=m.get("sector"),
            cap_tco2e=float(m["cap"]),
            emissions_tco2e=float(m["emissions"]),
            gap_tco2e=float(m["gap"]),
            marginal_cost=finite(m.get("marginal_cost")),
            met=bool(m["met"]),
        )
        for m in result.get("milestones", [])
    ]
    caps = {m.year: m.cap_tco2e for m in milestones if m.sector is None}
    trajectory = [
        TrajectoryRow(y, bau[y], planned[y], bau[y] - planned[y], caps.get(y)) for y in bau
    ]
    measures = _measure_rows(plan, result, final_year)
    macc_rows = records(macc)
    target_years = sorted({int(t["year"]) for t in plan.get("targets", []) if not t.get("sector")})
    needed = {y: bau[y] - caps[y] for y in target_years if y in caps and y in bau}
    unit = pick_unit([*bau.values(), *planned.values()])
    view = PlanView(
        city=str(result.get("city") or plan.get("city", "")),
        currency=currency,
        status=str(result.get("status", "")),
        base_year=int(plan["base_year"]),
        start_year=int(plan["start_year"]),
        end_year=int(plan["end_year"]),
        discount_rate=float(plan["discount_rate"]),
        npv=float(result["npv"]),
        green_investment=float(result["green_investment"]),
        net_savings=float(result["net_savings"]),
        jobs=float(result.get("jobs", 0.0)),
        jobs_estimated=any(m.get("jobs") for m in plan.get("measures", [])),
        all_met=bool(result.get("all_milestones_met", all(m.met for m in milestones))),
        unit=unit,
        measure_unit=pick_unit(
            v for m in measures for v in (m.abatement_final_tco2e, m.abatement_total_tco2e)
        ),
        money=pick_money_unit([v for m in measures for v in (m.capex, m.opex)], currency),
        milestones=milestones,
        trajectory=trajectory,
        measures=measures,
        macc=macc_rows,
        sources=_sources(plan),
        needed_tco2e=needed,
    )
    view.charts["trajectory"] = trajectory_figure(result, unit)
    view.charts["macc"] = macc_figure(macc_rows, currency, needed_tco2e=needed)
    if sweep is not None and len(records(sweep)):
        view.charts["sweep"] = sweep_figure(sweep, currency)
    return view


def _measure_rows(
    plan: Mapping[str, Any], result: Mapping[str, Any], final_year: int
) -> list[MeasureRow]:
    """The measures of `result`, the chosen ones first, each by abatement in the final year."""
    potentials = {m["id"]: m.get("potential") for m in plan.get("measures", [])}
    rows = []
    for m in result.get("measures", []):
        abatement = by_year(m["abatement"])
        rows.append(
            MeasureRow(
                id=m["id"],
                name=m["name"],
                sector=m["sector"],
                unit=m.get("unit", "unit"),
                potential=finite(potentials.get(m["id"])),
                units_installed=sum(by_year(m["installed"]).values()),
                stock_final=by_year(m["stock"]).get(final_year, 0.0),
                abatement_final_tco2e=abatement.get(final_year, 0.0),
                abatement_total_tco2e=sum(abatement.values()),
                capex=float(m["capex"]),
                opex=float(m["opex"]),
                lcoa=finite(m.get("lcoa")),
                jobs=float(m.get("jobs", 0.0)),
            )
        )
    rows.sort(key=lambda r: (not r.chosen, -r.abatement_final_tco2e, r.name))
    return rows


def _sources(plan: Mapping[str, Any]) -> list[SourceRow]:
    """The distinct sources of the plan's measures, each with the measures citing it."""
    cited: dict[str, list[str]] = {}
    for m in plan.get("measures", []):
        text = str(m.get("source") or "").strip()
        if text:
            cited.setdefault(text, []).append(str(m["name"]))
    return [SourceRow(text, names) for text, names in cited.items()]
