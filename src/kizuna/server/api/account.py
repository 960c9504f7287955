"""``/api/v1/me`` and ``/api/v1/tokens``: the signed-in user and their personal API tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from kizuna.errors import Forbidden
from kizuna.server import tenancy
from kizuna.server.api.common import errors, json_with_etag
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import (
    NewTokenOut,
    PasswordIn,
    ProfileIn,
    TokenIn,
    TokenList,
    TokenOut,
    UserOut,
)
from kizuna.server.tables import User
from kizuna.server.tenancy import Unauthenticated

router = APIRouter(tags=["account"])


def _user(session: SessionDep, auth: AuthDep) -> User:
    if auth.principal.user_id is None:
        raise Unauthenticated(
            "Sign in, or send an API token, to see your account",
            hint="send 'Authorization: Bearer <token>' (make one at /account)",
        )
    user = session.get(User, auth.principal.user_id)
    assert user is not None  # a verified session or token has its user
    return user


@router.get("/me", response_model=UserOut, responses=errors())
def me(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The signed-in user (or the token's user) and their organisations and roles."""
    return json_with_etag(request, UserOut.of(_user(session, auth)))


@router.patch("/me", response_model=UserOut, responses=errors(403, 422))
def update_me(body: ProfileIn, session: SessionDep, auth: AuthDep) -> UserOut:
    """Change your display name or language (from a web session; tokens cannot)."""
    user = _user(session, auth)
    tenancy.update_profile(session, auth.principal, user, **body.model_dump(exclude_unset=True))
    session.commit()
    return UserOut.of(user)


@router.post("/me/password", status_code=204, responses=errors(403, 422))
def change_password(body: PasswordIn, session: SessionDep, auth: AuthDep) -> Response:
    """Set a new password; every other web session of yours ends."""
    user = _user(session, auth)
    tenancy.change_password(
        session, auth.principal, user, current=body.current_password, new=body.new_password
    )
    tenancy.end_user_sessions(session, user.id, keep=auth.web_session)
    session.commit()
    return Response(status_code=204)


@router.get("/tokens", response_model=TokenList, responses=errors())
def list_tokens(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """Your API tokens, newest first; their secrets are never shown again."""
    _user(session, auth)
    tokens = tenancy.list_tokens(session, auth.principal)
    return json_with_etag(request, TokenList(tokens=[TokenOut.of(t) for t in tokens]))


@router.post("/tokens", response_model=NewTokenOut, status_code=201, responses=errors(403, 422))
def create_token(body: TokenIn, session: SessionDep, auth: AuthDep) -> NewTokenOut:
    """Make an API token (from a web session). Its secret is in this answer only: keep it."""
    _user(session, auth)
    if auth.web_session is None:
        raise Forbidden("Tokens are made from a web session", hint="sign in at /signin")
    days = body.expires_in_days
    made = tenancy.create_token(
        session,
        auth.principal,
        name=body.name,
        scopes=body.scopes,
        expires_in=None if days is None else timedelta(days=days),
    )
    session.commit()
    return NewTokenOut(**TokenOut.of(made.record).model_dump(), token=made.token)


@router.delete("/tokens/{token_id}", status_code=204, responses=errors(404))
def revoke_token(token_id: int, session: SessionDep, auth: AuthDep) -> Response:
    """Revoke one of your tokens (it stops working at once)."""
    _user(session, auth)
    tenancy.revoke_token(session, auth.principal, token_id)
    session.commit()
    return Response(status_code=204)
