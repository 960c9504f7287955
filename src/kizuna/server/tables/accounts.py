"""Accounts: organisations, users, memberships, API tokens, web sessions and login attempts.

Secrets are never stored: passwords as argon2 hashes, API tokens and session
ids as SHA-256 hashes (see `kizuna.server.tenancy`). A user's email is stored
normalised (trimmed, lower case), so it is unique without regard to case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kizuna.server.tables.base import Base, OrgKind, Role, StrList, utcnow


def normalise_email(email: str) -> str:
    """`email` as stored and looked up: surrounding blanks removed, lower case."""
    return email.strip().lower()


class Organisation(Base):
    """A city government, company, startup, university, network or other organisation."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[OrgKind]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )


class User(Base):
    """A person who signs in: email (unique, case-insensitive), argon2 password hash, locale."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: An argon2id hash (``$argon2id$...``), never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    #: A BCP 47 language tag the UI speaks to this user in (``en``, ``ja``).
    locale: Mapped[str] = mapped_column(String(16), default="en")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("email")
    def _normalise(self, _key: str, value: str) -> str:
        return normalise_email(value)


class Membership(Base):
    """A user's role in an organisation (one membership per user and organisation)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class ApiToken(Base):
    """A personal API token: the SHA-256 of a random secret, with a short visible prefix.

    The full token (``kz_<prefix>_<secret>``) is shown once, when it is made.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    #: The first characters of the token, to recognise it in a list (not a secret).
    prefix: Mapped[str] = mapped_column(String(16))
    #: Hex SHA-256 of the whole token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    #: ``read``, ``write``, ``admin`` (see `kizuna.server.tenancy.Scope`).
    scopes: Mapped[StrList] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A signed-in browser: the SHA-256 of the cookie's session id, a CSRF token and expiry."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: Hex SHA-256 of the session id held in the cookie.
    id_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    #: Sent back with every form or HTMX request that changes something.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One sign-in attempt for an email (known or not): the login rate limit counts these."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Normalised, as typed: attempts on unknown addresses count too.
    email: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool]
    #: Where it came from (an IP address), when the caller knows.
    client: Mapped[str | None] = mapped_column(String(100))
