"""Loading the demo cities, their inventories and their plans into the platform database.

The data are package files: ``kizuna/demo/data/cities.yaml`` (one profile per
city, validated by `DemoCity`), one long-layout inventory CSV per city, and
optionally a plan per city, ``plans/<city-slug>.yaml`` (a `kizuna.planning` plan
file; a relative ``baseline.inventory`` such as ``../yokohama.csv`` is read
relative to the plans folder). Every inventory is computed and every plan
optimised before anything is written, and everything is written in one
transaction, so a bad file leaves the database unchanged. Loading twice
updates the rows in place instead of duplicating them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from kizuna.demo import datahub_seed, network_seed, review_seed, sdg_seed
from kizuna.demo.accounts import (
    CITY_SHARING,
    LICENCE,
    OTHER_ORGANISATIONS,
    CitySharing,
    DemoLogin,
    city_government,
    seed_organisations,
    share_with_partners,
)
from kizuna.errors import InputError, Location
from kizuna.inventory import InventoryBook, InventoryResult, compute, read_inventory_file
from kizuna.planning import load_plan, optimise
from kizuna.planning.macc import macc_table
from kizuna.server import store
from kizuna.server.tables import City, CityPlan, Inventory, Organisation, Visibility
from kizuna.server.tenancy import SYSTEM, record

CITIES_FILE = "cities.yaml"
#: The demo content of the other parts of the platform, stored after the cities.
EXTRA_SEEDERS = (review_seed.seed, sdg_seed.seed, network_seed.seed, datahub_seed.seed)
PLANS_DIR = "plans"


class DemoTarget(BaseModel):
    """A target for `year`: a `reduction` (fraction, 0.5 = -50 %) against `base_year`,
    net zero, or a fixed emissions level (`level_value` in `level_unit`)."""

    model_config = ConfigDict(extra="ignore")

    year: int
    type: Literal["base_year", "net_zero", "fixed_level"] = "base_year"
    reduction: float | None = None
    base_year: int | None = None
    level_value: float | None = None
    level_unit: str | None = None
    source: str | None = None


class DemoSource(BaseModel):
    """A publication the city's data come from."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None


class DemoCity(BaseModel):
    """One city of ``cities.yaml``."""

    model_config = ConfigDict(extra="ignore")

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_ja: str | None = None
    country: str
    population: int | None = None
    population_year: int | None = None
    inventory: str
    gwp: str = "AR5"
    targets: list[DemoTarget] = Field(default_factory=list)
    sources: list[DemoSource] = Field(default_factory=list)
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What `load_demo` stored, and the demo users' sign-ins (see `kizuna.demo.accounts`)."""

    cities: int
    inventories: int
    plans: int = 0
    organisations: int = 0
    logins: tuple[DemoLogin, ...] = ()
    extras: int = 0  # objects of the review, SDG, network and data hub parts


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """A city's plan, optimised: what `load_demo` stores for it (JSON-ready)."""

    slug: str
    source_file: str  # relative to the demo data folder
    plan: dict[str, Any]  # Plan.model_dump(mode="json"), inventory path as written
    result: dict[str, Any]  # PlanResult.to_dict()
    macc: list[dict[str, Any]]  # macc_table(plan) records, sorted by LCOA


def demo_data_dir() -> Traversable:
    """The packaged folder ``kizuna/demo/data``."""
    return files("kizuna.demo").joinpath("data")


