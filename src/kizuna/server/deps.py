"""Request dependencies shared by the routes: the database session and who is asking.

Every request has a principal (`kizuna.server.tenancy.Principal`), resolved once by
`get_auth`: a web session cookie (`SESSION_COOKIE`), else an ``Authorization:
Bearer <token>`` header, else `ANONYMOUS`. Nothing that arrives over HTTP is
ever `SYSTEM`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kizuna.server.answer_replay import replay_until
from kizuna.server.tables import WebSession
from kizuna.server.tenancy import (
    ANONYMOUS,
    Principal,
    load_session,
    principal_for_token,
    session_principal,
    verify_token,
)
from kizuna.server.tenancy.tokens import LAST_USED_RESOLUTION

#: The cookie holding a signed-in browser's session id (HttpOnly, SameSite=Lax).
SESSION_COOKIE = "kizuna_session"


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request, closed afterwards."""
    with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True, slots=True)
class Auth:
    """Who asks (`principal`), and their live web session when they came with a cookie."""

    principal: Principal
    web_session: WebSession | None = None

    @property
    def csrf_token(self) -> str | None:
        """The CSRF token the session's forms send back (None without a session)."""
        return self.web_session.csrf_token if self.web_session else None


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def get_auth(request: Request, session: SessionDep) -> Auth:
    """The principal of `request`: its session cookie, else its bearer token, else anonymous.

    An invalid, expired or revoked bearer token is `Unauthenticated` (401); an
    unknown or expired cookie counts as no cookie. The last-seen and last-used
    times the service notes are committed here. The header of the pages reads
    ``request.state.auth``.
    """
    auth = Auth(ANONYMOUS)
    web_session = load_session(session, request.cookies.get(SESSION_COOKIE))
    if web_session is not None:
        auth = Auth(session_principal(session, web_session), web_session)
    elif (token := bearer_token(request)) is not None:
        stored = verify_token(session, token)
        auth = Auth(principal_for_token(session, stored))
        replay_until(request, stored.expires_at)
        replay_until(request, stored.last_used_at and stored.last_used_at + LAST_USED_RESOLUTION)
    if session.in_transaction():
        session.commit()
    request.state.auth = auth
    return auth


AuthDep = Annotated[Auth, Depends(get_auth)]
