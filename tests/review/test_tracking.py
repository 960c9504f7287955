"""Progress tracking on a plan worked out by hand, from an actuals CSV and an inventory file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult, optimise, parse_plan
from kizuna.review import read_actuals, track_progress


def linear_plan(**overrides: Any) -> Plan:
    """Base 2020: 1,000 t of stationary energy. -50 % by 2030 on a linear path: caps
    1,000 - 50 (t - 2020). One measure abates 1 t/unit-year at opex 1 (20-year life), so
    the least-cost roadmap installs exactly 50 units a year: planned emissions are the caps
    (950 in 2021, 900 in 2022, 850 in 2023, ...)."""
    data: dict[str, Any] = {
        "city": "Lineton",
        "currency": "JPY",
        "base_year": 2020,
        "start_year": 2021,
        "end_year": 2030,
        "discount_rate": 0.0,
        "baseline": {"sectors": {"Stationary energy": {"emissions": 1000}}},
        "targets": [{"year": 2030, "reduction": 0.5}],
        "milestones": "linear",
        "measures": [
            {
                "id": "A",
                "name": "A",
                "sector": "Stationary energy",
                "potential": 1000,
                "abatement": 1,
                "opex": 1,
                "lifetime": 20,
            }
        ],
    }
    data.update(overrides)
    return parse_plan(data)


@pytest.fixture
def lineton(tmp_path: Path) -> tuple[Plan, PlanResult, Path, Path]:
    plan = linear_plan()
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(
        "year,sector,emissions_tco2e\n2021,Stationary energy,980\n2023,total,940\n",
        encoding="utf-8",
    )
    delivery = tmp_path / "delivery.csv"
    delivery.write_text("year,measure,installed\n2021,A,50\n2022,A,30\n2023,A,40\n", "utf-8")
    return plan, optimise(plan), actuals, delivery


def test_progress_by_hand(lineton: tuple[Plan, PlanResult, Path, Path]) -> None:
    """Actuals 980 t in 2021 and 940 t in 2023 (2022 not reported), against 950 and 850.

    2023: gap +90 t; 940 > 850 x 1.02: off track. Trend (940 / 980)^(1/2) - 1 = -2.062 % a
    year; planned (850 / 950)^(1/2) - 1 = -5.409 %.
    2030 (cap 500): the trend gives 940 x 0.979379^7 = 812.43 t: off track by 312.43 t;
    needed (500 / 940)^(1/7) - 1 = -8.623 % a year, or (500 - 940) / 7 = -62.86 t a year.
    2021 (cap 950): missed by 30 t; 2022: not reported; 2023: missed by 90 t.
    Delivery: 120 units to 2023 against 150 planned (ratio 0.8): off track."""
    plan, result, actuals, delivery = lineton
    assert [result.measures[0].installed[y] for y in (2021, 2022, 2023)] == pytest.approx(
        [50, 50, 50]
    )
    p = track_progress(plan, read_actuals(actuals, plan, delivery=delivery), result)
    city = p.scopes[0]
    assert (city.year, city.planned, city.actual, city.gap) == (
        2023,
        pytest.approx(850),
        940,
        pytest.approx(90),
    )
    assert not city.on_track
    assert city.trend == pytest.approx((940 / 980) ** 0.5 - 1)
    assert city.trend == pytest.approx(-0.02062, abs=1e-5)
    assert city.planned_trend == pytest.approx(-0.05409, abs=1e-5)
    ms = {m.year: m for m in p.milestones}
    assert (ms[2021].status, ms[2021].gap) == ("missed", pytest.approx(30))
    assert ms[2022].status == "not_reported"
    assert (ms[2023].status, ms[2023].gap) == ("missed", pytest.approx(90))
    last = ms[2030]
    assert last.status == "off_track"
    assert last.projected == pytest.approx(812.43, abs=0.01)
    assert last.gap == pytest.approx(312.43, abs=0.01)
    assert last.required_rate == pytest.approx(-0.08623, abs=1e-5)
    assert last.required_change_tco2e == pytest.approx(-440 / 7)
    (d,) = p.delivery
    assert (d.planned, d.delivered, d.ratio, d.on_track) == (
        pytest.approx(150),
        120,
        pytest.approx(0.8),
        False,
    )
    assert not p.on_track


def test_on_track_within_the_tolerance(tmp_path: Path) -> None:
    """Actual 860 t in 2023 against 850 planned: +1.2 %, inside the 2 % tolerance; the trend
    from the base year, (860 / 1000)^(1/3) - 1 = -4.9 % a year, gives 860 x 0.951^7 = 605 t
    in 2030: still off track for the 500 t cap."""
    plan = linear_plan()
    path = tmp_path / "a.csv"
    path.write_text("year,sector,emissions_tco2e\n2023,Stationary energy,860\n", "utf-8")
    p = track_progress(plan, read_actuals(path, plan))
    assert p.scopes[0].on_track
    assert p.scopes[0].trend == pytest.approx(0.86 ** (1 / 3) - 1)
    ms = {m.year: m for m in p.milestones}
    assert ms[2030].projected == pytest.approx(860 * 0.86 ** (7 / 3))
    assert ms[2030].status == "off_track"


def test_actuals_from_an_inventory_file(tmp_path: Path) -> None:
    """A GPC inventory (long layout) of 2022: I.1.1 600 t + I.2.1 380 t = 980 t of stationary
    energy in BASIC, the plan sector named like the GPC sector."""
    path = tmp_path / "inventory.csv"
    path.write_text(
        "city,year,gpc_ref,gas,emissions_value,emissions_unit\n"
        "Lineton,2022,I.1.1,CO2,600,t\n"
        "Lineton,2022,I.2.1,CO2,380,t\n",
        encoding="utf-8",
    )
    plan = linear_plan()
    actuals = read_actuals(path, plan)
    assert actuals.years == [2022]
    assert actuals.emissions.loc[2022, "Stationary energy"] == pytest.approx(980)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year,sector,emissions_tco2e\n2023,Farms,1\n", "column 'sector'"),
        ("year,sector,emissions_tco2e\n2023,total,-1\n", "column 'emissions_tco2e'"),
        ("year,sector,emissions_tco2e\n2019,total,1\n", "no emissions after the base year"),
    ],
)
def test_bad_actuals_say_where(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_actuals(path, linear_plan())


def test_delivery_errors_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("year,measure,installed\n2022,A,5\n2022,Z,5\n", "utf-8")
    actuals = tmp_path / "a.csv"
    actuals.write_text("year,sector,emissions_tco2e\n2022,total,900\n", "utf-8")
    with pytest.raises(InputError, match="column 'measure'") as exc:
        read_actuals(actuals, linear_plan(), delivery=path)
    assert exc.value.where[0].row == 3
