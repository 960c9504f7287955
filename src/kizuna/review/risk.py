"""Monte Carlo risk of a fixed roadmap: how likely each milestone is met, and what drives it.

N worlds are drawn from a Latin hypercube of the uncertainties (`kizuna.review.uncertainty`)
and the roadmap is evaluated in all of them at once (`kizuna.review.evaluate`). With E_i the
emissions of draw i in a milestone's year and scope, and C its cap:

    p = (1/N) sum_i 1[E_i <= C]                    probability of meeting it
    SE(p) = sqrt(p (1 - p) / N)                     its binomial standard error
    ES = (1/N) sum_i max(E_i - C, 0)                expected shortfall, tCO2e

(the binomial SE is that of independent draws; a Latin hypercube's is at most about as
large, so it is a safe bound). The fan chart gives the percentiles P5..P95 of city
emissions in each year. The importance of each drawn quantity X_j for an outcome Y
(emissions in each city target year, cumulative emissions, NPV) is Spearman's rank
correlation rho_j = corr(rank X_j, rank Y), shown as a tornado. The same seed gives the
same draws and results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from kizuna.planning import Plan, PlanResult, optimise
from kizuna.review.basis import PlanBasis, plan_basis
from kizuna.review.evaluate import Outcomes, evaluate, met
from kizuna.review.roadmap import Roadmap
from kizuna.review.uncertainty import RiskSpec, Sample, default_risk, sample
from kizuna.review.worlds import plan_world

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)


@dataclass(frozen=True)
class MilestoneRisk:
    """One milestone over the draws (tCO2e)."""

    year: int
    sector: str | None
    cap: float
    planned: float  # emissions of the roadmap in the plan's own world
    probability: float
    standard_error: float
    expected_shortfall: float
    shortfall_p95: float


@dataclass(frozen=True)
class Sensitivity:
    """Spearman's rho of one drawn quantity with one outcome."""

    outcome: str
    uncertainty: str
    kind: str
    rho: float


