"""Plan files: validation with clear errors naming the field, YAML and JSON, caps by method."""

import json
from pathlib import Path
from typing import Any

import pytest

from kizuna.errors import InputError
from kizuna.planning import load_plan, parse_plan, project_bau
from kizuna.planning.milestones import linear_budget, yearly_caps


def data(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "city": "Test",
        "currency": "JPY",
        "base_year": 2020,
        "start_year": 2025,
        "end_year": 2050,
        "discount_rate": 0.03,
        "baseline": {"sectors": {"Energy": {"emissions": 1000}}},
        "targets": [{"year": 2030, "reduction": 0.5}, {"year": 2050, "reduction": 1.0}],
        "measures": [
            {
                "id": "a",
                "name": "A",
                "sector": "Energy",
                "potential": 10,
                "abatement": 1,
                "lifetime": 10,
            },
        ],
    }
    base.update(overrides)
    return base


def error(**overrides: Any) -> str:
    with pytest.raises(InputError) as info:
        parse_plan(data(**overrides), source="plan.yaml")
    return str(info.value)


def test_unknown_measure_in_requires() -> None:
    measures = [
        {
            "id": "a",
            "name": "A",
            "sector": "Energy",
            "potential": 10,
            "abatement": 1,
            "lifetime": 10,
            "requires": ["grid-upgrade"],
        }
    ]
    text = error(measures=measures)
    assert "plan.yaml" in text
    assert "measures[0] (a): requires unknown measure 'grid-upgrade'" in text


def test_negative_lifetime_names_the_field() -> None:
    measures = [
        {
            "id": "a",
            "name": "A",
            "sector": "Energy",
            "potential": 10,
            "abatement": 1,
            "lifetime": -5,
        }
    ]
    text = error(measures=measures)
    assert "measures[0].lifetime" in text
    assert "greater than 0" in text


def test_target_year_before_start_year() -> None:
    text = error(targets=[{"year": 2022, "reduction": 0.3}])
    assert "targets[0]: year 2022 is outside start_year..end_year (2025..2050)" in text


def test_several_problems_at_once() -> None:
    text = error(currency="yen", discount_rate=2)
    assert "2 problems" in text
    assert "currency" in text
    assert "discount_rate" in text


def test_measure_in_unknown_sector_and_unknown_driver() -> None:
    measures = [
        {
            "id": "a",
            "name": "A",
            "sector": "Shipping",
            "potential": 10,
            "abatement": {"value": 5, "driver": "grid_ef"},
            "lifetime": 10,
        }
    ]
    text = error(measures=measures)
    assert "sector 'Shipping' is not a baseline sector" in text
    assert "abatement driver 'grid_ef' is not in baseline.drivers" in text


