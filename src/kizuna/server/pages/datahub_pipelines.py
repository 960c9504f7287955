"""The pages of a city's pipelines (`kizuna.server.tenancy.datahub_pipelines`).

- ``/cities/{slug}/data/pipelines``: the city's pipelines you may read, with their last
  run; editors store a new one (a pipeline file, started from an example built on the
  city's first time series);
- ``/cities/{slug}/data/pipelines/{name}``: the file, the last run (months recomputed and
  kept, each output's rows and changed keys, links to the output data sets and their
  downloads), and for editors: run, change the file, delete.

The forms are plain POSTs (no script needed) answered with a redirect, or with the page
again and the problem next to the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.datahub.charts import time_series_figure
from kizuna.errors import KizunaError
from kizuna.reports.i18n import translate_figure
from kizuna.server import tenancy
from kizuna.server.api.datahub import hub
from kizuna.server.api.datahub_pipelines import remove_pipeline
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.i18n import request_translations
from kizuna.server.pages.cities import rights
from kizuna.server.pages.datahub import Csrf, editable_city
from kizuna.server.pages.forms import csrf_form, done, form_error, render
from kizuna.server.tables import City, Visibility
from kizuna.server.tables.datahub import DatasetKind, HubPipeline
from kizuna.server.tenancy import OPEN_LICENCES
from kizuna.server.tenancy import datahub as hub_service
from kizuna.server.tenancy import datahub_pipelines as pipelines

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Definition = Annotated[str, Form(max_length=pipelines.MAX_DEFINITION)]
LIST, ONE = "datahub_pipelines.html", "datahub_pipeline.html"


def example_definition(session: SessionDep, auth: AuthDep, city: City) -> str:
    """A pipeline file to start from: the city's largest time series you may read, summed
    by month and its first dimension, mapped to residential and commercial electricity."""
    series = hub_service.list_datasets(
        session, auth.principal, city=city, kind=DatasetKind.TIME_SERIES, limit=100
    )
    source = max(series, key=lambda d: d.rows, default=None)
    name = source.name if source else "meters"
    group = (source.dimensions or ["building_type"])[0] if source else "building_type"
    return (
        f"name: {name}-activity\n"
        f"description: {source.title if source else 'Smart meters'} to activity data\n"
        f"input: {{dataset: {name}}}\n"
        f"aggregate: {{by: [{group}], unit: kWh}}\n"
        "outputs:\n"
        "  - kind: activity\n"
        "    name: buildings\n"
        f"    city: {city.name}\n"
        f"    column: {group}\n"
        "    map: {residential: I.1.2, commercial: I.2.2}\n"
        "    unit: MWh\n"
        "    emission_factor: {value: 0.441, unit: t/MWh, gas: CO2,\n"
        "      source: example - replace with the published factor of your utility}\n"
        "  - kind: indicator\n"
        "    name: per-person\n"
        "    indicator: 7.1.x\n"
        "    unit: kWh\n"
        f"    divide_by: {{value: {city.population or 100000}, name: person}}\n"
    )


def _list_context(
    request: Request, session: SessionDep, auth: AuthDep, city: City, **extra: Any
) -> dict[str, Any]:
    found = pipelines.list_pipelines(session, auth.principal, city)
    can_add = rights(auth.principal, city.owner_org_id)["edit"]
    return {
        "city": city,
        "pipelines": found,
        "can_add": can_add,
        "definition": example_definition(session, auth, city) if can_add else "",
        "form": {"visibility": "private", "licence": ""},
        "visibilities": [v.value for v in Visibility],
        "licences": OPEN_LICENCES,
        "error": None,
        **extra,
    }


@router.get("/cities/{slug}/data/pipelines")
def pipelines_page(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The city's pipelines, and for editors the form of a new one."""
    city = tenancy.get_city(session, auth.principal, slug)
    return render(request, LIST, _list_context(request, session, auth, city))


