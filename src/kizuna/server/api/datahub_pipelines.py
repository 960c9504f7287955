"""A city's pipelines in the JSON API (``/api/v1``): raw series aggregated into activity data
and indicator series (`kizuna.server.tenancy.datahub_pipelines`).

- ``GET|POST /cities/{slug}/pipelines``: the pipelines you may read; store a new one;
- ``GET|PUT|DELETE /cities/{slug}/pipelines/{name}``: one; replace its file; delete it with
  its output data sets;
- ``POST /cities/{slug}/pipelines/{name}/run``: run it (months whose input changed are
  recomputed) and update its output data sets.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from kizuna.server import tenancy
from kizuna.server.api.common import cached_read, errors
from kizuna.server.api.datahub import BUSY, hub
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas.datahub_pipelines import (
    PipelineChange,
    PipelineIn,
    PipelineList,
    PipelineOut,
    RunOut,
)
from kizuna.server.tables.datahub import HubPipeline
from kizuna.server.tenancy import datahub_pipelines as pipelines
from kizuna.server.tenancy.principals import Principal

router = APIRouter(tags=["datahub"])


def pipeline_out(session: SessionDep, principal: Principal, pipeline: HubPipeline) -> PipelineOut:
    """The API shape of `pipeline`, with the output data sets `principal` may read."""
    return PipelineOut.of(pipeline, pipelines.output_datasets(session, principal, pipeline))


def remove_pipeline(
    request: Request, session: SessionDep, principal: Principal, pipeline: HubPipeline
) -> None:
    """Delete `pipeline` and its outputs, commit, then drop their rows from the warehouse
    (the API and the page delete this way)."""
    names = pipelines.delete_pipeline(session, principal, pipeline)
    session.commit()
    pipelines.forget_in_warehouse(hub(request), names)


def _pipeline(session: SessionDep, auth: AuthDep, slug: str, name: str) -> HubPipeline:
    city = tenancy.get_city(session, auth.principal, slug)
    return pipelines.get_pipeline(session, auth.principal, city, name)


@router.get("/cities/{slug}/pipelines", response_model=PipelineList, responses=errors(404))
def list_pipelines(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The city's pipelines you may read, by name."""

    def build() -> PipelineList:
        city = tenancy.get_city(session, auth.principal, slug)
        found = pipelines.list_pipelines(session, auth.principal, city)
        return PipelineList(pipelines=[pipeline_out(session, auth.principal, p) for p in found])

    return cached_read(request, session, auth, build)


@router.post(
    "/cities/{slug}/pipelines",
    response_model=PipelineOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def create_pipeline(slug: str, body: PipelineIn, session: SessionDep, auth: AuthDep) -> PipelineOut:
    """Store a pipeline file for the city (editors and up of its owner); it runs on DuckDB
    and writes its outputs as data sets of the city. Checked in full: 422 names every bad
    field."""
    city = tenancy.get_city(session, auth.principal, slug)
    pipeline = pipelines.create_pipeline(
        session,
        auth.principal,
        city,
        body.definition,
        visibility=body.visibility,
        licence=body.licence or None,
    )
    session.commit()
    return pipeline_out(session, auth.principal, pipeline)


@router.get("/cities/{slug}/pipelines/{name}", response_model=PipelineOut, responses=errors(404))
def get_pipeline(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """One pipeline: its file, its outputs' data sets and its last run."""
    return cached_read(
        request,
        session,
        auth,
        lambda: pipeline_out(session, auth.principal, _pipeline(session, auth, slug, name)),
    )


@router.put(
    "/cities/{slug}/pipelines/{name}",
    response_model=PipelineOut,
    responses=errors(403, 404, 422),
)
def update_pipeline(
    slug: str, name: str, body: PipelineChange, session: SessionDep, auth: AuthDep
) -> PipelineOut:
    """Replace the pipeline's file (its editors); the name must stay."""
    pipeline = _pipeline(session, auth, slug, name)
    pipelines.update_pipeline(session, auth.principal, pipeline, body.definition)
    session.commit()
    return pipeline_out(session, auth.principal, pipeline)


@router.delete(
    "/cities/{slug}/pipelines/{name}",
    status_code=204,
    responses={**errors(403, 404), **BUSY},
)
def delete_pipeline(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """Delete the pipeline and its output data sets (its editors)."""
    remove_pipeline(request, session, auth.principal, _pipeline(session, auth, slug, name))
    return Response(status_code=204)


@router.post(
    "/cities/{slug}/pipelines/{name}/run",
    response_model=RunOut,
    responses={**errors(403, 404, 422), **BUSY},
)
def run_pipeline(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> RunOut:
    """Run the pipeline (its editors): the months whose input changed since the last run are
    recomputed, then each output; `changed` lists the keys whose rows changed."""
    pipeline = _pipeline(session, auth, slug, name)
    try:
        summary = pipelines.run_city_pipeline(session, auth.principal, pipeline, hub(request))
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return RunOut.model_validate(summary)
