"""Signing in and out of the web pages (email and password, rate-limited, with CSRF tokens)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kizuna.errors import Forbidden
from kizuna.server import tenancy
from kizuna.server.deps import SESSION_COOKIE, AuthDep, SessionDep
from kizuna.server.i18n import request_translations

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Before signing in there is no session to hold a CSRF token: the sign-in form
#: sends back the token of this cookie (double submit; SameSite=Strict, HttpOnly).
SIGNIN_CSRF_COOKIE = "kizuna_signin_csrf"


def _safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else ``/`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _signin_form(
    request: Request,
    *,
    email: str = "",
    next_url: str = "/",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The sign-in form with a fresh CSRF token in its cookie and hidden field."""
    csrf = secrets.token_urlsafe(32)
    response = request.app.state.templates.TemplateResponse(
        request,
        "signin.html",
        {"email": email, "next_url": _safe_next(next_url), "error": error, "csrf_token": csrf},
        status_code=status_code,
        headers={"cache-control": "no-store", **(headers or {})},
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        csrf,
        max_age=3600,
        path="/signin",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/signin")
def signin_page(
    request: Request, auth: AuthDep, next: Annotated[str | None, Query()] = None
) -> Response:
    """The sign-in form (email and password)."""
    return _signin_form(request, next_url=next or "/")


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the email and password; on success start a session and go to `next`."""
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    if not csrf_token or not expected or not hmac.compare_digest(csrf_token, expected):
        raise Forbidden(
            "Missing or wrong CSRF token", hint="reload the sign-in page and submit the form again"
        )
    _ = request_translations(request).gettext
    settings = request.app.state.settings
    client = request.client.host if request.client else None
    try:
        user = tenancy.authenticate(
            session,
            email,
            password,
            client=client,
            max_failures=settings.login_max_failures,
            window=settings.login_window,
        )
    except tenancy.RateLimited as exc:
        session.commit()
        minutes = max(1, -(-exc.retry_after_seconds // 60))
        message = _(
            "Too many failed sign-ins for this email. Try again in %(minutes)s minutes."
        ) % {"minutes": minutes}
        return _signin_form(
            request,
            email=email,
            next_url=next,
            error=message,
            status_code=429,
            headers={"retry-after": str(exc.retry_after_seconds)},
        )
    if user is None:
        session.commit()  # the failed attempt counts towards the rate limit
        return _signin_form(
            request,
            email=email,
            next_url=next,
            error=_("Wrong email or password."),
            status_code=400,
        )
    started = tenancy.start_session(session, user, lifetime=settings.session_lifetime)
    session.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.session_id,
        max_age=int(settings.session_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/signin")
    return response


@router.post("/signout")
def signout(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign out (the form sends the session's CSRF token) and go to the list of cities."""
    if auth.web_session is not None:
        tenancy.check_csrf(auth.web_session, csrf_token)
        tenancy.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
        session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
