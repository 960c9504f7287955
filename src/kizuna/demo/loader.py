"""Loading the demo cities and their inventories into the platform database.

The data are package files: ``kizuna/demo/data/cities.yaml`` (one profile per
city, validated by `DemoCity`) and one long-layout inventory CSV per city. All
inventories are read and computed before anything is written, and everything
is written in one transaction, so a bad file leaves the database unchanged.
Loading twice updates the rows in place instead of duplicating them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from kizuna.errors import InputError, Location
from kizuna.inventory import InventoryBook, InventoryResult, compute, read_inventory_file
from kizuna.server import store

CITIES_FILE = "cities.yaml"


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
    """What `load_demo` stored."""

    cities: int
    inventories: int


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


def entries_records(book: InventoryBook, result: InventoryResult) -> list[dict[str, Any]]:
    """The entries of `book` behind `result` (its city and year), as JSON-safe records."""
    e = book.entries
    chosen = e[(e["city"].astype(str) == result.city) & (e["year"] == result.year)]
    return json.loads(pd.DataFrame(chosen).to_json(orient="records"))


def load_demo(session: Session, data_dir: Traversable | Path | None = None) -> DemoSummary:
    """Store the demo cities and their computed inventories, then commit.

    `data_dir` defaults to the packaged ``kizuna/demo/data``. Every file is
    read and computed first; an `InputError` from any of them leaves the
    database untouched. Running it again updates the stored rows.
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

    inventories = 0
    try:
        for city, book, results in computed:
            row = store.upsert_city(
                session,
                city.slug,
                name=city.name,
                name_ja=city.name_ja,
                country=city.country,
                population=city.population,
                population_year=city.population_year,
                targets=[t.model_dump(exclude_none=True) for t in city.targets],
                sources=[s.model_dump(exclude_none=True) for s in city.sources],
                notes=city.notes,
            )
            for result in results:
                store.upsert_inventory(
                    session,
                    row,
                    year=result.year,
                    gwp=result.gwp,
                    source_file=city.inventory,
                    result=result.to_dict(),
                    entries=entries_records(book, result),
                )
                inventories += 1
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSummary(cities=len(computed), inventories=inventories)
