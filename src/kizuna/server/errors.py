"""The one place where errors become HTTP responses.

Every `KizunaError` (and the framework's own 404s and validation errors,
translated into `NotFound` and `InputError`) is answered with the error's
``http_status`` and the shared JSON shape
``{"error": {"code", "message", "hint", "details"}}``. A browser asking for a
page (``Accept: text/html``, outside ``/api``) gets the same content as an
HTML page instead.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kizuna.errors import Forbidden, InputError, KizunaError, Location, NotFound
from kizuna.server.tenancy.errors import Unauthenticated

log = logging.getLogger(__name__)


class HTTPError(KizunaError):
    """A framework HTTP error other than 404 (such as 405), in the shared shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.code = f"http_{status}"
        self.http_status = status


def wants_html(request: Request) -> bool:
    """True for a browser asking for a page rather than a client of the JSON API."""
    if request.url.path.startswith(("/api/", "/healthz", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, error: KizunaError) -> Response:
    """`error` as JSON, or as the HTML error page for a browser.

    A 401 names the scheme it wants (``WWW-Authenticate: Bearer``, RFC 6750).
    """
    headers = {"www-authenticate": 'Bearer realm="kizuna"'} if error.http_status == 401 else None
    if wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"error": error.as_dict()["error"], "status": error.http_status},
            status_code=error.http_status,
            headers=headers,
        )
    return JSONResponse(error.as_dict(), status_code=error.http_status, headers=headers)


async def _kizuna_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KizunaError)
    auth = getattr(request.state, "auth", None)
    if isinstance(exc, Forbidden) and auth is not None and not auth.principal.is_authenticated:
        # what an anonymous visitor may not do, a signed-in member might: say so (401)
        exc = Unauthenticated(
            f"Sign in first: {exc.message[0].lower()}{exc.message[1:]}",
            hint="sign in at /signin, or send 'Authorization: Bearer <token>'",
        )
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    error: KizunaError
    if exc.status_code == 404:
        error = NotFound(f"No page at {request.url.path}", hint="check the address; start at /")
    else:
        error = HTTPError(exc.status_code, str(exc.detail))
    response = error_response(request, error)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    where = [Location(field=".".join(str(p) for p in pr.get("loc", ()))) for pr in problems]
    first = problems[0].get("msg", "invalid value") if problems else "invalid value"
    error = InputError("Invalid request parameters", where=where, hint=first)
    return error_response(request, error)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("Unhandled error on %s", request.url.path, exc_info=exc)
    return error_response(request, KizunaError("Internal server error", hint="see the server log"))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that answer every error in the shared shape."""
    app.add_exception_handler(KizunaError, _kizuna_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
