"""Yearly emission caps derived from targets (back-casting from the long-term target).

Targets are reductions r relative to the base-year total E_b, so the level in a
target year is L = (1 - r) x E_b. Between the base year and the targets the caps
follow the plan's method (see `kizuna.planning.plan.Milestones`):

- linear:        L(t) interpolated linearly between (b, E_b) and the target points;
- constant_rate: L(t) = L_i x (L_j / L_i)^((t - t_i) / (t_j - t_i)) between points i, j
                 (linear where L_j = 0, which no constant rate reaches);
- targets_only and budget: caps in target years only (budget adds one cumulative row).

After the last target the last level holds. Caps apply from start_year.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from kizuna.planning.plan import Plan


@dataclass(frozen=True)
class Cap:
    """An upper limit on emissions (tCO2e) in `year`, for `sector` or the whole city (None)."""

    year: int
    cap: float
    sector: str | None = None


def yearly_caps(plan: Plan, base_total: float, sector_base: dict[str, float]) -> list[Cap]:
    """Caps for the city total and for each sector that has its own targets."""
    caps = _caps_for(plan, [t for t in plan.targets if t.sector is None], base_total, None)
    for sector in sorted({t.sector for t in plan.targets if t.sector is not None}):
        own = [t for t in plan.targets if t.sector == sector]
        caps += _caps_for(plan, own, sector_base[sector], sector)
    return caps


def linear_budget(plan: Plan, base_total: float) -> float:
    """The cumulative budget (tCO2e, start_year..end_year) under the linear path of the targets."""
    levels = _levels(plan, [t for t in plan.targets if t.sector is None], base_total, "linear")
    return float(sum(levels.values()))


def _caps_for(plan: Plan, targets: list, base: float, sector: str | None) -> list[Cap]:
    if not targets:
        return []
    method = plan.milestones.method
    if method in ("targets_only", "budget"):
        return [
            Cap(t.year, (1 - t.reduction) * base, sector)
            for t in sorted(targets, key=lambda t: t.year)
        ]
    return [Cap(y, v, sector) for y, v in _levels(plan, targets, base, method).items()]


def _levels(plan: Plan, targets: list, base: float, method: str) -> dict[int, float]:
    targets_sorted = sorted(targets, key=lambda t: t.year)
    points = [
        (plan.base_year, base),
        *((t.year, (1 - t.reduction) * base) for t in targets_sorted),
    ]
    out: dict[int, float] = {}
    for y in range(plan.start_year, plan.end_year + 1):
        if y > points[-1][0]:
            out[y] = points[-1][1]
            continue
        for (y0, v0), (y1, v1) in pairwise(points):
            if y0 <= y <= y1:
                frac = 0.0 if y1 == y0 else (y - y0) / (y1 - y0)
                if method == "constant_rate" and v0 > 0 and v1 > 0:
                    out[y] = v0 * (v1 / v0) ** frac
                else:
                    out[y] = v0 + (v1 - v0) * frac
                break
    return out
