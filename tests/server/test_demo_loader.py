"""Loading demo cities and their plans into a real SQLite file: idempotent, all-or-nothing,
packaged data."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kizuna.demo import load_demo, read_demo_cities
from kizuna.errors import InputError
from kizuna.server.db import (
    City,
    CityPlan,
    Inventory,
    create_all,
    make_engine,
    session_factory,
)
from kizuna.server.settings import sqlite_url

DATA = Path(__file__).parent / "data"


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(sqlite_url(tmp_path / "nested" / "kizuna.sqlite"))  # folder is made
    create_all(engine)
    return session_factory(engine)


def counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as s:
        cities = s.scalar(select(func.count()).select_from(City))
        inventories = s.scalar(select(func.count()).select_from(Inventory))
    return int(cities or 0), int(inventories or 0)


def plan_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(CityPlan)) or 0)


def test_loading_twice_does_not_duplicate(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        first = load_demo(s, DATA)
    with sessions() as s:
        second = load_demo(s, DATA)
    assert first == second
    assert (first.cities, first.inventories, first.plans) == (2, 3, 1)
    assert counts(sessions) == (2, 3)
    assert plan_count(sessions) == 1


def test_stored_city_and_inventory(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        load_demo(s, DATA)
    with sessions() as s:
        city = s.scalars(select(City).where(City.slug == "testville")).one()
        assert (city.name_ja, city.population, city.population_year) == ("テストビル", 262000, 2021)
        assert city.targets[1] == {
            "year": 2050,
            "type": "base_year",
            "reduction": 1.0,
            "base_year": 2013,
            "source": "Testville climate plan",
        }
        assert city.sources[0]["url"] == "https://testville.example/plan"
        assert [inv.year for inv in city.inventories] == [2015, 2021]
        latest = city.latest_inventory()
        assert latest is not None
        assert (latest.gwp, latest.source_file) == ("AR5", "testville.csv")
        assert latest.result["totals"]["basic"] == pytest.approx(1_638_800)
        # the raw entries of that year only, with the source row numbers
        assert len(latest.entries) == 10
        assert {e["year"] for e in latest.entries} == {2021}
        assert latest.entries[0]["row"] == 9


def test_reloading_updates_in_place(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with sessions() as s:
        load_demo(s, data)
    csv = data / "emptyburg.csv"
    csv.write_text(csv.read_text().replace("1234.6", "2000"))
    with sessions() as s:
        load_demo(s, data)
    assert counts(sessions) == (2, 3)
    with sessions() as s:
        city = s.scalars(select(City).where(City.slug == "emptyburg")).one()
        assert city.inventories[0].result["totals"]["basic"] == pytest.approx(2000)


def test_a_bad_file_writes_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "emptyburg.csv").write_text(
        "city,year,gpc_ref,gas,emissions_value,emissions_unit\nEmptyburg,2020,I.1.1,CO2,lots,t\n"
    )
    with sessions() as s, pytest.raises(InputError):
        load_demo(s, data)
    assert counts(sessions) == (0, 0)  # Testville, read before the bad file, was not stored
    assert plan_count(sessions) == 0


def test_stored_plan(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        load_demo(s, DATA)
    with sessions() as s:
        city = s.scalars(select(City).where(City.slug == "testville")).one()
        plan = city.plan
        assert plan is not None
        assert (plan.source_file, plan.currency) == ("plans/testville.yaml", "JPY")
        # the inventory path as the plan file gives it, relative to the plans folder
        assert plan.plan["baseline"]["inventory"] == "../testville.csv"
        assert plan.result["city"] == "Testville"
        # base year 2021 from the inventory: BASIC 1,638,800 t, -46 % by 2030
        cap_2030 = next(m for m in plan.result["milestones"] if m["year"] == 2030)
        assert cap_2030["cap"] == pytest.approx(0.54 * 1_638_800)
        assert plan.macc[0]["measure"] == "led"  # cheapest first
        emptyburg = s.scalars(select(City).where(City.slug == "emptyburg")).one()
        assert emptyburg.plan is None


def test_reloading_updates_the_plan(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with sessions() as s:
        load_demo(s, data)
    plan_file = data / "plans" / "testville.yaml"
    plan_file.write_text(
        plan_file.read_text().replace("discount_rate: 0.03", "discount_rate: 0.05")
    )
    with sessions() as s:
        load_demo(s, data)
    assert plan_count(sessions) == 1
    with sessions() as s:
        stored = s.scalars(select(CityPlan)).one()
        assert stored.plan["discount_rate"] == 0.05


def test_a_bad_plan_writes_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    plan_file = data / "plans" / "testville.yaml"
    plan_file.write_text(plan_file.read_text().replace("lifetime: 10", "lifetime: -1"))
    with sessions() as s, pytest.raises(InputError, match=r"measures\[0\]\.lifetime"):
        load_demo(s, data)
    assert counts(sessions) == (0, 0)
    assert plan_count(sessions) == 0


def test_a_plan_named_after_no_city(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(data / "plans" / "testville.yaml", data / "plans" / "testvile.yaml")
    with sessions() as s, pytest.raises(InputError, match=r"testvile\.yaml") as info:
        load_demo(s, data)
    assert info.value.hint is not None
    assert "emptyburg, testville" in info.value.hint
    assert counts(sessions) == (0, 0)


def test_cities_without_plans_folder(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("plans"))
    with sessions() as s:
        summary = load_demo(s, data)
    assert (summary.cities, summary.plans) == (2, 0)


def test_invalid_profile_names_the_field(tmp_path: Path) -> None:
    (tmp_path / "cities.yaml").write_text("- {slug: Bad Slug, name: X, inventory: x.csv}\n")
    with pytest.raises(InputError) as info:
        read_demo_cities(tmp_path)
    fields = {w.field for w in info.value.where}
    assert fields == {"[1].slug", "[1].country"}


def test_missing_inventory_file(tmp_path: Path) -> None:
    (tmp_path / "cities.yaml").write_text(
        "- {slug: x, name: X, country: Nowhere, inventory: x.csv}\n"
    )
    engine = make_engine(sqlite_url(tmp_path / "k.sqlite"))
    create_all(engine)
    with session_factory(engine)() as s, pytest.raises(InputError, match=r"x\.csv"):
        load_demo(s, tmp_path)


PACKAGED = files("kizuna.demo").joinpath("data", "cities.yaml")


@pytest.mark.skipif(not PACKAGED.is_file(), reason="the packaged demo data are not there yet")
def test_packaged_demo_data_load(sessions: sessionmaker[Session]) -> None:
    cities = read_demo_cities()
    with sessions() as s:
        summary = load_demo(s)
    assert summary.cities == len(cities) > 0
    assert summary.inventories >= summary.cities
    with sessions() as s:
        for city in s.scalars(select(City)):
            latest = city.latest_inventory()
            assert latest is not None, city.slug
            assert latest.result["totals"]["basic"] > 0, city.slug
            if city.plan is not None:  # plans/<slug>.yaml, optimised
                assert city.plan.result["status"] == "optimal", city.slug
                assert city.plan.macc, city.slug
