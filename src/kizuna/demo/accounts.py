"""Demo organisations, users and sharing, seeded by `kizuna.demo.load_demo`.

Every demo city is owned by its city government (an organisation named after
it, with a climate officer as owner and an analyst as editor). Three more
organisations show the other kinds: a startup, a university lab and a city
network's secretariat. The demo passwords are fixed and printed by
``kizuna demo``: they are for a demo on your own machine, never for a server
others can reach.

Sharing (`CITY_SHARING`): city profiles and inventories are public under
CC BY 4.0 (they are published figures), except Kurume's latest inventory,
shared with the network secretariat and the university (``partners``), and
Nagaokakyo's latest, for signed-in members (``network``). Yokohama's plan is
shared with the network; other plans are public.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.server.tables import Membership, Organisation, OrgKind, Role, SharedObject, Visibility
from kizuna.server.tenancy import SYSTEM, create_organisation, create_user, find_user, record
from kizuna.server.tenancy.sharing import share_object

LICENCE = "CC-BY-4.0"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo user's sign-in: email and password, and the role they hold where."""

    email: str
    password: str
    display_name: str
    organisation: str  # the organisation's slug
    role: Role


@dataclass(frozen=True, slots=True)
class DemoMember:
    """A demo user by the local part of their email (``officer`` -> officer@<org>.example)."""

    local: str
    display_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    """A demo organisation and its members."""

    slug: str
    name: str
    kind: OrgKind
    members: tuple[DemoMember, ...]
    name_ja: str | None = None


@dataclass(frozen=True, slots=True)
class CitySharing:
    """Who sees a demo city's inventories and plan; `partners` are organisation slugs."""

    inventories: Visibility = Visibility.PUBLIC
    latest_inventory: Visibility | None = None  # overrides `inventories` for the latest year
    plan: Visibility = Visibility.PUBLIC
    partners: tuple[str, ...] = ()

    def inventory(self, latest: bool) -> Visibility:
        """The visibility of an inventory (the latest year's, or another)."""
        return self.latest_inventory if latest and self.latest_inventory else self.inventories


NETWORK_SLUG = "zero-carbon-cities"
OTHER_ORGANISATIONS = (
    DemoOrganisation(
        "hikari-energy",
        "Hikari Energy (demo startup)",
        OrgKind.STARTUP,
        (DemoMember("founder", "Hikari Energy founder", Role.OWNER),),
        name_ja="ひかりエナジー",
    ),
    DemoOrganisation(
        "minato-university",
        "Minato University Urban Climate Lab (demo)",
        OrgKind.UNIVERSITY,
        (DemoMember("researcher", "Urban Climate Lab researcher", Role.OWNER),),
        name_ja="みなと大学 都市気候研究室",
    ),
    DemoOrganisation(
        NETWORK_SLUG,
        "Zero Carbon Cities Network secretariat (demo)",
        OrgKind.NETWORK,
        (DemoMember("secretariat", "Network secretariat", Role.OWNER),),
        name_ja="ゼロカーボン都市ネットワーク事務局",
    ),
)

CITY_SHARING: dict[str, CitySharing] = {
    "yokohama": CitySharing(plan=Visibility.NETWORK),
    "kurume": CitySharing(
        latest_inventory=Visibility.PARTNERS, partners=(NETWORK_SLUG, "minato-university")
    ),
    "nagaokakyo": CitySharing(latest_inventory=Visibility.NETWORK),
}


def city_government(slug: str, name: str, name_ja: str | None) -> DemoOrganisation:
    """The demo organisation owning city `slug`: its government, with an officer and an analyst."""
    return DemoOrganisation(
        slug,
        f"City of {name}",
        OrgKind.CITY_GOVERNMENT,
        (
            DemoMember("officer", f"Climate officer, {name}", Role.OWNER),
            DemoMember("analyst", f"Climate analyst, {name}", Role.EDITOR),
        ),
        name_ja=name_ja,
    )


def demo_login(org: DemoOrganisation, member: DemoMember) -> DemoLogin:
    """The fixed email and password of a demo member."""
    return DemoLogin(
        email=f"{member.local}@{org.slug}.example",
        password=f"demo-{member.local}-{org.slug}",
        display_name=member.display_name,
        organisation=org.slug,
        role=member.role,
    )


def seed_organisations(
    session: Session, organisations: Iterable[DemoOrganisation]
) -> tuple[dict[str, Organisation], list[DemoLogin]]:
    """Create (or find) the demo organisations, users and memberships; returns them and the logins.

    A demo user that exists keeps its password (it is not hashed again on
    every load); a missing membership is added, an existing one gets its demo role.
    """
    found: dict[str, Organisation] = {}
    logins: list[DemoLogin] = []
    for spec in organisations:
        org = session.scalars(
            select(Organisation).where(Organisation.slug == spec.slug)
        ).one_or_none()
        if org is None:
            org = create_organisation(
                session,
                SYSTEM,
                slug=spec.slug,
                name=spec.name,
                kind=spec.kind,
                name_ja=spec.name_ja,
            )
        else:
            org.name, org.name_ja, org.kind = spec.name, spec.name_ja, spec.kind
        found[spec.slug] = org
        for member in spec.members:
            login = demo_login(spec, member)
            _seed_member(session, org, login)
            logins.append(login)
    session.flush()
    return found, logins


def _seed_member(session: Session, org: Organisation, login: DemoLogin) -> None:
    user = find_user(session, login.email) or create_user(
        session,
        SYSTEM,
        email=login.email,
        password=login.password,
        display_name=login.display_name,
    )
    membership = session.scalars(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id
        )
    ).one_or_none()
    if membership is None:
        session.add(Membership(user_id=user.id, organisation_id=org.id, role=login.role))
        record(
            session,
            SYSTEM,
            "membership.add",
            organisation_id=org.id,
            object_type="user",
            object_id=user.id,
            details={"role": login.role.value, "source": "demo"},
        )
    else:
        membership.role = login.role


def share_with_partners(
    session: Session, obj: SharedObject, partners: Iterable[str], orgs: dict[str, Organisation]
) -> None:
    """Share `obj` with the demo organisations `partners` (by slug), as the system."""
    for slug in partners:
        share_object(session, SYSTEM, obj, orgs[slug].id)
