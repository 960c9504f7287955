"""Shapes of cities, inventories and plans in the JSON API (``/api/v1``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kizuna.server.schemas.common import PageInfo
from kizuna.server.tables import City, CityPlan, Inventory, SharedObject, Visibility

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class Sharing(BaseModel):
    """Who owns an object and who may read it (docs/platform.md, "Who reads what")."""

    owner: str = Field(description="Slug of the owner organisation.")
    visibility: Visibility
    licence: str | None = Field(description="SPDX id of the open licence (public objects).")

    @classmethod
    def of(cls, obj: SharedObject) -> Sharing:
        """The sharing of a stored object."""
        return cls(owner=obj.owner.slug, visibility=obj.visibility, licence=obj.licence)


class InventorySummary(BaseModel):
    """The year, GWP set and totals (tCO2e) of one stored inventory."""

    year: int
    gwp: str
    totals_tco2e: dict[str, float] = Field(
        description="Totals by reporting level: basic, basic_plus, basic_plus_s3, territorial."
    )

    @classmethod
    def of(cls, inventory: Inventory) -> InventorySummary:
        return cls(
            year=inventory.year, gwp=inventory.gwp, totals_tco2e=inventory.result.get("totals", {})
        )


class CityOut(BaseModel):
    """A city profile with a summary of its inventories."""

    slug: str
    name: str
    name_ja: str | None
    country: str
    population: int | None
    population_year: int | None
    targets: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    inventories: list[InventorySummary]
    sharing: Sharing
    links: dict[str, str] = Field(
        description="Addresses of this city: self, inventories, page, sharing, and plan and "
        "plan_page when the city has a plan you may read."
    )

    @classmethod
    def from_city(cls, city: City) -> CityOut:
        """The API view of a stored city (its inventories and plan as loaded)."""
        links = {
            "self": f"/api/v1/cities/{city.slug}",
            "inventories": f"/api/v1/cities/{city.slug}/inventories",
            "page": f"/cities/{city.slug}",
            "sharing": f"/api/v1/sharing/city/{city.id}",
        }
        if city.plan is not None:
            links["plan"] = f"/api/v1/cities/{city.slug}/plan"
            links["plan_page"] = f"/cities/{city.slug}/plan"
        return cls(
            slug=city.slug,
            name=city.name,
            name_ja=city.name_ja,
            country=city.country,
            population=city.population,
            population_year=city.population_year,
            targets=city.targets,
            sources=city.sources,
            inventories=[InventorySummary.of(inv) for inv in city.inventories],
            sharing=Sharing.of(city),
            links=links,
        )


class CityList(PageInfo):
    """A page of the cities you may read, by name."""

    cities: list[CityOut]


class CityFields(BaseModel):
    """The editable fields of a city profile."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    name_ja: str | None = Field(None, max_length=200)
    country: str | None = Field(None, min_length=1, max_length=100)
    population: int | None = Field(None, ge=0, le=100_000_000)
    population_year: int | None = Field(None, ge=1800, le=2200)
    notes: str | None = Field(None, max_length=10_000)


class CityIn(CityFields):
    """A new city: its slug, owner organisation and profile; private unless said otherwise."""

    slug: str = Field(pattern=SLUG_PATTERN, description="Lower-case letters, digits, hyphens.")
    owner: str = Field(pattern=SLUG_PATTERN, description="Slug of the owner organisation.")
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=1, max_length=100)
    visibility: Visibility = Visibility.PRIVATE
    licence: str | None = Field(None, max_length=64)


class InventoryOut(BaseModel):
    """One stored inventory: its result (`InventoryResult.to_dict()`, tCO2e) and sharing."""

    city: str
    year: int
    gwp: str
    source_file: str
    computed_at: datetime
    sharing: Sharing
    result: dict[str, Any] = Field(
        description="Totals by level, breakdowns by sector, scope, gas and GPC number, "
        "completeness (kizuna.inventory.InventoryResult.to_dict())."
    )
    links: dict[str, str]

    @classmethod
    def of(cls, city: City, inventory: Inventory) -> InventoryOut:
        base = f"/api/v1/cities/{city.slug}/inventories/{inventory.year}"
        query = f"?gwp={inventory.gwp}"
        return cls(
            city=city.slug,
            year=inventory.year,
            gwp=inventory.gwp,
            source_file=inventory.source_file,
            computed_at=inventory.computed_at,
            sharing=Sharing.of(inventory),
            result=inventory.result,
            links={
                "self": base + query,
                "csv": f"{base}/export{query}&format=csv",
                "entries": f"{base}/export{query}&format=entries",
                "sharing": f"/api/v1/sharing/inventory/{inventory.id}",
                "page": f"/cities/{city.slug}?year={inventory.year}",
            },
        )


class InventoryList(PageInfo):
    """A page of a city's inventories you may read, oldest first (`InventoryResult.to_dict()`)."""

    city: str
    inventories: list[dict[str, Any]]


class InventoryUploadOut(BaseModel):
    """What an upload stored: one inventory per year of the file."""

    city: str
    inventories: list[InventoryOut]


class PlanOut(BaseModel):
    """A city's plan: its inputs, the optimised least-cost roadmap and the MACC.

    Emissions in tCO2e, money in `currency` (see `kizuna.planning.results`).
    """

    city: str
    source_file: str
    currency: str = Field(description="ISO 4217 code of every amount of money.")
    computed_at: datetime
    sharing: Sharing
    plan: dict[str, Any] = Field(description="The validated plan file (kizuna.planning.Plan).")
    result: dict[str, Any] = Field(
        description="PlanResult.to_dict(): BAU and planned emissions, milestones with gaps and "
        "marginal costs, measures with schedules, costs and LCOA, NPV."
    )
    macc: list[dict[str, Any]] = Field(
        description="One row per measure sorted by LCOA (currency/tCO2e), with the annual "
        "abatement potential and its running total (tCO2e/yr)."
    )
    links: dict[str, str]

    @classmethod
    def from_plan(cls, city: City, stored: CityPlan) -> PlanOut:
        """The API view of a stored plan."""
        base = f"/api/v1/cities/{city.slug}/plan"
        return cls(
            city=city.slug,
            source_file=stored.source_file,
            currency=stored.currency,
            computed_at=stored.computed_at,
            sharing=Sharing.of(stored),
            plan=stored.plan,
            result=stored.result,
            macc=stored.macc,
            links={
                "self": base,
                "result": f"{base}/result",
                "macc": f"{base}/macc",
                "optimise": f"{base}/optimise",
                "city": f"/api/v1/cities/{city.slug}",
                "sharing": f"/api/v1/sharing/plan/{stored.id}",
                "page": f"/cities/{city.slug}/plan",
            },
        )


class MaccOut(BaseModel):
    """The MACC of a plan: levelised cost of abatement per measure (currency/tCO2e), sorted."""

    city: str
    currency: str
    measures: list[dict[str, Any]]
