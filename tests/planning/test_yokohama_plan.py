"""The demo plan of Yokohama: FY2013 base (about 22 Mt), -50 % by FY2030, net zero by 2050,
with the measure library. The roadmap meets every milestone or reports the gap."""

from importlib.resources import files
from pathlib import Path

import pytest

from kizuna.planning import PlanResult, load_plan, optimise, project_bau
from kizuna.planning.library import measure_library
from kizuna.planning.macc import macc_table

PLAN = Path(str(files("kizuna.demo").joinpath("data", "plans", "yokohama.yaml")))


@pytest.fixture(scope="module")
def result() -> PlanResult:
    return optimise(load_plan(PLAN))


def test_base_year_and_caps(result: PlanResult) -> None:
    base = project_bau(load_plan(PLAN)).loc[2013].sum()
    assert base == pytest.approx(21.59e6, rel=1e-3)
    caps = {m.year: m.cap for m in result.milestones}
    assert caps == {2030: pytest.approx(base * 0.5), 2050: pytest.approx(0)}


def test_every_milestone_met_or_gap_reported(result: PlanResult) -> None:
    assert result.status == "optimal"
    for m in result.milestones:
        assert m.gap == pytest.approx(max(0.0, m.emissions - m.cap), abs=1.0)
        if not m.met:
            # the penalty is the marginal cost of a milestone out of reach
            assert m.marginal_cost == pytest.approx(1_000_000)


def test_measures_respect_their_limits(result: PlanResult) -> None:
    plan = load_plan(PLAN)
    limits = {m.id: m for m in plan.measures}
    for m in result.measures:
        assert max(m.stock.values()) <= limits[m.id].potential * (1 + 1e-9)
        assert max(m.installed.values()) <= (limits[m.id].max_rate or 1e300) * (1 + 1e-9)
    # heat-pump water heaters and fuel cells share the same homes
    hp = next(m for m in result.measures if m.id == "heat-pump-water-heater")
    fc = next(m for m in result.measures if m.id == "fuel-cell-cogeneration-household")
    for y in result.years:
        assert hp.stock[y] / 500_000 + fc.stock[y] / 150_000 <= 1 + 1e-9


def test_library_has_at_least_30_sourced_measures() -> None:
    lib = measure_library()
    assert len(lib["measures"]) >= 30
    source_ids = {s["id"] for s in lib["sources"]}
    for m in lib["measures"].values():
        cited = m.get("sources") or {}
        ids = [i for v in cited.values() for i in (v if isinstance(v, list) else [v])]
        assert set(ids) <= source_ids, m["id"]


def test_macc_of_the_demo_plan() -> None:
    table = macc_table(load_plan(PLAN))
    assert len(table) == 23
    assert table["lcoa"].is_monotonic_increasing
    assert (table["cumulative_tco2e_per_year"].diff().dropna() >= 0).all()
