"""The HTML pages: the cities table, one page per city and its plan page.

Pages speak the request's language (`kizuna.server.i18n`): the templates translate
their texts, and the charts built in English by `kizuna.reports` are translated here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.reports.figures import Figure
from kizuna.reports.i18n import translate_figure
from kizuna.server import store, views
from kizuna.server.deps import SessionDep
from kizuna.server.i18n import request_translations

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _translated(request: Request, charts: dict[str, Figure]) -> dict[str, Figure]:
    """`charts` in the language of `request`."""
    translations = request_translations(request)
    return {name: translate_figure(figure, translations) for name, figure in charts.items()}


@router.get("/")
def index(request: Request, session: SessionDep) -> Response:
    """The cities of this instance with the totals of their latest inventory."""
    rows, unit = views.city_rows(store.list_cities(session))
    return request.app.state.templates.TemplateResponse(
        request, "index.html", {"rows": rows, "unit": unit}
    )


@router.get("/cities/{slug}")
def city(
    request: Request,
    slug: str,
    session: SessionDep,
    year: Annotated[int | None, Query(description="Inventory year; the latest by default")] = None,
) -> Response:
    """A city's inventory for one year: totals, charts, completeness, targets and sources."""
    found = store.get_city(session, slug)
    page = views.city_page(found, store.get_inventory(found, year))
    page.charts = _translated(request, page.charts)
    return request.app.state.templates.TemplateResponse(request, "city.html", {"page": page})


@router.get("/cities/{slug}/plan")
def plan(request: Request, slug: str, session: SessionDep) -> Response:
    """A city's plan: summary, trajectory with abatement wedges, MACC, milestones, measures."""
    found = store.get_city(session, slug)
    page = views.plan_page(found, store.get_plan(found))
    page.view.charts = _translated(request, page.view.charts)
    return request.app.state.templates.TemplateResponse(request, "plan.html", {"page": page})
