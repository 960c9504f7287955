"""Discounting, annuities and levelised costs.

With real discount rate r and the first plan year t0 as the reference year:

- discount factor       DF(t) = (1 + r)^-(t - t0)
- capital recovery      CRF(r, L) = r / (1 - (1 + r)^-L), and 1 / L when r = 0
- annuity due factor    CRF_due(r, L) = CRF(r, L) / (1 + r): the payment at the start of
                        each of L years whose present value equals 1
- cost of a unit installed in year t with lifetime L, counted inside the horizon
  (capex annuitised, so a unit that outlives the horizon pays only for its years in it):
      c(t) = (capex x CRF_due(r, L) + opex) x sum_{tau = t}^{min(t + L - 1, T)} DF(tau)
- levelised cost of abatement (the MACC's y-axis):
      LCOA = (CRF(r, L) x capex + opex) / abatement per unit per year
"""

from __future__ import annotations

import numpy as np


def discount_factors(years: np.ndarray, rate: float, reference_year: int) -> np.ndarray:
    """DF(t) = (1 + rate)^-(t - reference_year)."""
    return (1.0 + rate) ** -(years - reference_year).astype(float)


def crf(rate: float, lifetime: np.ndarray | float) -> np.ndarray:
    """Capital recovery factor CRF(r, L) (payments at the end of each year)."""
    life = np.asarray(lifetime, dtype=float)
    if rate == 0:
        return 1.0 / life
    return rate / (1.0 - (1.0 + rate) ** -life)


def crf_due(rate: float, lifetime: np.ndarray | float) -> np.ndarray:
    """Annuity-due factor: CRF(r, L) / (1 + r) (payments at the start of each year)."""
    return crf(rate, lifetime) / (1.0 + rate)


def running_discount_sums(df: np.ndarray, lifetimes: np.ndarray) -> np.ndarray:
    """S[m, t] = sum of DF over the years a unit of measure m installed in year t runs,
    within the horizon: tau = t .. min(t + L_m - 1, T)."""
    cum = np.concatenate([[0.0], np.cumsum(df)])  # cum[k] = sum of df[:k]
    n = len(df)
    start = np.arange(n)
    stop = np.minimum(start[None, :] + lifetimes[:, None], n)
    return cum[stop] - cum[start][None, :]
