"""A small platform for the HTTP tests: organisations, people in every role, API tokens,
and one city per visibility, each with an inventory and a plan of that visibility.

- ``city-hall`` (a city government) owns the cities; it has an owner, an admin, an
  editor and a viewer;
- ``partner-lab`` (a university) is the partner every object is shared with;
- ``outsider-co`` (a company) is another tenant, shared nothing;
- ``loner`` has an account but no organisation.

City ``<visibility>-city`` (``private-city``, ``partners-city``, ``network-city``,
``public-city``) and its 2021 inventory and plan all have that visibility. Each
person has an admin-scope API token (so a token has exactly its user's rights),
and the editor has a read-only one too. Everything is written as the system
through the tenancy service, as an operator's script would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from dbs import fresh_database
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kizuna.server import Settings, create_app, imports
from kizuna.server.tables import OrgKind, Role, Visibility
from kizuna.server.tenancy import (
    SYSTEM,
    add_member,
    create_city,
    create_organisation,
    create_token,
    create_user,
    share_object,
)

DATA = Path(__file__).parent / "data"
INVENTORY = (DATA / "testville.csv").read_bytes()
PLAN = (DATA / "plans" / "testville.yaml").read_bytes()
PASSWORD = "correct horse battery"
LICENCE = "CC-BY-4.0"
VISIBILITIES = tuple(Visibility)
#: Who asks, by name; ``anonymous`` sends no credentials.
PEOPLE = ("owner", "admin", "editor", "viewer", "partner", "outsider", "loner")
ASKERS = ("anonymous", *PEOPLE)


@dataclass
class World:
    """Ids and tokens of the seeded platform."""

    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    org_ids: dict[str, int] = field(default_factory=dict)
    #: (object type, visibility) -> object id, for city, inventory and plan.
    objects: dict[tuple[str, Visibility], int] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        """The Authorization header of `who` (none for anonymous)."""
        return {} if who == "anonymous" else {"authorization": f"Bearer {self.tokens[who]}"}


def build_world(session: Session) -> World:
    """Seed the platform described in the module docstring and commit."""
    world = World()
    orgs = {
        "city-hall": create_organisation(
            session, SYSTEM, slug="city-hall", name="City Hall", kind=OrgKind.CITY_GOVERNMENT
        ),
        "partner-lab": create_organisation(
            session, SYSTEM, slug="partner-lab", name="Partner Lab", kind=OrgKind.UNIVERSITY
        ),
        "outsider-co": create_organisation(
            session, SYSTEM, slug="outsider-co", name="Outsider Co", kind=OrgKind.COMPANY
        ),
    }
    world.org_ids = {slug: org.id for slug, org in orgs.items()}
    memberships = {
        "owner": ("city-hall", Role.OWNER),
        "admin": ("city-hall", Role.ADMIN),
        "editor": ("city-hall", Role.EDITOR),
        "viewer": ("city-hall", Role.VIEWER),
        "partner": ("partner-lab", Role.OWNER),
        "outsider": ("outsider-co", Role.OWNER),
    }
    for person in PEOPLE:
        email = f"{person}@world.example"
        user = create_user(
            session, SYSTEM, email=email, password=PASSWORD, display_name=person.title()
        )
        world.emails[person] = email
        world.user_ids[person] = user.id
        if person in memberships:
            org, role = memberships[person]
            add_member(session, SYSTEM, orgs[org].id, user.id, role)
        made = create_token(
            session, SYSTEM, name="tests", scopes=["admin"], user=user, expires_in=timedelta(1)
        )
        world.tokens[person] = made.token
    read_only = create_token(
        session,
        SYSTEM,
        name="read only",
        scopes=["read"],
        user=session.get(type(user), world.user_ids["editor"]),
        expires_in=timedelta(1),
    )
    world.tokens["editor-read-token"] = read_only.token
    for visibility in VISIBILITIES:
        licence = LICENCE if visibility is Visibility.PUBLIC else None
        city = create_city(
            session,
            SYSTEM,
            owner_org_id=orgs["city-hall"].id,
            slug=f"{visibility.value}-city",
            name=f"{visibility.value.title()} City",
            country="Japan",
            population=262000,
            visibility=visibility,
            licence=licence,
        )
        done = imports.import_inventory(
            session,
            SYSTEM,
            city,
            filename="testville.csv",
            data=INVENTORY,
            visibility=visibility,
            licence=licence,
        )
        plan = imports.import_plan(
            session,
            SYSTEM,
            city,
            filename="testville.yaml",
            data=PLAN,
            visibility=visibility,
            licence=licence,
        )
        inventory = next(inv for inv in done.inventories if inv.year == 2021)
        for obj in (city, inventory, plan):
            share_object(session, SYSTEM, obj, orgs["partner-lab"].id)
            world.objects[(obj.shared_type, visibility)] = obj.id
    session.commit()
    return world


@contextmanager
def served_world(engine: str, folder: Path, **settings: Any) -> Iterator[tuple[TestClient, World]]:
    """The app on a fresh `engine` database in `folder` with the world built, and a client."""
    with fresh_database(engine, folder) as url:
        app = create_app(Settings(database_url=url, **settings))
        with app.state.sessionmaker() as session:
            world = build_world(session)
        with TestClient(app) as client:
            yield client, world
        app.state.engine.dispose()
