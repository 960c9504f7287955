"""A plan as the arrays a review works on, and its BAU projected for many worlds at once.

`plan_basis` reads the plan once (base-year emissions, from its inventory if it has one) and
keeps what every evaluation needs. `project` is the BAU of `kizuna.planning.baseline` for n
worlds at once: with driver paths D_d[n, t] (the plan's where a world keeps them) and an
optional multiplier M[n, s, t] (shocks, energy intensity, uncertain activity),

    BAU[n, s, t] = E_s(b) (1 + g_s)^(t - b) prod_d (D_d[n, t] / D_d[n, b])^e_{s,d}
                   x [(1 - sum_k s_{s,k}) + sum_k s_{s,k} D_k[n, t] / D_k[n, b]] x M[n, s, t]

over the years b..end (b the base year). With no change it equals ``project_bau(plan)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kizuna.errors import InputError
from kizuna.planning.baseline import base_year_emissions
from kizuna.planning.milestones import Cap, linear_budget, yearly_caps
from kizuna.planning.paths import evaluate
from kizuna.planning.plan import Abatement, Plan


@dataclass(frozen=True)
class PlanBasis:
    """The arrays of one plan (years: `full_years` = base..end, `years` = start..end)."""

    plan: Plan
    full_years: np.ndarray
    years: np.ndarray
    sectors: list[str]
    base: np.ndarray  # (S,) tCO2e in the base year
    growth: np.ndarray  # (S,) per year
    elasticities: dict[str, np.ndarray]  # driver -> (S,)
    shares: dict[str, np.ndarray]  # driver -> (S,)
    drivers: dict[str, np.ndarray]  # driver -> (T_full,) values of the plan's paths
    caps: list[Cap]
    budget: float | None  # tCO2e over start..end, method "budget" only
    measure_ids: list[str]
    sector_of: np.ndarray  # (M,) sector index
    linked: list[str | None]  # driver of driver-linked abatement, else None
    per_unit: np.ndarray  # (M,) tCO2e per unit-year, or value per driver unit when linked
    capex: np.ndarray  # (M,) per unit
    opex: np.ndarray  # (M,) per unit per year
    lifetimes: np.ndarray  # (M,) years
    jobs: np.ndarray  # (M,) job-years per unit
    groups: dict[tuple[int, str | None], np.ndarray] = field(repr=False)  # (sector, driver) -> m

    @property
    def offset(self) -> int:
        """Index of start_year in `full_years`."""
        return self.plan.start_year - self.plan.base_year

    def sector_index(self, names: list[str], where: str) -> np.ndarray:
        """Indices of sector `names` (all sectors when empty); InputError naming `where`."""
        if not names:
            return np.arange(len(self.sectors))
        unknown = [n for n in names if n not in self.sectors]
        if unknown:
            raise InputError(
                f"{where}: unknown sector(s) {unknown}",
                hint=f"the plan's sectors are {', '.join(self.sectors)}",
            )
        return np.array([self.sectors.index(n) for n in names], dtype=np.int64)


def plan_basis(plan: Plan) -> PlanBasis:
    """The arrays of `plan` (reads its inventory once when the base year comes from one)."""
    base = base_year_emissions(plan)
    sectors = list(base)
    full_years = np.arange(plan.base_year, plan.end_year + 1)
    specs = [plan.baseline.sectors.get(s) for s in sectors]
    names = sorted({d for s in specs if s for d in s.elasticities})
    share_names = sorted({d for s in specs if s for d in s.driver_shares})
    total = float(sum(base.values()))
    caps = yearly_caps(plan, total, dict(base))
    budget = None
    if plan.milestones.method == "budget":
        budget = plan.milestones.budget
        if budget is None:
            budget = linear_budget(plan, total)
    measures = plan.measures
    linked = [m.abatement.driver if isinstance(m.abatement, Abatement) else None for m in measures]
    sector_of = np.array([sectors.index(m.sector) for m in measures], dtype=np.int64)
    groups: dict[tuple[int, str | None], list[int]] = {}
    for i, (s, d) in enumerate(zip(sector_of, linked, strict=True)):
        groups.setdefault((int(s), d), []).append(i)
    return PlanBasis(
        plan=plan,
        full_years=full_years,
        years=np.arange(plan.start_year, plan.end_year + 1),
        sectors=sectors,
        base=np.array([base[s] for s in sectors], dtype=float),
        growth=np.array([s.growth if s else 0.0 for s in specs], dtype=float),
        elasticities={
            d: np.array([s.elasticities.get(d, 0.0) if s else 0.0 for s in specs]) for d in names
        },
        shares={
            d: np.array([s.driver_shares.get(d, 0.0) if s else 0.0 for s in specs])
            for d in share_names
        },
        drivers={
            n: evaluate(p, full_years, plan.base_year) for n, p in plan.baseline.drivers.items()
        },
        caps=caps,
        budget=budget,
        measure_ids=[m.id for m in measures],
        sector_of=sector_of,
        linked=linked,
        per_unit=np.array(
            [
                m.abatement.value if isinstance(m.abatement, Abatement) else m.abatement
                for m in measures
            ],
            dtype=float,
        ),
        capex=np.array([m.capex for m in measures], dtype=float),
        opex=np.array([m.opex for m in measures], dtype=float),
        lifetimes=np.array([m.lifetime for m in measures], dtype=np.int64),
        jobs=np.array([m.jobs for m in measures], dtype=float),
        groups={k: np.array(v, dtype=np.int64) for k, v in groups.items()},
    )


def project(
    basis: PlanBasis,
    drivers: Mapping[str, np.ndarray] | None = None,
    multiplier: np.ndarray | None = None,
) -> np.ndarray:
    """BAU[n, s, t] in tCO2e over `full_years` (see the module docstring).

    `drivers` maps a driver name to its values on `full_years`, shape (T,) or (n, T);
    `multiplier` is (n, S, T) or broadcastable. The result has n = 1 when nothing varies.
    """
    paths = {**basis.drivers, **(drivers or {})}
    t = (basis.full_years - basis.plan.base_year).astype(float)
    out = (basis.base[:, None] * (1.0 + basis.growth[:, None]) ** t[None, :])[None]
    for name, e in basis.elasticities.items():
        d = np.atleast_2d(paths[name])
        if np.any(d <= 0):
            raise InputError(
                f"driver {name!r} must stay positive: sectors have an elasticity to it",
                hint="check the driver path of the plan or the scenario",
            )
        out = out * (d / d[:, :1])[:, None, :] ** e[None, :, None]
    if basis.shares:
        mix = 1.0 - sum(basis.shares.values())[None, :, None]
        for name, s in basis.shares.items():
            d = np.atleast_2d(paths[name])
            if np.any(d[:, 0] <= 0):
                raise InputError(
                    f"driver {name!r} must be positive in the base year (a driver share uses it)",
                    hint="check baseline.drivers",
                )
            mix = mix + s[None, :, None] * (d / d[:, :1])[:, None, :]
        out = out * mix
    if multiplier is not None:
        out = out * multiplier
    return out
