"""Stress tests: a fixed roadmap under scenarios, against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
from review_plans import two_sector_data

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult, parse_plan
from kizuna.review import default_scenarios, parse_scenarios, stress_test
from kizuna.review.basis import plan_basis, project
from kizuna.review.evaluate import evaluate
from kizuna.review.roadmap import Roadmap
from kizuna.review.worlds import plan_world

SCENARIO = {
    "exchange_rates": {"USD": {"JPY": 100}},
    "scenarios": [
        {
            "id": "test",
            "name": "Test world",
            "drivers": {"grid_ef": {"scale": {2025: 1.0, 2026: 0.6}}},
            "energy_price": {"scale": {2025: 1.5}},
            "carbon_price": {"currency": "USD", "points": {2025: 0.1}},
            "discount_rate": 0.1,
            "shocks": [{"year": 2026, "drop": 0.1, "rebound_years": 1, "sectors": ["Transport"]}],
        }
    ],
}


def test_the_plan_world_reproduces_the_optimiser(two_sector: tuple[Plan, PlanResult]) -> None:
    """The schedule first (see conftest): 100 LED in 2025, 50 EVs in 2026, NPV -1,500. In
    the plan's own world the review gives the optimiser's emissions, NPV and milestones."""
    plan, result = two_sector
    assert {m.id: m.installed for m in result.measures} == {
        "led": {2025: pytest.approx(100), 2026: pytest.approx(0)},
        "ev": {2025: pytest.approx(0), 2026: pytest.approx(50)},
    }
    assert result.npv == pytest.approx(-1500)
    stress = stress_test(plan, result, parse_scenarios(SCENARIO))
    own = stress.outcomes[0]
    assert own.scenario == "plan"
    assert own.emissions == {2025: pytest.approx(1450), 2026: pytest.approx(1350)}
    assert own.npv == pytest.approx(result.npv)
    assert [m.met for m in own.milestones] == [m.met for m in result.milestones] == [True]


def test_stress_equals_a_hand_computation(two_sector: tuple[Plan, PlanResult]) -> None:
    """Scenario "test": grid factor x 0.6 in 2026, energy price x 1.5 on savings, carbon
    price 0.1 USD = 10 JPY/t, r = 10 %, Transport -10 % in 2026 (back in 2027).

    BAU 2025: Energy 1,000 (grid ratio 1), Transport 500: 1,500.
    BAU 2026: Energy 1,000 x (0.5 + 0.5 x 0.6) = 800; Transport 500 x 0.9 = 450: 1,250.
    Abatement: LED 100 x 1,000 kWh x 0.0005 = 50 t in 2025 and x 0.0003 = 30 t in 2026;
    EV 50 x 2 = 100 t in 2026. Emissions 2025: 950 + 500 = 1,450; 2026: 770 + 350 = 1,120,
    under the cap of 1,350 (met). Cumulative 2,570 t.
    Costs, DF = 1 and 1/1.1: LED opex -10 x 1.5 = -15 per unit-year, 100 units both years:
    -1,500 x (1 + 1/1.1) = -2,863.64. EV capex 100 x CRF_due(10 %, 10 years), CRF_due =
    0.1 / (1 - 1.1^-10) / 1.1 = 0.147950, for 50 units in 2026: 100 x 0.147950 x 50 / 1.1 =
    672.50. NPV = -2,191.14. Carbon cost 10 x (1,450 + 1,120 / 1.1) = 24,681.82; carbon
    value of the abatement 10 x (50 + 130 / 1.1) = 1,681.82. Undiscounted capex 5,000,
    opex -3,000."""
    plan, result = two_sector
    stress = stress_test(plan, result, parse_scenarios(SCENARIO))
    s = stress.outcomes[1]
    assert s.scenario == "test"
    assert s.bau == {2025: pytest.approx(1500), 2026: pytest.approx(1250)}
    assert s.emissions_by_sector["Energy"] == {2025: pytest.approx(950), 2026: pytest.approx(770)}
    assert s.emissions_by_sector["Transport"] == {
        2025: pytest.approx(500),
        2026: pytest.approx(350),
    }
    assert s.cumulative_emissions == pytest.approx(2570)
    (m,) = s.milestones
    assert (m.cap, m.emissions, m.gap, m.met) == (pytest.approx(1350), pytest.approx(1120), 0, True)
    crf_due = 0.1 / (1 - 1.1**-10) / 1.1
    assert crf_due == pytest.approx(0.147950, rel=1e-5)
    assert s.npv == pytest.approx(-1500 * (1 + 1 / 1.1) + 100 * crf_due * 50 / 1.1)
    assert s.npv == pytest.approx(-2191.14, abs=0.01)
    assert s.carbon_cost == pytest.approx(24681.82, abs=0.01)
    assert s.carbon_value == pytest.approx(1681.82, abs=0.01)
    assert (s.capex, s.opex) == (pytest.approx(5000), pytest.approx(-3000))
    row = stress.table().loc["test"]
    assert row["milestones_met"] == "1/1"
    assert row["emissions_2026"] == pytest.approx(1120)


def test_missed_milestone_reports_its_gap(two_sector: tuple[Plan, PlanResult]) -> None:
    """A 10 % rise in every sector's BAU from 2026 (energy intensity x 1.1): 2026 BAU 1,650,
    abatement 150 as planned: 1,500 t against a cap of 1,350: missed by 150 t."""
    plan, result = two_sector
    scenarios = parse_scenarios(
        [{"id": "up", "name": "Up", "energy_intensity": {"scale": {2025: 1.0, 2026: 1.1}}}]
    )
    (m,) = stress_test(plan, result, scenarios).outcomes[1].milestones
    assert (m.emissions, m.gap, m.met) == (pytest.approx(1500), pytest.approx(150), False)


def test_driver_the_plan_lacks_acts_through_its_elasticity(
    two_sector: tuple[Plan, PlanResult],
) -> None:
    """GDP +10 % a year from 2025 with elasticity 1: BAU x 1.1 in 2026 (1.0 in 2025, the start
    year), the same 1,500 t in 2026 as above; with no elasticity it has no effect (a note)."""
    plan, result = two_sector
    scenarios = parse_scenarios(
        [
            {"id": "gdp", "name": "GDP", "drivers": {"gdp": {"growth": 0.1, "elasticity": 1}}},
            {"id": "none", "name": "None", "drivers": {"gdp": {"growth": 0.1}}},
        ]
    )
    out = stress_test(plan, result, scenarios).outcomes
    assert out[1].emissions == {2025: pytest.approx(1450), 2026: pytest.approx(1500)}
    assert out[2].emissions == out[0].emissions
    assert "no effect" in out[2].notes[0]


def test_scenario_errors_name_what_is_wrong(two_sector: tuple[Plan, PlanResult]) -> None:
    plan, result = two_sector
    bad_sector = parse_scenarios(
        [{"id": "x", "name": "X", "shocks": [{"year": 2026, "drop": 0.1, "sectors": ["Farms"]}]}]
    )
    with pytest.raises(InputError, match=r"shocks\[0\]: unknown sector"):
        stress_test(plan, result, bad_sector)
    no_rate = parse_scenarios(
        [{"id": "x", "name": "X", "carbon_price": {"currency": "EUR", "points": {2025: 50}}}]
    )
    with pytest.raises(InputError, match="no exchange rate"):
        stress_test(plan, result, no_rate)


def test_vectorised_bau_equals_the_planner() -> None:
    """`project` with the plan's drivers is `project_bau` (elasticities, shares and growth)."""
    from kizuna.planning import project_bau

    data = two_sector_data()
    data["baseline"]["drivers"]["population"] = {2024: 100.0, 2026: 110.0}
    data["baseline"]["sectors"]["Transport"] = {
        "emissions": 500,
        "growth": 0.02,
        "elasticities": {"population": 0.7},
    }
    plan = parse_plan(data)
    got = project(plan_basis(plan))[0].T
    assert np.allclose(got, project_bau(plan).to_numpy(), rtol=1e-12)


