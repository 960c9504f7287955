"""Solving many independent plans (cities or scenarios) in a local process pool.

Each plan is solved by its own HiGHS instance on one thread, so `workers` processes
keep `workers` cores busy. Results come back in the order of the plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from kizuna.planning.optimise import optimise
from kizuna.planning.plan import Plan
from kizuna.planning.results import PlanResult


def _solve_one(plan: Plan) -> PlanResult:
    return optimise(plan, threads=1)


def optimise_many(
    plans: Sequence[Plan], *, workers: int = 1, on_done: Callable[[int], None] | None = None
) -> list[PlanResult]:
    """Optimise every plan; `workers` > 1 uses a process pool. `on_done(i)` is called as each
    plan finishes (for progress bars)."""
    if workers <= 1:
        results = []
        for i, plan in enumerate(plans):
            results.append(_solve_one(plan))
            if on_done:
                on_done(i)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_solve_one, plan) for plan in plans]
        out = []
        for i, future in enumerate(futures):
            out.append(future.result())
            if on_done:
                on_done(i)
        return out
