"""Benchmark: Kizuna's review engine (kizuna.review) on synthetic plans.

Measures, with fixed seeds:

- the Monte Carlo of a fixed roadmap: 10,000 draws x 26 years x 300 measures by default
  (the packaged uncertainties: grid factor, activity per sector, uptake, abatement and capex
  per measure, energy price; 906 drawn columns), timed as the Latin hypercube sample, the
  vectorised evaluation, and the whole `monte_carlo` (with percentiles and the Spearman
  correlations); its peak memory (tracemalloc, and the process's peak RSS);
- the same evaluation as a Python loop over the draws (the per-draw code an analyst would
  write: one world at a time through the same numpy functions) on a sample of draws, its
  time per draw extrapolated, and checked equal to the vectorised result;
- 1,000 scenario re-optimisations (smaller plans, 50 measures x 26 years by default) in a
  local process pool and on a local Dask cluster (`distributed.LocalCluster`, the same job
  function a user with a real cluster reaches by its address), against a serial run on a
  sample; throughput of each.

Run: ``python benchmarks/review.py [--draws N] [--measures N] [--jobs N] [--workers N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
import tracemalloc
import types
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
# planner.py imports PuLP at the top for its own baseline; only its plan generator is used here.
sys.modules.setdefault("pulp", types.ModuleType("pulp"))
from kizuna.planning import optimise, parse_plan  # noqa: E402
from kizuna.review.basis import plan_basis  # noqa: E402
from kizuna.review.batch import run_jobs, scenario_jobs, solve_job  # noqa: E402
from kizuna.review.evaluate import evaluate  # noqa: E402
from kizuna.review.risk import monte_carlo  # noqa: E402
from kizuna.review.roadmap import Roadmap  # noqa: E402
from kizuna.review.scenarios import parse_scenarios  # noqa: E402
from kizuna.review.uncertainty import default_risk, sample  # noqa: E402
from kizuna.review.worlds import Worlds  # noqa: E402
from measurements import Table, Timing  # noqa: E402  (benchmarks/measurements.py)
from planner import make_plan  # noqa: E402  (benchmarks/planner.py)

GOAL_SECONDS = 3.0  # 10,000 draws x 26 years x 300 measures
SEED = 20_251_201


def timed(fn, repeat: int) -> tuple[Timing, object]:
    out, seconds = None, []
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - started)
    return Timing(tuple(seconds)), out


def one(worlds: Worlds, i: int) -> Worlds:
    """Draw i alone (what a per-draw loop evaluates)."""

    def row(a):
        return None if a is None else a[i : i + 1] if len(a) > 1 else a

    return replace(
        worlds,
        labels=[worlds.labels[i]],
        drivers={k: row(v) for k, v in worlds.drivers.items()},
        bau_multiplier=row(worlds.bau_multiplier),
        energy_price=row(worlds.energy_price),
        price_applies=row(worlds.price_applies),
        uptake=row(worlds.uptake),
        abatement_factor=row(worlds.abatement_factor),
        capex_factor=row(worlds.capex_factor),
    )


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def scenario_set(n: int, seed: int):
    """n scenarios: grid factor x 0.3..1.5 by 2050, GDP -1..+2 %/yr (elasticity 0.5), and a
    shock of 0-10 % in a random year for half of them."""
    rng = np.random.default_rng(seed)
    scenarios = []
    for k in range(n):
        s = {
            "id": f"s{k:04d}",
            "name": f"Scenario {k}",
            "drivers": {
                "grid_ef": {"scale": {2025: 1.0, 2050: float(rng.uniform(0.3, 1.5))}},
                "gdp": {"growth": float(rng.uniform(-0.01, 0.02)), "elasticity": 0.5},
            },
        }
        if rng.random() < 0.5:
            s["shocks"] = [
                {
                    "year": int(rng.integers(2026, 2040)),
                    "drop": float(rng.uniform(0.0, 0.1)),
                    "rebound_years": int(rng.integers(1, 4)),
                }
            ]
        scenarios.append(s)
    return parse_scenarios({"scenarios": scenarios})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--measures", type=int, default=300)
    ap.add_argument("--years", type=int, default=26)
    ap.add_argument("--loop-sample", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--job-measures", type=int, default=50)
    ap.add_argument("--serial-sample", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    ok = True

    import scipy

    print(
        f"Kizuna review benchmark; load average {os.getloadavg()[0]:.2f} at start; nproc "
        f"{os.cpu_count()} ({platform.machine()}), Python {platform.python_version()}, numpy "
        f"{np.__version__}, scipy {scipy.__version__}, highspy {version('highspy')}"
    )
    plan = parse_plan(make_plan(args.measures, args.years, seed=SEED))
    result = optimise(plan)
    basis = plan_basis(plan)
    roadmap = Roadmap.from_result(plan, result)
    spec = default_risk()
    n = args.draws
    print(
        f"Monte Carlo: {n:,} draws x {len(basis.years)} years x {len(basis.measure_ids)} measures "
        f"x {len(basis.sectors)} sectors; roadmap from HiGHS in "
        f"{result.build_seconds + result.solve_seconds:.2f} s"
    )
    sample(basis, spec, 100, 0)  # warm-up
    t_sample, drawn = timed(lambda: sample(basis, spec, n, SEED), args.repeat)
    print(f"  drawn columns (LHS dimension): {drawn.values.shape[1]}")
    t_eval, out = timed(lambda: evaluate(basis, roadmap, drawn.worlds), args.repeat)
    t_total, _ = timed(
        lambda: monte_carlo(plan, result, spec, draws=n, seed=SEED, basis=basis), args.repeat
    )

    tracemalloc.start()
    reset_peak_rss()
    rss_before = peak_rss_mib()
    monte_carlo(plan, result, spec, draws=n, seed=SEED, basis=basis)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = peak_rss_mib()

    k = min(args.loop_sample, n)
    started = time.perf_counter()
    loop = [evaluate(basis, roadmap, one(drawn.worlds, i)) for i in range(k)]
    loop_s = time.perf_counter() - started
    per_draw = loop_s / k
    same = all(
        np.allclose(loop[i].emissions[0], out.emissions[i])
        and np.isclose(loop[i].npv[0], out.npv[i])
        for i in range(k)
    )
    ok &= same

    table = Table()
    table.add(
        "LHS sample + inverse CDFs",
        f"{t_sample.best:.3f} s",
        f"{t_sample.median:.3f} s",
        f"{n:,} x {drawn.values.shape[1]}",
    )
    table.add(
        "vectorised evaluation",
        f"{t_eval.best:.3f} s",
        f"{t_eval.median:.3f} s",
        "BAU, abatement, emissions, NPV, carbon",
    )
    table.add(
        "sample + evaluation",
        f"{t_sample.best + t_eval.best:.3f} s",
        f"{t_sample.median + t_eval.median:.3f} s",
        f"goal < {GOAL_SECONDS:.0f} s",
    )
    table.add(
        "monte_carlo (all results)",
        f"{t_total.best:.3f} s",
        f"{t_total.median:.3f} s",
        "+ percentiles, shortfalls, Spearman",
    )
    table.add(
        f"per-draw Python loop, {k} draws", f"{loop_s:.3f} s", "", f"{per_draw * 1e3:.2f} ms/draw"
    )
    table.add(
        f"loop extrapolated to {n:,}", f"{per_draw * n:.1f} s", "", "time per draw x draws; not run"
    )
    table.add(
        "speed-up vectorised / loop",
        f"{per_draw * n / t_eval.best:,.0f} x",
        f"{per_draw * n / t_eval.median:,.0f} x",
        "evaluation only",
    )
    print(table.render())
    print(
        f"Peak memory of one monte_carlo: tracemalloc {traced_peak / 2**20:,.0f} MiB (numpy arrays "
        f"included); process peak RSS {rss_peak:,.0f} MiB (was {rss_before:,.0f} MiB before)"
    )
    print(f"Verification: loop equals vectorised on {k} draws: {'yes' if same else 'NO'}")
    goal = t_sample.median + t_eval.median
    print(
        f"Goal < {GOAL_SECONDS:.0f} s for sample + evaluation (median): "
        f"{'MET' if goal < GOAL_SECONDS else 'MISSED'} ({goal:.2f} s)"
    )
    ok &= goal < GOAL_SECONDS

    if not args.no_batch:
        ok &= batch(args)
    return 0 if ok else 1


def batch(args: argparse.Namespace) -> bool:
    small = parse_plan(make_plan(args.job_measures, args.years, seed=SEED + 1))
    scenarios = scenario_set(args.jobs, SEED)
    started = time.perf_counter()
    jobs = scenario_jobs(small, scenarios, basis=plan_basis(small))
    build_s = time.perf_counter() - started
    print(
        f"\nScenario re-optimisations: {len(jobs):,} jobs, plan of {args.job_measures} measures x "
        f"{args.years} years; jobs built in {build_s:.2f} s"
    )
    k = min(args.serial_sample, len(jobs))
    solve_job(jobs[0])  # warm-up
    started = time.perf_counter()
    serial = [solve_job(j) for j in jobs[:k]]
    serial_s = time.perf_counter() - started
    per_job = serial_s / k
    table = Table()
    table.add(f"serial, {k} jobs", f"{serial_s:.2f} s", "", f"{k / serial_s:,.1f} jobs/s")
    table.add(
        f"serial extrapolated to {len(jobs):,}",
        f"{per_job * len(jobs):.1f} s",
        "",
        "time per job x jobs; not run",
    )
    started = time.perf_counter()
    pooled = run_jobs(jobs, workers=args.workers)
    pool_s = time.perf_counter() - started
    table.add(
        f"process pool, {args.workers} workers",
        f"{pool_s:.2f} s",
        "",
        f"{len(jobs) / pool_s:,.1f} jobs/s; x {per_job * len(jobs) / pool_s:.2f} serial",
    )
    same = all(np.isclose(a.npv, b.npv) for a, b in zip(serial, pooled[:k], strict=True))
    if not args.no_dask:
        from distributed import Client, LocalCluster

        started = time.perf_counter()
        with (
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster),
        ):
            start_s = time.perf_counter() - started
            started = time.perf_counter()
            on_dask = run_jobs(jobs, scheduler=cluster.scheduler_address)
            dask_s = time.perf_counter() - started
        table.add(
            f"Dask LocalCluster, {args.workers} workers",
            f"{dask_s:.2f} s",
            "",
            f"{len(jobs) / dask_s:,.1f} jobs/s; cluster start {start_s:.1f} s not included",
        )
        same &= all(np.isclose(a.npv, b.npv) for a, b in zip(serial, on_dask[:k], strict=True))
    print(table.render())
    print(
        f"Verification: pool (and Dask) equal the serial NPVs on {k} jobs: "
        f"{'yes' if same else 'NO'}"
    )
    return same


if __name__ == "__main__":
    sys.exit(main())
