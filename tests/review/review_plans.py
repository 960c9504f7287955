"""Small plans whose review results are worked out by hand in the tests' docstrings."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

YOKOHAMA = Path(str(files("kizuna.demo").joinpath("data", "plans", "yokohama.yaml")))


def two_sector_data(**overrides: Any) -> dict[str, Any]:
    """Base 2024, horizon 2025-2026, r = 0. Energy 1,000 t (half of it grid electricity,
    grid 0.5 kg/kWh flat), Transport 500 t. LED: 1,000 kWh x grid = 0.5 t/unit, opex -10,
    up to 100 units; EV: 2 t/unit, capex 100 (10 years), up to 50. Cap 2026: -10 % = 1,350 t,
    so 150 t must go in 2026: all 100 LED (50 t; they save money, so from 2025) and 50 EVs
    (100 t) in 2026, the only year they are needed. NPV = -10 x 100 x 2 + 100 / 10 x 50 = -1,500."""
    data: dict[str, Any] = {
        "city": "Twosector",
        "currency": "JPY",
        "base_year": 2024,
        "start_year": 2025,
        "end_year": 2026,
        "discount_rate": 0.0,
        "baseline": {
            "drivers": {"grid_ef": {2024: 0.0005, 2026: 0.0005}},
            "sectors": {
                "Energy": {"emissions": 1000, "driver_shares": {"grid_ef": 0.5}},
                "Transport": {"emissions": 500},
            },
        },
        "targets": [{"year": 2026, "reduction": 0.1}],
        "milestones": "targets_only",
        "measures": [
            {
                "id": "led",
                "name": "LED",
                "sector": "Energy",
                "potential": 100,
                "abatement": {"value": 1000, "driver": "grid_ef", "unit": "kWh"},
                "opex": -10,
                "lifetime": 10,
            },
            {
                "id": "ev",
                "name": "EV",
                "sector": "Transport",
                "potential": 50,
                "abatement": 2,
                "capex": 100,
                "lifetime": 10,
            },
        ],
    }
    data.update(overrides)
    return data


def budget_data(**overrides: Any) -> dict[str, Any]:
    """Base 2024, horizon 2025-2030, r = 5 %. One sector, BAU 100 t a year; a cumulative
    budget of 450 t over the six years (600 t of BAU), so 150 t must be abated. A abates
    1 t/unit-year at opex 1, up to 200 units and 150 a year. Discounting makes later
    tonnes cheaper, and a sector cannot go below zero: 100 t in 2030 and 50 t in 2029,
    i.e. 50 units installed in 2029 and 50 in 2030. The 2030 target of 0 % never binds."""
    data: dict[str, Any] = {
        "city": "Budgetville",
        "currency": "JPY",
        "base_year": 2024,
        "start_year": 2025,
        "end_year": 2030,
        "discount_rate": 0.05,
        "baseline": {"sectors": {"Energy": {"emissions": 100}}},
        "targets": [{"year": 2030, "reduction": 0.0}],
        "milestones": {"method": "budget", "budget": 450},
        "measures": [
            {
                "id": "A",
                "name": "A",
                "sector": "Energy",
                "potential": 200,
                "max_rate": 150,
                "abatement": 1,
                "opex": 1,
                "lifetime": 10,
            }
        ],
    }
    data.update(overrides)
    return data
