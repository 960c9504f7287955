"""Helpers of the tenancy tests: a session that is rolled back, and a small world of
organisations, users and objects of every visibility, on each engine.

The world (built once per engine and module, committed):

- organisations: ``aoba`` (city government, owns every object), ``partner-lab``
  (a university every object is shared with) and ``other-co`` (a company, shared nothing);
- users: a viewer, editor, admin and owner of ``aoba``, a member of each other
  organisation, and ``loner``, signed in but in no organisation;
- for each visibility V: city ``city-V`` with an inventory (2020) and a plan, all V.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kizuna.server import store
from kizuna.server.tables import (
    City,
    CityPlan,
    Inventory,
    Organisation,
    OrgKind,
    Role,
    User,
    Visibility,
)
from kizuna.server.tenancy import (
    ANONYMOUS,
    SYSTEM,
    Principal,
    add_member,
    create_organisation,
    create_user,
    principal_for_user,
    share_object,
)
from kizuna.server.tenancy.content import create_city

PASSWORD = "correct horse battery"
LICENCE = "CC-BY-4.0"

#: Principal kinds of the matrix: anonymous, each role of the owner organisation,
#: a member of the partner organisation, of another organisation, and of none.
PRINCIPALS = ("anonymous", "viewer", "editor", "admin", "owner", "partner", "outsider", "loner")
OWNER_ROLES = {
    "viewer": Role.VIEWER,
    "editor": Role.EDITOR,
    "admin": Role.ADMIN,
    "owner": Role.OWNER,
}


@dataclass
class World:
    """Ids of what `build_world` made."""

    orgs: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    #: visibility -> {"city": id, "inventory": id, "plan": id}
    objects: dict[Visibility, dict[str, int]] = field(default_factory=dict)

    def principal(self, session: Session, name: str) -> Principal:
        """The principal called `name` (one of `PRINCIPALS`)."""
        if name == "anonymous":
            return ANONYMOUS
        user = session.get(User, self.users[name])
        assert user is not None
        return principal_for_user(session, user)


def make_user(session: Session, email: str, password: str = PASSWORD) -> User:
    """A user with `password`, created as the system."""
    return create_user(session, SYSTEM, email=email, password=password, display_name=email)


def build_world(session: Session) -> World:
    """Build the world described in this module's docstring, as the system, and flush."""
    world = World()
    for slug, kind in (
        ("aoba", OrgKind.CITY_GOVERNMENT),
        ("partner-lab", OrgKind.UNIVERSITY),
        ("other-co", OrgKind.COMPANY),
    ):
        org = create_organisation(session, SYSTEM, slug=slug, name=slug.title(), kind=kind)
        world.orgs[slug] = org.id
    memberships = {
        **{name: ("aoba", role) for name, role in OWNER_ROLES.items()},
        "partner": ("partner-lab", Role.EDITOR),
        "outsider": ("other-co", Role.OWNER),
    }
    for name in [*memberships, "loner"]:
        user = make_user(session, f"{name}@example.org")
        world.users[name] = user.id
        if name in memberships:
            slug, role = memberships[name]
            add_member(session, SYSTEM, world.orgs[slug], user.id, role)
    for visibility in Visibility:
        city = create_city(
            session,
            SYSTEM,
            owner_org_id=world.orgs["aoba"],
            slug=f"city-{visibility.value}",
            name=f"City {visibility.value}",
            country="JP",
            visibility=visibility,
            licence=LICENCE,
        )
        inventory = store.upsert_inventory(
            session,
            city,
            year=2020,
            gwp="AR5",
            source_file="x.csv",
            result={"totals": {"basic": 1.0}},
            entries=[],
            visibility=visibility,
            licence=LICENCE,
        )
        plan = store.upsert_plan(
            session,
            city,
            source_file="p.yaml",
            plan={},
            result={"currency": "JPY"},
            macc=[],
            visibility=visibility,
            licence=LICENCE,
        )
        ids = {"city": city.id, "inventory": inventory.id, "plan": plan.id}
        world.objects[visibility] = ids
        for obj in (city, inventory, plan):
            share_object(session, SYSTEM, obj, world.orgs["partner-lab"])
    session.flush()
    return world


MODELS: dict[str, type[City | Inventory | CityPlan]] = {
    "city": City,
    "inventory": Inventory,
    "plan": CityPlan,
}


@pytest.fixture(scope="module")
def world(module_engine: Engine) -> World:
    """The world, committed once per engine."""
    with Session(module_engine) as session:
        built = build_world(session)
        session.commit()
    return built


@pytest.fixture
def session(module_engine: Engine, world: World) -> Iterator[Session]:
    """A session on the world's database whose work is rolled back at the end."""
    with Session(module_engine, expire_on_commit=False) as opened:
        yield opened
        opened.rollback()


def org(session: Session, world: World, slug: str) -> Organisation:
    """The world's organisation `slug`."""
    found = session.get(Organisation, world.orgs[slug])
    assert found is not None
    return found
