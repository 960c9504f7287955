"""Scenario re-optimisations: serial, in a process pool and on a local Dask cluster agree."""

from __future__ import annotations

import pytest
from review_plans import two_sector_data

from kizuna.planning import optimise, parse_plan
from kizuna.review import parse_scenarios, reoptimise

SCENARIOS = {
    "scenarios": [
        {"id": "same", "name": "As planned"},
        {
            "id": "dip",
            "name": "Transport -10 % in 2026",
            "shocks": [{"year": 2026, "drop": 0.1, "sectors": ["Transport"]}],
        },
        {"id": "dear", "name": "EV capex", "energy_price": {"scale": {2025: 2.0}}},
    ]
}


def test_reoptimised_scenarios_by_hand() -> None:
    """ "same" is the plan: NPV -1,500 (see review_plans). "dip": Transport BAU 450 in 2026,
    so 100 t are needed: the 100 LED (50 t, from 2025) and 25 EVs: -2,000 + 250 = -1,750.
    "dear": energy price x 2 doubles the LED savings (-20 per unit-year, the discounted mean
    of a flat index is 2): -4,000 + 500 = -3,500."""
    plan = parse_plan(two_sector_data())
    results = reoptimise(plan, parse_scenarios(SCENARIOS))
    assert [r.scenario for r in results] == ["same", "dip", "dear"]
    assert [r.npv for r in results] == pytest.approx([-1500, -1750, -3500])
    assert results[0].npv == pytest.approx(optimise(plan).npv)
    assert results[1].units == {"led": pytest.approx(100), "ev": pytest.approx(25)}
    assert all(r.all_met for r in results)


def test_process_pool_and_dask_give_the_serial_results() -> None:
    from distributed import Client, LocalCluster

    plan = parse_plan(two_sector_data())
    scenarios = parse_scenarios(SCENARIOS)
    serial = reoptimise(plan, scenarios)
    pooled = reoptimise(plan, scenarios, workers=2)
    assert [r.to_dict() | {"solve_seconds": 0} for r in pooled] == [
        r.to_dict() | {"solve_seconds": 0} for r in serial
    ]
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        by_address = reoptimise(plan, scenarios, scheduler=cluster.scheduler_address)
        by_client = reoptimise(plan, scenarios, scheduler=client)
    for got in (by_address, by_client):
        assert [r.npv for r in got] == pytest.approx([r.npv for r in serial])
        assert [r.scenario for r in got] == ["same", "dip", "dear"]
