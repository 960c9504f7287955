"""Benchmark: Kizuna's planner (numpy + scipy.sparse + HiGHS) against the same LP in PuLP + CBC.

Generates synthetic back-casting plans with a fixed seed and measures:

- one city (300 measures, 2025-2050 by default): ``parse_plan`` and ``optimise``, with
  the build (BAU, caps, sparse matrices) and the HiGHS solve timed apart, best and
  median of several runs;
- the same LP written the way an analyst would write it in PuLP (an ``LpVariable`` per
  x[m, t], an ``lpSum`` per constraint row, coefficients computed independently from
  docs/methods.md), solved with the CBC binary bundled in PuLP's wheel; PuLP's build
  and solve are timed apart, and CBC's own time is read from its log;
- that the two optima agree (total objective, relative tolerance 1e-6);
- many independent city plans (100 x 50 measures by default) through ``optimise_many``
  with 1 and with 2 worker processes: plans per second and the scaling ratio.

Run: ``python benchmarks/planner.py [--measures N] [--years N] [--plans N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from itertools import pairwise
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pulp
import scipy

from kizuna.planning import Plan, PlanResult, optimise, parse_plan
from kizuna.planning.batch import optimise_many
from measurements import Table, Timing  # benchmarks/measurements.py

SEED = 20_250_301
START_YEAR = 2025
BAU_TOTAL = 20.0e6  # tCO2e in the base year (the year before START_YEAR)
GOAL_SECONDS = 0.5  # Kizuna build + solve, one city of 300 measures x 26 years
GOAL_SPEEDUP = 10.0  # against PuLP + CBC, build + solve
REL_TOL = 1e-6  # agreement of the two optima

#: Sectors of the synthetic city: name, id prefix, share of base-year emissions, BAU growth
#: per year, elasticities to drivers, share of measures linked to the grid emission factor.
SECTORS: tuple[tuple[str, str, float, float, dict[str, float], float], ...] = (
    ("Stationary energy", "se", 0.45, -0.004, {"population": 0.5}, 0.45),
    ("Transportation", "tr", 0.28, 0.002, {"population": 1.0}, 0.15),
    ("Waste", "wa", 0.09, 0.005, {}, 0.0),
    ("IPPU", "ip", 0.10, 0.0, {}, 0.2),
    ("AFOLU", "af", 0.08, -0.01, {}, 0.0),
)


# --- synthetic plans --------------------------------------------------------------------------


def make_plan(
    n_measures: int = 300,
    n_years: int = 26,
    seed: int = SEED,
    bau_total: float = BAU_TOTAL,
    city: str = "Synthetic City",
) -> dict[str, Any]:
    """A realistic plan as the dict a YAML plan file gives, made with `seed`.

    Base year START_YEAR - 1 with `bau_total` tCO2e over five sectors (growth and
    population elasticities); targets -50 % in 2030 (or the last year if earlier) and net
    zero in the last year, linear milestones; a grid emission factor path falling from
    0.45 to 0.05 kgCO2e/kWh that some measures' abatement is linked to. A sector's
    fixed-abatement measures can abate 1.4 x its base-year emissions at full potential,
    its grid-linked ones 0.6 x more at the base-year grid factor, split unevenly
    (log-normal weights). Measures have lifetimes 5-40 years, ramp-up limits of 3-15
    years to the full potential, levelised costs from about -150 to +800 per tCO2e
    (capex, and an opex that is negative for about half of them), later start years for
    a quarter, ``requires`` and ``excludes`` pairs within a sector (n_measures / 15 of
    each), and an annual capex budget of 1/25 of the capex of one full roll-out, which
    binds in the first, busiest years.
    """
    rng = np.random.default_rng(seed)
    base_year = START_YEAR - 1
    end_year = START_YEAR + n_years - 1
    rate = 0.03
    grid = {base_year: 4.5e-4, 2030: 3.0e-4, 2040: 1.5e-4, 2050: 5.0e-5}
    counts = _split(n_measures, [s[2] for s in SECTORS])
    measures: list[dict[str, Any]] = []
    by_sector: dict[str, list[int]] = {}
    for (sector, code, share, _, _, linked_share), count in zip(SECTORS, counts, strict=True):
        linked = rng.random(count) < linked_share
        weights = rng.lognormal(0.0, 1.0, count)
        # tCO2e/yr at full potential: 1.4 x the sector's base-year emissions from measures with
        # fixed abatement, 0.6 x more from grid-linked ones (at the base-year grid factor)
        for group, scale in ((~linked, 1.4), (linked, 0.6)):
            if group.any():
                weights[group] *= scale * share * bau_total / weights[group].sum()
        for k in range(count):
            per_unit = float(np.exp(rng.uniform(np.log(0.05), np.log(200.0))))  # tCO2e/unit/yr
            lifetime = int(rng.integers(5, 41))
            potential = float(weights[k] / per_unit)
            lcoa = (
                float(rng.uniform(-150.0, 0.0))
                if rng.random() < 0.25
                else float(rng.lognormal(np.log(80.0), 0.8))
            )
            capex_per_t = float(rng.lognormal(np.log(40.0), 0.7))  # per lifetime tonne
            capex = capex_per_t * per_unit * lifetime
            crf = rate / (1.0 - (1.0 + rate) ** -lifetime)
            opex = lcoa * per_unit - crf * capex
            measure: dict[str, Any] = {
                "id": f"{code}-{k:03d}",
                "name": f"{sector} measure {k}",
                "sector": sector,
                "unit": "unit",
                "potential": round(potential, 3),
                "capex": round(capex, 2),
                "opex": round(opex, 2),
                "lifetime": lifetime,
                "max_rate": round(potential / rng.uniform(3.0, 15.0), 3),
                "jobs": round(float(rng.uniform(0.0, 0.02)) * per_unit, 5),
            }
            if linked[k]:  # kWh saved per unit x grid factor
                measure["abatement"] = {
                    "value": round(per_unit / grid[base_year], 3),
                    "driver": "grid_ef",
                    "unit": "kWh",
                }
            else:
                measure["abatement"] = round(per_unit, 6)
            if rng.random() < 0.25:
                measure["start"] = int(rng.integers(START_YEAR + 1, START_YEAR + 11))
            by_sector.setdefault(sector, []).append(len(measures))
            measures.append(measure)
    _link_pairs(rng, measures, by_sector, max(1, n_measures // 15))
    one_generation = sum(m["capex"] * m["potential"] for m in measures)
    interim = min(2030, end_year)
    targets = [{"year": interim, "reduction": 0.5}]
    if end_year > interim:
        targets.append({"year": end_year, "reduction": 1.0})
    return {
        "city": city,
        "currency": "USD",
        "base_year": base_year,
        "start_year": START_YEAR,
        "end_year": end_year,
        "discount_rate": rate,
        "baseline": {
            "drivers": {
                "population": {base_year: 3.70e6, 2035: 3.76e6, 2050: 3.55e6},
                "grid_ef": grid,
            },
            "sectors": {
                name: {
                    "emissions": round(share * bau_total, 1),
                    "growth": growth,
                    "elasticities": elasticities,
                }
                for name, _, share, growth, elasticities, _ in SECTORS
            },
        },
        "targets": targets,
        "milestones": "linear",
        "budget": {"annual_capex": round(one_generation / 25.0, -3)},
        "measures": measures,
    }


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """`total` split in proportion to `shares` (largest remainders), at least one each."""
    raw = np.array(shares) / sum(shares) * total
    counts = np.maximum(np.floor(raw).astype(int), 1)
    for i in np.argsort(raw - np.floor(raw))[::-1]:
        if counts.sum() >= total:
            break
        counts[i] += 1
    return [int(c) for c in counts]


def _link_pairs(
    rng: np.random.Generator,
    measures: list[dict[str, Any]],
    by_sector: dict[str, list[int]],
    n_pairs: int,
) -> None:
    """Add `n_pairs` ``requires`` and `n_pairs` ``excludes`` links between measures of one
    sector (a measure only requires an earlier one, so there are no cycles)."""
    sectors = [s for s, ids in by_sector.items() if len(ids) >= 2]
    if not sectors:
        return
    used: set[tuple[int, int]] = set()
    for field in ("requires", "excludes"):
        made = attempts = 0
        while made < n_pairs and attempts < 50 * n_pairs:
            attempts += 1
            ids = by_sector[sectors[int(rng.integers(len(sectors)))]]
            i, j = sorted(int(v) for v in rng.choice(ids, size=2, replace=False))
            if (i, j) in used:
                continue
            used.add((i, j))
            measures[j].setdefault(field, []).append(measures[i]["id"])
            made += 1


def make_plans(n_plans: int, n_measures: int, n_years: int, seed: int = SEED) -> list[Plan]:
    """`n_plans` independent validated city plans, each with its own seed and BAU (1-30 Mt)."""
    rng = np.random.default_rng(seed + 1)
    return [
        parse_plan(
            make_plan(
                n_measures,
                n_years,
                seed=seed + 1000 + i,
                bau_total=float(np.exp(rng.uniform(np.log(1e6), np.log(3e7)))),
                city=f"City {i:03d}",
            )
        )
        for i in range(n_plans)
    ]


# --- the same LP in PuLP ----------------------------------------------------------------------


@dataclass(frozen=True)
class Coefficients:
    """The plan's LP coefficients, computed from docs/methods.md without Kizuna's model code."""

    years: list[int]
    df: np.ndarray  # DF(t)
    abatement: np.ndarray  # a[m, t], tCO2e per unit in place
    cost: np.ndarray  # c[m, t], discounted cost of a unit installed in t
    upper: np.ndarray  # upper bound of x[m, t] (max rate; 0 before the start year)
    lifetimes: list[int]
    potentials: list[float]
    capex: list[float]
    sector_of: list[int]
    bau: np.ndarray  # BAU[s, t], tCO2e
    caps: list[tuple[int, float]]  # (year index, cap on city emissions in tCO2e)
    requires: list[tuple[int, int]]  # (m, d): S[m, t] <= S[d, t]
    excludes: list[tuple[int, int]]  # (m, o): S[m, t] / P_m + S[o, t] / P_o <= 1
    capex_limit: list[float] | None  # B(t)
    penalty: float


def _driver(points: dict[int, float], years: np.ndarray) -> np.ndarray:
    """Linear between the points, flat outside them."""
    xs = sorted(points)
    return np.asarray(np.interp(years, xs, [points[x] for x in xs]), dtype=float)


def coefficients(plan: Plan) -> Coefficients:
    """Compute every coefficient of the plan's LP (city targets, ``linear`` milestones)."""
    if plan.milestones.method != "linear" or any(t.sector for t in plan.targets):
        raise ValueError("the PuLP model covers city-wide targets with linear milestones")
    years = np.arange(plan.start_year, plan.end_year + 1)
    all_years = np.arange(plan.base_year, plan.end_year + 1)
    t0, n_t = plan.start_year, len(years)
    r = plan.discount_rate
    df = (1.0 + r) ** -(years - t0).astype(float)
    drivers: dict[str, np.ndarray] = {}
    for name, path in plan.baseline.drivers.items():
        assert path.points is not None
        drivers[name] = _driver(path.points, all_years)
    sectors = list(plan.baseline.sectors)
    bau = np.zeros((len(sectors), len(all_years)))
    for s, name in enumerate(sectors):
        spec = plan.baseline.sectors[name]
        assert spec.emissions is not None
        bau[s] = spec.emissions * (1.0 + spec.growth) ** (all_years - plan.base_year)
        for driver, elasticity in spec.elasticities.items():
            bau[s] *= (drivers[driver] / drivers[driver][0]) ** elasticity
    base_total = float(bau[:, 0].sum())
    points = [(plan.base_year, base_total)] + [
        (t.year, (1.0 - t.reduction) * base_total)
        for t in sorted(plan.targets, key=lambda t: t.year)
    ]
    caps: list[tuple[int, float]] = []
    for i, y in enumerate(years):
        level = points[-1][1]
        for (y0, v0), (y1, v1) in pairwise(points):
            if y0 <= y <= y1:
                level = v0 + (v1 - v0) * (0.0 if y1 == y0 else (y - y0) / (y1 - y0))
                break
        caps.append((i, float(level)))
    n_m = len(plan.measures)
    abatement, cost, upper = np.zeros((n_m, n_t)), np.zeros((n_m, n_t)), np.zeros((n_m, n_t))
    for m, measure in enumerate(plan.measures):
        if isinstance(measure.abatement, float | int):
            abatement[m] = float(measure.abatement)
        else:
            abatement[m] = measure.abatement.value * drivers[measure.abatement.driver][1:]
        life = measure.lifetime
        crf = 1.0 / life if r == 0 else r / (1.0 - (1.0 + r) ** -life)
        yearly = measure.capex * crf / (1.0 + r) + measure.opex
        for t in range(n_t):
            cost[m, t] = yearly * df[t : min(t + life, n_t)].sum()
            cost[m, t] -= plan.weights.jobs * measure.jobs * df[t]
        upper[m] = measure.max_rate if measure.max_rate is not None else measure.potential
        if measure.start is not None:
            upper[m, years < measure.start] = 0.0
    index = {m.id: i for i, m in enumerate(plan.measures)}
    requires = sorted({(i, index[d]) for i, m in enumerate(plan.measures) for d in m.requires})
    excludes = sorted(
        {
            (min(i, index[o]), max(i, index[o]))
            for i, m in enumerate(plan.measures)
            for o in m.excludes
        }
    )
    spec = plan.budget.annual_capex
    limit = None
    if spec is not None:
        limit = [
            float(spec) if isinstance(spec, int | float) else float(spec.get(int(y), np.inf))
            for y in years
        ]
    return Coefficients(
        years=[int(y) for y in years],
        df=df,
        abatement=abatement,
        cost=cost,
        upper=upper,
        lifetimes=[m.lifetime for m in plan.measures],
        potentials=[m.potential for m in plan.measures],
        capex=[m.capex for m in plan.measures],
        sector_of=[sectors.index(m.sector) for m in plan.measures],
        bau=bau[:, 1:],
        caps=caps,
        requires=requires,
        excludes=excludes,
        capex_limit=limit,
        penalty=plan.penalty,
    )


