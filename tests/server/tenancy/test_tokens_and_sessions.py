"""API tokens (shown once, stored hashed, scoped, expiring, revocable, last use noted) and
web sessions (hashed id, CSRF token, expiry), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from conftest import make_user
from kizuna.errors import Forbidden, InputError, NotFound
from kizuna.server.tables import ApiToken, OrgKind, Role, WebSession, utcnow
from kizuna.server.tenancy import (
    ANONYMOUS,
    SYSTEM,
    PrincipalKind,
    Scope,
    Unauthenticated,
    add_member,
    check_csrf,
    create_organisation,
    create_token,
    end_session,
    list_tokens,
    load_session,
    principal_for_token,
    principal_for_user,
    revoke_token,
    session_principal,
    start_session,
    verify_token,
)


@pytest.fixture
def session(db_sessions: sessionmaker[Session]) -> Iterator[Session]:
    with db_sessions() as opened:
        yield opened


def test_a_token_is_shown_once_and_stored_hashed(session: Session) -> None:
    user = make_user(session, "ivy@example.org")
    me = principal_for_user(session, user)
    made = create_token(session, me, name="notebook", scopes=["write"])
    session.commit()
    assert made.token.startswith(f"kz_{made.record.prefix}_")
    assert len(made.token) > 40
    row = session.execute(text("SELECT * FROM api_token")).mappings().one()
    assert row["token_hash"] == hashlib.sha256(made.token.encode()).hexdigest()
    secret = made.token.rsplit("_", 1)[-1]
    assert all(secret not in str(value) for value in row.values())
    assert row["prefix"] == made.record.prefix
    assert len(row["prefix"]) == 8
    listed = list_tokens(session, me)
    assert [t.name for t in listed] == ["notebook"]
    assert not hasattr(listed[0], "token")  # nothing to show the secret again from
    assert sorted(listed[0].scopes) == ["read", "write"]  # write implies read


def test_verify_notes_the_last_use_and_gives_the_user_s_roles_and_scopes(
    session: Session,
) -> None:
    user = make_user(session, "jay@example.org")
    org = create_organisation(session, SYSTEM, slug="jay-org", name="J", kind=OrgKind.COMPANY)
    add_member(session, SYSTEM, org.id, user.id, Role.EDITOR)
    made = create_token(session, principal_for_user(session, user), name="ci", scopes=["read"])
    assert made.record.last_used_at is None
    now = utcnow()
    token = verify_token(session, made.token, now=now)
    assert token.last_used_at == now
    verify_token(session, made.token, now=now + timedelta(seconds=10))
    assert token.last_used_at == now  # not written on every request
    verify_token(session, made.token, now=now + timedelta(minutes=2))
    assert token.last_used_at == now + timedelta(minutes=2)
    principal = principal_for_token(session, token)
    assert principal.kind is PrincipalKind.TOKEN
    assert principal.role_in(org.id) is Role.EDITOR
    assert principal.scopes == {Scope.READ}
    assert not principal.allows(Scope.WRITE)


def test_expired_revoked_and_unknown_tokens_are_refused(session: Session) -> None:
    user = make_user(session, "kim@example.org")
    me = principal_for_user(session, user)
    now = utcnow()
    short = create_token(session, me, name="short", expires_in=timedelta(hours=1), now=now)
    verify_token(session, short.token, now=now + timedelta(minutes=59))
    with pytest.raises(Unauthenticated) as info:
        verify_token(session, short.token, now=now + timedelta(hours=1))
    assert info.value.http_status == 401
    forever = create_token(session, me, name="forever", expires_in=None)
    verify_token(session, forever.token, now=now + timedelta(days=3650))
    revoke_token(session, me, forever.record.id)
    with pytest.raises(Unauthenticated):
        verify_token(session, forever.token)
    for bad in ("", "kz_", "kz_deadbeef_nope", short.token + "x", "Bearer " + short.token):
        with pytest.raises(Unauthenticated):
            verify_token(session, bad)
    live = create_token(session, me, name="live")
    user.is_active = False
    with pytest.raises(Unauthenticated):
        verify_token(session, live.token)


def test_who_may_make_and_revoke_tokens(session: Session) -> None:
    lea = make_user(session, "lea@example.org")
    max_ = make_user(session, "max@example.org")
    made = create_token(session, principal_for_user(session, lea), name="t", scopes=["admin"])
    as_token = principal_for_token(session, verify_token(session, made.token))
    with pytest.raises(Forbidden):
        create_token(session, as_token, name="child")  # tokens cannot make tokens
    with pytest.raises(Forbidden):
        create_token(session, ANONYMOUS, name="t")
    with pytest.raises(InputError, match="scope"):
        create_token(session, principal_for_user(session, lea), name="t", scopes=["root"])
    with pytest.raises(NotFound):  # someone else's token does not exist for you
        revoke_token(session, principal_for_user(session, max_), made.record.id)
    by_system = create_token(session, SYSTEM, name="ops", user=max_)
    assert by_system.record.user_id == max_.id
    revoke_token(session, SYSTEM, by_system.record.id)
    assert by_system.record.revoked_at is not None


def test_web_sessions(session: Session) -> None:
    user = make_user(session, "ned@example.org")
    now = utcnow()
    started = start_session(session, user, lifetime=timedelta(hours=2), now=now)
    session.commit()
    stored = session.scalars(select(WebSession)).one()
    assert stored.id_hash == hashlib.sha256(started.session_id.encode()).hexdigest()
    assert started.session_id not in str(session.execute(text("SELECT * FROM web_session")).all())
    live = load_session(session, started.session_id, now=now + timedelta(minutes=5))
    assert live is not None
    assert live.user_id == user.id
    assert live.last_seen_at == now + timedelta(minutes=5)
    assert session_principal(session, live).user_id == user.id
    check_csrf(live, started.csrf_token)
    for wrong in (None, "", started.csrf_token[:-1] + "x"):
        with pytest.raises(Forbidden, match="CSRF"):
            check_csrf(live, wrong)
    assert load_session(session, started.session_id, now=now + timedelta(hours=2)) is None
    assert load_session(session, "nonsense") is None
    assert load_session(session, None) is None
    end_session(session, started.session_id)
    assert load_session(session, started.session_id, now=now) is None
    assert session.scalars(select(WebSession)).all() == []


def test_each_sign_in_gets_a_new_session(session: Session) -> None:
    user = make_user(session, "ola@example.org")
    first = start_session(session, user)
    second = start_session(session, user)
    assert first.session_id != second.session_id
    assert first.csrf_token != second.csrf_token
    assert len(session.scalars(select(ApiToken)).all()) == 0
