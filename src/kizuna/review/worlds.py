"""Worlds: what a roadmap is evaluated in, as arrays whose first axis is the world.

A world is the plan's assumptions with some of them changed: driver paths (for the BAU and
for driver-linked abatement), a multiplier on BAU (shocks, energy intensity, activity), the
discount rate, an energy-price index on opex, a carbon price, and delivery factors (uptake
achieved, abatement per unit, capex overrun). A scenario makes one world
(`scenario_world`); a Monte Carlo run makes one per draw (`kizuna.review.risk`).
All changes apply from start_year t_s on; years before it are the plan's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from kizuna.errors import InputError
from kizuna.review.basis import PlanBasis
from kizuna.review.scenarios import DriverChange, Index, Scenario, ScenarioSet, Shock


@dataclass(frozen=True)
class Worlds:
    """n worlds. Arrays have n rows, or 1 row shared by all; None means "as the plan".

    Driver values and the BAU multiplier run over `full_years` (base..end); price paths over
    `years` (start..end); delivery factors are per measure (n, M)."""

    labels: list[str]
    drivers: dict[str, np.ndarray] = field(default_factory=dict)  # (n|1, T_full)
    bau_multiplier: np.ndarray | None = None  # (n|1, S, T_full)
    discount_rate: np.ndarray | None = None  # (n|1,)
    energy_price: np.ndarray | None = None  # (n|1, T) index on opex
    price_applies: np.ndarray | None = None  # (n|1, M) bool: opex follows the energy price
    carbon_price: np.ndarray | None = None  # (n|1, T) plan currency per tCO2e
    uptake: np.ndarray | None = None  # (n, M) units delivered / units planned
    abatement_factor: np.ndarray | None = None  # (n, M) abatement per unit / planned
    capex_factor: np.ndarray | None = None  # (n, M) capex / planned
    notes: list[list[str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.labels)


def plan_world(basis: PlanBasis, label: str = "plan") -> Worlds:
    """The plan's own assumptions (one world)."""
    return Worlds([label], notes=[[]])


def index_values(index: Index, years: np.ndarray, start: int) -> np.ndarray:
    """The multiplier of `index` in `years`: 1 before `start`, then its points (linear
    between, flat outside) or (1 + growth)^(t - start)."""
    after = years >= start
    if index.scale is not None:
        values = _interp(index.scale, years)
    else:
        assert index.growth is not None
        values = (1.0 + index.growth) ** np.maximum(0, years - start).astype(float)
    return np.where(after, values, 1.0)


def changed_driver(
    change: DriverChange, values: np.ndarray, years: np.ndarray, start: int
) -> np.ndarray:
    """The driver path `values` (on `years`) with `change` applied from `start` on."""
    after = years >= start
    if change.path is not None:
        new = _interp(change.path, years)
    elif change.from_start is not None:
        points = {start: 1.0, **change.from_start}
        new = values[np.searchsorted(years, start)] * _interp(points, years)
    else:
        new = values * index_values(change, years, start)
    return np.where(after, new, values)


def shock_multiplier(shock: Shock, years: np.ndarray, start: int) -> np.ndarray:
    """m(t) of a shock (see `kizuna.review.scenarios.Shock`) in `years`."""
    t0 = shock.year if shock.year is not None else start + (shock.years_after_start or 0)
    k = (years - t0).astype(float)
    recovered = shock.rebound * np.minimum(k, shock.rebound_years) / shock.rebound_years
    return np.where(k >= 0, 1.0 - shock.drop * (1.0 - recovered), 1.0)


