"""Changing cities, inventories and plans on behalf of a principal: checked and audited.

Content changes need an editor (or more) of the owner organisation and, for
a token, the ``write`` scope; creating an object that is not private also
needs an admin, since that is a sharing decision. Every change adds an audit
entry. Nothing is committed: the caller commits (or rolls back) the session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from kizuna.errors import InputError, Location
from kizuna.server import store
from kizuna.server.tables import (
    SHARED_TYPES,
    City,
    CityPlan,
    Inventory,
    Role,
    Share,
    SharedObject,
    Visibility,
)
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import require_change, require_role, require_scope
from kizuna.server.tenancy.principals import Principal, Scope


def _require_create(
    principal: Principal, owner_org_id: int, visibility: Visibility, what: str
) -> None:
    require_scope(principal, Scope.WRITE)
    require_role(principal, owner_org_id, Role.EDITOR, f"add {what}")
    if visibility is not Visibility.PRIVATE:
        require_scope(principal, Scope.ADMIN)
        require_role(principal, owner_org_id, Role.ADMIN, f"publish {what} beyond the organisation")


def create_city(
    session: Session,
    principal: Principal,
    *,
    owner_org_id: int,
    slug: str,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    **profile: Any,
) -> City:
    """Add city `slug` owned by `owner_org_id` (profile fields: `store.CITY_FIELDS`)."""
    _require_create(principal, owner_org_id, visibility, "a city")
    licence = check_licence(visibility, licence)
    if session.scalar(select(City.id).where(City.slug == slug)) is not None:
        raise InputError(
            f"The city slug {slug!r} is taken",
            where=Location(field="slug"),
            hint="choose another slug (lower-case letters, digits and hyphens)",
        )
    city = store.upsert_city(
        session, slug, owner_org_id=owner_org_id, visibility=visibility, licence=licence, **profile
    )
    record(
        session,
        principal,
        "city.create",
        organisation_id=owner_org_id,
        object_type="city",
        object_id=city.id,
        details={"slug": slug, "visibility": visibility.value},
    )
    return city


def update_city(session: Session, principal: Principal, city: City, **profile: Any) -> City:
    """Change profile fields of `city` (`store.CITY_FIELDS` only: sharing has its own calls)."""
    require_change(session, principal, city, action="change the city")
    unknown = set(profile) - set(store.CITY_FIELDS)
    if unknown:
        raise InputError(
            f"Unknown city fields: {', '.join(sorted(unknown))}",
            where=[Location(field=name) for name in sorted(unknown)],
            hint=f"give only {', '.join(store.CITY_FIELDS)}",
        )
    store.upsert_city(session, city.slug, **profile)
    record(
        session,
        principal,
        "city.update",
        organisation_id=city.owner_org_id,
        object_type="city",
        object_id=city.id,
        details={"fields": sorted(profile)},
    )
    return city


def save_inventory(
    session: Session,
    principal: Principal,
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
    """Add or replace the inventory of `city` for (`year`, `gwp`); needs editor of the city's owner.

    A new inventory belongs to the city's owner and is private unless
    `visibility` is given (then admin is needed); a replaced one keeps its sharing.
    """
    require_change(session, principal, city, action="add or replace the city's inventories")
    existing = session.scalars(
        select(Inventory).where(
            Inventory.city_id == city.id, Inventory.year == year, Inventory.gwp == gwp
        )
    ).one_or_none()
    if existing is not None:
        require_change(session, principal, existing, action="replace this inventory")
    if visibility is not None:
        _require_create(principal, city.owner_org_id, visibility, "an inventory")
        licence = check_licence(visibility, licence)
    inventory = store.upsert_inventory(
        session,
        city,
        year=year,
        gwp=gwp,
        source_file=source_file,
        result=result,
        entries=entries,
        visibility=visibility,
        licence=licence,
    )
    record(
        session,
        principal,
        "inventory.update" if existing is not None else "inventory.create",
        organisation_id=inventory.owner_org_id,
        object_type="inventory",
        object_id=inventory.id,
        details={"city": city.slug, "year": year, "gwp": gwp, "source_file": source_file},
    )
    return inventory


def save_plan(
    session: Session,
    principal: Principal,
    city: City,
    *,
    source_file: str,
    plan: dict[str, Any],
    result: dict[str, Any],
    macc: list[dict[str, Any]],
    visibility: Visibility | None = None,
    licence: str | None = None,
) -> CityPlan:
    """Add or replace the plan of `city`; rules as for `save_inventory`."""
    require_change(session, principal, city, action="add or replace the city's plan")
    existing = session.scalars(select(CityPlan).where(CityPlan.city_id == city.id)).one_or_none()
    if existing is not None:
        require_change(session, principal, existing, action="replace this plan")
    if visibility is not None:
        _require_create(principal, city.owner_org_id, visibility, "a plan")
        licence = check_licence(visibility, licence)
    stored = store.upsert_plan(
        session,
        city,
        source_file=source_file,
        plan=plan,
        result=result,
        macc=macc,
        visibility=visibility,
        licence=licence,
    )
    record(
        session,
        principal,
        "plan.update" if existing is not None else "plan.create",
        organisation_id=stored.owner_org_id,
        object_type="plan",
        object_id=stored.id,
        details={"city": city.slug, "source_file": source_file},
    )
    return stored


def delete_object(session: Session, principal: Principal, obj: SharedObject) -> None:
    """Delete `obj` (a city takes its inventories and plan along) and the shares of each."""
    require_change(session, principal, obj, action=f"delete this {obj.shared_type}")
    doomed: list[SharedObject] = [obj]
    if isinstance(obj, City):  # all of them, not only those a filtered load showed
        doomed += session.scalars(select(Inventory).where(Inventory.city_id == obj.id)).all()
        doomed += session.scalars(select(CityPlan).where(CityPlan.city_id == obj.id)).all()
    for item in doomed:
        session.execute(
            delete(Share).where(Share.object_type == item.shared_type, Share.object_id == item.id)
        )
    record(
        session,
        principal,
        f"{obj.shared_type}.delete",
        organisation_id=obj.owner_org_id,
        object_type=obj.shared_type,
        object_id=obj.id,
        details={"also": [f"{d.shared_type}:{d.id}" for d in doomed[1:]]},
    )
    session.delete(obj)
    session.flush()
    drop_orphan_shares(session)


def drop_orphan_shares(session: Session) -> int:
    """Delete the shares of objects that no longer exist (those the database deleted along
    with their city or plan: data sets, reviews, indicator data sets, ...); returns how many."""
    dropped = 0
    for name, model in SHARED_TYPES.items():
        gone = ~exists().where(model.id == Share.object_id)
        result = session.execute(delete(Share).where(Share.object_type == name, gone))
        dropped += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return dropped
