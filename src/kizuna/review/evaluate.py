"""A fixed roadmap evaluated in n worlds at once, vectorised over the worlds.

With planned installations x[m, t] and units in place S[m, t] (`kizuna.review.roadmap`), and
per world n: uptake u[n, m] (units delivered / planned), abatement factor f[n, m], capex
factor k[n, m], driver values D_d[n, t], BAU[n, s, t] (`kizuna.review.basis.project`),
discount factors DF[n, t] = (1 + r_n)^-(t - t_s), energy-price index p[n, t] on the opex of
the measures it applies to (q[n, m] = 1), carbon price c[n, t]:

    A[n, m, t] = u[n, m] f[n, m] a_m D_{d(m)}[n, t] S[m, t]      (a_m D = a[m, t] of the plan;
                                                                 D = 1 for fixed abatement)
    E[n, s, t] = max(BAU[n, s, t] - sum_{m in s} A[n, m, t], 0)  (a sector cannot go below 0)
    NPV[n] = sum_m u[n, m] ( k[n, m] capex_m CRF_due(r_n, L_m) sum_t DF[n, t] S[m, t]
                           + opex_m sum_t DF[n, t] (1 + q[n, m] (p[n, t] - 1)) S[m, t]
                           - w_jobs jobs_m sum_t DF[n, t] x[m, t] )
    carbon cost[n]  = sum_t DF[n, t] c[n, t] sum_s E[n, s, t]
    carbon value[n] = sum_t DF[n, t] c[n, t] sum_s (BAU[n, s, t] - E[n, s, t])

In the plan's own world these equal the optimiser's results: E is its emissions and NPV its
`npv` (the cost of a unit is the discounted annuity of its years in the horizon, see
`kizuna.planning.economics`). The sum over measures runs as one matrix product per group of
measures sharing a sector and a driver; no Python loop runs per world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kizuna.planning.milestones import Cap
from kizuna.review.basis import PlanBasis, project
from kizuna.review.roadmap import Roadmap
from kizuna.review.worlds import Worlds

#: A milestone counts as met when emissions exceed the cap by at most this share of it
#: (the optimiser's own rule, `MilestoneResult.met`).
MET_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Outcomes:
    """Results of a roadmap in n worlds (tCO2e; money in the plan currency, discounted to
    start_year except the undiscounted `capex` and `opex` totals)."""

    labels: list[str]
    years: np.ndarray  # start..end
    sectors: list[str]
    bau: np.ndarray  # (n, S, T)
    emissions: np.ndarray  # (n, S, T)
    npv: np.ndarray  # (n,)
    capex: np.ndarray  # (n,) undiscounted
    opex: np.ndarray  # (n,) undiscounted, after energy prices
    carbon_cost: np.ndarray  # (n,)
    carbon_value: np.ndarray  # (n,)

    @property
    def city(self) -> np.ndarray:
        """City emissions (n, T)."""
        return self.emissions.sum(axis=1)

    @property
    def city_bau(self) -> np.ndarray:
        return self.bau.sum(axis=1)

    def at_cap(self, cap: Cap) -> np.ndarray:
        """Emissions (n,) in the cap's year and scope (its sector, or the city)."""
        t = int(cap.year - self.years[0])
        if cap.sector is None:
            return self.city[:, t]
        return self.emissions[:, self.sectors.index(cap.sector), t]


def met(emissions: np.ndarray, cap: float) -> np.ndarray:
    """Whether emissions meet a cap, with the optimiser's tolerance."""
    return emissions <= cap + MET_TOLERANCE * max(1.0, cap)