def test_yaml_and_json_files(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(data()))
    (tmp_path / "p.yaml").write_text(
        "city: Test\ncurrency: JPY\nbase_year: 2020\nstart_year: 2025\nend_year: 2050\n"
        "discount_rate: 0.03\nbaseline:\n  sectors:\n    Energy: {emissions: 1000}\n"
        "targets:\n  - {year: 2030, reduction: 0.5}\nmilestones: constant_rate\n"
    )
    assert load_plan(tmp_path / "p.json").city == "Test"
    assert load_plan(tmp_path / "p.yaml").milestones.method == "constant_rate"
    (tmp_path / "bad.yaml").write_text("city: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_plan(tmp_path / "bad.yaml")


def test_bau_with_growth_and_elasticity() -> None:
    """E(t) = 1000 x 1.01^(t-2020) x (pop(t)/pop(2020))^0.5, pop 100 -> 121 over 2020-2030."""
    p = parse_plan(
        data(
            baseline={
                "sectors": {
                    "Energy": {
                        "emissions": 1000,
                        "growth": 0.01,
                        "elasticities": {"population": 0.5},
                    }
                },
                "drivers": {"population": {2020: 100, 2030: 121}},
            }
        )
    )
    bau = project_bau(p)["Energy"]
    assert bau[2020] == pytest.approx(1000)
    assert bau[2030] == pytest.approx(1000 * 1.01**10 * 1.1)
    assert bau[2050] == pytest.approx(1000 * 1.01**30 * 1.1)  # population flat after 2030


@pytest.mark.parametrize(
    ("method", "expected_2025", "expected_2040"),
    [
        # linear: 2025 halfway from 1000 (2020) to 500 (2030); 2040 halfway from 500 to 0
        ("linear", 750.0, 250.0),
        # constant rate: 1000 x 0.5^(5/10) in 2025; no constant rate reaches zero, so the
        # last segment is linear
        ("constant_rate", 1000 * 0.5**0.5, 250.0),
    ],
)
def test_caps_between_targets(method: str, expected_2025: float, expected_2040: float) -> None:
    p = parse_plan(data(milestones=method))
    caps = {c.year: c.cap for c in yearly_caps(p, 1000.0, {"Energy": 1000.0})}
    assert caps[2025] == pytest.approx(expected_2025)
    assert caps[2030] == pytest.approx(500)
    assert caps[2040] == pytest.approx(expected_2040)
    assert caps[2050] == pytest.approx(0)


def test_constant_rate_between_positive_targets() -> None:
    p = parse_plan(
        data(
            milestones="constant_rate",
            targets=[{"year": 2030, "reduction": 0.5}, {"year": 2050, "reduction": 0.875}],
        )
    )
    caps = {c.year: c.cap for c in yearly_caps(p, 1000.0, {"Energy": 1000.0})}
    # 500 -> 125 over 20 years: halving every 10 years
    assert caps[2040] == pytest.approx(250)
    assert caps[2035] == pytest.approx(500 * 0.5**0.5)


def test_targets_only_and_budget() -> None:
    p = parse_plan(data(milestones="targets_only"))
    assert [(c.year, c.cap) for c in yearly_caps(p, 1000.0, {})] == [(2030, 500.0), (2050, 0.0)]
    # the linear path's area from 2025 to 2050: 2025-2030 from 750 to 500, then 475 ... 0
    expected = sum(1000 - 50 * (y - 2020) for y in range(2025, 2031)) + sum(
        500 - 25 * (y - 2030) for y in range(2031, 2051)
    )
    assert linear_budget(p, 1000.0) == pytest.approx(expected)


def test_linear_driver_shares() -> None:
    """65 % of the sector follows the grid factor, which halves: E = 1000 x (0.35 + 0.65 x 0.5)."""
    p = parse_plan(
        data(
            baseline={
                "sectors": {"Energy": {"emissions": 1000, "driver_shares": {"grid": 0.65}}},
                "drivers": {"grid": {2020: 0.5, 2030: 0.25}},
            }
        )
    )
    bau = project_bau(p)["Energy"]
    assert bau[2020] == pytest.approx(1000)
    assert bau[2030] == pytest.approx(1000 * (0.35 + 0.65 * 0.5))


def test_driver_shares_must_be_fractions() -> None:
    text = error(
        baseline={
            "sectors": {"Energy": {"emissions": 1, "driver_shares": {"grid": 1.5}}},
            "drivers": {"grid": {2020: 1}},
        }
    )
    assert "driver shares are fractions" in text


def test_sectors_from_inventory_refs(tmp_path: Path) -> None:
    inventory = tmp_path / "city.csv"
    inventory.write_text(
        "city,year,gpc_ref,gas,emissions_value,emissions_unit\n"
        "X,2020,I.1.1,CO2,100,t\nX,2020,I.1.2,CO2,200,t\nX,2020,I.2.2,CO2,50,t\n"
        "X,2020,I.1.3,CO2,7,t\nX,2020,II.1.1,CO2,300,t\nX,2020,III.1.1,CO2e,40,t\n",
        encoding="utf-8",
    )
    p = parse_plan(
        data(
            baseline={
                "inventory": str(inventory),
                "sectors": {
                    "Homes": {"refs": ["I.1"]},
                    "Offices": {"refs": ["I.2.2"]},
                    "Transportation": {},
                    "Waste": {},
                },
            },
            measures=[],
        )
    )
    base = project_bau(p).loc[2020]
    # BASIC leaves out I.1.3 (scope 3 T&D losses)
    assert base.to_dict() == {"Homes": 300, "Offices": 50, "Transportation": 300, "Waste": 40}


def test_inventory_sectors_by_default(tmp_path: Path) -> None:
    inventory = tmp_path / "city.csv"
    inventory.write_text(
        "city,year,gpc_ref,gas,emissions_value,emissions_unit\n"
        "X,2020,I.1.1,CO2,100,t\nX,2020,II.1.1,CO2,300,t\nX,2021,II.1.1,CO2,1,t\n",
        encoding="utf-8",
    )
    p = parse_plan(data(baseline={"inventory": str(inventory)}, measures=[]))
    assert project_bau(p).loc[2020].to_dict() == {"Stationary energy": 100, "Transportation": 300}
    wrong_year = parse_plan(
        data(base_year=2019, baseline={"inventory": str(inventory)}, measures=[])
    )
    with pytest.raises(InputError, match="one inventory for the base year 2019, found 0"):
        project_bau(wrong_year)
