"""Plans small enough to solve on paper; each docstring works the optimum out by hand."""

from typing import Any

import pytest

from kizuna.planning import optimise, parse_plan


def plan(measures: list[dict[str, Any]], **overrides: Any) -> Any:
    base: dict[str, Any] = {
        "city": "Paper",
        "currency": "JPY",
        "base_year": 2025,
        "start_year": 2025,
        "end_year": 2025,
        "discount_rate": 0.0,
        "baseline": {"sectors": {"Energy": {"emissions": 1000}}},
        "targets": [{"year": 2025, "reduction": 0.15}],
        "milestones": "targets_only",
        "measures": measures,
    }
    base.update(overrides)
    return parse_plan(base)


def measure(mid: str, **kw: Any) -> dict[str, Any]:
    spec = {
        "id": mid,
        "name": mid,
        "sector": "Energy",
        "potential": 100,
        "abatement": 1,
        "lifetime": 10,
    }
    spec.update(kw)
    return spec


def test_cheapest_first_and_shadow_price() -> None:
    """One year, r = 0. BAU 1000 t, cap 850 t: 150 t to abate.
    A: 1 t/unit at 10/unit-year, up to 100 units; B: same at 20.
    Optimum: all 100 of A, then 50 of B; cost 100 x 10 + 50 x 20 = 2000.
    One more tonne comes from B: marginal cost 20 per tCO2e."""
    r = optimise(plan([measure("A", opex=10), measure("B", opex=20)]))
    a, b = r.measures
    assert a.installed == {2025: pytest.approx(100)}
    assert b.installed == {2025: pytest.approx(50)}
    assert r.npv == pytest.approx(2000)
    (m,) = r.milestones
    assert (m.cap, m.emissions, m.gap) == (pytest.approx(850), pytest.approx(850), 0)
    assert m.marginal_cost == pytest.approx(20)
    assert r.all_met


def test_late_install_and_annuitised_capex() -> None:
    """Horizon 2025-2026, r = 10 %. A: capex 110, lifetime 2, 1 t/unit-year; cap in 2026
    needs 5 t. Capex is annuitised as an annuity due: 110 x CRF_due(10 %, 2) = 57.619 per
    year of life. Installed in 2025 a unit pays 57.619 x (1 + 1/1.1) = 110 (its whole
    life is in the horizon); installed in 2026 it pays 57.619 / 1.1 = 52.381 (one year
    in the horizon). So all 5 units go in 2026: NPV 5 x 52.381 = 261.905; the marginal
    cost in 2026 money is 57.619 per tCO2e."""
    p = plan(
        [measure("A", capex=110, lifetime=2, potential=10)],
        end_year=2026,
        discount_rate=0.1,
        targets=[{"year": 2026, "reduction": 0.005}],
    )
    r = optimise(p)
    (a,) = r.measures
    assert a.installed == {2025: 0, 2026: pytest.approx(5)}
    assert a.stock == {2025: 0, 2026: pytest.approx(5)}
    assert r.npv == pytest.approx(261.905, rel=1e-5)
    assert r.milestones[0].marginal_cost == pytest.approx(57.619, rel=1e-5)


def test_unreachable_target_reports_the_gap() -> None:
    """Need 150 t, but A can give only 10 x 1 t. The cap is elastic: A goes to its limit,
    the gap is 140 t, and the marginal cost is the penalty (1000 per tCO2e)."""
    r = optimise(plan([measure("A", potential=10, opex=5)], penalty=1000))
    (a,) = r.measures
    assert a.stock[2025] == pytest.approx(10)
    (m,) = r.milestones
    assert m.gap == pytest.approx(140)
    assert m.emissions == pytest.approx(990)
    assert not m.met
    assert m.marginal_cost == pytest.approx(1000)
    assert r.penalty_cost == pytest.approx(140_000)


def test_requirement_and_exclusion() -> None:
    """Need 10 t; each unit abates 1 t. A costs 1 but requires B in place (stock A <= stock
    B); B costs 5; C costs 4; D costs 0.5 but excludes C (S_D/10 + S_C/10 <= 1) and has a
    potential of only 2. With x units of A (and x of B): cost x + 5x for 2x tonnes = 3
    per t, cheaper than C at 4. D: 2 t at 0.5 first. Then A+B: 8 t = 4 + 4 units, cost 24.
    Total 1 + 24 = 25; one more tonne costs 3 (half a unit of A and of B)."""
    r = optimise(
        plan(
            [
                measure("A", opex=1, potential=10, requires=["B"]),
                measure("B", opex=5, potential=10),
                measure("C", opex=4, potential=10),
                measure("D", opex=0.5, potential=2, excludes=["C"]),
            ],
            targets=[{"year": 2025, "reduction": 0.01}],
        )
    )
    got = {m.id: m.stock[2025] for m in r.measures}
    assert got == {
        "A": pytest.approx(4),
        "B": pytest.approx(4),
        "C": pytest.approx(0),
        "D": pytest.approx(2),
    }
    assert r.npv == pytest.approx(25)
    assert r.milestones[0].marginal_cost == pytest.approx(3)


