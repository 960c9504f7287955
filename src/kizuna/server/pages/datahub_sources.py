"""The page that fetches a city's data from a source: ``/cities/{slug}/data/fetch``.

An editor names a source (an open data portal, a context broker, a SensorThings service or
an SDMX registry) and what to fetch from it, previews what it answers (columns, types,
units, first rows, problems; nothing stored), then imports it as a data set of the city
(`kizuna.server.api.datahub_sources.store_source`: the operator's host allowlist, the
rights of an upload, all or nothing). Errors of the source (a host not allowed, a timeout,
an unknown id) are shown next to the form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import KizunaError
from kizuna.server.api.datahub_sources import fetch_limits, preview_form, store_source
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.pages.datahub import SUGGESTED, Csrf, editable_city, upload_context
from kizuna.server.pages.forms import csrf_form, done, form_error, is_htmx, render
from kizuna.server.schemas.datahub_sources import SourceForm
from kizuna.server.tables import City

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: The kinds of source the form offers, with what each reads (labels are translated).
KINDS = ("ckan", "ngsi-ld", "sensorthings", "sdmx")
PAGE = "datahub_fetch.html"
FRAGMENT = "_datahub_preview.html"


def _context(request: Request, city: City, **extra: Any) -> dict[str, Any]:
    context = upload_context(city, **extra)
    context["form"] |= {"source": "", "kind": "", "key": "all", "sdmx_format": "json"}
    context["kinds"] = KINDS
    context["allowed_hosts"] = sorted(fetch_limits(request).allowed_hosts)
    return context


def _form_values(form: SourceForm) -> dict[str, Any]:
    return form.model_dump(mode="json")


def _error(request: Request, context: dict[str, Any], exc: KizunaError) -> Response:
    # a source's 404 (an unknown data set or stream) is a mistake in the form, not a
    # missing page: answered 422 so that the form shows it
    status = 422 if exc.http_status in (404, 502) else None
    return form_error(request, PAGE, FRAGMENT, context, exc, status_code=status)


@router.get("/cities/{slug}/data/fetch")
def fetch_form(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The form: the source, what to fetch, the data set's name and columns, who sees it."""
    city = editable_city(request, session, auth, slug)
    return render(request, PAGE, _context(request, city))


@router.post("/cities/{slug}/data/fetch/preview")
def fetch_preview(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    form: Annotated[SourceForm, Form()],
    csrf_token: Csrf = "",
) -> Response:
    """What the source answers, with suggestions for the blank fields; nothing is stored."""
    csrf_form(request, auth, csrf_token)
    city = editable_city(request, session, auth, slug)
    context = _context(request, city, oob=is_htmx(request))
    context["form"] = given = _form_values(form)
    try:
        found = preview_form(request, session, auth.principal, city, form)
    except KizunaError as exc:
        return _error(request, context, exc)
    suggested = found["suggested"]
    given.update({k: suggested[k] for k in SUGGESTED if suggested.get(k) and not given.get(k)})
    if not given.get("title") and found["source"].get("title"):
        given["title"] = found["source"]["title"]
    context.update(preview=found["preview"], suggested=suggested, source=found["source"])
    return render(request, FRAGMENT if is_htmx(request) else PAGE, context)


@router.post("/cities/{slug}/data/fetch")
def fetch_import(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    form: Annotated[SourceForm, Form()],
    csrf_token: Csrf = "",
) -> Response:
    """Fetch and import the source as a data set of the city, or show the problem."""
    csrf_form(request, auth, csrf_token)
    city = editable_city(request, session, auth, slug)
    try:
        imported = store_source(request, session, auth.principal, city, form)
    except KizunaError as exc:
        context = _context(request, city, oob=is_htmx(request))
        context["form"] = _form_values(form)
        return _error(request, context, exc)
    return done(request, imported.dataset.page)
