"""The cities whose data are published: the packaged demo cities, or any inventory file.

The demo cities are read from the package files ``kizuna/demo/data/cities.yaml`` and the
inventory CSVs it names, the files ``kizuna.demo.loader`` stores in the platform (the
loader itself is not imported: it writes to the platform database, which publishing
never needs). Their figures are public under CC BY 4.0, as the demo marks them.

The platform stores computed inventories as ``InventoryResult.to_dict()``;
`result_from_dict` rebuilds the result from that dict (and `targets_from_dicts` the
targets from the stored records), so a city read from the platform database publishes
exactly like one computed from its files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from kizuna.errors import InputError, Location, NotFound
from kizuna.inventory import InventoryResult, compute, read_inventory_file
from kizuna.inventory.results import RefStatus

#: The licence of the demo cities' published figures (as `kizuna.demo.accounts` marks them).
DEMO_LICENCE = "CC-BY-4.0"


@dataclass(frozen=True, slots=True)
class CityTarget:
    """A climate target: a `reduction` (0.5 = -50 %) against `base_year`, net zero (reduction
    1.0), or a fixed emissions level (`level_value` `level_unit`, such as 60 Mt)."""

    year: int
    type: str = "base_year"
    reduction: float | None = None
    base_year: int | None = None
    level_value: float | None = None
    level_unit: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class PublishedCity:
    """What a city publishes: profile, computed inventories, targets, sources, licence."""

    slug: str
    name: str
    country: str
    licence: str
    inventory_file: str
    inventory_rows: pd.DataFrame = field(repr=False)
    results: tuple[InventoryResult, ...] = field(repr=False)
    name_ja: str | None = None
    population: int | None = None
    population_year: int | None = None
    targets: tuple[CityTarget, ...] = ()
    sources: tuple[dict[str, Any], ...] = ()
    publisher: str | None = None

    @property
    def years(self) -> list[int]:
        return sorted(r.year for r in self.results)

    def result(self, year: int) -> InventoryResult | None:
        return next((r for r in self.results if r.year == year), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "name_ja": self.name_ja,
            "country": self.country,
            "population": self.population,
            "population_year": self.population_year,
            "licence": self.licence,
            "publisher": self.publisher or self.name,
            "inventory_file": self.inventory_file,
            "years": self.years,
            "targets": [t.to_dict() for t in self.targets],
            "sources": list(self.sources),
        }


def demo_data_dir() -> Traversable:
    """The packaged folder ``kizuna/demo/data`` (found without importing ``kizuna.demo``)."""
    return files("kizuna").joinpath("demo", "data")


def demo_cities() -> list[PublishedCity]:
    """Every demo city of ``cities.yaml``, its inventories computed."""
    return [_city(item) for item in _demo_items()]


def demo_slugs() -> list[str]:
    return [str(item.get("slug")) for item in _demo_items()]


def demo_city(slug: str) -> PublishedCity:
    """The demo city `slug`; `NotFound` listing the slugs if there is none."""
    for item in _demo_items():
        if item.get("slug") == slug:
            return _city(item)
    raise NotFound(
        f"no demo city {slug!r}",
        where=Location(field="city"),
        hint=f"use one of {', '.join(demo_slugs())}, or give an inventory file",
    )


def city_from_file(
    path: str | Path, *, licence: str = DEMO_LICENCE, country: str = "", slug: str | None = None
) -> PublishedCity:
    """A city from an inventory file of one city (CSV or Excel, long or wide layout)."""
    path = Path(path)
    book = read_inventory_file(path)
    results = tuple(compute(book))
    names = sorted({r.city for r in results})
    if len(names) != 1:
        raise InputError(
            f"{path.name} holds {len(names)} cities ({', '.join(names[:5])})",
            where=Location(file=path.name, column="city"),
            hint="publish one city per file",
        )
    rows = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.suffix == ".csv"
        else (pd.DataFrame(book.entries))
    )
    return PublishedCity(
        slug=slug or _slugify(names[0]),
        name=names[0],
        country=country,
        licence=licence,
        inventory_file=path.name,
        inventory_rows=rows,
        results=results,
    )


def _demo_items() -> list[dict[str, Any]]:
    source = demo_data_dir().joinpath("cities.yaml")
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    items = raw.get("cities", []) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InputError(
            "cities.yaml holds no list of cities",
            where=Location(file="cities.yaml"),
            hint="reinstall kizuna",
        )
    return [i for i in items if isinstance(i, dict)]


def _city(item: dict[str, Any]) -> PublishedCity:
    resource = demo_data_dir().joinpath(str(item["inventory"]))
    with as_file(resource) as path:
        results = tuple(compute(read_inventory_file(path, gwp=str(item.get("gwp", "AR5")))))
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    targets = targets_from_dicts(item.get("targets") or [])
    sources = tuple(
        {k: s[k] for k in ("id", "title", "publisher", "year", "url") if k in s}
        for s in item.get("sources") or []
        if isinstance(s, dict)
    )
    return PublishedCity(
        slug=str(item["slug"]),
        name=str(item["name"]),
        name_ja=item.get("name_ja"),
        country=str(item.get("country", "")),
        population=item.get("population"),
        population_year=item.get("population_year"),
        licence=DEMO_LICENCE,
        inventory_file=str(item["inventory"]),
        inventory_rows=rows,
        results=results,
        targets=targets,
        sources=sources,
        publisher=f"City of {item['name']}",  # as kizuna.demo.accounts.city_government names it
    )


def targets_from_dicts(items: Iterable[Mapping[str, Any]]) -> tuple[CityTarget, ...]:
    """`CityTarget`s from records ``{year, type, reduction, base_year, level_value,
    level_unit, source}`` (as ``cities.yaml`` and the platform's city profiles hold them)."""
    return tuple(
        CityTarget(
            year=int(t["year"]),
            type=str(t.get("type", "base_year")),
            reduction=t.get("reduction"),
            base_year=t.get("base_year"),
            level_value=t.get("level_value"),
            level_unit=t.get("level_unit"),
            source=" ".join(str(t["source"]).split()) if t.get("source") else None,
        )
        for t in items
        if isinstance(t, Mapping) and t.get("year") is not None
    )


#: Keys of a completeness record that say what the inventory holds (the rest is taxonomy).
_STATUS_KEYS = ("status", "notation_key", "explanation")


def result_from_dict(data: Mapping[str, Any]) -> InventoryResult:
    """The `InventoryResult` whose ``to_dict()`` is `data` (tCO2e, as the platform stores it).

    Totals and breakdowns are taken as stored; the completeness records give back the
    status of each GPC reference number (``value``, ``notation`` with its key and
    explanation, ``missing``), so ``result_from_dict(r.to_dict()).to_dict() == r.to_dict()``.
    """
    records = [r for r in data.get("completeness") or [] if isinstance(r, Mapping)]
    status = RefStatus(
        records=[{k: v for k, v in r.items() if k not in _STATUS_KEYS} for r in records],
        has_value=np.array([r.get("status") == "value" for r in records], dtype=bool),
        notation_key=np.array([r.get("notation_key") for r in records], dtype=object),
        explanation=np.array([r.get("explanation") for r in records], dtype=object),
    )
    population = data.get("population")
    return InventoryResult(
        city=str(data.get("city", "")),
        year=int(data["year"]),
        gwp=str(data.get("gwp", "AR5")),
        totals={k: float(v) for k, v in (data.get("totals") or {}).items()},
        by_sector=dict(data.get("by_sector") or {}),
        by_scope=dict(data.get("by_scope") or {}),
        by_gas=dict(data.get("by_gas") or {}),
        by_ref=dict(data.get("by_ref") or {}),
        by_sector_scope={k: dict(v) for k, v in (data.get("by_sector_scope") or {}).items()},
        completeness_summary=dict(data.get("completeness_summary") or {}),
        ref_status=status,
        population=None if population is None else float(population),
        source=str(data.get("source") or ""),
        per_capita=dict(data.get("per_capita") or {}),
    )


def _slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "city"