def build_pulp(co: Coefficients) -> pulp.LpProblem:
    """The plan's LP in PuLP, written the natural way: one ``LpVariable`` per x[m, t] and
    s_k, one ``lpSum`` per constraint row, the same rows as Kizuna's model."""
    n_m, n_t = co.abatement.shape
    a = co.abatement.tolist()
    prob = pulp.LpProblem("plan", pulp.LpMinimize)
    x = {
        (m, t): pulp.LpVariable(f"x_{m}_{t}", lowBound=0, upBound=float(co.upper[m, t]))
        for m in range(n_m)
        for t in range(n_t)
    }
    s = [pulp.LpVariable(f"s_{k}", lowBound=0) for k in range(len(co.caps))]

    def window(m: int, t: int) -> range:
        """Installation years of the units of measure m in place in year t."""
        return range(max(0, t - co.lifetimes[m] + 1), t + 1)

    cost = co.cost.tolist()
    prob += pulp.lpSum(cost[m][t] * x[m, t] for m in range(n_m) for t in range(n_t)) + pulp.lpSum(
        co.penalty * float(co.df[t]) * s[k] for k, (t, _) in enumerate(co.caps)
    )
    bau_total = co.bau.sum(axis=0)
    for k, (t, cap) in enumerate(co.caps):  # milestones
        prob += (
            pulp.lpSum(a[m][t] * x[m, u] for m in range(n_m) for u in window(m, t)) + s[k]
            >= float(bau_total[t]) - cap,
            f"milestone_{k}",
        )
    for m in range(n_m):  # potentials
        for t in range(n_t):
            prob += pulp.lpSum(x[m, u] for u in window(m, t)) <= co.potentials[m], f"pot_{m}_{t}"
    for sector in range(co.bau.shape[0]):  # sector floors
        members = [m for m in range(n_m) if co.sector_of[m] == sector]
        for t in range(n_t):
            prob += (
                pulp.lpSum(a[m][t] * x[m, u] for m in members for u in window(m, t))
                <= float(co.bau[sector, t]),
                f"floor_{sector}_{t}",
            )
    for p, (m, d) in enumerate(co.requires):
        for t in range(n_t):
            prob += (
                pulp.lpSum(x[m, u] for u in window(m, t))
                - pulp.lpSum(x[d, u] for u in window(d, t))
                <= 0,
                f"req_{p}_{t}",
            )
    for p, (m, o) in enumerate(co.excludes):
        w_m, w_o = 1.0 / co.potentials[m], 1.0 / co.potentials[o]
        for t in range(n_t):
            prob += (
                pulp.lpSum(w_m * x[m, u] for u in window(m, t))
                + pulp.lpSum(w_o * x[o, u] for u in window(o, t))
                <= 1,
                f"excl_{p}_{t}",
            )
    if co.capex_limit is not None:
        for t in range(n_t):
            prob += (
                pulp.lpSum(co.capex[m] * x[m, t] for m in range(n_m) if co.capex[m] != 0)
                <= co.capex_limit[t],
                f"capex_{t}",
            )
    return prob


