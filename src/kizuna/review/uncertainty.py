"""Uncertainties of a plan and their Latin hypercube sample, turned into worlds.

A risk file (YAML, docs/review.md "Risk files"; `default_risk` is the packaged one) lists
uncertainties, each with a distribution and one of these kinds:

- ``driver``: a multiplier X on one of the plan's driver paths, reached in end_year and
  ramping linearly from 1 in start_year: D'(t) = D(t) (1 + (X - 1) ramp(t)),
  ramp(t) = clip((t - t_s) / (T - t_s), 0, 1);
- ``activity``: the same ramped multiplier on BAU (city-wide or per sector);
- ``energy_price``: the same ramped index on the opex of measures with savings (opex < 0);
- ``uptake``: units delivered / units planned, constant over time;
- ``abatement``: abatement per unit / planned;
- ``capex``: capex / planned (cost overrun).

``per`` (city, sector or measure) says whether one value is drawn for all, one per sector or
one per measure; ``sectors`` and ``measures`` restrict an uncertainty. Each drawn value is one
column of an n x d Latin hypercube (`scipy.stats.qmc.LatinHypercube`, seeded), mapped through
the inverse distribution function; everything is vectorised over the draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator
from scipy.special import ndtri
from scipy.stats import qmc

from kizuna.errors import InputError, Location
from kizuna.review.basis import PlanBasis
from kizuna.review.scenarios import Source, _Model, packaged, read_data, validation_error
from kizuna.review.worlds import Worlds

HINT = "see docs/review.md, 'Risk files'"
#: Inverse CDFs are evaluated inside (EPS, 1 - EPS) so that unbounded distributions stay finite.
EPS = 1e-12

_NEEDS = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
}


class Distribution(_Model):
    """A distribution: ``fixed`` (value), ``uniform`` (low, high), ``triangular`` (low, mode,
    high), ``normal`` (mean, sd; optional low/high truncate by clipping) or ``lognormal``
    (median, sigma of the log)."""

    type: Literal["fixed", "uniform", "triangular", "normal", "lognormal"]
    value: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, ge=0)
    median: float | None = Field(None, gt=0)
    sigma: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _parameters(self) -> Distribution:
        missing = [p for p in _NEEDS[self.type] if getattr(self, p) is None]
        if missing:
            raise ValueError(f"a {self.type} distribution needs {', '.join(missing)}")
        if self.type in ("uniform", "triangular"):
            lo, hi = self.low, self.high
            mid = self.mode if self.type == "triangular" else lo
            if lo is None or hi is None or mid is None or not lo <= mid <= hi:
                raise ValueError("needs low <= mode <= high")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse distribution function at probabilities `u` (any shape)."""
        u = np.clip(u, EPS, 1 - EPS)
        if self.type == "fixed":
            return np.full(u.shape, float(self.value))  # type: ignore[arg-type]
        if self.type == "uniform":
            return self.low + u * (self.high - self.low)  # type: ignore[operator]
        if self.type == "triangular":  # F^-1 in closed form
            lo, mode, hi = float(self.low or 0), float(self.mode or 0), float(self.high or 0)
            if hi == lo:
                return np.full(u.shape, lo)
            left = u < (mode - lo) / (hi - lo)
            rising = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            falling = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
            return np.where(left, rising, falling)
        if self.type == "normal":
            values = self.mean + self.sd * ndtri(u)  # type: ignore[operator]
        else:
            values = self.median * np.exp(self.sigma * ndtri(u))  # type: ignore[operator]
        lo = -np.inf if self.low is None else self.low
        hi = np.inf if self.high is None else self.high
        return np.clip(values, lo, hi)


class Uncertainty(_Model):
    """One uncertain quantity (see the module docstring for the kinds)."""

    name: str
    kind: Literal["driver", "activity", "energy_price", "uptake", "abatement", "capex"]
    driver: str | None = None
    per: Literal["city", "sector", "measure"] = "city"
    sectors: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    distribution: Distribution
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Uncertainty:
        if (self.kind == "driver") != (self.driver is not None):
            raise ValueError("give driver for kind driver, and only for it")
        if self.kind in ("driver", "energy_price") and self.per != "city":
            raise ValueError(f"a {self.kind} uncertainty is city-wide (per: city)")
        if self.kind == "activity" and self.per == "measure":
            raise ValueError("activity is per city or per sector")
        return self


class RiskSpec(_Model):
    """A risk file: the uncertainties and the sources of their ranges."""

    uncertainties: list[Uncertainty] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def load_risk(path: str | Path) -> RiskSpec:
    """Read and validate a risk file (YAML or JSON); raises `InputError` on any problem."""
    data, name = read_data(path)
    return parse_risk(data, source=name)


def parse_risk(data: object, *, source: str = "<risk>") -> RiskSpec:
    if not isinstance(data, dict):
        raise InputError(f"{source}: a risk file is a mapping with 'uncertainties'", hint=HINT)
    try:
        return RiskSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, "risk file", HINT) from None


@cache
def default_risk() -> RiskSpec:
    """The packaged uncertainties (``kizuna/review/data/risk.yaml``)."""
    return parse_risk(packaged("risk.yaml"), source="risk.yaml")


@dataclass(frozen=True)
class Sample:
    """The draws: `values` (n, d), one column per drawn quantity, named by `labels`, and the
    worlds they make."""

    values: np.ndarray
    labels: list[str]
    kinds: list[str]
    worlds: Worlds
    notes: list[str]


