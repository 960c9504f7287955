"""The web application factory: ``create_app(settings) -> FastAPI``.

Everything a page needs is served by this app: our templates, CSS and HTMX from
the package, Plotly.js from the installed ``plotly`` Python package and the
interactive API docs (Swagger UI) from the installed ``swagger-ui-bundle-v2``
package. Pages reference no outside host, and a Content-Security-Policy tells
browsers to load nothing from one, so the dashboard works in closed city networks.
Pages speak English or Japanese (`kizuna.server.i18n`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import plotly
from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

import kizuna
from kizuna.errors import NotFound
from kizuna.reports.figures import plotly_js_path
from kizuna.reports.i18n import install_i18n
from kizuna.reports.rendering import template_filters
from kizuna.server import api, i18n, pages
from kizuna.server.answer_replay import AnswerReplay, DataVersion, ReplayStore
from kizuna.server.db import make_engine, migrate, session_factory
from kizuna.server.deps import SESSION_COOKIE
from kizuna.server.errors import install_error_handlers
from kizuna.server.imports import TooLarge
from kizuna.server.labels import label_filters
from kizuna.server.pages.forms import install_form_handlers
from kizuna.server.response_cache import ResponseCache
from kizuna.server.settings import Settings

PLOTLY_URL = "/static/vendor/plotly.min.js"
#: HTMX, committed under ``static/vendor`` (see ``static/vendor/README.md``).
HTMX_URL = "/static/vendor/htmx.min.js"
HTMX_VERSION = "2.0.11"
#: The OpenAPI description and the interactive API docs, under the API's prefix.
OPENAPI_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"
#: Swagger UI's files, served from the installed swagger-ui-bundle-v2 package.
SWAGGER_URL = "/static/vendor/swagger-ui"
SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
CACHE_A_WEEK = {"cache-control": "public, max-age=604800"}
#: Room for the multipart form around an uploaded file, in bytes.
FORM_OVERHEAD = 64 * 1024

#: Browsers load scripts, styles, images and data from this server only. Plotly.js
#: adds <style> elements at run time, hence 'unsafe-inline' for styles (not scripts).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def make_templates() -> Jinja2Templates:
    """The page templates of ``kizuna.server/templates`` (and the shared parts of
    ``kizuna.reports/templates``) with Kizuna's number filters, gettext (the request's
    language, from `kizuna.server.i18n.template_context`) and the asset addresses."""
    loader = ChoiceLoader(
        [PackageLoader("kizuna.server", "templates"), PackageLoader("kizuna.reports", "templates")]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(template_filters())
    env.filters.update(label_filters())
    install_i18n(env)
    env.globals.update(
        kizuna_version=kizuna.__version__,
        plotly_url=f"{PLOTLY_URL}?v={plotly.__version__}",
        htmx_url=f"{HTMX_URL}?v={HTMX_VERSION}",
        swagger_url=SWAGGER_URL,
        openapi_url=OPENAPI_URL,
        docs_url=DOCS_URL,
    )
    return Jinja2Templates(env=env, context_processors=[i18n.template_context, account_context])


def account_context(request: Request) -> dict[str, Any]:
    """Who is signed in, for the header: ``account`` (a name, or None) and the session's
    ``session_csrf`` for the sign-out form. Set by `kizuna.server.deps.get_auth`;
    pages rendered without it (such as some error pages) show the sign-in link."""
    auth = getattr(request.state, "auth", None)
    web_session = getattr(auth, "web_session", None)
    if web_session is None:
        return {"account": None, "session_csrf": None}
    user = web_session.user
    return {"account": user.display_name or user.email, "session_csrf": web_session.csrf_token}


#: What depends on who asks is never stored by shared caches, and always revalidated.
PRIVATE_CACHE = "private, no-cache"


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every HTTP response, and to answers
    that depend on who asks (everything but ``/static``) ``Cache-Control: private,
    no-cache`` (unless the route set its own) and ``Vary: Authorization``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        per_user = not str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                ]
                if per_user:
                    if b"cache-control" not in present:
                        headers.append((b"cache-control", PRIVATE_CACHE.encode()))
                    headers.append((b"vary", b"Authorization"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware refusing request bodies over `limit` bytes (plus room for the form
    around an upload) with 413, before the app reads them: at once when ``Content-Length``
    says so, else as soon as a chunked body passes the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit + FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge(
                        f"The request body is larger than {self.limit / 1e6:g} MB",
                        hint="send a smaller file",
                    )
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        error = TooLarge(
            f"The request body is larger than the upload limit ({self.limit / 1e6:g} MB)",
            hint="send a smaller file, or ask the operator to raise KIZUNA_UPLOAD_MAX_MB",
        )
        response = JSONResponse(error.as_dict(), status_code=413, headers={"connection": "close"})
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    """A Kizuna web app on the database of `settings` (schema migrated to the newest)."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    migrate(engine)  # Alembic upgrade head: the same migrations on SQLite and PostgreSQL
    plotly_js = plotly_js_path()
    version = DataVersion(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        version.close()
        engine.dispose()

    app = FastAPI(
        title="Kizuna",
        version=kizuna.__version__,
        summary="GHG inventories of cities working towards carbon neutrality.",
        # FastAPI's own docs pages load their assets from a CDN: ours are below.
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)
    app.state.templates = make_templates()
    app.state.response_cache = ResponseCache()
    app.state.replay_store = ReplayStore(version)

    @app.get(PLOTLY_URL, include_in_schema=False)
    def plotly_bundle() -> FileResponse:
        """Plotly.js from the installed plotly package (no CDN)."""
        return FileResponse(plotly_js, media_type="text/javascript", headers=CACHE_A_WEEK)

    @app.get(SWAGGER_URL + "/{name}", include_in_schema=False)
    def swagger_asset(name: str) -> FileResponse:
        """Swagger UI's script and stylesheet from the installed package (no CDN)."""
        if name not in SWAGGER_FILES:
            known = ", ".join(SWAGGER_FILES)
            raise NotFound(f"No Swagger UI file {name!r}", hint=f"one of: {known}")
        return FileResponse(
            Path(str(swagger_ui_path)) / name, media_type=SWAGGER_FILES[name], headers=CACHE_A_WEEK
        )

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The interactive API docs (Swagger UI), drawn from this server only."""
        return request.app.state.templates.TemplateResponse(request, "api_docs.html", {})

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_moved() -> RedirectResponse:
        """The OpenAPI description moved under the API's prefix."""
        return RedirectResponse(OPENAPI_URL, status_code=308)

    app.mount("/static", StaticFiles(packages=[("kizuna.server", "static")]), name="static")
    # Routes are matched in order: the health check and the API (one prefix, skipped at
    # once by page requests) come before the many page routes.
    app.include_router(api.health_router)
    app.include_router(api.router)
    app.include_router(pages.router)
    install_error_handlers(app)
    install_form_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(i18n.LanguageMiddleware)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=settings.upload_max_bytes)
    # Outermost: a replayed answer skips all of the above.
    app.add_middleware(AnswerReplay, store=app.state.replay_store, session_cookie=SESSION_COOKIE)
    return app
