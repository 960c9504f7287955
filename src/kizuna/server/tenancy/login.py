"""Signing in with email and password, rate-limited per email in the database.

At most `MAX_FAILURES` failed attempts per email in `WINDOW` (counted since the
last success); then `RateLimited` until the oldest of them leaves the window.
The attempts are rows (`LoginAttempt`), so the limit holds across worker
processes and restarts. Unknown emails are counted and answered like known
ones, in about the same time, so the answer tells nothing about who has an account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kizuna.server.tables import LoginAttempt, User, normalise_email, utcnow
from kizuna.server.tenancy.errors import RateLimited
from kizuna.server.tenancy.passwords import hash_password, needs_rehash, verify_password

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def recent_failures(
    session: Session, email: str, *, now: datetime | None = None, window: timedelta = WINDOW
) -> list[datetime]:
    """The times of the failed attempts for `email` in `window` after its last success."""
    email, now = normalise_email(email), now or utcnow()
    since = now - window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since
        )
    )
    if last_success is not None:
        since = last_success
    stmt = (
        select(LoginAttempt.at)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > since,
        )
        .order_by(LoginAttempt.at)
    )
    return list(session.scalars(stmt))


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
    max_failures: int = MAX_FAILURES,
    window: timedelta = WINDOW,
) -> User | None:
    """The active user with `email` and `password`, or None; the attempt is recorded.

    Raises `RateLimited` (recording nothing) after `max_failures` failures in
    `window`. The caller commits the session in every case, so that the
    attempt counts. A hash made with weaker parameters is upgraded.
    """
    email, now = normalise_email(email), now or utcnow()
    failures = recent_failures(session, email, now=now, window=window)
    if len(failures) >= max_failures:
        wait = ceil((failures[-max_failures] + window - now).total_seconds())
        raise RateLimited(
            f"Too many failed sign-ins for {email}",
            retry_after_seconds=max(1, wait),
            hint=f"wait {max(1, ceil(wait / 60))} minutes, or reset your password",
        )
    user = session.scalars(select(User).where(User.email == email)).one_or_none()
    ok = verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    session.add(LoginAttempt(email=email, at=now, succeeded=ok, client=client))
    if not ok or user is None:
        session.flush()
        return None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def prune_login_attempts(session: Session, *, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete the attempts older than `older_than` (they no longer count); returns how many."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
