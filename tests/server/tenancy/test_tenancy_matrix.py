"""The tenancy matrix over the service layer, on SQLite and PostgreSQL.

For each principal (anonymous; viewer, editor, admin and owner of the owner
organisation; a member of a partner organisation the objects are shared with;
a member of another organisation; a signed-in user in no organisation) and
each visibility, reads return exactly what the rules allow and hide the rest
as `NotFound`; writes are allowed, `Forbidden` (visible) or `NotFound` (hidden).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MODELS, OWNER_ROLES, PRINCIPALS, World
from kizuna.errors import Forbidden, NotFound
from kizuna.server.tables import AuditEntry, City, CityPlan, Inventory, SharedObject, Visibility
from kizuna.server.tenancy import (
    Principal,
    delete_object,
    get_city,
    get_inventory,
    get_object,
    get_plan,
    list_cities,
    list_objects,
    list_shares,
    save_inventory,
    save_plan,
    set_visibility,
    share_object,
    unshare_object,
    update_city,
)

EDITORS = ("editor", "admin", "owner")
ADMINS = ("admin", "owner")
MEMBERS_OF_SOME_ORG = ("viewer", "editor", "admin", "owner", "partner", "outsider")


def can_read(who: str, visibility: Visibility) -> bool:
    """The rules of docs/platform.md, written out independently of the code under test."""
    if who in OWNER_ROLES or visibility is Visibility.PUBLIC:
        return True
    if visibility is Visibility.NETWORK:
        return who in MEMBERS_OF_SOME_ORG
    if visibility is Visibility.PARTNERS:
        return who == "partner"
    return False


def expected(who: str, visibility: Visibility, allowed: tuple[str, ...]) -> str:
    """What a write should answer: ok, forbidden (visible, not allowed) or not_found."""
    if who in allowed:
        return "ok"
    return "forbidden" if can_read(who, visibility) else "not_found"


def outcome(action: Callable[[], Any]) -> str:
    try:
        action()
    except Forbidden:
        return "forbidden"
    except NotFound:
        return "not_found"
    return "ok"


def stored(session: Session, world: World, visibility: Visibility, kind: str) -> SharedObject:
    obj = session.get(MODELS[kind], world.objects[visibility][kind])
    assert obj is not None
    return obj


def audit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


all_cases = pytest.mark.parametrize("who", PRINCIPALS)
each_visibility = pytest.mark.parametrize("visibility", list(Visibility), ids=str)
each_kind = pytest.mark.parametrize("kind", list(MODELS))


# --- reads ----------------------------------------------------------------------------------------


@all_cases
@each_kind
def test_lists_show_exactly_the_readable(
    session: Session, world: World, who: str, kind: str
) -> None:
    principal = world.principal(session, who)
    ids = {obj.id for obj in list_objects(session, principal, MODELS[kind])}
    want = {world.objects[v][kind] for v in Visibility if can_read(who, v)}
    assert ids == want


@all_cases
@each_visibility
@each_kind
def test_get_returns_or_hides(
    session: Session, world: World, who: str, visibility: Visibility, kind: str
) -> None:
    principal = world.principal(session, who)
    object_id = world.objects[visibility][kind]
    if can_read(who, visibility):
        assert get_object(session, principal, MODELS[kind], object_id).id == object_id
    else:
        with pytest.raises(NotFound) as hidden:
            get_object(session, principal, MODELS[kind], object_id)
        with pytest.raises(NotFound) as missing:
            get_object(session, principal, MODELS[kind], 10**9)
        # a hidden object answers exactly like one that does not exist
        assert hidden.value.message.replace(str(object_id), "#") == missing.value.message.replace(
            str(10**9), "#"
        )
        assert hidden.value.hint == missing.value.hint


@all_cases
@each_visibility
def test_city_reads_with_their_inventories_and_plan(
    session: Session, world: World, who: str, visibility: Visibility
) -> None:
    principal = world.principal(session, who)
    slug = f"city-{visibility.value}"
    listed = {c.slug for c in list_cities(session, principal)}
    assert (slug in listed) is can_read(who, visibility)
    if not can_read(who, visibility):
        with pytest.raises(NotFound) as info:
            get_city(session, principal, slug)
        hint = info.value.hint or ""
        assert all(f"city-{v.value}" in hint for v in Visibility if can_read(who, v))
        assert slug not in hint  # no leak through the list of known slugs
        return
    city = get_city(session, principal, slug)
    assert [inv.year for inv in city.inventories] == [2020]
    assert city.plan is not None
    assert get_inventory(session, principal, city).year == 2020
    assert get_plan(session, principal, city).id == world.objects[visibility]["plan"]


@all_cases
def test_a_public_city_shows_only_the_readable_inventories(
    session: Session, world: World, who: str
) -> None:
    """Inventories of one city with differing visibilities: the city's collection is filtered."""
    public = stored(session, world, Visibility.PUBLIC, "city")
    assert isinstance(public, City)
    for visibility in Visibility:
        inventory = stored(session, world, visibility, "inventory")
        assert isinstance(inventory, Inventory)
        inventory.city_id = public.id  # move every inventory under the public city
        inventory.year = 2000 + list(Visibility).index(visibility)
    session.flush()
    principal = world.principal(session, who)
    city = get_city(session, principal, public.slug)
    want = sorted(2000 + i for i, v in enumerate(Visibility) if can_read(who, v))
    assert [inv.year for inv in city.inventories] == want
    with_year = list(range(2000, 2004))
    for year in with_year:
        if year in want:
            assert get_inventory(session, principal, city, year).year == year
        else:
            with pytest.raises(NotFound):
                get_inventory(session, principal, city, year)


