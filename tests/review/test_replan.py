"""Rolling re-plans with real HiGHS: nothing changes when the plan came true; excess
emissions shrink the remaining budget by exactly the excess; the past stays fixed."""

from __future__ import annotations

import pandas as pd
import pytest
from review_plans import budget_data

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult, optimise, parse_plan
from kizuna.review import actuals_from_frame, replan
from kizuna.review.actuals import delivery_from_frame, with_delivery


@pytest.fixture
def budget_plan() -> tuple[Plan, PlanResult]:
    plan = parse_plan(budget_data())
    return plan, optimise(plan)


def actuals(plan: Plan, values: dict[int, float]) -> object:
    rows = [{"year": y, "sector": "Energy", "emissions_tco2e": v} for y, v in values.items()]
    return actuals_from_frame(pd.DataFrame(rows), plan)


def test_the_original_schedule_by_hand(budget_plan: tuple[Plan, PlanResult]) -> None:
    """See review_plans.budget_data: 50 units in 2029 and 50 in 2030."""
    _, result = budget_plan
    installed = result.measures[0].installed
    assert installed == {
        2025: 0,
        2026: 0,
        2027: 0,
        2028: 0,
        2029: pytest.approx(50),
        2030: pytest.approx(50),
    }
    assert sum(result.emissions.values()) == pytest.approx(450)


def test_actuals_equal_to_the_plan_change_nothing(budget_plan: tuple[Plan, PlanResult]) -> None:
    """2025 and 2026 came out as planned (100 t each, nothing installed yet): the same
    schedule, the same NPV, no change; the remaining budget is 450 - 200 = 250 t either way."""
    plan, result = budget_plan
    r = replan(plan, actuals(plan, {2025: 100, 2026: 100}), result)
    assert r.actual_year == 2026
    assert r.replanned.measures[0].installed == pytest.approx(result.measures[0].installed)
    assert r.replanned.npv == pytest.approx(result.npv)
    assert r.cost_change == pytest.approx(0, abs=1e-9)
    assert all(c.change == "unchanged" for c in r.changes)
    assert r.excess == pytest.approx(0)
    assert r.remaining_budget == r.remaining_budget_planned == pytest.approx(250)
    assert r.bau_ratio == {"Energy": pytest.approx(1.0)}


def test_actuals_above_the_plan_shrink_the_remaining_budget_by_the_excess(
    budget_plan: tuple[Plan, PlanResult],
) -> None:
    """110 t in 2025 and 2026: 20 t above the plan, so 230 t remain instead of 250. BAU is
    re-levelled by 110 / 100 from 2026 on: 440 t in 2027-2030, of which 210 must be abated
    with at most 110 t a year: 100 units in 2029 and 10 in 2030 (as late as possible). The
    future then emits exactly the 230 t left, the budget is not re-applied to the window;
    A's units after 2026 rise from 100 to 110 and the NPV rises."""
    plan, result = budget_plan
    r = replan(plan, actuals(plan, {2025: 110, 2026: 110}), result)
    assert r.excess == pytest.approx(20)
    assert r.remaining_budget == pytest.approx(r.remaining_budget_planned - r.excess)
    assert r.remaining_budget == pytest.approx(230)
    emissions = r.replanned.emissions
    assert (emissions[2025], emissions[2026]) == (pytest.approx(110), pytest.approx(110))
    assert sum(emissions[y] for y in range(2027, 2031)) == pytest.approx(230)
    installed = r.replanned.measures[0].installed
    assert (installed[2029], installed[2030]) == (pytest.approx(100), pytest.approx(10))
    (change,) = r.changes
    assert (change.change, change.units_before, change.units_after) == (
        "increased",
        pytest.approx(100),
        pytest.approx(110),
    )
    assert "above the plan's BAU by 10.0%" in change.reason
    assert r.cost_change > 0
    assert any("remaining carbon budget 230" in reason for reason in r.reasons)


def test_delivered_units_stay_fixed(budget_plan: tuple[Plan, PlanResult]) -> None:
    """10 units of A were installed in 2025 (none planned) and 2025 emitted 90 t. BAU stays
    (90 + 10 abated = 100), 360 t of budget remain for 2026-2030, whose BAU of 500 t the 10
    units already cut by 50 t: 90 more tonnes, all in 2030 (90 units). The past is kept:
    10 units in 2025; A's future units fall from 100 to 90."""
    plan, result = budget_plan
    delivered = delivery_from_frame(
        pd.DataFrame({"year": [2025], "measure": ["A"], "installed": [10]}), plan
    )
    r = replan(plan, with_delivery(actuals(plan, {2025: 90}), delivered), result)
    installed = r.replanned.measures[0].installed
    assert installed[2025] == pytest.approx(10)
    assert installed[2030] == pytest.approx(90)
    assert r.remaining_budget == pytest.approx(360)
    assert sum(r.replanned.emissions[y] for y in range(2026, 2031)) == pytest.approx(360)
    (change,) = r.changes
    assert change.change == "reduced"
    assert change.delivered_to_date == 10
    assert "delivery ahead of plan" in change.reason


def test_delivery_beyond_the_potential_is_an_input_error(
    budget_plan: tuple[Plan, PlanResult],
) -> None:
    plan, result = budget_plan
    delivered = delivery_from_frame(
        pd.DataFrame({"year": [2025], "measure": ["A"], "installed": [300]}), plan
    )
    with pytest.raises(InputError, match="more than its potential"):
        replan(plan, with_delivery(actuals(plan, {2025: 90}), delivered), result)


def test_the_demo_plan_replans_to_itself(yokohama: tuple[Plan, PlanResult]) -> None:
    """Yokohama's planned emissions for 2025-2027 as actuals: the re-plan keeps the NPV."""
    plan, result = yokohama
    rows = [
        {"year": y, "sector": s, "emissions_tco2e": result.emissions_by_sector.loc[y, s]}
        for y in (2025, 2026, 2027)
        for s in result.emissions_by_sector.columns
    ]
    r = replan(plan, actuals_from_frame(pd.DataFrame(rows), plan), result)
    assert r.replanned.npv == pytest.approx(result.npv, rel=1e-6)
    assert r.excess == pytest.approx(0, abs=1e-3)
    assert [c.measure for c in r.changes if c.change != "unchanged"] == []
