"""The pages of cities: the cities table, one page per city and its plan page.

Pages show what the request's principal may read (`kizuna.server.deps.get_auth`);
a hidden city, inventory or plan is the same 404 page as a missing one.

Pages speak the request's language (`kizuna.server.i18n`): the templates translate
their texts, and the charts built in English by `kizuna.reports` are translated here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.reports.figures import Figure
from kizuna.reports.i18n import translate_figure
from kizuna.server import tenancy, views
from kizuna.server.answer_replay import replayable
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.i18n import request_translations
from kizuna.server.tables import Role

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _translated(request: Request, charts: dict[str, Figure]) -> dict[str, Figure]:
    """`charts` in the language of `request`."""
    translations = request_translations(request)
    return {name: translate_figure(figure, translations) for name, figure in charts.items()}


@router.get("/")
def index(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The cities of this instance with the totals of their latest inventory."""
    rows, unit = views.city_rows(tenancy.list_cities(session, auth.principal))
    replayable(request)
    return request.app.state.templates.TemplateResponse(
        request, "index.html", {"rows": rows, "unit": unit}
    )


@router.get("/cities/{slug}")
def city(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    year: Annotated[int | None, Query(description="Inventory year; the latest by default")] = None,
) -> Response:
    """A city's inventory for one year: totals, charts, completeness, targets and sources."""
    found = tenancy.get_city(session, auth.principal, slug)
    inventory = None  # a city without a readable inventory still has its profile page
    if year is not None or found.inventories:
        inventory = tenancy.get_inventory(session, auth.principal, found, year)
    page = views.city_page(found, inventory)
    page.charts = _translated(request, page.charts)
    context = {"page": page, "rights": rights(auth.principal, found.owner_org_id)}
    replayable(request)
    return request.app.state.templates.TemplateResponse(request, "city.html", context)


@router.get("/cities/{slug}/plan")
def plan(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """A city's plan: summary, trajectory with abatement wedges, MACC, milestones, measures."""
    found = tenancy.get_city(session, auth.principal, slug)
    page = views.plan_page(found, tenancy.get_plan(session, auth.principal, found))
    page.view.charts = _translated(request, page.view.charts)
    context = {"page": page, "rights": rights(auth.principal, page.stored.owner_org_id)}
    replayable(request)
    return request.app.state.templates.TemplateResponse(request, "plan.html", context)


def rights(principal: tenancy.Principal, owner_org_id: int) -> dict[str, bool]:
    """What the page offers the asker on an object of `owner_org_id`: ``edit`` (upload,
    optimise) for editors and up, ``sharing`` (see who sees it) for any member."""
    return {
        "edit": principal.has_role(owner_org_id, Role.EDITOR),
        "sharing": principal.has_role(owner_org_id, Role.VIEWER),
    }
