"""A fixed roadmap: the units of each measure installed in each plan year, as decided.

A review evaluates the roadmap a plan chose (its optimised schedule) in other worlds
without choosing again. Units in place follow from the installations and lifetimes:

    S[m, t] = sum_{k = 0}^{L_m - 1} x[m, t - k]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult


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
