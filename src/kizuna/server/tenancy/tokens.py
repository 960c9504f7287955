"""Personal API tokens: made once, stored hashed, scoped, expiring, revocable.

A token reads ``kz_<prefix>_<secret>``: the prefix (8 hex characters) is kept
in clear to recognise the token in a list, the whole token only as its
SHA-256. The token itself is returned once, by `create_token`, and never again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from kizuna.errors import Forbidden, InputError, Location, NotFound
from kizuna.server.tables import ApiToken, User, utcnow
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.errors import Unauthenticated
from kizuna.server.tenancy.principals import Principal, PrincipalKind, Scope, expand_scopes

TOKEN_PREFIX = "kz"
DEFAULT_LIFETIME = timedelta(days=90)
#: `last_used_at` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: `token` is the secret to hand to the user, once; `record` is stored."""

    token: str
    record: ApiToken


def token_hash(token: str) -> str:
    """The hex SHA-256 of `token`, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    principal: Principal,
    *,
    name: str,
    scopes: Iterable[str] = (Scope.READ,),
    expires_in: timedelta | None = DEFAULT_LIFETIME,
    user: User | None = None,
    now: datetime | None = None,
) -> NewToken:
    """Make a token for the signed-in user (SYSTEM: for `user`); `expires_in` None never expires.

    Tokens cannot make tokens: a token can never outlive or outgrow the one that made it.
    """
    if principal.kind is PrincipalKind.USER:
        owner_id = principal.user_id
    elif principal.is_system and user is not None:
        owner_id = user.id
    else:
        raise Forbidden("Sign in to make an API token", hint="tokens are made from a web session")
    try:
        granted = expand_scopes(scopes)
    except ValueError as exc:
        raise InputError(
            f"Unknown token scope: {exc}",
            where=Location(field="scopes"),
            hint=f"use {', '.join(s.value for s in Scope)}",
        ) from None
    now = now or utcnow()
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    stored = ApiToken(
        user_id=owner_id,
        name=name.strip()[:100] or "token",
        prefix=prefix,
        token_hash=token_hash(token),
        scopes=sorted(s.value for s in granted),
        created_at=now,
        expires_at=None if expires_in is None else now + expires_in,
    )
    session.add(stored)
    session.flush()
    record(
        session,
        principal,
        "token.create",
        object_type="token",
        object_id=stored.id,
        details={"name": stored.name, "prefix": prefix, "scopes": stored.scopes},
    )
    return NewToken(token=token, record=stored)


def verify_token(session: Session, token: str, *, now: datetime | None = None) -> ApiToken:
    """The stored token for `token`, its last use noted; `Unauthenticated` when it is unknown,
    malformed, revoked or expired, or its user is deactivated."""
    now = now or utcnow()
    stored = None
    if token.startswith(f"{TOKEN_PREFIX}_") and len(token) < 200:
        stored = session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .where(ApiToken.token_hash == token_hash(token))
        ).one_or_none()
    if (
        stored is None
        or stored.revoked_at is not None
        or (stored.expires_at is not None and stored.expires_at <= now)
        or not stored.user.is_active
    ):
        raise Unauthenticated(
            "Invalid, expired or revoked API token",
            hint="make a new token in your account settings and send it as "
            "'Authorization: Bearer <token>'",
        )
    if stored.last_used_at is None or now - stored.last_used_at >= LAST_USED_RESOLUTION:
        stored.last_used_at = now
        session.flush()
    return stored


def list_tokens(session: Session, principal: Principal) -> Sequence[ApiToken]:
    """The signed-in user's tokens, newest first (the secrets are not there to show)."""
    if principal.user_id is None:
        return []
    stmt = select(ApiToken).where(ApiToken.user_id == principal.user_id)
    return session.scalars(stmt.order_by(ApiToken.id.desc())).all()


def revoke_token(
    session: Session, principal: Principal, token_id: int, *, now: datetime | None = None
) -> ApiToken:
    """Revoke token `token_id` of the principal's user (SYSTEM: anyone's); twice is fine."""
    stored = session.get(ApiToken, token_id)
    if stored is None or not (principal.is_system or stored.user_id == principal.user_id):
        raise NotFound(f"No API token {token_id}", hint="see your list of tokens")
    if stored.revoked_at is None:
        stored.revoked_at = now or utcnow()
        session.flush()
        record(
            session,
            principal,
            "token.revoke",
            object_type="token",
            object_id=stored.id,
            details={"name": stored.name, "prefix": stored.prefix},
        )
    return stored
