"""From a plan to its least-cost roadmap: BAU, caps, LP build, HiGHS solve, results."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from kizuna.errors import Infeasible
from kizuna.planning.baseline import project_bau
from kizuna.planning.economics import crf
from kizuna.planning.highs import solve
from kizuna.planning.milestones import linear_budget, yearly_caps
from kizuna.planning.model import FixedInstalls, Model, build_model
from kizuna.planning.plan import Plan
from kizuna.planning.results import MeasureResult, MilestoneResult, PlanResult


def optimise(
    plan: Plan,
    *,
    threads: int = 1,
    bau: pd.DataFrame | None = None,
    fixed: FixedInstalls | None = None,
) -> PlanResult:
    """Choose the measures and their schedule that meet the milestones at least cost.

    Unreachable milestones do not fail: their shortfall comes back as a `gap` by year.
    Raises `Infeasible` only when the plan's own rules contradict each other (for
    example an all-or-nothing measure that cannot be rolled out at its maximum rate).

    A re-plan (`kizuna.review.replan`) passes `bau`, a BAU to use instead of
    ``project_bau(plan)`` (same shape: years base_year..end_year, one column per sector;
    its base-year row sets the caps), and `fixed`, the installations of past years.
    """
    started = time.perf_counter()
    bau = project_bau(plan) if bau is None else bau
    base = bau.loc[plan.base_year]
    caps = yearly_caps(plan, float(base.sum()), {k: float(v) for k, v in base.items()})
    budget = None
    if plan.milestones.method == "budget":
        budget = plan.milestones.budget
        if budget is None:
            budget = linear_budget(plan, float(base.sum()))
    model = build_model(plan, bau, caps, budget, fixed)
    lp, where = model.program()
    built = time.perf_counter()
    sol = solve(lp, threads=threads)
    solved = time.perf_counter()
    if not sol.optimal:
        raise Infeasible(
            f"plan for {plan.city}: the solver reports {sol.status!r}",
            hint="check all-or-nothing measures, 'requires' chains and start years: the "
            "measures' own rules cannot all hold together",
        )
    return _results(
        model, sol.x, sol.row_dual[where["milestones"]], built - started, solved - built
    )


def _results(
    model: Model, x: np.ndarray, cap_duals: np.ndarray, build_s: float, solve_s: float
) -> PlanResult:
    plan, years = model.plan, model.years
    n_m, n_t = model.n_measures, model.n_years
    installed = x[: model.n_x].reshape(n_m, n_t)
    m_idx, t_idx, cols = model.window
    stock = np.bincount(m_idx * n_t + t_idx, weights=x[cols], minlength=n_m * n_t)
    stock = stock.reshape(n_m, n_t)
    abated = model.abatement * stock
    by_sector = np.zeros((len(model.sectors), n_t))
    np.add.at(by_sector, model.sector_of, abated)
    bau = model.bau
    emissions = bau - pd.DataFrame(by_sector.T, index=bau.index, columns=bau.columns)
    slack = x[model.slack_cols]
    milestones = []
    for k, cap in enumerate(model.caps):
        t = cap.year - plan.start_year
        planned = emissions[cap.sector].iloc[t] if cap.sector else emissions.iloc[t].sum()
        milestones.append(
            MilestoneResult(
                year=cap.year,
                sector=cap.sector,
                cap=cap.cap,
                emissions=float(planned),
                gap=float(max(slack[k], planned - cap.cap, 0.0)),
                marginal_cost=float(cap_duals[k] / model.df[t]),
            )
        )
    measure_cost = (model.cost * installed).sum(axis=1)
    measures = []
    for i, m in enumerate(plan.measures):
        mean_abatement = float(model.abatement[i].mean())
        lcoa = (
            (float(crf(plan.discount_rate, m.lifetime)) * m.capex + m.opex) / mean_abatement
            if mean_abatement > 0
            else None
        )
        measures.append(
            MeasureResult(
                id=m.id,
                name=m.name,
                sector=m.sector,
                unit=m.unit,
                installed=_by_year(years, installed[i]),
                stock=_by_year(years, stock[i]),
                abatement=_by_year(years, abated[i]),
                capex=float(m.capex * installed[i].sum()),
                opex=float(m.opex * stock[i].sum()),
                discounted_cost=float(measure_cost[i]),
                jobs=float(m.jobs * installed[i].sum()),
                lcoa=lcoa,
            )
        )
    penalty = float(model.col_cost[model.slack_cols] @ slack)
    if model.budget_col is not None:
        penalty += float(model.col_cost[model.budget_col] * x[model.budget_col])
    return PlanResult(
        city=plan.city,
        currency=plan.currency,
        status="optimal",
        npv=float(measure_cost.sum()),
        penalty_cost=penalty,
        years=[int(y) for y in years],
        bau_by_sector=bau,
        emissions_by_sector=emissions,
        milestones=milestones,
        measures=measures,
        build_seconds=build_s,
        solve_seconds=solve_s,
    )


def _by_year(years: np.ndarray, values: np.ndarray) -> dict[int, float]:
    cleaned = np.where(np.abs(values) < 1e-9, 0.0, values)
    return {int(y): float(v) for y, v in zip(years, cleaned, strict=True)}