def scenario_world(basis: PlanBasis, scenario: Scenario, scenarios: ScenarioSet) -> Worlds:
    """One world from `scenario` (see the module docstring); `scenarios` gives exchange rates.

    A driver the plan lacks acts only through an elasticity (a note says so otherwise), so
    one scenario file serves many plans. Raises `InputError` for a sector the plan does not
    have, or a carbon price in a currency with no exchange rate to the plan's."""
    plan = basis.plan
    where = f"scenario {scenario.id!r}"
    years, start = basis.full_years, plan.start_year
    n_s, notes = len(basis.sectors), []
    multiplier = np.ones((n_s, len(years)))
    drivers: dict[str, np.ndarray] = {}
    for name, change in scenario.drivers.items():
        if name in basis.drivers:
            drivers[name] = changed_driver(change, basis.drivers[name], years, start)
            if change.elasticity:
                notes.append(f"driver {name}: the plan's own elasticities are used")
            continue
        if change.path is not None or change.from_start is not None:
            notes.append(f"driver {name}: not in the plan, so its path has no effect")
            continue
        if not change.elasticity:
            notes.append(f"driver {name}: not in the plan and no elasticity given; no effect")
            continue
        multiplier = multiplier * index_values(change, years, start)[None, :] ** change.elasticity
        notes.append(f"driver {name}: not in the plan; BAU elasticity {change.elasticity:g}")
    if scenario.energy_intensity is not None:
        rows = basis.sector_index(scenario.energy_intensity.sectors, f"{where} energy_intensity")
        multiplier[rows] *= index_values(scenario.energy_intensity, years, start)
    for i, shock in enumerate(scenario.shocks):
        rows = basis.sector_index(shock.sectors, f"{where} shocks[{i}]")
        multiplier[rows] *= shock_multiplier(shock, years, start)
    world = Worlds(
        [scenario.id],
        drivers={k: v[None] for k, v in drivers.items()},
        bau_multiplier=multiplier[None],
        discount_rate=None
        if scenario.discount_rate is None
        else np.array([scenario.discount_rate]),
        notes=[notes],
    )
    if scenario.energy_price is not None:
        price = index_values(scenario.energy_price, basis.years, start)
        world = replace(
            world,
            energy_price=price[None],
            price_applies=_applies(basis, scenario.energy_price.applies_to, where)[None],
        )
    if scenario.carbon_price is not None:
        cp = scenario.carbon_price
        rate = scenarios.rate(cp.currency, plan.currency)
        if rate is None:
            raise InputError(
                f"{where}: the carbon price is in {cp.currency} but the plan is in "
                f"{plan.currency}, and the scenario file has no exchange rate between them",
                hint=f"add exchange_rates: {{{cp.currency}: {{{plan.currency}: RATE}}}} to the "
                "scenario file, with its source",
            )
        world = replace(world, carbon_price=(rate * _interp(cp.points, basis.years))[None])
    return world


def stack(basis: PlanBasis, worlds: list[Worlds]) -> Worlds:
    """Worlds of several one-or-more-world sets, side by side (missing parts as the plan)."""
    n = [w.n for w in worlds]
    n_m, n_s, n_t = len(basis.measure_ids), len(basis.sectors), len(basis.years)
    t_full = len(basis.full_years)

    def rows(get, default_row: np.ndarray) -> np.ndarray | None:
        if all(get(w) is None for w in worlds):
            return None
        parts = []
        for w, k in zip(worlds, n, strict=True):
            value = get(w)
            block = default_row[None] if value is None else np.asarray(value)
            parts.append(np.broadcast_to(block, (k, *default_row.shape)))
        return np.concatenate(parts)

    names = sorted({d for w in worlds for d in w.drivers})
    drivers = {
        d: rows(lambda w, d=d: w.drivers.get(d), basis.drivers[d])  # type: ignore[misc]
        for d in names
    }
    rate = basis.plan.discount_rate
    return Worlds(
        labels=[label for w in worlds for label in w.labels],
        drivers={k: v for k, v in drivers.items() if v is not None},
        bau_multiplier=rows(lambda w: w.bau_multiplier, np.ones((n_s, t_full))),
        discount_rate=rows(lambda w: w.discount_rate, np.array(rate)),
        energy_price=rows(lambda w: w.energy_price, np.ones(n_t)),
        price_applies=rows(lambda w: w.price_applies, np.zeros(n_m, dtype=bool)),
        carbon_price=rows(lambda w: w.carbon_price, np.zeros(n_t)),
        uptake=rows(lambda w: w.uptake, np.ones(n_m)),
        abatement_factor=rows(lambda w: w.abatement_factor, np.ones(n_m)),
        capex_factor=rows(lambda w: w.capex_factor, np.ones(n_m)),
        notes=[note for w in worlds for note in (w.notes or [[] for _ in w.labels])],
    )


def _applies(basis: PlanBasis, applies_to: str | list[str], where: str) -> np.ndarray:
    """Which measures' opex follows the energy price."""
    if applies_to == "savings":
        return basis.opex < 0
    if applies_to == "all":
        return np.ones(len(basis.measure_ids), dtype=bool)
    names = set(applies_to)
    unknown = names - set(basis.measure_ids) - set(basis.sectors)
    if unknown:
        raise InputError(
            f"{where} energy_price.applies_to: no measure or sector {sorted(unknown)}",
            hint="name measure ids or sectors of the plan, or use 'savings' or 'all'",
        )
    sectors = np.array([basis.sectors[s] in names for s in basis.sector_of], dtype=bool)
    ids = np.array([m in names for m in basis.measure_ids], dtype=bool)
    return sectors | ids


def _interp(points: dict[int, float], years: np.ndarray) -> np.ndarray:
    xs = np.array(sorted(points), dtype=float)
    ys = np.array([points[int(x)] for x in xs], dtype=float)
    return np.interp(years.astype(float), xs, ys)
