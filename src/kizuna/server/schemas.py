"""Shapes of the JSON API (``/api/v1``), documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kizuna.server.db import City


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
    links: dict[str, str]

    @classmethod
    def from_city(cls, city: City) -> CityOut:
        """The API view of a stored city."""
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
            links={
                "self": f"/api/v1/cities/{city.slug}",
                "inventories": f"/api/v1/cities/{city.slug}/inventories",
                "page": f"/cities/{city.slug}",
            },
        )


class CityList(BaseModel):
    """All cities of this instance."""

    cities: list[CityOut]


class InventoryList(BaseModel):
    """The computed inventories of one city, by year (`InventoryResult.to_dict()` each)."""

    city: str
    inventories: list[dict[str, Any]]


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
