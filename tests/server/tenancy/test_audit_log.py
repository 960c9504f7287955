"""The audit log: every change writes an entry; admins read their organisation's; the
database refuses UPDATE and DELETE of entries (triggers), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from conftest import LICENCE, make_user
from kizuna.errors import Forbidden
from kizuna.server.tables import AuditEntry, OrgKind, Role, Visibility
from kizuna.server.tenancy import (
    SYSTEM,
    add_member,
    audit_log,
    change_role,
    create_city,
    create_organisation,
    create_token,
    delete_object,
    principal_for_user,
    record,
    remove_member,
    revoke_token,
    set_visibility,
    share_object,
    unshare_object,
    update_city,
)


def test_every_change_writes_an_entry(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        owner = make_user(session, "pia@example.org")
        helper = make_user(session, "quin@example.org")
        me = principal_for_user(session, owner)
        org = create_organisation(session, me, slug="pia-city", name="P", kind=OrgKind.OTHER)
        partner = create_organisation(session, SYSTEM, slug="friend", name="F", kind=OrgKind.OTHER)
        me = principal_for_user(session, owner)  # now the organisation's owner
        add_member(session, me, org.id, helper.id, Role.VIEWER)
        change_role(session, me, org.id, helper.id, Role.EDITOR)
        city = create_city(session, me, owner_org_id=org.id, slug="pia", name="Pia", country="JP")
        update_city(session, me, city, population=10)
        set_visibility(session, me, city, Visibility.PUBLIC, LICENCE)
        share_object(session, me, city, partner.id)
        unshare_object(session, me, city, partner.id)
        token = create_token(session, me, name="t")
        revoke_token(session, me, token.record.id)
        remove_member(session, me, org.id, helper.id)
        delete_object(session, me, city)
        session.commit()
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == [
            "user.create",
            "user.create",
            "organisation.create",
            "organisation.create",
            "membership.add",
            "membership.role",
            "city.create",
            "city.update",
            "city.visibility",
            "share.add",
            "share.remove",
            "token.create",
            "token.revoke",
            "membership.remove",
            "city.delete",
        ]
        entries = audit_log(session, me, org.id)
        assert entries[0].action == "city.delete"  # newest first
        assert {e.actor_label for e in entries} == {"pia@example.org"}
        visibility = next(e for e in entries if e.action == "city.visibility")
        assert visibility.details == {
            "from": "private",
            "to": "public",
            "licence_from": None,
            "licence": LICENCE,
        }
        assert visibility.as_dict()["object_type"] == "city"
        assert [e.id for e in audit_log(session, me, org.id, limit=2)] == [
            e.id for e in entries[:2]
        ]
        older = audit_log(session, me, org.id, before_id=entries[1].id)
        assert older[0].id == entries[2].id
        assert [e.action for e in audit_log(session, me, org.id, action="share.add")] == [
            "share.add"
        ]


def test_only_admins_read_the_log(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        org = create_organisation(session, SYSTEM, slug="logged", name="L", kind=OrgKind.OTHER)
        readers = {}
        for role in Role:
            user = make_user(session, f"{role.value}@example.org")
            add_member(session, SYSTEM, org.id, user.id, role)
            readers[role] = principal_for_user(session, user)
        outsider = principal_for_user(session, make_user(session, "out@example.org"))
        for role in (Role.ADMIN, Role.OWNER):
            assert audit_log(session, readers[role], org.id)
        for principal in (readers[Role.VIEWER], readers[Role.EDITOR], outsider):
            with pytest.raises(Forbidden):
                audit_log(session, principal, org.id)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET action = 'forged'", "DELETE FROM audit_entry"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_entries(db_engine: Engine, statement: str) -> None:
    with Session(db_engine) as session:
        record(session, SYSTEM, "test.entry", details={"n": 1})
        session.commit()
    with db_engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text(statement))
    if db_engine.dialect.name == "postgresql":  # SQLite has no TRUNCATE
        with db_engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("TRUNCATE audit_entry"))
    with Session(db_engine) as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert entry.action == "test.entry"
        session.delete(entry)  # the ORM is refused too
        with pytest.raises(DBAPIError, match="append-only"):
            session.flush()