@dataclass(frozen=True)
class PulpRun:
    """One PuLP build + CBC solve."""

    coefficients: float  # seconds computing the coefficients
    model: float  # seconds building the PuLP model
    solve: float  # seconds in ``prob.solve`` (MPS export, CBC, reading the solution back)
    cbc: float | None  # CBC's own wall-clock seconds, from its log
    status: str
    objective: float
    rows: int
    columns: int
    nonzeros: int

    @property
    def build(self) -> float:
        """Coefficients and model."""
        return self.coefficients + self.model


def run_pulp(plan: Plan) -> PulpRun:
    """Build the plan's LP in PuLP and solve it with the bundled CBC (one thread, quiet)."""
    gc.collect()
    t0 = time.perf_counter()
    co = coefficients(plan)
    t1 = time.perf_counter()
    prob = build_pulp(co)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PULP_CBC_CMD goes in PuLP 4
        log = Path(tmp) / "cbc.log"
        solver = pulp.PULP_CBC_CMD(msg=False, threads=1, logPath=str(log))
        t_solve = time.perf_counter()
        prob.solve(solver)
        t3 = time.perf_counter()
        text = log.read_text(errors="replace") if log.exists() else ""
    found = re.findall(
        r"Total time \(CPU seconds\):\s*[\d.]+\s*\(Wallclock seconds\):\s*([\d.]+)", text
    )
    return PulpRun(
        coefficients=t1 - t0,
        model=t2 - t1,
        solve=t3 - t_solve,
        cbc=float(found[-1]) if found else None,
        status=pulp.LpStatus[prob.status],
        objective=float(pulp.value(prob.objective)),
        rows=len(prob.constraints),
        columns=len(prob.variables()),
        nonzeros=sum(len(c) for c in prob.constraints.values()),
    )


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KizunaRuns:
    """Repeated ``parse_plan`` + ``optimise`` of one plan."""

    parse: Timing
    build: Timing  # result.build_seconds: BAU, caps, model, sparse matrix
    solve: Timing  # result.solve_seconds: HiGHS
    build_solve: Timing
    optimise: Timing  # wall clock of optimise(), results included
    result: PlanResult


