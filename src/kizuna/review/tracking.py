"""Progress tracking: actual emissions and deliveries against the plan.

With the latest actual year t_a, actual emissions E_a (city or sector) and the planned path
P(t) (BAU before start_year, the roadmap's emissions from it on):

- a scope is **on track** when E_a <= P(t_a) (1 + tolerance); the gap is E_a - P(t_a);
- the observed trend is the annual rate g = (E_a / E_0)^(1 / (t_a - t_0)) - 1 from the first
  actual year t_0 (or from the base year when there is one actual year), and the planned
  trend the same rate of P over the same years;
- a future milestone (year y, cap C) is **on track** when the trend meets it,
  E_a (1 + g)^(y - t_a) <= C; the trend needed to close it is the annual rate
  (C / E_a)^(1 / (y - t_a)) - 1 (none for C = 0) and the straight-line change
  (C - E_a) / (y - t_a) tCO2e per year; a milestone already past is met or missed;
- a measure's delivery is on track when the units delivered to t_a reach the units planned
  to then, times (1 - tolerance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.planning import Plan, PlanResult, optimise
from kizuna.review.actuals import Actuals
from kizuna.review.basis import PlanBasis, plan_basis, project
from kizuna.review.evaluate import met
from kizuna.review.roadmap import as_result

TOLERANCE = 0.02


@dataclass(frozen=True)
class ScopeProgress:
    """The city (sector None) or one sector in the latest actual year (tCO2e)."""

    sector: str | None
    year: int
    planned: float
    actual: float
    gap: float  # actual - planned
    trend: float | None  # observed annual rate
    planned_trend: float | None
    on_track: bool


@dataclass(frozen=True)
class MilestoneProgress:
    """One milestone against the actuals (tCO2e; rates per year)."""

    year: int
    sector: str | None
    cap: float
    status: str  # met, missed, not_reported, on_track, off_track
    actual: float | None  # when the year has passed
    projected: float | None  # the trend's value in the milestone year
    gap: float  # above the cap: actual or projected (0 when met)
    years_left: int
    required_rate: float | None
    required_change_tco2e: float | None


@dataclass(frozen=True)
class DeliveryProgress:
    """Units of one measure to the latest delivery year."""

    measure: str
    sector: str
    planned: float
    delivered: float
    ratio: float | None
    on_track: bool


@dataclass(frozen=True)
class ProgressResult:
    """Actuals against the plan (see the module docstring)."""

    city: str
    latest_year: int
    tolerance: float
    planned: dict[int, float]  # city, base..end
    actual: dict[int, float]  # city, actual years
    scopes: list[ScopeProgress]
    milestones: list[MilestoneProgress]
    delivery: list[DeliveryProgress]

    @property
    def on_track(self) -> bool:
        """The city and every future milestone on track (no past milestone missed)."""
        city = self.scopes[0].on_track
        return city and all(m.status in ("met", "on_track") for m in self.milestones)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna review track --format json``."""
        return {
            "city": self.city,
            "latest_year": self.latest_year,
            "tolerance": self.tolerance,
            "on_track": self.on_track,
            "planned": {str(k): v for k, v in self.planned.items()},
            "actual": {str(k): v for k, v in self.actual.items()},
            "scopes": [asdict(s) for s in self.scopes],
            "milestones": [asdict(m) for m in self.milestones],
            "delivery": [asdict(d) for d in self.delivery],
        }

    def scopes_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records([asdict(s) for s in self.scopes])

    def milestones_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records([asdict(m) for m in self.milestones])

    def delivery_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(
            [asdict(d) for d in self.delivery],
            columns=["measure", "sector", "planned", "delivered", "ratio", "on_track"],
        )


def planned_path(basis: PlanBasis, result: PlanResult) -> pd.DataFrame:
    """Planned emissions by year (base..end) and sector: BAU before start_year, then the
    roadmap's emissions."""
    bau = project(basis)[0].T
    frame = pd.DataFrame(bau, index=pd.Index(basis.full_years, name="year"), columns=basis.sectors)
    frame.loc[result.emissions_by_sector.index, basis.sectors] = result.emissions_by_sector[
        basis.sectors
    ].to_numpy()
    return frame


