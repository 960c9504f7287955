"""Rolling re-plan: keep what happened, re-optimise the rest of the horizon.

With actual emissions to year t_a (`kizuna.review.actuals`) and the units delivered:

1. **The past is fixed.** Installations of start_year..t_a are the units delivered (a measure
   without delivery records keeps its planned units): x[m, t] fixed in the LP
   (`kizuna.planning.model.FixedInstalls`).
2. **BAU is re-projected from the actual year.** For t <= t_a, BAU'_s(t) = E^act_s(t) +
   A_s(t), where A is the abatement of the delivered stock, so the LP's emissions in those
   years are the actual ones; after t_a, BAU'_s(t) = BAU_s(t) x BAU'_s(t_a) / BAU_s(t_a):
   the plan's growth from the level actually reached. Years without actuals between
   reported ones are interpolated linearly.
3. **The remaining carbon budget is carried forward**, never re-applied per window: the
   budget row still covers start_year..end over BAU', so it limits the future to
   B - sum_{t <= t_a} E^act(t). Actuals above the plan shrink the remaining budget by
   exactly their excess.
4. **The rest is re-optimised** by the same LP, and the result says what changed: measures
   added, dropped, advanced, delayed, increased or reduced after t_a, and the change in
   cost and in the milestones' marginal costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult, optimise
from kizuna.planning.model import FixedInstalls
from kizuna.review.actuals import Actuals, sector_table
from kizuna.review.basis import PlanBasis, plan_basis, project
from kizuna.review.evaluate import abatement
from kizuna.review.roadmap import Roadmap, as_result, stock_of
from kizuna.review.tracking import planned_path

#: Shifts of the unit-weighted mean installation year smaller than this are not a change.
YEAR_SHIFT = 0.5
#: Relative changes of units smaller than this are not a change.
UNIT_CHANGE = 0.01


@dataclass(frozen=True)
class MeasureChange:
    """One measure after the actual year: before (the original roadmap) and after."""

    measure: str
    name: str
    sector: str
    change: str  # added, dropped, advanced, delayed, increased, reduced, unchanged
    units_before: float
    units_after: float
    mean_year_before: float | None
    mean_year_after: float | None
    planned_to_date: float
    delivered_to_date: float
    reason: str


@dataclass(frozen=True)
class ReplanResult:
    """A re-plan (see the module docstring): tCO2e; money in the plan currency."""

    city: str
    currency: str
    actual_year: int
    original: PlanResult
    replanned: PlanResult
    bau_ratio: dict[str, float]  # BAU'(t_a) / BAU(t_a) by sector
    cumulative_actual: float  # start_year..t_a
    cumulative_planned: float
    budget: float | None
    changes: list[MeasureChange]
    reasons: list[str]

    @property
    def excess(self) -> float:
        """Actual minus planned emissions, start_year..t_a (tCO2e)."""
        return self.cumulative_actual - self.cumulative_planned

    @property
    def remaining_budget(self) -> float | None:
        return None if self.budget is None else self.budget - self.cumulative_actual

    @property
    def remaining_budget_planned(self) -> float | None:
        return None if self.budget is None else self.budget - self.cumulative_planned

    @property
    def cost_change(self) -> float:
        return self.replanned.npv - self.original.npv

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna plan replan --format json``."""
        before = {(m.year, m.sector): m for m in self.original.milestones}
        return {
            "city": self.city,
            "currency": self.currency,
            "actual_year": self.actual_year,
            "cumulative_actual": self.cumulative_actual,
            "cumulative_planned": self.cumulative_planned,
            "excess": self.excess,
            "budget": self.budget,
            "remaining_budget": self.remaining_budget,
            "remaining_budget_planned": self.remaining_budget_planned,
            "bau_ratio": self.bau_ratio,
            "npv_before": self.original.npv,
            "npv_after": self.replanned.npv,
            "cost_change": self.cost_change,
            "milestones": [
                {
                    "year": m.year,
                    "sector": m.sector,
                    "cap": m.cap,
                    "emissions_before": before[(m.year, m.sector)].emissions,
                    "emissions_after": m.emissions,
                    "gap_before": before[(m.year, m.sector)].gap,
                    "gap_after": m.gap,
                    "marginal_cost_before": before[(m.year, m.sector)].marginal_cost,
                    "marginal_cost_after": m.marginal_cost,
                }
                for m in self.replanned.milestones
            ],
            "changes": [asdict(c) for c in self.changes if c.change != "unchanged"],
            "unchanged": [c.measure for c in self.changes if c.change == "unchanged"],
            "reasons": self.reasons,
            "emissions_before": {str(k): v for k, v in self.original.emissions.items()},
            "emissions_after": {str(k): v for k, v in self.replanned.emissions.items()},
            "replanned": self.replanned.to_dict(),
        }

    def changes_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records([asdict(c) for c in self.changes])


