"""Climate indicators from Kizuna's own data: GHG per capita, renewable share, plan progress."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pytest

from kizuna.errors import InputError
from kizuna.inventory import compute, read_inventory_file
from kizuna.planning import optimise, parse_plan
from kizuna.sdg.climate import (
    ghg_per_capita,
    ghg_per_capita_frame,
    plan_progress,
    planned_renewable_generation,
    renewable_share,
)

PLAN = {
    "city": "Testville",
    "currency": "JPY",
    "base_year": 2020,
    "start_year": 2025,
    "end_year": 2030,
    "discount_rate": 0.0,
    "baseline": {
        "sectors": {"Energy": {"emissions": 1000}},
        "drivers": {"grid_ef": {2020: 0.0005}},
    },
    "targets": [{"year": 2030, "reduction": 0.15}],
    "milestones": "targets_only",
    "measures": [
        {
            "id": "rooftop-pv",
            "name": "PV",
            "sector": "Energy",
            "unit": "kW",
            "potential": 200,
            "abatement": {"value": 1200, "driver": "grid_ef", "unit": "kWh/year"},
            "opex": 10,
            "lifetime": 20,
            "sdgs": [7, 13],
        },
    ],
}


def test_ghg_per_capita_from_the_yokohama_inventory() -> None:
    """FY2013 BASIC total of the demo inventory = 21,590 kt (the city's revised total); with
    the population of 1 April 2013 (3,693,788): 21,590,000 / 3,693,788 = 5.8449 t per person."""
    path = files("kizuna.demo").joinpath("data", "yokohama.csv")
    (fy2013,) = [r for r in compute(read_inventory_file(str(path))) if r.year == 2013]
    assert fy2013.totals["basic"] == pytest.approx(21_590_000)
    assert ghg_per_capita(fy2013, 3_693_788) == pytest.approx(5.8449, abs=1e-4)
    with pytest.raises(InputError, match="no population"):
        ghg_per_capita(fy2013, 0)
    with pytest.raises(InputError, match="reporting level"):
        ghg_per_capita(fy2013, 1, level="scope9")
    frame = ghg_per_capita_frame({2013: 21.59e6, 2019: 17.72e6}, {2013: 3_693_788, 2020: 1})
    assert frame["Year"].tolist() == [2013]
    assert frame["Units"].tolist() == ["tCO2e per person"]


def test_renewable_share() -> None:
    """100 x R / F, NaN without a positive total."""
    out = renewable_share([25.0, 1.0, 3.0], [100.0, 0.0, 12.0])
    assert out[0] == 25.0
    assert np.isnan(out[1])
    assert out[2] == 25.0


def test_plan_progress_and_renewables_by_hand() -> None:
    """Base 1,000 t in 2020; cap 850 t in 2030 (-15 %). Each kW of PV saves 1,200 kWh x
    0.0005 t/kWh = 0.6 t/yr, so 150 t need 250 kW: more than the 200 kW potential, so the
    milestone is missed by 30 t (200 kW x 0.6 = 120 t). Generation 200 kW x 1.2 MWh = 240 MWh/yr.

    Observed 950 t in 2024: CAGR = (0.95)^(1/4) - 1 = -0.012741; CAGR_T = 0.85^(1/10) - 1 =
    -0.016119; R = 0.7904 -> moderate progress. Linear path in 2024: 1000 - 150 x 4/10 = 940,
    so 950 is above it."""
    plan = parse_plan(PLAN)
    result = optimise(plan)
    progress = plan_progress(plan, result, {2024: 950.0})
    (m,) = progress.milestones
    assert m["cap_tco2e"] == pytest.approx(850)
    assert m["gap_tco2e"] == pytest.approx(30)
    assert not progress.all_met
    assert progress.progress.progress_value == pytest.approx(-(0.95**0.25 - 1) / abs(0.85**0.1 - 1))
    assert progress.progress.status == "moderate_progress"
    assert progress.path_tco2e[2024] == pytest.approx(940)
    assert progress.on_path is False
    assert planned_renewable_generation(plan, result)[2030] == pytest.approx(240)
    assert progress.measures[0]["sdgs"] == [7, 13]
    assert plan_progress(plan, result).progress is None