def test_sector_cannot_abate_more_than_it_emits() -> None:
    """Two sectors: Waste BAU 50 t, Energy 950 t; need 150 t. Cheap waste measure W (1/t,
    potential 500) can only take Waste to zero (50 t); the other 100 t come from E (7/t).
    Cost 50 + 700 = 750, marginal 7."""
    r = optimise(
        plan(
            [measure("W", sector="Waste", opex=1, potential=500), measure("E", opex=7)],
            baseline={"sectors": {"Energy": {"emissions": 950}, "Waste": {"emissions": 50}}},
        )
    )
    assert {m.id: m.abatement[2025] for m in r.measures} == {
        "W": pytest.approx(50),
        "E": pytest.approx(100),
    }
    assert r.emissions_by_sector.loc[2025, "Waste"] == pytest.approx(0)
    assert r.npv == pytest.approx(750)


def test_ramp_rate_and_start_year() -> None:
    """Horizon 2025-2027, r = 0, caps linear from 1000 (2025, the base) to 970 in 2027:
    2026 cap 985, 2027 cap 970. A: 1 t/unit, at most 10 units a year, from 2026 only,
    opex 2. Needs 15 t by 2026 (only 10 possible: gap 5) and 30 t by 2027 (stock 20:
    gap 10). All 20 units are installed as early as allowed."""
    r = optimise(
        plan(
            [measure("A", opex=2, potential=100, max_rate=10, start=2026)],
            end_year=2027,
            milestones="linear",
            targets=[{"year": 2027, "reduction": 0.03}],
        )
    )
    (a,) = r.measures
    assert a.installed == {2025: 0, 2026: pytest.approx(10), 2027: pytest.approx(10)}
    caps = {m.year: (m.cap, m.gap) for m in r.milestones}
    assert caps[2025] == (pytest.approx(1000), 0)
    assert caps[2026] == (pytest.approx(985), pytest.approx(5))
    assert caps[2027] == (pytest.approx(970), pytest.approx(10))


def test_integer_units() -> None:
    """Units of 0.6 t; need 1 t. The LP would take 1.667 units; with integer units it takes
    2 (cost 2 x 3 = 6). Shadow prices come from the LP with the integers fixed."""
    r = optimise(
        plan(
            [measure("A", abatement=0.6, opex=3, integer=True)],
            targets=[{"year": 2025, "reduction": 0.001}],
        )
    )
    assert r.measures[0].installed[2025] == pytest.approx(2)
    assert r.npv == pytest.approx(6)


def test_all_or_nothing_programme() -> None:
    """Need 5 t. P is a programme of 10 units at 1 (all or nothing); Q costs 3 per unit.
    Half of P is impossible: all of P costs 10, five of Q cost 15, so P is taken whole."""
    r = optimise(
        plan(
            [measure("P", opex=1, potential=10, all_or_nothing=True), measure("Q", opex=3)],
            targets=[{"year": 2025, "reduction": 0.005}],
        )
    )
    got = {m.id: m.installed[2025] for m in r.measures}
    assert got == {"P": pytest.approx(10), "Q": pytest.approx(0)}


def test_driver_linked_abatement_follows_the_grid() -> None:
    """LED: 1000 kWh saved per unit-year x grid factor 0.0005 t/kWh in 2025 falling to
    0.00025 in 2026 (0.5 t, then 0.25 t per unit). 10 units installed in 2025 abate 5 t, then
    2.5 t."""
    r = optimise(
        plan(
            [
                measure(
                    "LED",
                    abatement={"value": 1000, "driver": "grid_ef", "unit": "kWh"},
                    potential=10,
                    opex=-1,
                )
            ],
            end_year=2026,
            targets=[{"year": 2025, "reduction": 0.001}],
            baseline={
                "sectors": {"Energy": {"emissions": 1000}},
                "drivers": {"grid_ef": {2025: 0.0005, 2026: 0.00025}},
            },
        )
    )
    (led,) = r.measures
    assert led.abatement == {2025: pytest.approx(5), 2026: pytest.approx(2.5)}


def test_cumulative_budget() -> None:
    """Method budget: 2025-2026, BAU 100 t a year, budget 150 t over both years, so 50 t
    must be abated in total (the 2026 target of 0 % does not bind). A abates 1 t per unit
    for one year (lifetime 1) at 1 per unit-year; at r = 10 % the cheaper year is 2026
    (1 / 1.1 in present value): 50 units in 2026, NPV 45.45."""
    r = optimise(
        plan(
            [measure("A", opex=1, lifetime=1)],
            end_year=2026,
            discount_rate=0.1,
            baseline={"sectors": {"Energy": {"emissions": 100}}},
            targets=[{"year": 2026, "reduction": 0.0}],
            milestones={"method": "budget", "budget": 150},
        )
    )
    (a,) = r.measures
    assert a.installed == {2025: 0, 2026: pytest.approx(50)}
    assert sum(r.emissions.values()) == pytest.approx(150)
    assert r.npv == pytest.approx(50 / 1.1)


def test_many_plans_in_a_process_pool() -> None:
    from kizuna.planning.batch import optimise_many

    plans = [plan([measure("A", opex=10), measure("B", opex=20 + i)]) for i in range(4)]
    serial = optimise_many(plans, workers=1)
    pooled = optimise_many(plans, workers=2)
    assert [r.npv for r in pooled] == pytest.approx([r.npv for r in serial])
    assert [r.npv for r in serial] == pytest.approx([1000 + 50 * (20 + i) for i in range(4)])
