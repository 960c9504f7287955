"""What the pages that change something share: signing in first, CSRF, rendering, redirects.

A page that changes something works for a signed-in browser only: anyone
else is sent to the sign-in page and back (`SignInRequired`). Every form
sends the session's CSRF token (`csrf_form`). A form answered with an error is
shown again with the error next to its fields (`error_fields`): a whole page
for a plain form, the form alone for an HTMX request (``HX-Request``), which
swaps it in place. After a change, plain forms are redirected (303) and HTMX
ones told where to go (``HX-Redirect``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from kizuna.errors import KizunaError
from kizuna.server import tenancy
from kizuna.server.deps import Auth
from kizuna.server.i18n import request_translations
from kizuna.server.tables import WebSession


class SignInRequired(Exception):
    """The page needs a signed-in browser: answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def signed_in(request: Request, auth: Auth) -> WebSession:
    """The browser's web session, or `SignInRequired` (back to this page after signing in)."""
    if auth.web_session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return auth.web_session


def csrf_form(request: Request, auth: Auth, submitted: str | None) -> WebSession:
    """`signed_in`, and the form's CSRF token checked against the session's."""
    web_session = signed_in(request, auth)
    tenancy.check_csrf(web_session, submitted)
    return web_session


def is_htmx(request: Request) -> bool:
    """True for a request HTMX made (it swaps the answer into the page)."""
    return request.headers.get("hx-request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """`template` with `context`; pages with forms are never cached."""
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code, headers={"cache-control": "no-store"}
    )


def done(request: Request, url: str) -> Response:
    """After a change: go to `url` (303 for a plain form, ``HX-Redirect`` for HTMX)."""
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": url})
    return RedirectResponse(url, status_code=303)


def error_fields(error: KizunaError) -> dict[str, Any]:
    """`error` for a form: its message, hint and where (fields, rows, columns) to show it."""
    body = error.as_dict()["error"]
    fields = {d["field"] for d in body["details"] if d.get("field")}
    return {**body, "fields": fields, "status": error.http_status}


def form_error(
    request: Request,
    template: str,
    fragment: str,
    context: dict[str, Any],
    error: KizunaError,
    *,
    status_code: int | None = None,
) -> Response:
    """The form again with `error` shown next to it: the whole `template`, or for HTMX only
    the `fragment` template (the form), with the error's status or `status_code` (4xx; the
    page's HTMX configuration swaps 403, 413, 422 and 429 answers in, see ``base.html``)."""
    context = {**context, "error": error_fields(error)}
    name = fragment if is_htmx(request) else template
    return render(request, name, context, status_code=status_code or error.http_status)


def gettext(request: Request) -> Any:
    """The ``_`` of the request's language, for messages built in Python."""
    return request_translations(request).gettext


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    url = f"/signin?next={quote(exc.next_url, safe='/')}"
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": url})
    return RedirectResponse(url, status_code=303)


def install_form_handlers(app: FastAPI) -> None:
    """Answer `SignInRequired` with the sign-in page."""
    app.add_exception_handler(SignInRequired, _sign_in_first)