def replan(
    plan: Plan,
    actuals: Actuals,
    result: PlanResult | Mapping[str, Any] | None = None,
    *,
    basis: PlanBasis | None = None,
) -> ReplanResult:
    """Re-optimise `plan` after the actuals (see the module docstring); `result` is the
    original roadmap (optimised here when None)."""
    result = optimise(plan) if result is None else as_result(result)
    basis = basis or plan_basis(plan)
    t_a = actuals.latest_year
    if t_a >= plan.end_year:
        raise InputError(
            f"actuals reach {t_a}, the plan's end year: nothing is left to re-plan",
            hint="extend the plan's end_year",
        )
    planned = planned_path(basis, result)
    observed = _observed(actuals, planned, t_a)
    installed = _delivered(plan, basis, result, actuals, t_a)
    stock = stock_of(installed, basis.lifetimes)
    _check_potentials(plan, stock)
    bau_full = pd.DataFrame(
        project(basis)[0].T, index=pd.Index(basis.full_years, name="year"), columns=basis.sectors
    )
    abated = pd.DataFrame(abatement(basis, stock)[0].T, index=basis.years, columns=basis.sectors)
    new_bau = bau_full.copy()
    past = [y for y in observed.index if y > plan.base_year]
    level = observed.loc[past] + abated.reindex(past).fillna(0.0)
    new_bau.loc[past] = level.to_numpy()
    ratio = (level.loc[t_a] / bau_full.loc[t_a]).where(bau_full.loc[t_a] > 0, 1.0)
    later = bau_full.index > t_a
    new_bau.loc[later] = bau_full.loc[later] * ratio
    fixed = None
    if t_a >= plan.start_year:
        fixed = FixedInstalls(t_a, installed[:, : t_a - plan.start_year + 1])
    replanned = optimise(plan, bau=new_bau, fixed=fixed)
    horizon_past = [y for y in past if y >= plan.start_year]
    cumulative_actual = float(observed.loc[horizon_past].to_numpy().sum())
    cumulative_planned = float(planned.loc[horizon_past].to_numpy().sum())
    changes = _changes(plan, basis, result, replanned, installed, t_a, ratio)
    return ReplanResult(
        city=plan.city,
        currency=plan.currency,
        actual_year=t_a,
        original=result,
        replanned=replanned,
        bau_ratio={s: float(ratio[s]) for s in basis.sectors},
        cumulative_actual=cumulative_actual,
        cumulative_planned=cumulative_planned,
        budget=basis.budget,
        changes=changes,
        reasons=_reasons(
            plan,
            observed,
            planned,
            ratio,
            t_a,
            basis,
            cumulative_actual,
            cumulative_planned,
            changes,
        ),
    )


def _observed(actuals: Actuals, planned: pd.DataFrame, t_a: int) -> pd.DataFrame:
    """Actual emissions by sector for every year from the first actual year to t_a
    (unreported sectors split from the total; missing years interpolated linearly)."""
    table = sector_table(actuals, planned)
    years = np.arange(int(table.index.min()), t_a + 1)
    return pd.DataFrame(
        {s: np.interp(years, table.index.to_numpy(float), table[s].to_numpy(float)) for s in table},
        index=pd.Index(years, name="year"),
    )


def _delivered(
    plan: Plan, basis: PlanBasis, result: PlanResult, actuals: Actuals, t_a: int
) -> np.ndarray:
    """Units installed: delivered (or planned, for measures without records) to t_a, none after
    (the re-plan chooses those)."""
    installed = Roadmap.from_result(plan, result).installed.copy()
    if actuals.delivered is not None:
        for i, mid in enumerate(basis.measure_ids):
            if mid in actuals.delivered.index:
                installed[i] = actuals.delivered.loc[mid, list(basis.years)].to_numpy(float)
    installed[:, basis.years > t_a] = 0.0
    return installed


def _check_potentials(plan: Plan, stock: np.ndarray) -> None:
    for i, m in enumerate(plan.measures):
        if stock[i].max(initial=0.0) > m.potential * (1 + 1e-9):
            raise InputError(
                f"measure {m.id}: {stock[i].max():,.0f} units delivered are in place, more than "
                f"its potential of {m.potential:,.0f}",
                hint="raise the measure's potential in the plan, or check the delivery records",
            )


