"""Users and passwords (argon2, never plaintext), case-insensitive emails, and the login
rate limit that holds across processes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from conftest import PASSWORD, make_user
from kizuna.errors import InputError
from kizuna.server.db import make_engine, session_factory
from kizuna.server.tables import LoginAttempt, User, utcnow
from kizuna.server.tenancy import (
    ANONYMOUS,
    SYSTEM,
    RateLimited,
    authenticate,
    change_password,
    create_user,
    principal_for_user,
)
from kizuna.server.tenancy.passwords import hash_password, needs_rehash, verify_password


def test_the_password_is_stored_as_an_argon2id_hash(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        make_user(session, "Ann@Example.org")
        session.commit()
    with db_sessions() as session:
        row = session.execute(text("SELECT * FROM user_account")).mappings().one()
    assert row["email"] == "ann@example.org"
    assert row["password_hash"].startswith("$argon2id$")
    assert all(PASSWORD not in str(value) for value in row.values())


def test_hash_and_verify() -> None:
    hashed = hash_password("a long passphrase")
    assert hashed != hash_password("a long passphrase")  # salted
    assert verify_password(hashed, "a long passphrase")
    assert not verify_password(hashed, "a long passphrasE")
    assert not verify_password(None, "a long passphrase")
    assert not verify_password("not a hash", "a long passphrase")
    assert not needs_rehash(hashed)
    with pytest.raises(InputError, match="characters") as info:
        hash_password("short")
    assert info.value.where[0].field == "password"


def test_emails_are_unique_whatever_their_case(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        make_user(session, "bo@example.org")
        with pytest.raises(InputError, match="exists already"):
            make_user(session, "  BO@Example.ORG ")
        with pytest.raises(InputError, match="Invalid email"):
            make_user(session, "not-an-email")
        with pytest.raises(InputError, match="locale"):
            create_user(
                session,
                ANONYMOUS,
                email="c@example.org",
                password=PASSWORD,
                display_name="C",
                locale="Japanese!",
            )


def test_sign_in(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        make_user(session, "dee@example.org")
        session.commit()
    with db_sessions() as session:
        user = authenticate(session, "DEE@example.org", PASSWORD, client="127.0.0.1")
        assert user is not None
        assert user.last_login_at is not None
        assert authenticate(session, "dee@example.org", "wrong password!") is None
        assert authenticate(session, "nobody@example.org", PASSWORD) is None
        user.is_active = False
        assert authenticate(session, "dee@example.org", PASSWORD) is None
        attempts = session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
        assert [(a.email, a.succeeded) for a in attempts] == [
            ("dee@example.org", True),
            ("dee@example.org", False),
            ("nobody@example.org", False),
            ("dee@example.org", False),
        ]


def fail(sessions: sessionmaker[Session], email: str, times: int, **kwargs: object) -> None:
    for _ in range(times):
        with sessions() as session:
            assert authenticate(session, email, "wrong password!", **kwargs) is None  # type: ignore[arg-type]
            session.commit()


def test_five_failures_in_fifteen_minutes_lock_the_email(
    db_sessions: sessionmaker[Session],
) -> None:
    with db_sessions() as session:
        make_user(session, "eve@example.org")
        session.commit()
    start = utcnow()
    fail(db_sessions, "eve@example.org", 5, now=start)
    with db_sessions() as session, pytest.raises(RateLimited) as info:
        authenticate(session, "eve@example.org", PASSWORD, now=start + timedelta(minutes=1))
    assert info.value.http_status == 429
    assert 13 * 60 <= info.value.retry_after_seconds <= 14 * 60
    with db_sessions() as session:  # once the failures leave the window, it opens again
        later = start + timedelta(minutes=15, seconds=1)
        assert authenticate(session, "eve@example.org", PASSWORD, now=later) is not None
        session.commit()
    with db_sessions() as session:  # other emails were never locked
        count = session.scalar(select(func.count()).select_from(LoginAttempt))
        assert count == 6


def test_a_success_resets_the_count(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        make_user(session, "fay@example.org")
        session.commit()
    start = utcnow()
    fail(db_sessions, "fay@example.org", 4, now=start)
    with db_sessions() as session:
        assert authenticate(session, "fay@example.org", PASSWORD, now=start) is not None
        session.commit()
    fail(db_sessions, "fay@example.org", 4, now=start + timedelta(seconds=1))
    with db_sessions() as session:
        assert authenticate(session, "fay@example.org", PASSWORD, now=start) is not None


def test_the_limit_holds_across_processes(db_engine: Engine, database_url: str) -> None:
    """Failures recorded through one engine (one worker) lock the email for another."""
    worker_a = session_factory(db_engine)
    other_engine = make_engine(database_url)
    try:
        worker_b = session_factory(other_engine)
        fail(worker_a, "gus@example.org", 3)
        fail(worker_b, "GUS@example.org", 2)
        with worker_a() as session, pytest.raises(RateLimited):
            authenticate(session, "gus@example.org", PASSWORD)
    finally:
        other_engine.dispose()


def test_unknown_emails_are_limited_too(db_sessions: sessionmaker[Session]) -> None:
    fail(db_sessions, "ghost@example.org", 5)
    with db_sessions() as session, pytest.raises(RateLimited):
        authenticate(session, "ghost@example.org", PASSWORD)


def test_change_password(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        user = make_user(session, "hal@example.org")
        me = principal_for_user(session, user)
        with pytest.raises(InputError, match="current password"):
            change_password(session, me, user, current="wrong password!", new="a new passphrase")
        change_password(session, me, user, current=PASSWORD, new="a new passphrase")
        assert verify_password(user.password_hash, "a new passphrase")
        change_password(session, SYSTEM, user, current=None, new="reset by the operator")
        assert authenticate(session, "hal@example.org", "reset by the operator") is not None
        assert session.scalars(select(User)).one().email == "hal@example.org"
