"""Reading and writing cities, inventories and plans in the platform database, unchecked.

These functions apply no tenancy rule: they are the storage primitives under
`kizuna.server.tenancy`, which checks roles and visibility, writes the audit
log and calls them. Routes serving someone read through
`kizuna.server.tenancy.queries` (filtered by visibility) and write through the
tenancy service; the reads here are for trusted callers (the CLI, tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kizuna.errors import NotFound
from kizuna.server.tables import City, CityPlan, Inventory, Visibility

#: City profile fields that `upsert_city` accepts.
CITY_FIELDS = (
    "name",
    "name_ja",
    "country",
    "population",
    "population_year",
    "targets",
    "sources",
    "notes",
)
#: Ownership and sharing fields that `upsert_city` also accepts.
SHARING_FIELDS = ("owner_org_id", "visibility", "licence")


def list_cities(session: Session) -> Sequence[City]:
    """All cities with their inventories (and their plans, without the plan data), by name."""
    stmt = (
        select(City)
        .options(selectinload(City.inventories), selectinload(City.plan))
        .order_by(City.name)
    )
    return session.scalars(stmt).all()


def get_city(session: Session, slug: str) -> City:
    """The city `slug` with its inventories; raises `NotFound` with the known slugs as a hint."""
    stmt = (
        select(City)
        .options(selectinload(City.inventories), selectinload(City.plan))
        .where(City.slug == slug)
    )
    city = session.scalars(stmt).one_or_none()
    if city is None:
        known = session.scalars(select(City.slug).order_by(City.slug)).all()
        hint = f"use one of: {', '.join(known)}" if known else "load cities first (kizuna demo)"
        raise NotFound(f"No city with slug {slug!r}", hint=hint)
    return city


def get_inventory(city: City, year: int | None) -> Inventory | None:
    """The inventory of `city` for `year` (latest when None); `NotFound` for a missing year."""
    if year is None:
        return city.latest_inventory()
    inventory = city.inventory_for(year)
    if inventory is None:
        years = ", ".join(str(inv.year) for inv in city.inventories) or "none"
        raise NotFound(
            f"{city.name} has no inventory for {year}",
            hint=f"choose one of the inventory years: {years}",
        )
    return inventory


def upsert_city(session: Session, slug: str, **fields: Any) -> City:
    """Create the city `slug` or update its profile fields (`CITY_FIELDS`, `SHARING_FIELDS`).

    A new city needs ``owner_org_id``; its visibility defaults to private.
    """
    unknown = set(fields) - set(CITY_FIELDS) - set(SHARING_FIELDS)
    if unknown:
        raise TypeError(f"unknown city fields: {sorted(unknown)}")
    city = session.scalars(select(City).where(City.slug == slug)).one_or_none()
    if city is None:
        if fields.get("owner_org_id") is None:
            raise TypeError(f"a new city ({slug!r}) needs owner_org_id")
        city = City(slug=slug, **fields)
        session.add(city)
    else:
        for key, value in fields.items():
            setattr(city, key, value)
    session.flush()
    return city


def upsert_inventory(
    session: Session,
    city: City,
    *,
    year: int,
    gwp: str,
    source_file: str,
    result: dict[str, Any],
    entries: list[dict[str, Any]],
    visibility: Visibility | None = None,
    licence: str | None = None,
) -> Inventory:
    """Create or replace the inventory of `city` for (`year`, `gwp`).

    A new inventory belongs to the city's owner and is private unless
    `visibility` says otherwise; a replaced one keeps its sharing unless given.
    """
    stmt = select(Inventory).where(
        Inventory.city_id == city.id, Inventory.year == year, Inventory.gwp == gwp
    )
    inventory = session.scalars(stmt).one_or_none()
    if inventory is None:
        inventory = Inventory(city=city, year=year, gwp=gwp, owner_org_id=city.owner_org_id)
        session.add(inventory)
    _share(inventory, visibility, licence)
    inventory.source_file = source_file
    inventory.result = result
    inventory.entries = entries
    session.flush()
    return inventory


def get_plan(city: City) -> CityPlan:
    """The stored plan of `city`; raises `NotFound` when it has none."""
    if city.plan is None:
        raise NotFound(
            f"{city.name} has no plan",
            hint=f"add a plan file plans/{city.slug}.yaml to the demo data and reload "
            "(kizuna demo), or see /api/v1/cities for the cities with a plan",
        )
    return city.plan


def upsert_plan(
    session: Session,
    city: City,
    *,
    source_file: str,
    plan: dict[str, Any],
    result: dict[str, Any],
    macc: list[dict[str, Any]],
    visibility: Visibility | None = None,
    licence: str | None = None,
) -> CityPlan:
    """Create or replace the plan of `city` (its inputs, optimised result and MACC records).

    Sharing as for `upsert_inventory`: a new plan is the city owner's and private by default.
    """
    stored = session.scalars(select(CityPlan).where(CityPlan.city_id == city.id)).one_or_none()
    if stored is None:
        stored = CityPlan(city=city, owner_org_id=city.owner_org_id)
        session.add(stored)
    _share(stored, visibility, licence)
    stored.source_file = source_file
    stored.currency = str(result["currency"])
    stored.plan = plan
    stored.result = result
    stored.macc = macc
    stored.computed_at = datetime.now(UTC)
    session.flush()
    return stored


def _share(obj: Inventory | CityPlan, visibility: Visibility | None, licence: str | None) -> None:
    """Set the visibility and licence of `obj` when given; a new object defaults to private."""
    if visibility is not None:
        obj.visibility = visibility
        obj.licence = licence
    elif obj.visibility is None:
        obj.visibility = Visibility.PRIVATE
