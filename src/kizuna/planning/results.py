"""Typed results of an optimised plan, with JSON and DataFrame views.

Money is in the plan's currency: `npv` is the discounted cost of the measures to
`start_year` (negative when savings outweigh costs), `capex` and `opex` of a measure
are undiscounted sums over the horizon. Emissions and abatement are tCO2e.
A milestone's `marginal_cost` is the shadow price of its row: the extra discounted
cost of one more tCO2e of reduction in that year, expressed in that year's money
(shadow price / DF(year)), in currency per tCO2e.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class MilestoneResult:
    year: int
    sector: str | None
    cap: float  # tCO2e
    emissions: float  # tCO2e planned in that year (sector or city)
    gap: float  # tCO2e above the cap (0 when met)
    marginal_cost: float | None  # currency per tCO2e, in that year's money

    @property
    def met(self) -> bool:
        return self.gap <= 1e-6 * max(1.0, self.cap)


@dataclass(frozen=True)
class MeasureResult:
    id: str
    name: str
    sector: str
    unit: str
    installed: dict[int, float]  # units installed in each year
    stock: dict[int, float]  # units in place in each year
    abatement: dict[int, float]  # tCO2e abated in each year
    capex: float  # undiscounted, horizon total
    opex: float  # undiscounted, horizon total (negative = savings)
    discounted_cost: float  # this measure's share of the NPV
    jobs: float  # job-years created
    lcoa: float | None  # levelised cost of abatement, currency per tCO2e

    @property
    def units_installed(self) -> float:
        return sum(self.installed.values())


@dataclass(frozen=True)
class PlanResult:
    """The least-cost roadmap of a plan (see the module docstring for units)."""

    city: str
    currency: str
    status: str
    npv: float
    penalty_cost: float
    years: list[int]
    bau_by_sector: pd.DataFrame  # tCO2e, index year, columns sectors
    emissions_by_sector: pd.DataFrame  # tCO2e, index year, columns sectors
    milestones: list[MilestoneResult]
    measures: list[MeasureResult]
    build_seconds: float
    solve_seconds: float

    @property
    def bau(self) -> dict[int, float]:
        return {int(y): float(v) for y, v in self.bau_by_sector.sum(axis=1).items()}

    @property
    def emissions(self) -> dict[int, float]:
        return {int(y): float(v) for y, v in self.emissions_by_sector.sum(axis=1).items()}

    @property
    def green_investment(self) -> float:
        """Total capex of the plan, undiscounted (currency)."""
        return sum(m.capex for m in self.measures)

    @property
    def net_savings(self) -> float:
        """-NPV: positive when the plan's discounted savings exceed its costs (currency)."""
        return -self.npv

    @property
    def all_met(self) -> bool:
        return all(m.met for m in self.milestones)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna plan optimize --format json``."""
        return {
            "city": self.city,
            "currency": self.currency,
            "status": self.status,
            "npv": self.npv,
            "penalty_cost": self.penalty_cost,
            "green_investment": self.green_investment,
            "net_savings": self.net_savings,
            "jobs": sum(m.jobs for m in self.measures),
            "all_milestones_met": self.all_met,
            "bau": _keys_as_text(self.bau),
            "emissions": _keys_as_text(self.emissions),
            "bau_by_sector": _frame_dict(self.bau_by_sector),
            "emissions_by_sector": _frame_dict(self.emissions_by_sector),
            "milestones": [{**asdict(m), "met": m.met} for m in self.milestones],
            "measures": [
                {
                    **asdict(m),
                    "installed": _keys_as_text(m.installed),
                    "stock": _keys_as_text(m.stock),
                    "abatement": _keys_as_text(m.abatement),
                }
                for m in self.measures
            ],
            "timing": {"build_seconds": self.build_seconds, "solve_seconds": self.solve_seconds},
        }

    def trajectory_frame(self) -> pd.DataFrame:
        """Per year: BAU, planned emissions and abatement (tCO2e)."""
        frame = pd.DataFrame({"bau_tco2e": self.bau, "emissions_tco2e": self.emissions})
        frame["abatement_tco2e"] = frame["bau_tco2e"] - frame["emissions_tco2e"]
        frame.index.name = "year"
        return frame

    def schedule_frame(self) -> pd.DataFrame:
        """Per measure and year: units installed, in place, and tCO2e abated."""
        records = [
            {
                "measure": m.id,
                "sector": m.sector,
                "year": y,
                "installed": m.installed[y],
                "stock": m.stock[y],
                "abatement_tco2e": m.abatement[y],
            }
            for m in self.measures
            for y in self.years
        ]
        return pd.DataFrame.from_records(records)

    def measures_frame(self) -> pd.DataFrame:
        """One row per measure: totals, cost and LCOA."""
        return pd.DataFrame.from_records(
            [
                {
                    "measure": m.id,
                    "name": m.name,
                    "sector": m.sector,
                    "unit": m.unit,
                    "units_installed": m.units_installed,
                    "abatement_tco2e": sum(m.abatement.values()),
                    "capex": m.capex,
                    "opex": m.opex,
                    "discounted_cost": m.discounted_cost,
                    "jobs": m.jobs,
                    "lcoa": m.lcoa,
                }
                for m in self.measures
            ]
        )

    def milestones_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records([{**asdict(m), "met": m.met} for m in self.milestones])


def _keys_as_text(values: dict[int, float]) -> dict[str, float]:
    return {str(k): float(v) for k, v in values.items()}


def _frame_dict(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {str(col): _keys_as_text(frame[col].to_dict()) for col in frame.columns}
