"""The arrangement shared by the plan report and the plan page."""

from __future__ import annotations

import pandas as pd
import pytest

from kizuna.planning import Plan, PlanResult
from kizuna.reports.formatting import TCO2E
from kizuna.reports.plan_view import plan_view


def test_plan_view(plan: Plan, result: PlanResult, macc: pd.DataFrame) -> None:
    view = plan_view(plan.model_dump(mode="json"), result.to_dict(), macc)
    assert (view.city, view.currency, view.status) == ("Bayside", "JPY", "optimal")
    assert (view.base_year, view.start_year, view.end_year) == (2020, 2025, 2035)
    assert view.npv == pytest.approx(result.npv)
    assert view.green_investment == pytest.approx(result.green_investment)
    assert view.net_savings == pytest.approx(-result.npv)
    assert view.jobs == pytest.approx(130 * 0.5)  # 130 LED lamps x 0.5 job-years
    assert view.unit is TCO2E
    assert not view.all_met
    assert [m.year for m in view.missed] == list(range(2028, 2036))
    assert view.largest_gap is not None
    assert view.largest_gap.year == 2035
    assert not view.has_sector_milestones
    # the abatement each target year needs, BAU - cap, marks the MACC
    assert view.needed_tco2e == {
        2030: pytest.approx(result.bau[2030] - 1120),
        2035: pytest.approx(result.bau[2035] - 640),
    }
    assert set(view.charts) == {"trajectory", "macc"}


def test_measure_rows(plan: Plan, result: PlanResult, macc: pd.DataFrame) -> None:
    view = plan_view(plan.model_dump(mode="json"), result.to_dict(), macc)
    rows = {m.id: m for m in view.measures}
    assert [m.id for m in view.measures][-1] == "ccs"  # unused measures come last
    assert not rows["ccs"].chosen
    led = rows["led"]
    assert led.chosen
    assert (led.unit, led.potential) == ("lamp", 100)
    assert led.units_installed == pytest.approx(130)  # 100 lamps + 30 replaced after 10 years
    assert led.stock_final == pytest.approx(100)
    assert led.abatement_final_tco2e == pytest.approx(200)
    measured = next(m for m in result.measures if m.id == "led")
    assert led.abatement_total_tco2e == pytest.approx(sum(measured.abatement.values()))
    assert (led.capex, led.opex, led.lcoa) == (
        pytest.approx(measured.capex),
        pytest.approx(measured.opex),
        pytest.approx(measured.lcoa),
    )


def test_sources_are_listed_once_with_their_measures(
    plan: Plan, result: PlanResult, macc: pd.DataFrame
) -> None:
    view = plan_view(plan.model_dump(mode="json"), result.to_dict(), macc)
    assert [(s.text, s.measures) for s in view.sources] == [
        ("Bayside lighting survey 2023", ["LED", "Landfill flare"]),
        ("Bayside vehicle register (https://bayside.example/ev)", ["Electric cars <EV>"]),
    ]


def test_sweep_adds_its_chart(
    plan: Plan, result: PlanResult, macc: pd.DataFrame, sweep: pd.DataFrame
) -> None:
    view = plan_view(plan.model_dump(mode="json"), result.to_dict(), macc, sweep)
    assert set(view.charts) == {"trajectory", "macc", "sweep"}


def test_jobs_not_estimated_without_jobs_per_unit(
    plan: Plan, result: PlanResult, macc: pd.DataFrame
) -> None:
    data = plan.model_dump(mode="json")
    assert plan_view(data, result.to_dict(), macc).jobs_estimated
    data["measures"] = [{**m, "jobs": 0.0} for m in data["measures"]]
    assert not plan_view(data, result.to_dict(), macc).jobs_estimated
