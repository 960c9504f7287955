"""Rules beyond the matrix, on SQLite and PostgreSQL: token scopes, who creates what,
membership management, licences (also as a database CHECK), and where owners' rights end."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from conftest import LICENCE, MODELS, World, make_user
from kizuna.errors import Forbidden, InputError, NotFound
from kizuna.server.tables import AuditEntry, City, Membership, OrgKind, Role, Share, Visibility
from kizuna.server.tenancy import (
    ANONYMOUS,
    SYSTEM,
    Principal,
    Scope,
    add_member,
    change_role,
    create_city,
    create_organisation,
    create_token,
    delete_object,
    get_object,
    list_members,
    principal_for_token,
    remove_member,
    set_visibility,
    share_object,
    update_city,
    verify_token,
)


def token_principal(session: Session, world: World, who: str, scope: str) -> Principal:
    user_principal = world.principal(session, who)
    made = create_token(session, user_principal, name=scope, scopes=[scope])
    return principal_for_token(session, verify_token(session, made.token))


def city(session: Session, world: World, visibility: Visibility) -> City:
    found = session.get(City, world.objects[visibility]["city"])
    assert found is not None
    return found


@pytest.mark.parametrize("visibility", list(Visibility), ids=str)
def test_token_scopes_narrow_the_user_s_rights(
    session: Session, world: World, visibility: Visibility
) -> None:
    target = city(session, world, visibility)
    reader = token_principal(session, world, "owner", "read")
    assert get_object(session, reader, City, target.id).id == target.id
    with pytest.raises(Forbidden, match="'write' scope"):
        update_city(session, reader, target, notes="x")
    writer = token_principal(session, world, "owner", "write")
    update_city(session, writer, target, notes="x")
    with pytest.raises(Forbidden, match="'admin' scope"):
        set_visibility(session, writer, target, Visibility.PRIVATE)
    admin = token_principal(session, world, "owner", "admin")
    assert admin.scopes == frozenset(Scope)
    set_visibility(session, admin, target, Visibility.PRIVATE)
    # a token never exceeds its user's roles
    viewer_admin_token = token_principal(session, world, "viewer", "admin")
    with pytest.raises(Forbidden, match="editors, admins and owners"):
        update_city(session, viewer_admin_token, target, notes="y")


def test_a_token_of_an_outsider_sees_what_its_user_sees(session: Session, world: World) -> None:
    outsider = token_principal(session, world, "outsider", "read")
    for visibility in Visibility:
        object_id = world.objects[visibility]["plan"]
        if visibility in (Visibility.NETWORK, Visibility.PUBLIC):
            assert get_object(session, outsider, MODELS["plan"], object_id).id == object_id
        else:
            with pytest.raises(NotFound):
                get_object(session, outsider, MODELS["plan"], object_id)


@pytest.mark.parametrize(
    ("who", "visibility", "answer"),
    [
        ("editor", Visibility.PRIVATE, "ok"),
        ("editor", Visibility.PUBLIC, "forbidden"),  # publishing is a sharing decision
        ("admin", Visibility.PUBLIC, "ok"),
        ("viewer", Visibility.PRIVATE, "forbidden"),
        ("partner", Visibility.PRIVATE, "forbidden"),
        ("loner", Visibility.PRIVATE, "forbidden"),
        ("anonymous", Visibility.PRIVATE, "forbidden"),
    ],
)
def test_who_may_add_a_city(
    session: Session, world: World, who: str, visibility: Visibility, answer: str
) -> None:
    principal = world.principal(session, who)

    def add() -> City:
        return create_city(
            session,
            principal,
            owner_org_id=world.orgs["aoba"],
            slug="new-town",
            name="New Town",
            country="JP",
            visibility=visibility,
            licence=LICENCE,
        )

    if answer == "ok":
        made = add()
        assert (made.owner_org_id, made.visibility) == (world.orgs["aoba"], visibility)
    else:
        with pytest.raises(Forbidden):
            add()


def test_licences(session: Session, world: World) -> None:
    owner = world.principal(session, "owner")
    target = city(session, world, Visibility.PRIVATE)
    with pytest.raises(InputError, match="open licence") as info:
        set_visibility(session, owner, target, Visibility.PUBLIC, None)
    assert info.value.where[0].field == "licence"
    with pytest.raises(InputError, match="Unknown licence"):
        set_visibility(session, owner, target, Visibility.PUBLIC, "All rights reserved")
    set_visibility(session, owner, target, Visibility.PUBLIC, "CC0-1.0")
    assert (target.visibility, target.licence) == (Visibility.PUBLIC, "CC0-1.0")
    with pytest.raises(InputError, match="taken"):
        create_city(
            session,
            owner,
            owner_org_id=target.owner_org_id,
            slug=target.slug,
            name="X",
            country="JP",
        )


def test_the_database_refuses_a_public_object_without_licence(
    session: Session, world: World
) -> None:
    target = city(session, world, Visibility.PRIVATE)
    target.visibility, target.licence = Visibility.PUBLIC, None
    with pytest.raises(IntegrityError):
        session.flush()


def test_shares_are_with_other_existing_organisations(session: Session, world: World) -> None:
    admin = world.principal(session, "admin")
    target = city(session, world, Visibility.PARTNERS)
    with pytest.raises(InputError, match="own organisation"):
        share_object(session, admin, target, world.orgs["aoba"])
    with pytest.raises(InputError, match="No organisation"):
        share_object(session, admin, target, 10**9)
    first = share_object(session, admin, target, world.orgs["other-co"])
    assert share_object(session, admin, target, world.orgs["other-co"]).id == first.id


def test_membership_management(session: Session, world: World) -> None:
    aoba = world.orgs["aoba"]
    admin, owner, viewer = (world.principal(session, w) for w in ("admin", "owner", "viewer"))
    newcomer = make_user(session, "newcomer@example.org")
    with pytest.raises(Forbidden):
        add_member(session, viewer, aoba, newcomer.id, Role.VIEWER)
    with pytest.raises(Forbidden, match="owners"):
        add_member(session, admin, aoba, newcomer.id, Role.OWNER)
    add_member(session, admin, aoba, newcomer.id, Role.EDITOR)
    with pytest.raises(InputError, match="member already"):
        add_member(session, admin, aoba, newcomer.id, Role.VIEWER)
    change_role(session, admin, aoba, newcomer.id, Role.ADMIN)
    with pytest.raises(Forbidden):
        change_role(session, admin, aoba, newcomer.id, Role.OWNER)
    with pytest.raises(Forbidden):  # admins do not touch owners
        change_role(session, admin, aoba, world.users["owner"], Role.VIEWER)
    with pytest.raises(InputError, match="at least one owner"):
        change_role(session, owner, aoba, world.users["owner"], Role.ADMIN)
    change_role(session, owner, aoba, newcomer.id, Role.OWNER)
    change_role(session, owner, aoba, world.users["owner"], Role.ADMIN)  # another owner now
    roles = {m.user.email: m.role for m in list_members(session, viewer, aoba)}
    assert roles["newcomer@example.org"] is Role.OWNER
    assert roles["owner@example.org"] is Role.ADMIN
    with pytest.raises(Forbidden):
        list_members(session, world.principal(session, "partner"), aoba)
    # anyone may leave, but the last owner may not
    remove_member(session, viewer, aoba, world.users["viewer"])
    demoted = world.principal(session, "owner")  # an admin now
    with pytest.raises(Forbidden):
        remove_member(session, demoted, aoba, newcomer.id)
    with pytest.raises(NotFound):
        remove_member(session, admin, aoba, world.users["viewer"])
    session.flush()
    assert session.query(Membership).filter_by(organisation_id=aoba, role=Role.OWNER).count() == 1


def test_creating_an_organisation(session: Session, world: World) -> None:
    loner = world.principal(session, "loner")
    org = create_organisation(session, loner, slug="loners", name="L", kind=OrgKind.STARTUP)
    membership = session.query(Membership).filter_by(organisation_id=org.id).one()
    assert (membership.user_id, membership.role) == (world.users["loner"], Role.OWNER)
    with pytest.raises(Forbidden):
        create_organisation(session, ANONYMOUS, slug="anon", name="A", kind=OrgKind.OTHER)
    with pytest.raises(InputError, match="taken"):
        create_organisation(session, SYSTEM, slug="aoba", name="A", kind=OrgKind.OTHER)
    with pytest.raises(InputError, match="slug"):
        create_organisation(session, SYSTEM, slug="Not A Slug", name="A", kind=OrgKind.OTHER)
    read_token = token_principal(session, world, "loner", "write")
    with pytest.raises(Forbidden, match="'admin' scope"):
        create_organisation(session, read_token, slug="by-token", name="T", kind=OrgKind.OTHER)


def test_deleting_a_city_takes_its_inventories_plan_and_shares(
    session: Session, world: World
) -> None:
    ids = world.objects[Visibility.PARTNERS]
    delete_object(
        session, world.principal(session, "editor"), city(session, world, Visibility.PARTNERS)
    )
    session.expire_all()
    for kind, object_id in ids.items():
        assert session.get(MODELS[kind], object_id) is None
        left = session.scalars(
            select(Share).where(Share.object_type == kind, Share.object_id == object_id)
        ).all()
        assert left == []
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert entry.action == "city.delete"
    assert sorted(entry.details["also"]) == sorted(
        [f"inventory:{ids['inventory']}", f"plan:{ids['plan']}"]
    )
