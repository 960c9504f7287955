"""Re-optimising the plan under many scenarios: a local process pool, or a Dask cluster.

Each scenario becomes one independent LP: the plan with the scenario's driver paths and
discount rate, and the scenario's BAU (`kizuna.review.basis.project` with its drivers,
shocks and energy intensity) passed to `kizuna.planning.optimise`. The energy-price index
scales the opex of the measures it applies to by its discounted mean over the horizon,
sum_t DF(t) p(t) / sum_t DF(t) (the LP has one opex per measure); the carbon price is not
in the LP's objective (the milestones are the plan's goals), so it does not change the
choice. The jobs are built here once and solved

- in this process (``workers=1``), or in a `ProcessPoolExecutor` of `workers` processes,
  each solve on one HiGHS thread;
- on a Dask cluster when `scheduler` is its address (``tcp://host:8786``) or a
  ``distributed.Client``: the same job function runs on the cluster's workers.

Results come back in the order of the scenarios, as `Reoptimised` summaries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.planning import Plan, optimise
from kizuna.planning.plan import DriverPath
from kizuna.review.basis import PlanBasis, plan_basis, project
from kizuna.review.scenarios import Scenario, ScenarioSet
from kizuna.review.worlds import scenario_world


@dataclass(frozen=True)
class Reoptimised:
    """The least-cost roadmap under one scenario, summarised (tCO2e; plan currency)."""

    scenario: str
    npv: float
    penalty_cost: float
    all_met: bool
    milestones: list[dict[str, Any]]  # year, sector, cap, emissions, gap, marginal_cost
    emissions: dict[int, float]
    units: dict[str, float]  # measure -> units installed over the horizon
    solve_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "emissions": {str(k): v for k, v in self.emissions.items()}}


Job = tuple[str, Plan, pd.DataFrame]


def scenario_jobs(
    plan: Plan, scenarios: ScenarioSet, *, basis: PlanBasis | None = None
) -> list[Job]:
    """One (scenario id, plan, BAU) job per scenario (see the module docstring)."""
    basis = basis or plan_basis(plan)
    return [_job(basis, s, scenarios) for s in scenarios.scenarios]


def solve_job(job: Job) -> Reoptimised:
    """Optimise one job (runs in a worker process or on a Dask worker)."""
    scenario, plan, bau = job
    r = optimise(plan, threads=1, bau=bau)
    return Reoptimised(
        scenario=scenario,
        npv=r.npv,
        penalty_cost=r.penalty_cost,
        all_met=r.all_met,
        milestones=[
            {
                "year": m.year,
                "sector": m.sector,
                "cap": m.cap,
                "emissions": m.emissions,
                "gap": m.gap,
                "marginal_cost": m.marginal_cost,
            }
            for m in r.milestones
        ],
        emissions=r.emissions,
        units={m.id: m.units_installed for m in r.measures},
        solve_seconds=r.solve_seconds,
    )


def reoptimise(
    plan: Plan,
    scenarios: ScenarioSet,
    *,
    workers: int = 1,
    scheduler: Any = None,
    on_done: Callable[[int], None] | None = None,
) -> list[Reoptimised]:
    """Re-optimise `plan` under every scenario: serially, in a process pool of `workers`, or
    on the Dask cluster at `scheduler` (an address or a ``distributed.Client``)."""
    return run_jobs(
        scenario_jobs(plan, scenarios), workers=workers, scheduler=scheduler, on_done=on_done
    )


def run_jobs(
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    scheduler: Any = None,
    on_done: Callable[[int], None] | None = None,
) -> list[Reoptimised]:
    """Solve prepared jobs (see `reoptimise`); `on_done(k)` after the k-th finishes."""
    if scheduler is not None:
        return _on_dask(jobs, scheduler, on_done)
    if workers <= 1:
        out = []
        for k, job in enumerate(jobs):
            out.append(solve_job(job))
            if on_done:
                on_done(k)
        return out
    chunk = max(1, len(jobs) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        out = []
        for k, r in enumerate(pool.map(solve_job, jobs, chunksize=chunk)):
            out.append(r)
            if on_done:
                on_done(k)
        return out


def _on_dask(
    jobs: Sequence[Job], scheduler: Any, on_done: Callable[[int], None] | None
) -> list[Reoptimised]:
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        futures = client.map(solve_job, list(jobs), pure=False)
        for k, _ in enumerate(as_completed(futures)):
            if on_done:
                on_done(k)
        return client.gather(futures)
    finally:
        if client is not scheduler:
            client.close()


def _job(basis: PlanBasis, scenario: Scenario, scenarios: ScenarioSet) -> Job:
    plan = basis.plan
    world = scenario_world(basis, scenario, scenarios)
    full = basis.full_years
    drivers = dict(plan.baseline.drivers)
    for name, values in world.drivers.items():
        drivers[name] = DriverPath(
            points={int(y): float(v) for y, v in zip(full, values[0], strict=True)}
        )
    rate = plan.discount_rate if scenario.discount_rate is None else scenario.discount_rate
    measures = plan.measures
    if world.energy_price is not None and world.price_applies is not None:
        df = (1.0 + rate) ** -(basis.years - plan.start_year).astype(float)
        factor = float((df * world.energy_price[0]).sum() / df.sum())
        measures = [
            m.model_copy(update={"opex": m.opex * factor}) if world.price_applies[0, i] else m
            for i, m in enumerate(measures)
        ]
    new_plan = plan.model_copy(
        update={
            "discount_rate": rate,
            "measures": measures,
            "baseline": plan.baseline.model_copy(update={"drivers": drivers}),
        }
    )
    bau = project(basis, world.drivers, world.bau_multiplier)[0]
    frame = pd.DataFrame(bau.T, index=pd.Index(full, name="year"), columns=basis.sectors)
    return scenario.id, new_plan, frame.astype(np.float64)
