"""What the pages show, built from the stored cities, inventories and plans.

These functions only select and arrange stored results for the templates;
every figure was computed by `kizuna.inventory` when the inventory was
loaded, or by `kizuna.planning` when the plan was optimised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kizuna.inventory import NOTATION_KEYS
from kizuna.reference.gpc import SECTOR_ORDER
from kizuna.reports.formatting import EmissionUnit, per_capita, pick_unit
from kizuna.reports.inventory_charts import LEVEL_LABELS, Figure, sector_scope_figure, totals_figure
from kizuna.reports.plan_view import PlanView, plan_view
from kizuna.server.db import City, CityPlan, Inventory

STATUS_LABELS = {"value": "Value", "notation": "Notation key", "missing": "Missing"}


@dataclass(frozen=True, slots=True)
class CityRow:
    """One line of the cities table: the latest inventory of a city."""

    slug: str
    name: str
    name_ja: str | None
    country: str
    population: int | None
    population_year: int | None
    year: int | None
    totals: dict[str, float]
    basic_per_capita: float | None


def _per_capita(inventory: Inventory | None, level: str, population: int | None) -> float | None:
    """Per-capita emissions of `level`: the inventory's own figure (population of the
    inventory year), else the total divided by the city profile's `population`."""
    if inventory is None:
        return None
    own = inventory.result.get("per_capita") or {}
    if own.get(level) is not None:
        return float(own[level])
    return per_capita(inventory.result.get("totals", {}).get(level), population)


def city_rows(cities: Sequence[City]) -> tuple[list[CityRow], EmissionUnit]:
    """The rows of the cities table and the one emission unit they are shown in."""
    rows = []
    for city in cities:
        latest = city.latest_inventory()
        totals = dict(latest.result.get("totals", {})) if latest else {}
        rows.append(
            CityRow(
                slug=city.slug,
                name=city.name,
                name_ja=city.name_ja,
                country=city.country,
                population=city.population,
                population_year=city.population_year,
                year=latest.year if latest else None,
                totals=totals,
                basic_per_capita=_per_capita(latest, "basic", city.population),
            )
        )
    unit = pick_unit(v for row in rows for v in row.totals.values())
    return rows, unit


@dataclass(frozen=True, slots=True)
class TotalRow:
    """A reporting level of the shown inventory."""

    level: str
    label: str
    value_tco2e: float
    per_capita_tco2e: float | None


@dataclass(frozen=True, slots=True)
class CompletenessGroup:
    """The GPC reference numbers of one sector with their reporting status."""

    sector: str
    rows: list[dict[str, Any]]


@dataclass(slots=True)
class CityPage:
    """Everything the city page shows for one selected inventory."""

    city: City
    inventory: Inventory | None
    years: list[int]
    unit: EmissionUnit
    totals: list[TotalRow] = field(default_factory=list)
    sector_rows: list[tuple[str, dict[str, float], float]] = field(default_factory=list)
    completeness: list[CompletenessGroup] = field(default_factory=list)
    completeness_summary: dict[str, dict[str, int]] = field(default_factory=dict)
    charts: dict[str, Figure] = field(default_factory=dict)


def city_page(city: City, inventory: Inventory | None) -> CityPage:
    """The view of `city` with `inventory` selected (None when the city has none)."""
    years = [inv.year for inv in city.inventories]
    series = [(inv.year, inv.result.get("totals", {})) for inv in city.inventories]
    unit = pick_unit(v for _, totals in series for v in totals.values())
    page = CityPage(city=city, inventory=inventory, years=years, unit=unit)
    if inventory is None:
        return page
    result = inventory.result
    totals = result.get("totals", {})
    page.totals = [
        TotalRow(level, label, totals[level], _per_capita(inventory, level, city.population))
        for level, label in LEVEL_LABELS.items()
        if level in totals
    ]
    by_sector_scope: dict[str, dict[str, float]] = result.get("by_sector_scope", {})
    sectors = [s for s in SECTOR_ORDER if s in by_sector_scope]
    sectors += sorted(set(by_sector_scope) - set(sectors))
    page.sector_rows = [(s, by_sector_scope[s], sum(by_sector_scope[s].values())) for s in sectors]
    page.completeness = completeness_groups(result)
    page.completeness_summary = result.get("completeness_summary", {})
    page.charts["sector_scope"] = sector_scope_figure(by_sector_scope, unit)
    if len(series) > 1:
        page.charts["totals"] = totals_figure(series, unit)
    return page


def completeness_groups(result: dict[str, Any]) -> list[CompletenessGroup]:
    """The completeness rows of `result` grouped by sector, each with its emissions."""
    by_ref: dict[str, float] = result.get("by_ref", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in result.get("completeness", []):
        shown = dict(row)
        shown["emissions_tco2e"] = by_ref.get(row["gpc_ref"])
        shown["status_label"] = STATUS_LABELS.get(row.get("status", ""), row.get("status", ""))
        key = row.get("notation_key")
        shown["notation_label"] = NOTATION_KEYS.get(key, "") if key else ""
        groups.setdefault(row.get("sector", ""), []).append(shown)
    order = {s: i for i, s in enumerate(SECTOR_ORDER)}
    return [
        CompletenessGroup(sector, rows)
        for sector, rows in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]


@dataclass(frozen=True, slots=True)
class PlanPage:
    """The plan page of a city: the shared plan view (`kizuna.reports.plan_view`)."""

    city: City
    stored: CityPlan
    view: PlanView


def plan_page(city: City, stored: CityPlan) -> PlanPage:
    """The view of the stored plan of `city`, arranged as in the plan report."""
    return PlanPage(city, stored, plan_view(stored.plan, stored.result, stored.macc))
