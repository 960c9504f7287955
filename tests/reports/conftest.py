"""Fixtures of the report tests: a small plan solved with the real HiGHS, and its MACC.

Bayside (invented): 1,000 t stationary energy, 500 t transport growing 1 %/yr and 100 t
waste in 2020; -30 % by 2030 and -60 % by 2035 on a linear path from 2020. LED and EVs
can do about 400 t/yr, a landfill flare 20 t/yr and a costly CCS pilot never pays, so the
early milestones are met and the late ones missed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from kizuna.planning import Plan, PlanResult, optimise, parse_plan
from kizuna.planning.macc import macc_sweep, macc_table


def plan_data() -> dict[str, Any]:
    return {
        "city": "Bayside",
        "currency": "JPY",
        "base_year": 2020,
        "start_year": 2025,
        "end_year": 2035,
        "discount_rate": 0.03,
        "baseline": {
            "sectors": {
                "Stationary energy": {"emissions": 1000},
                "Transportation": {"emissions": 500, "growth": 0.01},
                "Waste": {"emissions": 100},
            }
        },
        "targets": [{"year": 2030, "reduction": 0.3}, {"year": 2035, "reduction": 0.6}],
        "milestones": "linear",
        "measures": [
            {
                "id": "led",
                "name": "LED",
                "sector": "Stationary energy",
                "unit": "lamp",
                "potential": 100,
                "abatement": 2,
                "capex": 50,
                "opex": -5,
                "lifetime": 10,
                "max_rate": 30,
                "jobs": 0.5,
                "source": "Bayside lighting survey 2023",
            },
            {
                "id": "ev",
                "name": "Electric cars <EV>",
                "sector": "Transportation",
                "unit": "car",
                "potential": 200,
                "abatement": 1,
                "capex": 100,
                "opex": 2,
                "lifetime": 12,
                "source": "Bayside vehicle register (https://bayside.example/ev)",
            },
            {
                "id": "flare",
                "name": "Landfill flare",
                "sector": "Waste",
                "unit": "site",
                "potential": 1,
                "abatement": 20,
                "capex": 500,
                "opex": 10,
                "lifetime": 20,
                "source": "Bayside lighting survey 2023",
            },
            {
                "id": "ccs",
                "name": "CCS pilot",
                "sector": "Stationary energy",
                "unit": "plant",
                "potential": 1,
                "abatement": 5,
                "capex": 1e7,
                "opex": 1e5,
                "lifetime": 25,
            },
        ],
    }


@pytest.fixture(scope="session")
def plan() -> Plan:
    return parse_plan(plan_data())


@pytest.fixture(scope="session")
def result(plan: Plan) -> PlanResult:
    return optimise(plan)


@pytest.fixture(scope="session")
def macc(plan: Plan) -> pd.DataFrame:
    return macc_table(plan)


@pytest.fixture(scope="session")
def sweep(plan: Plan) -> pd.DataFrame:
    return macc_sweep(plan, [0.25, 0.5, 0.75, 1.0])
