"""A fixed roadmap: the units of each measure installed in each plan year, as decided.

A review evaluates the roadmap a plan chose (its optimised schedule) in other worlds
without choosing again. Units in place follow from the installations and lifetimes:

    S[m, t] = sum_{k = 0}^{L_m - 1} x[m, t - k]

`as_result` turns a stored ``PlanResult.to_dict()`` back into a `PlanResult`, so that every
review (stress, risk, tracking, re-plan) takes an optimised result in either form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult
from kizuna.planning.results import MeasureResult, MilestoneResult


@dataclass(frozen=True)
class Roadmap:
    """Units installed, `installed[m, t]`, for the plan's measures and years start..end."""

    measure_ids: list[str]
    years: np.ndarray
    installed: np.ndarray  # (M, T)

    def stock(self, lifetimes: np.ndarray) -> np.ndarray:
        """S[m, t]: units in place (installed in the last L_m years, within the horizon)."""
        return stock_of(self.installed, lifetimes)

    @classmethod
    def from_result(cls, plan: Plan, result: PlanResult | Mapping[str, Any]) -> Roadmap:
        """The schedule of an optimised plan (a `PlanResult` or its ``to_dict()``)."""
        data = result.to_dict() if isinstance(result, PlanResult) else result
        years = np.arange(plan.start_year, plan.end_year + 1)
        by_id = {m["id"]: m for m in data["measures"]}
        missing = [m.id for m in plan.measures if m.id not in by_id]
        if missing:
            raise InputError(
                f"the result has no schedule for measures {missing}",
                hint="optimise this plan again: the result belongs to another version of it",
            )
        installed = np.array(
            [
                [float(by_id[m.id]["installed"].get(str(y), 0.0)) for y in years]
                for m in plan.measures
            ],
            dtype=float,
        ).reshape(len(plan.measures), len(years))
        return cls([m.id for m in plan.measures], years, installed)


def stock_of(installed: np.ndarray, lifetimes: np.ndarray) -> np.ndarray:
    """Units in place from units installed (last axis: years) and lifetimes (M,)."""
    cum = np.cumsum(installed, axis=-1)
    n_t = installed.shape[-1]
    t = np.arange(n_t)
    back = t[None, :] - lifetimes[:, None]  # (M, T): the year whose cumulative total drops out
    gone = np.where(back >= 0, np.take_along_axis(cum, np.clip(back, 0, n_t - 1), axis=-1), 0.0)
    return cum - gone


def as_result(result: PlanResult | Mapping[str, Any]) -> PlanResult:
    """`result` as a `PlanResult`: itself, or rebuilt from its ``to_dict()`` (as a platform
    stores it; years and sectors as in the dict, the derived totals recomputed)."""
    if isinstance(result, PlanResult):
        return result

    def frame(columns: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
        out = pd.DataFrame(
            {s: {int(y): float(v) for y, v in c.items()} for s, c in columns.items()}
        )
        return out.sort_index().rename_axis("year")

    def by_year(values: Mapping[str, float]) -> dict[int, float]:
        return {int(y): float(v) for y, v in values.items()}

    milestone = ("year", "sector", "cap", "emissions", "gap", "marginal_cost")
    measure = ("id", "name", "sector", "unit", "capex", "opex", "discounted_cost", "jobs", "lcoa")
    timing = result.get("timing", {})
    return PlanResult(
        city=result["city"],
        currency=result["currency"],
        status=result["status"],
        npv=float(result["npv"]),
        penalty_cost=float(result["penalty_cost"]),
        years=sorted(int(y) for y in result["emissions"]),
        bau_by_sector=frame(result["bau_by_sector"]),
        emissions_by_sector=frame(result["emissions_by_sector"]),
        milestones=[MilestoneResult(**{k: m[k] for k in milestone}) for m in result["milestones"]],
        measures=[
            MeasureResult(
                **{k: m[k] for k in measure},
                installed=by_year(m["installed"]),
                stock=by_year(m["stock"]),
                abatement=by_year(m["abatement"]),
            )
            for m in result["measures"]
        ],
        build_seconds=float(timing.get("build_seconds", 0.0)),
        solve_seconds=float(timing.get("solve_seconds", 0.0)),
    )
