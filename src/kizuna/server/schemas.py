"""Shapes of the JSON API (``/api/v1``), documented in the OpenAPI schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from kizuna.server.db import City, CityPlan


class InventorySummary(BaseModel):
    """The year, GWP set and totals (tCO2e) of one stored inventory."""

    year: int
    gwp: str
    totals_tco2e: dict[str, float] = Field(
        description="Totals by reporting level: basic, basic_plus, basic_plus_s3, territorial."
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
    links: dict[str, str] = Field(
        description="Addresses of this city: self, inventories, page, and plan and plan_page "
        "when the city has a plan."
    )

    @classmethod
    def from_city(cls, city: City) -> CityOut:
        """The API view of a stored city."""
        links = {
            "self": f"/api/v1/cities/{city.slug}",
            "inventories": f"/api/v1/cities/{city.slug}/inventories",
            "page": f"/cities/{city.slug}",
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
            inventories=[
                InventorySummary(
                    year=inv.year, gwp=inv.gwp, totals_tco2e=inv.result.get("totals", {})
                )
                for inv in city.inventories
            ],
            links=links,
        )


class CityList(BaseModel):
    """All cities of this instance."""

    cities: list[CityOut]


class InventoryList(BaseModel):
    """The computed inventories of one city, by year (`InventoryResult.to_dict()` each)."""

    city: str
    inventories: list[dict[str, Any]]


class PlanOut(BaseModel):
    """A city's plan: its inputs, the optimised least-cost roadmap and the MACC.

    Emissions in tCO2e, money in `currency` (see `kizuna.planning.results`).
    """

    city: str
    source_file: str
    currency: str = Field(description="ISO 4217 code of every amount of money.")
    computed_at: datetime
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
        return cls(
            city=city.slug,
            source_file=stored.source_file,
            currency=stored.currency,
            computed_at=stored.computed_at,
            plan=stored.plan,
            result=stored.result,
            macc=stored.macc,
            links={
                "self": f"/api/v1/cities/{city.slug}/plan",
                "city": f"/api/v1/cities/{city.slug}",
                "page": f"/cities/{city.slug}/plan",
            },
        )


class Health(BaseModel):
    """Liveness and database reachability."""

    status: str
    version: str
    database: str


class ErrorBody(BaseModel):
    """The error shape of every failed request."""

    code: str
    message: str
    hint: str | None
    details: list[dict[str, Any]]


class ErrorOut(BaseModel):
    error: ErrorBody
