"""Server-side web sessions: the cookie holds a random id, the database its SHA-256.

Each session has a CSRF token that every state-changing form or HTMX request
sends back (`check_csrf`), an absolute expiry, and a last-seen time. Signing
in makes a new session (no fixation); signing out deletes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from kizuna.errors import Forbidden
from kizuna.server.tables import User, WebSession, utcnow
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.principals import Principal, principal_for_user

DEFAULT_LIFETIME = timedelta(hours=12)
#: `last_seen_at` is written at most this often per session.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just started: `session_id` goes in the cookie, `csrf_token` in the pages."""

    session_id: str
    csrf_token: str
    record: WebSession


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(
    session: Session,
    user: User,
    *,
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> NewSession:
    """Start a web session for `user` (after `authenticate`); audited as ``session.start``."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    stored = WebSession(
        user_id=user.id,
        id_hash=_hash(session_id),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
        last_seen_at=now,
    )
    session.add(stored)
    session.flush()
    principal = principal_for_user(session, user)
    record(session, principal, "session.start", object_type="user", object_id=user.id)
    return NewSession(session_id=session_id, csrf_token=stored.csrf_token, record=stored)


def load_session(
    session: Session, session_id: str | None, *, now: datetime | None = None
) -> WebSession | None:
    """The live session of cookie value `session_id`, or None (unknown, expired, user inactive)."""
    if not session_id or len(session_id) > 200:
        return None
    now = now or utcnow()
    stored = session.scalars(
        select(WebSession)
        .options(joinedload(WebSession.user))
        .where(WebSession.id_hash == _hash(session_id))
    ).one_or_none()
    if stored is None or stored.expires_at <= now or not stored.user.is_active:
        return None
    if now - stored.last_seen_at >= LAST_SEEN_RESOLUTION:
        stored.last_seen_at = now
        session.flush()
    return stored


def session_principal(session: Session, web_session: WebSession) -> Principal:
    """The principal of a live web session: its user with every scope."""
    return principal_for_user(session, web_session.user)


def check_csrf(web_session: WebSession, submitted: str | None) -> None:
    """Raise `Forbidden` unless `submitted` is the session's CSRF token (constant-time compare)."""
    if not submitted or not hmac.compare_digest(submitted, web_session.csrf_token):
        raise Forbidden(
            "Missing or wrong CSRF token",
            hint="reload the page and submit the form again",
        )


def end_session(session: Session, session_id: str) -> None:
    """Sign out: delete the session of cookie value `session_id` (nothing if unknown)."""
    stored = session.scalars(
        select(WebSession)
        .options(joinedload(WebSession.user))
        .where(WebSession.id_hash == _hash(session_id))
    ).one_or_none()
    if stored is None:
        return
    principal = principal_for_user(session, stored.user)
    record(session, principal, "session.end", object_type="user", object_id=stored.user_id)
    session.delete(stored)
    session.flush()


def end_user_sessions(session: Session, user_id: int, *, keep: WebSession | None = None) -> int:
    """Sign user `user_id` out everywhere (after a password change) but in `keep`; returns
    how many sessions ended."""
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(WebSession.id != keep.id)
    result = session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_sessions(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired sessions; returns how many."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= (now or utcnow())))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