def time_kizuna(data: dict[str, Any], repeat: int) -> KizunaRuns:
    """Parse and optimise `data` `repeat` times (after one warm-up run)."""
    optimise(parse_plan(data))
    parse: list[float] = []
    build: list[float] = []
    solve: list[float] = []
    both: list[float] = []
    wall: list[float] = []
    result: PlanResult | None = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        plan = parse_plan(data)
        t1 = time.perf_counter()
        result = optimise(plan)
        t2 = time.perf_counter()
        parse.append(t1 - t0)
        wall.append(t2 - t1)
        build.append(result.build_seconds)
        solve.append(result.solve_seconds)
        both.append(result.build_seconds + result.solve_seconds)
    assert result is not None
    return KizunaRuns(
        parse=Timing(tuple(parse)),
        build=Timing(tuple(build)),
        solve=Timing(tuple(solve)),
        build_solve=Timing(tuple(both)),
        optimise=Timing(tuple(wall)),
        result=result,
    )


def time_batch(plans: Sequence[Plan], workers: int, repeat: int) -> tuple[Timing, list[float]]:
    """Wall-clock seconds of ``optimise_many(plans, workers=workers)`` (pool start included),
    after one warm-up run; also the NPVs of the last run."""
    optimise_many(plans, workers=workers)
    seconds: list[float] = []
    npvs: list[float] = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        results = optimise_many(plans, workers=workers)
        seconds.append(time.perf_counter() - start)
        npvs = [r.npv + r.penalty_cost for r in results]
    return Timing(tuple(seconds)), npvs


