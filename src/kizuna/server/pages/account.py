"""The account page: profile and language, password, and personal API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import InputError, KizunaError, Location
from kizuna.server import tenancy
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from kizuna.server.pages.forms import csrf_form, done, form_error, render, signed_in
from kizuna.server.tables import User
from kizuna.server.tenancy import Scope

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]
#: How long a token made on the page lives, by the choice offered (days; None: never expires).
TOKEN_LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}


def _context(session: SessionDep, auth: AuthDep, **extra: Any) -> dict[str, Any]:
    user = session.get(User, auth.principal.user_id)
    return {
        "user": user,
        "tokens": tenancy.list_tokens(session, auth.principal),
        "locales": LANGUAGES,
        "scopes": [s.value for s in Scope],
        "lifetimes": list(TOKEN_LIFETIMES),
        "new_token": None,
        "form": {},
        "error": None,
        "saved": False,
        **extra,
    }


@router.get("/account")
def account(request: Request, session: SessionDep, auth: AuthDep, saved: str = "") -> Response:
    """The signed-in user's profile, password form and API tokens."""
    signed_in(request, auth)
    return render(request, "account.html", _context(session, auth, saved=bool(saved)))


@router.post("/account/profile")
def profile(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    locale: Annotated[str, Form(max_length=16)] = "en",
) -> Response:
    """Save the display name and language (the pages switch to it)."""
    csrf_form(request, auth, csrf_token)
    user = session.get(User, auth.principal.user_id)
    assert user is not None
    try:
        if locale not in LANGUAGES:
            raise InputError(
                f"No pages in {locale!r}",
                where=Location(field="locale"),
                hint=f"choose {', '.join(LANGUAGES)}",
            )
        tenancy.update_profile(
            session, auth.principal, user, display_name=display_name, locale=locale
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        return form_error(request, "account.html", "account.html", _context(session, auth), exc)
    response = done(request, "/account?saved=1")
    response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, path="/", samesite="lax")
    return response


@router.post("/account/password")
def password(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Set a new password; the user's other browsers are signed out."""
    web_session = csrf_form(request, auth, csrf_token)
    user = session.get(User, auth.principal.user_id)
    assert user is not None
    try:
        tenancy.change_password(
            session, auth.principal, user, current=current_password, new=new_password
        )
        tenancy.end_user_sessions(session, user.id, keep=web_session)
        session.commit()
    except KizunaError as exc:
        session.rollback()
        return form_error(request, "account.html", "account.html", _context(session, auth), exc)
    return done(request, "/account?saved=1")


@router.post("/account/tokens")
def new_token(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    name: Annotated[str, Form(max_length=100)] = "",
    scope: Annotated[str, Form(max_length=16)] = "read",
    lifetime: Annotated[str, Form(max_length=8)] = "90",
) -> Response:
    """Make an API token and show its secret, this once."""
    csrf_form(request, auth, csrf_token)
    try:
        if lifetime not in TOKEN_LIFETIMES:
            raise InputError(f"Unknown lifetime {lifetime!r}", where=Location(field="lifetime"))
        days = TOKEN_LIFETIMES[lifetime]
        made = tenancy.create_token(
            session,
            auth.principal,
            name=name or "token",
            scopes=[scope],
            expires_in=None if days is None else timedelta(days=days),
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _context(session, auth, form={"name": name})
        return form_error(request, "account.html", "account.html", context, exc)
    return render(request, "account.html", _context(session, auth, new_token=made.token))


@router.post("/account/tokens/{token_id}/revoke")
def revoke(
    request: Request, token_id: int, session: SessionDep, auth: AuthDep, csrf_token: Csrf = ""
) -> Response:
    """Revoke one of the user's tokens."""
    csrf_form(request, auth, csrf_token)
    tenancy.revoke_token(session, auth.principal, token_id)
    session.commit()
    return done(request, "/account#tokens")
