"""Reading cities, inventories and plans on behalf of a principal: what it may read, nothing more.

The routes call these instead of `kizuna.server.store`'s unfiltered reads. A
city returned here comes with its `City.inventories` and `City.plan` already
narrowed to what the principal may read (loader criteria built from
`visibility_clause`), so views that walk a city's inventories show only those.
An object the principal may not read is `NotFound`, like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from kizuna.errors import NotFound
from kizuna.server.tables import City, CityPlan, Inventory, SharedObject
from kizuna.server.tenancy.permissions import not_found
from kizuna.server.tenancy.principals import Principal
from kizuna.server.tenancy.visibility import is_visible, visibility_clause, visible

T = TypeVar("T", bound=SharedObject)


def city_loader_options(principal: Principal) -> list[LoaderOption]:
    """Load a city's inventories and plan, only those `principal` may read."""
    return [
        selectinload(City.owner),
        selectinload(City.inventories.and_(visibility_clause(Inventory, principal))),
        selectinload(City.plan.and_(visibility_clause(CityPlan, principal))),
    ]


def _cities(principal: Principal) -> Select[tuple[City]]:
    stmt = select(City).options(*city_loader_options(principal))
    return visible(stmt, City, principal).execution_options(populate_existing=True)


def _city_filters(stmt: Select[Any], country: str | None, q: str | None) -> Select[Any]:
    if country:
        stmt = stmt.where(func.lower(City.country) == country.strip().lower())
    if q:
        pattern = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(City.name).like(pattern),
                func.lower(City.slug).like(pattern),
                City.name_ja.like(f"%{q.strip()}%"),
            )
        )
    return stmt


def list_cities(
    session: Session,
    principal: Principal,
    *,
    country: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[City]:
    """The cities `principal` may read, by name, each with its readable inventories and plan.

    `country` matches the country exactly and `q` a part of the name or slug (both
    without regard to case); `limit` and `offset` page the list.
    """
    stmt = _city_filters(_cities(principal), country, q).order_by(City.name, City.id)
    return session.scalars(stmt.limit(limit).offset(offset)).all()


def count_cities(
    session: Session, principal: Principal, *, country: str | None = None, q: str | None = None
) -> int:
    """How many cities `list_cities` lists with the same filters, over all pages."""
    stmt = _city_filters(visible(select(func.count(City.id)), City, principal), country, q)
    return int(session.scalar(stmt) or 0)


def get_city(session: Session, principal: Principal, slug: str) -> City:
    """The city `slug`, with its readable inventories and plan; `NotFound` if hidden or unknown."""
    city = session.scalars(_cities(principal).where(City.slug == slug)).one_or_none()
    if city is None:
        known = session.scalars(visible(select(City.slug), City, principal).order_by(City.slug))
        shown = list(known)[:20]
        raise NotFound(
            f"No city with slug {slug!r}",
            hint=f"use one of: {', '.join(shown)}" if shown else "load cities first (kizuna demo)",
        )
    return city


def list_inventories(session: Session, principal: Principal, city: City) -> Sequence[Inventory]:
    """The inventories of `city` that `principal` may read, oldest first."""
    stmt = visible(select(Inventory).where(Inventory.city_id == city.id), Inventory, principal)
    return session.scalars(stmt.order_by(Inventory.year, Inventory.gwp)).all()


def get_inventory(
    session: Session,
    principal: Principal,
    city: City,
    year: int | None = None,
    *,
    gwp: str | None = None,
) -> Inventory:
    """The inventory of `city` for `year` (the latest when None) that `principal` may read,
    of GWP set `gwp` when given.

    Raises `NotFound`, naming the readable years, when there is none.
    """
    readable = list_inventories(session, principal, city)
    chosen = [
        inv
        for inv in readable
        if (year is None or inv.year == year) and (gwp is None or inv.gwp == gwp)
    ]
    if not chosen:
        shown = [f"{inv.year} ({inv.gwp})" if gwp else str(inv.year) for inv in readable]
        years = ", ".join(shown) or "none"
        label = "any year" if year is None else str(year)
        if gwp is not None:
            label += f" ({gwp})"
        raise NotFound(
            f"{city.name} has no inventory for {label}",
            hint=f"choose one of the inventory years: {years}",
        )
    return chosen[-1]


def get_plan(session: Session, principal: Principal, city: City) -> CityPlan:
    """The plan of `city` if `principal` may read it; `NotFound` otherwise."""
    stmt = visible(select(CityPlan).where(CityPlan.city_id == city.id), CityPlan, principal)
    plan = session.scalars(stmt).one_or_none()
    if plan is None:
        raise NotFound(
            f"{city.name} has no plan",
            hint="see /api/v1/cities for the cities with a plan you may read",
        )
    return plan


def get_object(session: Session, principal: Principal, model: type[T], object_id: int) -> T:
    """The object `model` #`object_id`; `NotFound` when it, or an object it belongs to (its
    `parents`, such as an inventory's city), is hidden from `principal`, or is unknown."""
    stmt: Select[Any] = visible(select(model).where(model.id == object_id), model, principal)
    found = session.scalars(stmt).one_or_none()
    if found is None or not all(is_visible(session, principal, p) for p in found.parents()):
        raise not_found(model.shared_type, object_id)
    return found


def list_objects(
    session: Session, principal: Principal, model: type[T], *, owner_org_id: int | None = None
) -> Sequence[T]:
    """All objects of `model` `principal` may read (optionally of one owner), by id."""
    stmt: Select[Any] = visible(select(model), model, principal)
    if owner_org_id is not None:
        stmt = stmt.where(model.owner_org_id == owner_org_id)
    return session.scalars(stmt.order_by(model.id)).all()