def _changes(
    plan: Plan,
    basis: PlanBasis,
    before: PlanResult,
    after: PlanResult,
    delivered: np.ndarray,
    t_a: int,
    ratio: pd.Series,
) -> list[MeasureChange]:
    future = basis.years > t_a
    past = ~future
    old = Roadmap.from_result(plan, before).installed
    new = Roadmap.from_result(plan, after).installed
    out = []
    for i, m in enumerate(plan.measures):
        u0, u1 = float(old[i, future].sum()), float(new[i, future].sum())
        y0, y1 = (
            _mean_year(basis.years[future], old[i, future]),
            _mean_year(basis.years[future], new[i, future]),
        )
        eps = 1e-6 * max(m.potential, 1.0)
        if u0 <= eps and u1 <= eps:
            change = "unchanged"
        elif u0 <= eps:
            change = "added"
        elif u1 <= eps:
            change = "dropped"
        elif y1 is not None and y0 is not None and y1 < y0 - YEAR_SHIFT:
            change = "advanced"
        elif y1 is not None and y0 is not None and y1 > y0 + YEAR_SHIFT:
            change = "delayed"
        elif abs(u1 - u0) > UNIT_CHANGE * max(u0, u1):
            change = "increased" if u1 > u0 else "reduced"
        else:
            change = "unchanged"
        planned_to_date = float(old[i, past].sum())
        got = float(delivered[i, past].sum())
        out.append(
            MeasureChange(
                measure=m.id,
                name=m.name,
                sector=m.sector,
                change=change,
                units_before=u0,
                units_after=u1,
                mean_year_before=y0,
                mean_year_after=y1,
                planned_to_date=planned_to_date,
                delivered_to_date=got,
                reason=_measure_reason(
                    change, planned_to_date, got, float(ratio[m.sector]), m.sector
                ),
            )
        )
    return out


def _mean_year(years: np.ndarray, units: np.ndarray) -> float | None:
    total = units.sum()
    return float((years * units).sum() / total) if total > 1e-12 else None


def _measure_reason(change: str, planned: float, got: float, ratio: float, sector: str) -> str:
    if change == "unchanged":
        return ""
    parts = []
    if got < planned * (1 - UNIT_CHANGE):
        parts.append(f"delivery behind plan ({got:,.0f} of {planned:,.0f} units to date)")
    elif got > planned * (1 + UNIT_CHANGE):
        parts.append(f"delivery ahead of plan ({got:,.0f} of {planned:,.0f} units to date)")
    if abs(ratio - 1.0) > 1e-3:
        parts.append(
            f"{sector} emissions {'above' if ratio > 1 else 'below'} the plan's BAU by "
            f"{abs(ratio - 1):.1%}"
        )
    if not parts:
        parts.append("the least-cost mix of the remaining years changed")
    return "; ".join(parts)


def _reasons(
    plan: Plan,
    observed: pd.DataFrame,
    planned: pd.DataFrame,
    ratio: pd.Series,
    t_a: int,
    basis: PlanBasis,
    cumulative_actual: float,
    cumulative_planned: float,
    changes: list[MeasureChange],
) -> list[str]:
    out = []
    actual, plan_t = float(observed.loc[t_a].sum()), float(planned.loc[t_a].sum())
    if plan_t > 0 and abs(actual - plan_t) > 1e-6 * plan_t:
        word = "above" if actual > plan_t else "below"
        share = abs(actual / plan_t - 1)
        out.append(
            f"emissions in {t_a} were {abs(actual - plan_t):,.0f} tCO2e ({share:.1%}) "
            f"{word} the plan"
        )
    for s in basis.sectors:
        if abs(float(ratio[s]) - 1.0) > 1e-3:
            out.append(f"BAU of {s} re-levelled by {float(ratio[s]) - 1:+.1%} from {t_a}")
    behind = [
        c.measure for c in changes if c.delivered_to_date < c.planned_to_date * (1 - UNIT_CHANGE)
    ]
    if behind:
        out.append(f"delivery behind plan for {', '.join(behind)}")
    if basis.budget is not None:
        excess = cumulative_actual - cumulative_planned
        out.append(
            f"remaining carbon budget {basis.budget - cumulative_actual:,.0f} tCO2e "
            f"({'less' if excess > 0 else 'more'} than planned by {abs(excess):,.0f})"
        )
    return out