def track_progress(
    plan: Plan,
    actuals: Actuals,
    result: PlanResult | Mapping[str, Any] | None = None,
    *,
    tolerance: float = TOLERANCE,
    basis: PlanBasis | None = None,
) -> ProgressResult:
    """Compare `actuals` with the roadmap of `result` (optimised here when None)."""
    result = optimise(plan) if result is None else as_result(result)
    basis = basis or plan_basis(plan)
    planned = planned_path(basis, result)
    latest = actuals.latest_year
    years = actuals.years
    scopes = [_scope(None, actuals.totals.dropna(), planned.sum(axis=1), basis, tolerance)]
    for s in basis.sectors:
        series = actuals.emissions[s].dropna()
        if latest in series.index:
            scopes.append(_scope(s, series, planned[s], basis, tolerance))
    trends = {sc.sector: sc.trend for sc in scopes}
    observed = {
        None: actuals.totals,
        **{s: actuals.emissions[s] for s in basis.sectors},
    }
    milestones = [
        _milestone(cap, observed[cap.sector], latest, trends.get(cap.sector)) for cap in basis.caps
    ]
    return ProgressResult(
        city=plan.city,
        latest_year=latest,
        tolerance=tolerance,
        planned={int(y): float(v) for y, v in planned.sum(axis=1).items()},
        actual={int(y): float(actuals.totals[y]) for y in years},
        scopes=scopes,
        milestones=milestones,
        delivery=_delivery(plan, result, actuals, tolerance),
    )


def _scope(
    sector: str | None, series: pd.Series, planned: pd.Series, basis: PlanBasis, tol: float
) -> ScopeProgress:
    latest = int(series.index.max())
    actual = float(series[latest])
    first = int(series.index.min())
    if first == latest:  # one actual year: the trend since the base year
        first = basis.plan.base_year
        start_value = float(planned[first])
    else:
        start_value = float(series[first])
    return ScopeProgress(
        sector=sector,
        year=latest,
        planned=float(planned[latest]),
        actual=actual,
        gap=actual - float(planned[latest]),
        trend=_rate(start_value, actual, latest - first),
        planned_trend=_rate(float(planned[first]), float(planned[latest]), latest - first),
        on_track=bool(actual <= float(planned[latest]) * (1.0 + tol) + 1e-9),
    )


def _milestone(cap, observed: pd.Series, latest: int, trend: float | None) -> MilestoneProgress:
    observed = observed.dropna()
    left = cap.year - latest
    if left <= 0:
        if cap.year not in observed.index:
            status, actual, gap = "not_reported", None, 0.0
        else:
            actual = float(observed[cap.year])
            ok = bool(met(np.array(actual), cap.cap))
            status, gap = ("met" if ok else "missed"), max(actual - cap.cap, 0.0)
        return MilestoneProgress(
            cap.year, cap.sector, cap.cap, status, actual, None, gap, left, None, None
        )
    if latest not in observed.index:
        return MilestoneProgress(
            cap.year, cap.sector, cap.cap, "not_reported", None, None, 0.0, left, None, None
        )
    now = float(observed[latest])
    projected = now * (1.0 + trend) ** left if trend is not None else now
    ok = bool(met(np.array(projected), cap.cap))
    return MilestoneProgress(
        year=cap.year,
        sector=cap.sector,
        cap=cap.cap,
        status="on_track" if ok else "off_track",
        actual=None,
        projected=projected,
        gap=max(projected - cap.cap, 0.0),
        years_left=left,
        required_rate=_rate(now, cap.cap, left) if cap.cap > 0 else None,
        required_change_tco2e=(cap.cap - now) / left,
    )


def _delivery(
    plan: Plan, result: PlanResult, actuals: Actuals, tol: float
) -> list[DeliveryProgress]:
    if actuals.delivered is None:
        return []
    delivered = actuals.delivered
    reported = [y for y in delivered.columns if delivered[y].any()]
    if not reported:
        return []
    through = max(reported)
    out = []
    for m in result.measures:
        if m.id not in delivered.index:
            continue
        planned = sum(v for y, v in m.installed.items() if y <= through)
        got = float(delivered.loc[m.id, [y for y in delivered.columns if y <= through]].sum())
        out.append(
            DeliveryProgress(
                measure=m.id,
                sector=m.sector,
                planned=planned,
                delivered=got,
                ratio=got / planned if planned > 0 else None,
                on_track=bool(got >= planned * (1.0 - tol) - 1e-9),
            )
        )
    return out


def _rate(first: float, last: float, years: int) -> float | None:
    """Annual rate from `first` to `last` over `years`; None when undefined."""
    if years <= 0 or first <= 0 or last < 0:
        return None
    return (last / first) ** (1.0 / years) - 1.0