def profile_kizuna(plan: Plan, top: int = 25) -> str:
    """cProfile of one ``optimise`` of `plan`: the `top` functions by cumulative and own time."""
    optimise(plan)
    profiler = cProfile.Profile()
    profiler.enable()
    optimise(plan)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return text.getvalue()


# --- report -----------------------------------------------------------------------------------


def machine_line() -> str:
    """CPUs available (as ``nproc`` counts them), OS and the versions behind the figures."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cbc = getattr(pulp.PULP_CBC_CMD, "pulp_cbc_path", "?")
    return (
        f"nproc {cpus} ({platform.machine()}), {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"highspy {_dist_version('highspy', highspy)}, PuLP {pulp.__version__} "
        f"(CBC {Path(cbc).parent.name} binary of the wheel); load average "
        + " ".join(f"{v:.2f}" for v in os.getloadavg())
    )


def _dist_version(name: str, module: object) -> str:
    """The installed distribution's version, falling back to the module's attribute."""
    try:
        return version(name)
    except PackageNotFoundError:
        return str(getattr(module, "__version__", "?"))


def plan_lines(data: dict[str, Any], result: PlanResult) -> list[str]:
    """What the synthetic plan holds, and what its optimum looks like."""
    measures = data["measures"]
    linked = sum(isinstance(m["abatement"], dict) for m in measures)
    negative = sum(m["opex"] < 0 for m in measures)
    started = sum("start" in m for m in measures)
    requires = sum(len(m.get("requires", [])) for m in measures)
    excludes = sum(len(m.get("excludes", [])) for m in measures)
    lifetimes = [m["lifetime"] for m in measures]
    limit = data["budget"]["annual_capex"]
    capex = {m["id"]: m["capex"] for m in measures}
    spent = {y: sum(m.installed[y] * capex[m.id] for m in result.measures) for y in result.years}
    binding = sum(v >= limit * (1 - 1e-6) for v in spent.values())
    gaps = [m for m in result.milestones if not m.met]
    used = sum(m.units_installed > 1e-9 for m in result.measures)
    bau0 = sum(s["emissions"] for s in data["baseline"]["sectors"].values())
    targets = ", ".join(f"{t['year']} -{t['reduction']:.0%}" for t in data["targets"])
    return [
        f"{data['city']}: {len(measures)} measures in {len(data['baseline']['sectors'])} sectors, "
        f"{data['start_year']}-{data['end_year']}, base-year BAU {bau0 / 1e6:.1f} MtCO2e, "
        f"targets {targets} "
        "(linear milestones)",
        f"{linked} abatements linked to the grid factor, {negative} negative opex, "
        f"{started} later starts, lifetimes {min(lifetimes)}-{max(lifetimes)} y, "
        f"{requires} requires and {excludes} excludes pairs, annual capex budget "
        f"{limit / 1e9:.2f} bn (binding in {binding} of {len(spent)} years)",
        f"optimum: {used} measures used, NPV {result.npv / 1e9:.3f} bn, penalties "
        f"{result.penalty_cost / 1e9:.3f} bn, {len(gaps)} of {len(result.milestones)} "
        f"milestones missed" + (f" ({', '.join(str(m.year) for m in gaps)})" if gaps else ""),
    ]


def _s(timing: Timing) -> tuple[str, str]:
    return f"{timing.best:.3f} s", f"{timing.median:.3f} s"


def _of(runs: Sequence[PulpRun], get: Callable[[PulpRun], float | None]) -> Timing | None:
    values = [v for v in (get(r) for r in runs) if v is not None]
    return Timing(tuple(values)) if values else None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--measures", type=int, default=300, help="measures of the single city (default 300)")
    add("--years", type=int, default=26, help="plan years from 2025 (default 26: 2025-2050)")
    add("--plans", type=int, default=100, help="plans of the batch (default 100)")
    add("--batch-measures", type=int, default=50, help="measures per batch plan (default 50)")
    add("--repeat", type=int, default=5, help="runs of each Kizuna and batch timing (default 5)")
    add("--pulp-repeat", type=int, default=None, help="PuLP runs (default: --repeat, at most 3)")
    add("--workers", type=int, default=2, help="the larger worker count of the batch (default 2)")
    add("--no-pulp", action="store_true", help="skip the PuLP + CBC comparison")
    add("--no-batch", action="store_true", help="skip the batch of plans")
    add("--profile", action="store_true", help="also print a cProfile of one Kizuna optimise")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurements and print the summary."""
    args = parse_args(argv)
    repeat = max(1, args.repeat)
    print(machine_line())
    ok = True

    data = make_plan(args.measures, args.years)
    kz = time_kizuna(data, repeat)
    result = kz.result
    n_caps = len(result.milestones)
    print()
    print(f"## One city: {args.measures} measures x {args.years} years (seed {SEED})")
    print()
    for line in plan_lines(data, result):
        print(f"- {line}")
    print()
    table = Table()
    table.add("Kizuna parse_plan (pydantic)", *_s(kz.parse))
    table.add("Kizuna build (BAU, caps, sparse LP)", *_s(kz.build))
    table.add("Kizuna solve (HiGHS, 1 thread)", *_s(kz.solve))
    table.add("**Kizuna build + solve**", *_s(kz.build_solve), f"goal < {GOAL_SECONDS} s")
    table.add("Kizuna optimise() wall, results included", *_s(kz.optimise))
    kizuna_obj = result.npv + result.penalty_cost
    pulp_runs: list[PulpRun] = []
    if not args.no_pulp:
        pulp_repeat = args.pulp_repeat or min(repeat, 3)
        plan = parse_plan(data)
        pulp_runs = [run_pulp(plan) for _ in range(pulp_repeat)]
        parts: list[tuple[str, Callable[[PulpRun], float | None]]] = [
            ("PuLP coefficients (numpy, from methods.md)", lambda r: r.coefficients),
            ("PuLP model (LpVariable, lpSum per row)", lambda r: r.model),
            ("PuLP build", lambda r: r.build),
            ("PuLP solve (MPS out, CBC, solution in)", lambda r: r.solve),
            ("  of which CBC's own wall clock (log)", lambda r: r.cbc),
            ("**PuLP build + solve**", lambda r: r.build + r.solve),
        ]
        for label, get in parts:
            timing = _of(pulp_runs, get)
            if timing is not None:
                table.add(label, *_s(timing))
    print(table.render())
    print()
    if pulp_runs:
        first = pulp_runs[0]
        print(
            f"LP: {first.rows:,} rows, {first.columns:,} columns, {first.nonzeros:,} nonzeros "
            f"(Kizuna: {len(result.measures) * len(result.years) + n_caps:,} columns)"
        )
    goal_time = kz.build_solve.median < GOAL_SECONDS
    ok &= goal_time
    print(
        f"Kizuna build + solve: best {kz.build_solve.best:.3f} s, median "
        f"{kz.build_solve.median:.3f} s -> goal < {GOAL_SECONDS} s "
        f"{'MET' if goal_time else 'NOT MET'} (judged on the median)"
    )
    if pulp_runs:
        first = pulp_runs[0]
        rel = abs(first.objective - kizuna_obj) / max(1.0, abs(kizuna_obj))
        agree = first.status == "Optimal" and rel <= REL_TOL
        ok &= agree
        print(
            f"objective: Kizuna/HiGHS {kizuna_obj:,.2f}, PuLP/CBC {first.objective:,.2f} "
            f"({first.status}); relative difference {rel:.1e} -> "
            f"{'AGREE' if agree else 'DISAGREE'} (tolerance {REL_TOL:g})"
        )
        total = _of(pulp_runs, lambda r: r.build + r.solve)
        build = _of(pulp_runs, lambda r: r.build)
        solve = _of(pulp_runs, lambda r: r.solve)
        assert total is not None
        assert build is not None
        assert solve is not None
        speed_best = total.best / kz.build_solve.best
        speed_median = total.median / kz.build_solve.median
        goal_speed = speed_median >= GOAL_SPEEDUP
        ok &= goal_speed
        print(
            f"speed-up build + solve: {speed_best:.1f}x (best vs best), {speed_median:.1f}x "
            f"(median vs median) -> goal >= {GOAL_SPEEDUP:g}x "
            f"{'MET' if goal_speed else 'NOT MET'} (judged on the medians)"
        )
        print(
            f"  build {build.median / kz.build.median:.0f}x, solve "
            f"{solve.median / kz.solve.median:.1f}x (medians); end to end, PuLP build + solve "
            f"vs Kizuna parse_plan + optimise(): "
            f"{total.median / (kz.parse.median + kz.optimise.median):.1f}x"
        )

    if not args.no_batch:
        n_plans = args.plans
        plans = make_plans(n_plans, args.batch_measures, args.years)
        print()
        print(
            f"## Batch: {n_plans} city plans x {args.batch_measures} measures x {args.years} "
            f"years, optimise_many (one HiGHS thread per plan)"
        )
        print()
        one, npv_one = time_batch(plans, 1, repeat)
        many, npv_many = time_batch(plans, args.workers, repeat)
        same = np.allclose(npv_one, npv_many, rtol=1e-9, atol=1e-6)
        ok &= same
        table = Table()
        table.add("1 worker (in process)", *_s(one))
        table.add(f"{args.workers} workers (process pool)", *_s(many), "pool start included")
        table.add(
            "plans per second, 1 worker",
            f"{n_plans / one.best:.1f} /s",
            f"{n_plans / one.median:.1f} /s",
        )
        table.add(
            f"plans per second, {args.workers} workers",
            f"{n_plans / many.best:.1f} /s",
            f"{n_plans / many.median:.1f} /s",
        )
        table.add(
            f"scaling {args.workers} / 1 workers",
            f"{one.best / many.best:.2f}x",
            f"{one.median / many.median:.2f}x",
            f"ideal {args.workers:.2f}x",
        )
        print(table.render())
        print()
        print(f"results identical with 1 and {args.workers} workers: {'yes' if same else 'NO'}")

    if args.profile:
        print()
        print("## cProfile of one Kizuna optimise()")
        print(profile_kizuna(parse_plan(data)))
    print()
    print("all checks and goals: " + ("OK" if ok else "NOT ALL MET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