def evaluate(basis: PlanBasis, roadmap: Roadmap, worlds: Worlds) -> Outcomes:
    """The roadmap in every world (see the module docstring)."""
    plan, n = basis.plan, worlds.n
    off = basis.offset
    bau = np.broadcast_to(
        project(basis, worlds.drivers, worlds.bau_multiplier)[:, :, off:],
        (n, len(basis.sectors), len(basis.years)),
    )
    stock = roadmap.stock(basis.lifetimes)  # (M, T)
    uptake = worlds.uptake
    weight = uptake
    if worlds.abatement_factor is not None:
        weight = worlds.abatement_factor if weight is None else weight * worlds.abatement_factor
    abated = np.broadcast_to(abatement(basis, stock, weight, worlds.drivers), bau.shape)
    emissions = np.maximum(bau - abated, 0.0)

    t = (basis.years - plan.start_year).astype(float)
    rate = (
        worlds.discount_rate if worlds.discount_rate is not None else np.array([plan.discount_rate])
    )
    rate = np.asarray(rate, dtype=float).reshape(-1, 1)
    df = (1.0 + rate) ** -t[None, :]  # (n|1, T)
    life = basis.lifetimes.astype(float)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):  # r = 0: CRF = 1 / L
        crf = np.where(rate > 0, rate / (1.0 - (1.0 + rate) ** -life), 1.0 / life) / (1.0 + rate)
    discounted_stock = df @ stock.T  # (n|1, M)
    capex = basis.capex[None, :] * crf * discounted_stock
    if worlds.capex_factor is not None:
        capex = capex * worlds.capex_factor
    opex_years = stock.sum(axis=1)[None, :]  # unit-years (1, M)
    discounted_opex = discounted_stock
    if worlds.energy_price is not None:
        extra = worlds.energy_price - 1.0  # (n|1, T)
        applies = worlds.price_applies if worlds.price_applies is not None else False
        discounted_opex = discounted_stock + applies * ((df * extra) @ stock.T)
        opex_years = opex_years + applies * (extra @ stock.T)
    jobs = plan.weights.jobs * basis.jobs[None, :] * (df @ roadmap.installed.T)
    per_measure = capex + basis.opex[None, :] * discounted_opex - jobs
    units = roadmap.installed.sum(axis=1)[None, :]
    capex_total = basis.capex[None, :] * units
    if worlds.capex_factor is not None:
        capex_total = capex_total * worlds.capex_factor
    opex_total = basis.opex[None, :] * opex_years
    if uptake is not None:
        per_measure, capex_total, opex_total = (
            per_measure * uptake,
            capex_total * uptake,
            opex_total * uptake,
        )
    city, city_bau = emissions.sum(axis=1), bau.sum(axis=1)
    price = worlds.carbon_price if worlds.carbon_price is not None else np.zeros((1, len(t)))
    return Outcomes(
        labels=worlds.labels,
        years=basis.years,
        sectors=basis.sectors,
        bau=bau,
        emissions=emissions,
        npv=_n(per_measure.sum(axis=1), n),
        capex=_n(capex_total.sum(axis=1), n),
        opex=_n(opex_total.sum(axis=1), n),
        carbon_cost=_n((df * price * city).sum(axis=1), n),
        carbon_value=_n((df * price * (city_bau - city)).sum(axis=1), n),
    )


def abatement(
    basis: PlanBasis,
    stock: np.ndarray,
    weight: np.ndarray | None = None,
    drivers: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """A[n, s, t] = sum_{m in s} w[n, m] a_m D_{d(m)}[n, t] S[m, t] (tCO2e), one matrix
    product per group of measures sharing a sector and a driver (`weight` None: w = 1)."""
    drivers = drivers or {}
    n = 1 if weight is None else len(weight)
    for values in drivers.values():
        n = max(n, len(np.atleast_2d(values)))
    out = np.zeros((n, len(basis.sectors), len(basis.years)))
    per_unit_stock = basis.per_unit[:, None] * stock  # (M, T)
    for (s, driver), idx in basis.groups.items():
        part = per_unit_stock[idx]
        total = part.sum(axis=0)[None] if weight is None else weight[:, idx] @ part
        if driver is not None:
            values = drivers.get(driver, basis.drivers[driver][None])
            total = total * np.atleast_2d(values)[:, basis.offset :]
        out[:, s] += total
    return out


def _n(values: np.ndarray, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(values, dtype=float), (n,)).copy()