# --- writes ---------------------------------------------------------------------------------------


def change_content(session: Session, principal: Principal, obj: SharedObject) -> None:
    """Change `obj`'s content through the service: the city profile, inventory or plan."""
    if isinstance(obj, City):
        update_city(session, principal, obj, notes="changed")
    elif isinstance(obj, Inventory):
        save_inventory(
            session,
            principal,
            obj.city,
            year=obj.year,
            gwp=obj.gwp,
            source_file="new.csv",
            result={"totals": {"basic": 2.0}},
            entries=[],
        )
    else:
        assert isinstance(obj, CityPlan)
        save_plan(
            session,
            principal,
            obj.city,
            source_file="new.yaml",
            plan={},
            result={"currency": "JPY"},
            macc=[],
        )


@all_cases
@each_visibility
@each_kind
def test_content_changes(
    session: Session, world: World, who: str, visibility: Visibility, kind: str
) -> None:
    principal = world.principal(session, who)
    obj = stored(session, world, visibility, kind)
    before = audit_count(session)
    assert outcome(lambda: change_content(session, principal, obj)) == expected(
        who, visibility, EDITORS
    )
    assert audit_count(session) == before + (1 if who in EDITORS else 0)


@all_cases
@each_visibility
@each_kind
def test_deletes(
    session: Session, world: World, who: str, visibility: Visibility, kind: str
) -> None:
    principal = world.principal(session, who)
    obj = stored(session, world, visibility, kind)
    result = outcome(lambda: delete_object(session, principal, obj))
    assert result == expected(who, visibility, EDITORS)
    if result == "ok":
        session.expire_all()
        assert session.get(MODELS[kind], world.objects[visibility][kind]) is None


@all_cases
@each_visibility
@each_kind
def test_sharing_changes(
    session: Session, world: World, who: str, visibility: Visibility, kind: str
) -> None:
    principal = world.principal(session, who)
    obj = stored(session, world, visibility, kind)
    other = world.orgs["other-co"]
    want = expected(who, visibility, ADMINS)
    assert outcome(lambda: set_visibility(session, principal, obj, Visibility.PRIVATE)) == want
    assert outcome(lambda: share_object(session, principal, obj, other)) == want
    assert outcome(lambda: unshare_object(session, principal, obj, other)) == want


@all_cases
@each_visibility
def test_who_sees_the_shares(
    session: Session, world: World, who: str, visibility: Visibility
) -> None:
    principal = world.principal(session, who)
    obj = stored(session, world, visibility, "inventory")
    result = outcome(lambda: list_shares(session, principal, obj))
    assert result == expected(who, visibility, tuple(OWNER_ROLES))
    if result == "ok":
        partners = [s.partner_org_id for s in list_shares(session, principal, obj)]
        assert partners == [world.orgs["partner-lab"]]