def test_pandemic_on_the_yokohama_demo(yokohama: tuple[Plan, PlanResult]) -> None:
    """The packaged pandemic scenario on the demo plan (start 2025): BAU 5.4 % lower in 2027,
    back in 2028; the plan's own world reproduces the optimiser."""
    plan, result = yokohama
    stress = stress_test(plan, result, default_scenarios())
    by_id = {o.scenario: o for o in stress.outcomes}
    assert set(by_id) == {"plan", "current-policies", "fast-grid", "high-growth", "pandemic"}
    own, pandemic = by_id["plan"], by_id["pandemic"]
    assert own.emissions == pytest.approx(result.emissions, rel=1e-9)
    assert own.npv == pytest.approx(result.npv, rel=1e-9)
    assert pandemic.bau[2027] == pytest.approx(own.bau[2027] * (1 - 0.054), rel=1e-9)
    assert pandemic.bau[2028] == pytest.approx(own.bau[2028], rel=1e-9)
    assert pandemic.emissions[2027] < own.emissions[2027]
    assert by_id["fast-grid"].carbon_cost > 0


def test_evaluation_is_the_same_in_one_batch_or_one_by_one(
    yokohama: tuple[Plan, PlanResult],
) -> None:
    """Worlds evaluated together give what each gives alone (no cross-talk between rows)."""
    from kizuna.review.worlds import scenario_world, stack

    plan, result = yokohama
    basis = plan_basis(plan)
    sets = default_scenarios()
    one_by_one = [
        evaluate(basis, Roadmap.from_result(plan, result), scenario_world(basis, s, sets))
        for s in sets.scenarios
    ]
    together = evaluate(
        basis,
        Roadmap.from_result(plan, result),
        stack(
            basis, [plan_world(basis)] + [scenario_world(basis, s, sets) for s in sets.scenarios]
        ),
    )
    for i, alone in enumerate(one_by_one, start=1):
        assert np.allclose(together.emissions[i], alone.emissions[0])
        assert together.npv[i] == pytest.approx(alone.npv[0])
        assert together.carbon_cost[i] == pytest.approx(alone.carbon_cost[0])