@router.post("/cities/{slug}/data/pipelines")
def create_pipeline(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    definition: Definition,
    visibility: Annotated[Visibility, Form()] = Visibility.PRIVATE,
    licence: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Store the pipeline file, then show its page (where it is run)."""
    csrf_form(request, auth, csrf_token)
    city = editable_city(request, session, auth, slug)
    try:
        made = pipelines.create_pipeline(
            session,
            auth.principal,
            city,
            definition,
            visibility=visibility,
            licence=licence or None,
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _list_context(request, session, auth, city, definition=definition)
        context["form"] = {"visibility": visibility.value, "licence": licence}
        return form_error(request, LIST, LIST, context, exc)
    return done(request, made.page)


def _pipeline(session: SessionDep, auth: AuthDep, slug: str, name: str) -> HubPipeline:
    city = tenancy.get_city(session, auth.principal, slug)
    return pipelines.get_pipeline(session, auth.principal, city, name)


def _one_context(
    request: Request, session: SessionDep, auth: AuthDep, pipeline: HubPipeline, **extra: Any
) -> dict[str, Any]:
    outputs = pipelines.output_datasets(session, auth.principal, pipeline)
    monthly = pipelines.monthly_table(hub(request), pipeline)
    chart = None
    if monthly is not None and not monthly.empty:
        by = pipeline.spec["aggregate"]["by"]
        unit = pipeline.spec["aggregate"].get("unit") or ""
        figure = time_series_figure(
            monthly, time="month", value="value", unit=unit, group=by[0] if by else None
        )
        chart = translate_figure(figure, request_translations(request))
    return {
        "chart": chart,
        "city": pipeline.city,
        "pipeline": pipeline,
        "outputs": outputs,
        "run": pipeline.last_run,
        "definition": pipeline.definition,
        "error": None,
        **rights(auth.principal, pipeline.owner_org_id),
        **extra,
    }


@router.get("/cities/{slug}/data/pipelines/{name}")
def pipeline_page(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """A pipeline: its file and last run, and for editors run, change and delete."""
    pipeline = _pipeline(session, auth, slug, name)
    return render(request, ONE, _one_context(request, session, auth, pipeline))


def _change(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    pipeline: HubPipeline,
    change: Callable[[], object],
    then: str,
    **shown: Any,
) -> Response:
    """Make `change` and commit, then go to `then`; on an error, the pipeline's page again
    with the error (and `shown`, such as the file as submitted) and nothing changed."""
    try:
        change()
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _one_context(request, session, auth, pipeline, **shown)
        return form_error(request, ONE, ONE, context, exc)
    return done(request, then)


@router.post("/cities/{slug}/data/pipelines/{name}/run")
def run_pipeline(
    request: Request,
    slug: str,
    name: str,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
) -> Response:
    """Run the pipeline; the page shows what the run did, or why it could not run."""
    csrf_form(request, auth, csrf_token)
    pipeline = _pipeline(session, auth, slug, name)
    warehouse = hub(request)
    return _change(
        request,
        session,
        auth,
        pipeline,
        lambda: pipelines.run_city_pipeline(session, auth.principal, pipeline, warehouse),
        pipeline.page + "#last-run",
    )


@router.post("/cities/{slug}/data/pipelines/{name}")
def update_pipeline(
    request: Request,
    slug: str,
    name: str,
    session: SessionDep,
    auth: AuthDep,
    definition: Definition,
    csrf_token: Csrf = "",
) -> Response:
    """Replace the pipeline's file (the name stays)."""
    csrf_form(request, auth, csrf_token)
    pipeline = _pipeline(session, auth, slug, name)
    return _change(
        request,
        session,
        auth,
        pipeline,
        lambda: pipelines.update_pipeline(session, auth.principal, pipeline, definition),
        pipeline.page,
        definition=definition,
    )


@router.post("/cities/{slug}/data/pipelines/{name}/delete")
def delete_pipeline(
    request: Request,
    slug: str,
    name: str,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
) -> Response:
    """Delete the pipeline and its output data sets, then go back to the list."""
    csrf_form(request, auth, csrf_token)
    pipeline = _pipeline(session, auth, slug, name)
    back = f"/cities/{pipeline.city.slug}/data/pipelines"
    remove_pipeline(request, session, auth.principal, pipeline)
    return done(request, back)
