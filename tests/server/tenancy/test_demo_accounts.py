"""The demo seed on SQLite and PostgreSQL: organisations, users and memberships, the logins
in the summary (they sign in), ownership and sharing of the demo cities, reloading."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kizuna.demo import load_demo
from kizuna.demo.accounts import NETWORK_SLUG
from kizuna.errors import NotFound
from kizuna.server.tables import (
    AuditEntry,
    City,
    CityPlan,
    Inventory,
    Membership,
    Organisation,
    OrgKind,
    Role,
    Share,
    User,
    Visibility,
)
from kizuna.server.tenancy import (
    ANONYMOUS,
    Principal,
    authenticate,
    get_city,
    get_plan,
    list_inventories,
    principal_for_user,
)

DATA = Path(__file__).parents[1] / "data"
PACKAGED = files("kizuna.demo").joinpath("data", "cities.yaml")


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_demo_organisations_users_and_logins(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        summary = load_demo(session, DATA)
    assert summary.organisations == 5  # 2 city governments, startup, university, network
    emails = [login.email for login in summary.logins]
    assert "officer@testville.example" in emails
    assert "analyst@emptyburg.example" in emails
    assert f"secretariat@{NETWORK_SLUG}.example" in emails
    assert len(set(emails)) == len(emails) == 7
    with db_sessions() as session:
        kinds = dict(session.execute(select(Organisation.slug, Organisation.kind)).all())
        assert kinds["testville"] is OrgKind.CITY_GOVERNMENT
        assert {OrgKind.STARTUP, OrgKind.UNIVERSITY, OrgKind.NETWORK} <= set(kinds.values())
        for login in summary.logins:
            user = authenticate(session, login.email, login.password)
            assert user is not None, login.email
            principal = principal_for_user(session, user)
            org = session.scalars(
                select(Organisation).where(Organisation.slug == login.organisation)
            ).one()
            assert principal.role_in(org.id) is login.role
        session.commit()
        testville = session.scalars(select(City).where(City.slug == "testville")).one()
        assert testville.owner.slug == "testville"
        assert (testville.visibility, testville.licence) == (Visibility.PUBLIC, "CC-BY-4.0")
        assert {inv.owner_org_id for inv in testville.inventories} == {testville.owner_org_id}
        assert testville.plan is not None
        assert testville.plan.visibility is Visibility.PUBLIC
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"city.save", "inventory.save", "plan.save", "membership.add"} <= actions


def test_reloading_duplicates_nothing(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        first = load_demo(session, DATA)
    with db_sessions() as session:
        second = load_demo(session, DATA)
    assert first == second
    with db_sessions() as session:
        assert count(session, Organisation) == 5
        assert count(session, User) == 7
        assert count(session, Membership) == 7
        officer = session.scalars(
            select(User).where(User.email == "officer@testville.example")
        ).one()
        assert authenticate(session, officer.email, "demo-officer-testville") is not None


@pytest.mark.skipif(not PACKAGED.is_file(), reason="the packaged demo data are not there yet")
def test_packaged_demo_sharing(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        summary = load_demo(session)
    logins = {login.email: login for login in summary.logins}
    assert "officer@yokohama.example" in logins
    with db_sessions() as session:

        def who(email: str) -> Principal:
            user = session.scalars(select(User).where(User.email == email)).one()
            return principal_for_user(session, user)

        def years(principal: Principal, slug: str) -> list[int]:
            city = get_city(session, principal, slug)
            return [inv.year for inv in list_inventories(session, principal, city)]

        secretariat = who(f"secretariat@{NETWORK_SLUG}.example")
        founder = who("founder@hikari-energy.example")
        kurume_officer = who("officer@kurume.example")
        # Yokohama: inventories public, plan for signed-in members (the network)
        yokohama = get_city(session, ANONYMOUS, "yokohama")
        assert years(ANONYMOUS, "yokohama") == [2005, 2013]
        assert get_plan(session, founder, yokohama).visibility is Visibility.NETWORK
        with pytest.raises(NotFound, match="no plan"):
            get_plan(session, ANONYMOUS, yokohama)
        # Kurume's latest inventory: its partners (the network secretariat and the university)
        assert years(ANONYMOUS, "kurume") == [2013, 2020]
        assert years(founder, "kurume") == [2013, 2020]
        assert years(secretariat, "kurume") == [2013, 2020, 2021]
        assert years(kurume_officer, "kurume") == [2013, 2020, 2021]
        latest = session.scalars(
            select(Inventory).join(City).where(City.slug == "kurume", Inventory.year == 2021)
        ).one()
        partners = session.scalars(
            select(Organisation.slug)
            .join(Share, Share.partner_org_id == Organisation.id)
            .where(Share.object_type == "inventory", Share.object_id == latest.id)
        ).all()
        assert sorted(partners) == sorted([NETWORK_SLUG, "minato-university"])
        # Nagaokakyo's latest: any signed-in member
        assert years(ANONYMOUS, "nagaokakyo") == [1990, 2013]
        assert years(founder, "nagaokakyo") == [1990, 2013, 2018]
        # every public object names its licence; every city is its government's
        for model in (City, Inventory, CityPlan):
            for obj in session.scalars(select(model)):
                assert obj.licence == "CC-BY-4.0"
                assert obj.owner.kind is OrgKind.CITY_GOVERNMENT
        roles = {login.role for login in summary.logins}
        assert roles == {Role.OWNER, Role.EDITOR}
