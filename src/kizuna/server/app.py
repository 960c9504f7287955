"""The web application factory: ``create_app(settings) -> FastAPI``.

Everything a page needs is served by this app: our templates and CSS from the
package, and Plotly.js from the installed ``plotly`` Python package. Pages
reference no outside host, and a Content-Security-Policy tells browsers to
load nothing from one, so the dashboard works in closed city networks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import plotly
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import kizuna
from kizuna.reports.figures import plotly_js_path
from kizuna.reports.rendering import template_filters
from kizuna.server import api, pages
from kizuna.server.db import create_all, make_engine, session_factory
from kizuna.server.errors import install_error_handlers
from kizuna.server.settings import Settings

PLOTLY_URL = "/static/vendor/plotly.min.js"

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
    ``kizuna.reports/templates``) with Kizuna's number filters."""
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
    env.globals.update(
        kizuna_version=kizuna.__version__,
        plotly_url=f"{PLOTLY_URL}?v={plotly.__version__}",
    )
    return Jinja2Templates(env=env)


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A Kizuna web app on the database of `settings` (tables are created if missing)."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    create_all(engine)
    plotly_js = plotly_js_path()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Kizuna",
        version=kizuna.__version__,
        summary="GHG inventories of cities working towards carbon neutrality.",
        # The interactive docs load their assets from a CDN; /openapi.json stays.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)
    app.state.templates = make_templates()

    @app.get(PLOTLY_URL, include_in_schema=False)
    def plotly_bundle() -> FileResponse:
        """Plotly.js from the installed plotly package (no CDN)."""
        return FileResponse(
            plotly_js,
            media_type="text/javascript",
            headers={"cache-control": "public, max-age=604800"},
        )

    app.mount("/static", StaticFiles(packages=[("kizuna.server", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(api.health_router)
    install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeaders)
    return app