def read_demo_cities(data_dir: Traversable | Path | None = None) -> list[DemoCity]:
    """The validated profiles of ``cities.yaml`` in `data_dir` (default: the packaged data)."""
    folder = demo_data_dir() if data_dir is None else data_dir
    source = folder.joinpath(CITIES_FILE)
    if not source.is_file():
        raise InputError(f"No {CITIES_FILE} in {folder}", hint="reinstall kizuna")
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    items = raw.get("cities", []) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InputError(
            f"{CITIES_FILE} holds no list of cities",
            where=Location(file=CITIES_FILE),
            hint="write a YAML list with one mapping per city",
        )
    cities: list[DemoCity] = []
    problems: list[Location] = []
    messages: list[str] = []
    for index, item in enumerate(items, start=1):
        try:
            cities.append(DemoCity.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                problems.append(Location(file=CITIES_FILE, field=f"[{index}].{field}"))
                messages.append(err["msg"])
    if problems:
        raise InputError(
            f"Invalid city profiles in {CITIES_FILE}: {messages[0]}",
            where=problems,
            hint="fix the listed fields",
        )
    slugs = [c.slug for c in cities]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise InputError(
            f"Duplicate city slugs in {CITIES_FILE}: {', '.join(duplicates)}",
            where=Location(file=CITIES_FILE, field="slug"),
            hint="make slugs unique",
        )
    return cities


def _read_book(folder: Traversable | Path, city: DemoCity) -> InventoryBook:
    resource = folder.joinpath(city.inventory)
    if not resource.is_file():
        raise InputError(
            f"Inventory file {city.inventory} of {city.slug} not found",
            where=Location(file=CITIES_FILE, field="inventory"),
            hint=f"add {city.inventory} next to {CITIES_FILE}",
        )
    with as_file(resource) as path:
        return read_inventory_file(path, gwp=city.gwp)


def read_demo_plans(data_dir: Traversable | Path | None, cities: list[DemoCity]) -> list[DemoPlan]:
    """Read and optimise the plan files ``plans/<city-slug>.yaml`` of `data_dir`.

    A city without a plan file has no plan; a plan file named after no city of
    ``cities.yaml`` is an `InputError` (a misspelt name would otherwise be ignored).
    """
    folder = demo_data_dir() if data_dir is None else data_dir
    plans_dir = folder.joinpath(PLANS_DIR)
    if not plans_dir.is_dir():
        return []
    directory = Path(str(plans_dir))  # a real folder: plans name their inventory by path
    slugs = {c.slug for c in cities}
    files_found = sorted(directory.glob("*.yaml"))
    orphans = [f.name for f in files_found if f.stem not in slugs]
    if orphans:
        raise InputError(
            f"Plan files named after no city: {', '.join(orphans)}",
            where=[Location(file=f"{PLANS_DIR}/{name}") for name in orphans],
            hint=f"name each plan file <city-slug>.yaml after a city of {CITIES_FILE} "
            f"({', '.join(sorted(slugs))})",
        )
    out = []
    for path in files_found:
        plan = load_plan(path)
        result = optimise(plan)
        stored = plan.model_dump(mode="json")
        inventory = stored["baseline"].get("inventory")
        if inventory:
            stored["baseline"]["inventory"] = os.path.relpath(inventory, directory)
        out.append(
            DemoPlan(
                slug=path.stem,
                source_file=f"{PLANS_DIR}/{path.name}",
                plan=stored,
                result=result.to_dict(),
                macc=json.loads(macc_table(plan).to_json(orient="records")),
            )
        )
    return out


def load_demo(session: Session, data_dir: Traversable | Path | None = None) -> DemoSummary:
    """Store the demo cities, their computed inventories and plans, and the demo accounts; commit.

    `data_dir` defaults to the packaged ``kizuna/demo/data``. Every file is
    read and computed (and every plan optimised) first; an error from any of
    them leaves the database untouched. Running it again updates the stored rows.
    Each city is owned by its government; the startup, university and network
    secretariat of `kizuna.demo.accounts` come along, and the summary lists the
    demo users' logins (for ``kizuna demo`` to print).
    """
    folder = demo_data_dir() if data_dir is None else data_dir
    cities = read_demo_cities(folder)
    computed: list[tuple[DemoCity, InventoryBook, list[InventoryResult]]] = []
    for city in cities:
        book = _read_book(folder, city)
        results = compute(book)
        names = sorted({r.city for r in results})
        if len(names) > 1:
            raise InputError(
                f"{city.inventory} holds several cities: {', '.join(names)}",
                where=Location(file=city.inventory, column="city"),
                hint=f"keep only the rows of {city.name}",
            )
        computed.append((city, book, results))
    plans = {p.slug: p for p in read_demo_plans(folder, cities)}

    governments = [city_government(c.slug, c.name, c.name_ja) for c, _, _ in computed]
    inventories = 0
    try:
        orgs, logins = seed_organisations(session, [*governments, *OTHER_ORGANISATIONS])
        for city, book, results in computed:
            inventories += _store_city(session, orgs, city, book, results, plans.get(city.slug))
        extras = sum(seed(session, orgs) for seed in EXTRA_SEEDERS)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSummary(
        cities=len(computed),
        inventories=inventories,
        plans=len(plans),
        organisations=len(orgs),
        logins=tuple(logins),
        extras=extras,
    )


def _store_city(
    session: Session,
    orgs: dict[str, Organisation],
    city: DemoCity,
    book: InventoryBook,
    results: list[InventoryResult],
    plan: DemoPlan | None,
) -> int:
    """Store one demo city, owned by its government, with the sharing of `CITY_SHARING`.

    Written as the system (`SYSTEM`), each object with an audit entry; returns
    how many inventories were stored.
    """
    owner = orgs[city.slug]
    sharing = CITY_SHARING.get(city.slug, CitySharing())
    row = store.upsert_city(
        session,
        city.slug,
        owner_org_id=owner.id,
        visibility=Visibility.PUBLIC,
        licence=LICENCE,
        name=city.name,
        name_ja=city.name_ja,
        country=city.country,
        population=city.population,
        population_year=city.population_year,
        targets=[t.model_dump(exclude_none=True) for t in city.targets],
        sources=[s.model_dump(exclude_none=True) for s in city.sources],
        notes=city.notes,
    )
    _own_and_audit(session, row, city.slug)
    latest = max((r.year for r in results), default=None)
    for result in results:
        visibility = sharing.inventory(latest=result.year == latest)
        inventory = store.upsert_inventory(
            session,
            row,
            year=result.year,
            gwp=result.gwp,
            source_file=city.inventory,
            result=result.to_dict(),
            entries=book.records(result.city, result.year),
            visibility=visibility,
            licence=LICENCE,
        )
        _own_and_audit(session, inventory, city.slug, owner.id)
        if visibility is Visibility.PARTNERS:
            share_with_partners(session, inventory, sharing.partners, orgs)
    if plan is not None:
        stored = store.upsert_plan(
            session,
            row,
            source_file=plan.source_file,
            plan=plan.plan,
            result=plan.result,
            macc=plan.macc,
            visibility=sharing.plan,
            licence=LICENCE,
        )
        _own_and_audit(session, stored, city.slug, owner.id)
        if sharing.plan is Visibility.PARTNERS:
            share_with_partners(session, stored, sharing.partners, orgs)
    return len(results)


def _own_and_audit(
    session: Session, obj: City | Inventory | CityPlan, slug: str, owner_id: int | None = None
) -> None:
    """Give `obj` to `owner_id` (when given) and record that the demo loader saved it."""
    if owner_id is not None:
        obj.owner_org_id = owner_id
    session.flush()
    record(
        session,
        SYSTEM,
        f"{obj.shared_type}.save",
        organisation_id=obj.owner_org_id,
        object_type=obj.shared_type,
        object_id=obj.id,
        details={"city": slug, "visibility": obj.visibility.value, "source": "demo"},
    )