def sample(basis: PlanBasis, spec: RiskSpec, draws: int, seed: int) -> Sample:
    """`draws` worlds from a Latin hypercube of `spec` (see the module docstring)."""
    if draws < 2:
        raise InputError("a Monte Carlo run needs at least 2 draws", hint="use --draws 1000")
    columns, notes = _columns(basis, spec)
    if not columns:
        raise InputError(
            "none of the uncertainties applies to this plan", hint=HINT, where=Location("risk")
        )
    values = qmc.LatinHypercube(d=len(columns), seed=np.random.default_rng(seed)).random(draws)
    start = 0
    spans = []
    for u, labels in _grouped(columns):
        stop = start + len(labels)
        values[:, start:stop] = u.distribution.ppf(values[:, start:stop])  # in place
        spans.append((u, start, stop))
        start = stop
    return Sample(
        values=values,
        labels=[c[1] for c in columns],
        kinds=[c[0].kind for c in columns],
        worlds=_worlds(basis, spans, values, draws),
        notes=notes,
    )


def _columns(
    basis: PlanBasis, spec: RiskSpec
) -> tuple[list[tuple[Uncertainty, str, int]], list[str]]:
    """(uncertainty, label, target index) for every drawn column; notes on skipped ones."""
    out, notes = [], []
    for i, u in enumerate(spec.uncertainties):
        where = f"uncertainties[{i}] ({u.name})"
        if u.kind == "driver" and u.driver not in basis.drivers:
            notes.append(f"{u.name}: the plan has no driver {u.driver!r}; not drawn")
            continue
        if u.kind in ("driver", "energy_price"):
            out.append((u, u.name, -1))
            continue
        if u.kind == "activity":
            rows = basis.sector_index(u.sectors, where)
            if u.per == "city":
                out.append((u, u.name, -1))
            else:
                out += [(u, f"{u.name}: {basis.sectors[s]}", int(s)) for s in rows]
            continue
        chosen = _measures(basis, u, where)
        if not len(chosen):
            notes.append(f"{u.name}: no measure of the plan matches; not drawn")
            continue
        if u.per == "city":
            out.append((u, u.name, -1))
        elif u.per == "sector":
            sectors = sorted({int(basis.sector_of[m]) for m in chosen})
            out += [(u, f"{u.name}: {basis.sectors[s]}", s) for s in sectors]
        else:
            out += [(u, f"{u.name}: {basis.measure_ids[m]}", int(m)) for m in chosen]
    return out, notes


def _measures(basis: PlanBasis, u: Uncertainty, where: str) -> np.ndarray:
    keep = np.ones(len(basis.measure_ids), dtype=bool)
    if u.sectors:
        rows = set(basis.sector_index(u.sectors, where).tolist())
        keep &= np.isin(basis.sector_of, list(rows))
    if u.measures:
        unknown = set(u.measures) - set(basis.measure_ids)
        if unknown:
            raise InputError(f"{where}: no measure {sorted(unknown)} in the plan", hint=HINT)
        keep &= np.isin(np.array(basis.measure_ids), u.measures)
    return np.nonzero(keep)[0]


def _grouped(columns: list[tuple[Uncertainty, str, int]]) -> list[tuple[Uncertainty, list[str]]]:
    groups: list[tuple[Uncertainty, list[str]]] = []
    for u, label, _ in columns:
        if groups and groups[-1][0] is u:
            groups[-1][1].append(label)
        else:
            groups.append((u, [label]))
    return groups


def _worlds(
    basis: PlanBasis, spans: list[tuple[Uncertainty, int, int]], values: np.ndarray, n: int
) -> Worlds:
    plan = basis.plan
    full, years = basis.full_years, basis.years
    span = max(plan.end_year - plan.start_year, 1)
    ramp_full = np.clip((full - plan.start_year) / span, 0.0, 1.0)[None, :]
    ramp = np.clip((years - plan.start_year) / span, 0.0, 1.0)[None, :]
    n_m, n_s = len(basis.measure_ids), len(basis.sectors)
    drivers: dict[str, np.ndarray] = {}
    activity = np.ones((n, n_s, len(full)))
    factors = {k: np.ones((n, n_m)) for k in ("uptake", "abatement", "capex")}
    price = None
    for u, a, b in spans:
        x = values[:, a:b]
        if u.kind == "driver":
            assert u.driver is not None
            base = drivers.get(u.driver, basis.drivers[u.driver][None])
            drivers[u.driver] = base * (1.0 + (x - 1.0) * ramp_full)
        elif u.kind == "energy_price":
            index = 1.0 + (x - 1.0) * ramp
            price = index if price is None else price * index
        elif u.kind == "activity":
            rows = basis.sector_index(u.sectors, u.name)
            grow = 1.0 + (x[:, :, None] - 1.0) * ramp_full[None]
            activity[:, rows] *= grow  # (n, 1 or k, T) onto the chosen sectors
        else:
            chosen = _measures(basis, u, u.name)
            if u.per == "city":
                factors[u.kind][:, chosen] *= x
            elif u.per == "sector":
                sectors = sorted({int(basis.sector_of[m]) for m in chosen})
                col = {s: k for k, s in enumerate(sectors)}
                factors[u.kind][:, chosen] *= x[:, [col[int(basis.sector_of[m])] for m in chosen]]
            else:
                factors[u.kind][:, chosen] *= x
    return Worlds(
        labels=[f"draw {i}" for i in range(n)],
        drivers=drivers,
        bau_multiplier=activity,
        energy_price=price,
        price_applies=(basis.opex < 0)[None] if price is not None else None,
        uptake=factors["uptake"],
        abatement_factor=factors["abatement"],
        capex_factor=factors["capex"],
        notes=[],
    )
