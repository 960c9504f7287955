"""Connector imports in the JSON API (``/api/v1``): a city's data fetched from an open data
portal, a context broker, a SensorThings service or an SDMX registry.

- ``POST /cities/{slug}/datasets/fetch/preview``: what the source answers (stores nothing);
- ``POST /cities/{slug}/datasets/fetch``: import it as a data set of the city.

Both take a JSON `SourceForm`. Only the hosts of ``KIZUNA_DATAHUB_ALLOWED_HOSTS`` are
reached (403 ``host_not_allowed`` otherwise); a source that times out or fails answers 502
``source_unavailable``; a table with problems 422 with every problem; nothing is stored
then (`kizuna.server.tenancy.datahub_fetch`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kizuna.server import tenancy
from kizuna.server.api.common import errors
from kizuna.server.api.datahub import BUSY, dataset_out, hub
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas.datahub import DatasetOut
from kizuna.server.schemas.datahub_sources import SourceForm, SourcePreviewOut
from kizuna.server.tables import City
from kizuna.server.tenancy import datahub as hub_service
from kizuna.server.tenancy.datahub_fetch import Fetching, import_source, preview_source
from kizuna.server.tenancy.datahub_imports import ImportedDataset, commit_import
from kizuna.server.tenancy.principals import Principal

router = APIRouter(tags=["datahub"])


def fetch_limits(request: Request) -> Fetching:
    """The allowed hosts, timeout and size limit of this server's fetches (`Settings`)."""
    settings = request.app.state.settings
    return Fetching(
        settings.datahub_hosts, settings.datahub_fetch_timeout, settings.upload_max_bytes
    )


def store_source(
    request: Request, session: SessionDep, principal: Principal, city: City, form: SourceForm
) -> ImportedDataset:
    """Fetch `form`'s source into `city` and commit; the session is rolled back on any
    error (the API and the fetch page both import this way)."""
    warehouse = hub(request)
    try:
        done = import_source(
            session,
            principal,
            city,
            warehouse,
            form.request(),
            fetch_limits(request),
            fields=form.fields(),
            mode=form.mode,
            visibility=form.visibility,
            licence=form.licence or None,
            encoding=form.encoding,
            sheet=form.sheet or None,
        )
    except BaseException:
        session.rollback()
        raise
    commit_import(session, warehouse, done)
    return done


def preview_form(
    request: Request, session: SessionDep, principal: Principal, city: City, form: SourceForm
) -> dict[str, Any]:
    """What `form`'s source answers (`preview_source`; the API and the fetch page)."""
    return preview_source(
        session,
        principal,
        city,
        form.request(),
        fetch_limits(request),
        encoding=form.encoding,
        sheet=form.sheet or None,
    )


@router.post(
    "/cities/{slug}/datasets/fetch/preview",
    response_model=SourcePreviewOut,
    responses=errors(403, 404, 422, 502),
)
def preview_from_source(
    request: Request, slug: str, form: SourceForm, session: SessionDep, auth: AuthDep
) -> SourcePreviewOut:
    """What the source answers: columns, types, units, the first rows and every problem,
    with the columns it suggests. Nothing is stored. Editors and up of the city's owner."""
    city = tenancy.get_city(session, auth.principal, slug)
    return SourcePreviewOut.model_validate(
        preview_form(request, session, auth.principal, city, form)
    )


@router.post(
    "/cities/{slug}/datasets/fetch",
    response_model=DatasetOut,
    status_code=201,
    responses={**errors(403, 404, 422, 502), **BUSY},
)
def import_from_source(
    request: Request, slug: str, form: SourceForm, session: SessionDep, auth: AuthDep
) -> DatasetOut:
    """Fetch the source and import it as data set `name` of the city (a blank name: one from
    the query), with the source URL, retrieval time and query as its lineage. `mode`
    create, append (a later period) or replace. Checked in full first; nothing stored on
    any error."""
    city = tenancy.get_city(session, auth.principal, slug)
    done = store_source(request, session, auth.principal, city, form)
    return dataset_out(hub_service.get_dataset(session, auth.principal, city, done.dataset.name))