@dataclass(frozen=True)
class RiskResult:
    """The Monte Carlo of one roadmap (see the module docstring)."""

    city: str
    currency: str
    draws: int
    seed: int
    years: list[int]
    percentiles: tuple[int, ...]
    fan: np.ndarray  # (P, T) tCO2e
    mean: np.ndarray  # (T,)
    planned: np.ndarray  # (T,) the plan's own world
    milestones: list[MilestoneRisk]
    npv: dict[str, float]  # mean, p5, p50, p95
    sensitivities: list[Sensitivity]
    outcomes: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def expected_shortfall(self) -> float:
        """Sum of the milestones' expected shortfalls (tCO2e)."""
        return sum(m.expected_shortfall for m in self.milestones)

    def fan_frame(self) -> pd.DataFrame:
        """Per year: the planned path, the mean and the percentiles p5..p95 (tCO2e)."""
        frame = pd.DataFrame(
            self.fan.T, index=pd.Index(self.years, name="year"), columns=self._p_names()
        )
        frame.insert(0, "mean", self.mean)
        frame.insert(0, "planned", self.planned)
        return frame

    def milestones_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records([asdict(m) for m in self.milestones])

    def tornado(self, outcome: str | None = None, top: int | None = None) -> pd.DataFrame:
        """The drawn quantities by |rho| with `outcome` (default: cumulative emissions)."""
        outcome = outcome or "cumulative_emissions"
        rows = [asdict(s) for s in self.sensitivities if s.outcome == outcome]
        frame = pd.DataFrame.from_records(rows, columns=["outcome", "uncertainty", "kind", "rho"])
        frame = frame.reindex(frame["rho"].abs().sort_values(ascending=False).index)
        return frame.head(top).reset_index(drop=True) if top else frame.reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna review risk --format json``."""
        return {
            "city": self.city,
            "currency": self.currency,
            "draws": self.draws,
            "seed": self.seed,
            "milestones": [asdict(m) for m in self.milestones],
            "expected_shortfall": self.expected_shortfall,
            "percentiles": list(self.percentiles),
            "fan": [
                {
                    "year": y,
                    "planned": float(self.planned[t]),
                    "mean": float(self.mean[t]),
                    **{p: float(self.fan[k, t]) for k, p in enumerate(self._p_names())},
                }
                for t, y in enumerate(self.years)
            ],
            "npv": self.npv,
            "sensitivity": {
                o: self.tornado(o).drop(columns="outcome").to_dict(orient="records")
                for o in self.outcomes
            },
            "notes": self.notes,
        }

    def _p_names(self) -> list[str]:
        return [f"p{p}" for p in self.percentiles]


def monte_carlo(
    plan: Plan,
    result: PlanResult | Mapping[str, Any] | None = None,
    spec: RiskSpec | None = None,
    *,
    draws: int = 10_000,
    seed: int = 0,
    basis: PlanBasis | None = None,
) -> RiskResult:
    """Draw `draws` worlds of `spec` (the packaged uncertainties when None) with `seed` and
    evaluate the roadmap of `result` (optimised here when None) in all of them."""
    result = optimise(plan) if result is None else result
    basis = basis or plan_basis(plan)
    roadmap = Roadmap.from_result(plan, result)
    drawn = sample(basis, spec or default_risk(), draws, seed)
    out = evaluate(basis, roadmap, drawn.worlds)
    planned = evaluate(basis, roadmap, plan_world(basis))
    return summarise(basis, out, planned, drawn, seed)


def summarise(
    basis: PlanBasis, out: Outcomes, planned: Outcomes, drawn: Sample, seed: int
) -> RiskResult:
    """Probabilities, fan, shortfalls and rank correlations of evaluated draws."""
    plan, n = basis.plan, len(out.labels)
    city = out.city
    milestones = []
    for cap in basis.caps:
        e = out.at_cap(cap)
        ok = met(e, cap.cap)
        p = float(ok.mean())
        short = np.maximum(e - cap.cap, 0.0)
        milestones.append(
            MilestoneRisk(
                year=cap.year,
                sector=cap.sector,
                cap=cap.cap,
                planned=float(planned.at_cap(cap)[0]),
                probability=p,
                standard_error=float(np.sqrt(p * (1.0 - p) / n)),
                expected_shortfall=float(short.mean()),
                shortfall_p95=float(np.percentile(short, 95)),
            )
        )
    targets = sorted({t.year for t in plan.targets if t.sector is None})
    outcomes = {f"emissions_{y}": city[:, y - plan.start_year] for y in targets}
    outcomes["cumulative_emissions"] = city.sum(axis=1)
    outcomes["npv"] = out.npv
    return RiskResult(
        city=plan.city,
        currency=plan.currency,
        draws=n,
        seed=seed,
        years=[int(y) for y in basis.years],
        percentiles=PERCENTILES,
        fan=np.percentile(city, PERCENTILES, axis=0),
        mean=city.mean(axis=0),
        planned=planned.city[0],
        milestones=milestones,
        npv={
            "mean": float(out.npv.mean()),
            **{
                f"p{p}": float(v)
                for p, v in zip((5, 50, 95), np.percentile(out.npv, (5, 50, 95)), strict=True)
            },
        },
        sensitivities=[
            Sensitivity(name, label, kind, float(rho))
            for name, rhos in zip(outcomes, spearman(drawn.values, *outcomes.values()), strict=True)
            for label, kind, rho in zip(drawn.labels, drawn.kinds, rhos, strict=True)
        ],
        outcomes=list(outcomes),
        notes=drawn.notes,
    )


def spearman(x: np.ndarray, *ys: np.ndarray) -> list[np.ndarray]:
    """Spearman's rho of each column of `x` (n, d) with each of `ys` (n,), ranks of `x` taken
    once (ties share their average rank); 0 where a column or an outcome is constant."""
    rx = rankdata(x, axis=0)
    rx -= rx.mean(axis=0)
    sx = np.sqrt((rx**2).sum(axis=0))
    out = []
    for y in ys:
        ry = rankdata(y)
        ry -= ry.mean()
        sy = np.sqrt((ry**2).sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = (ry @ rx) / (sx * sy)
        out.append(np.where((sx > 0) & (sy > 0), rho, 0.0))
    return out
