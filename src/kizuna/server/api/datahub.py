"""The data hub in the JSON API (``/api/v1``): data sets of cities, and the public open data API.

For the caller (visibility-filtered like every read, `kizuna.server.tenancy.datahub`):

- ``GET /datasets``, ``GET /cities/{slug}/datasets``: the data sets you may read;
- ``POST /cities/{slug}/datasets/preview``: what an uploaded file holds (stores nothing);
- ``POST /cities/{slug}/datasets``: import it (all or nothing);
- ``GET|PATCH|DELETE /cities/{slug}/datasets/{name}``, ``.../rows``, ``.../lineage``,
  ``.../download?format=csv|parquet|json|geojson``.

The public API (``/public``, read-only): what is public, answered the same to everyone
(`kizuna.server.tenancy.datahub_public`), at the addresses of
`kizuna.datahub.publish.PublicUrls`: the public cities, each city's catalogue (JSON, DCAT
JSON-LD, Turtle), its data sets (rows, CSV/Parquet/JSON/NGSI-LD/GeoJSON downloads), its
KPIs and emissions as NGSI-LD, and its Open SDG data.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from kizuna.datahub.publish import Download, PublicUrls, public_index
from kizuna.server import tenancy
from kizuna.server.api.common import PagingDep, cached_read, errors, json_with_etag, read_upload
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import ErrorOut
from kizuna.server.schemas.datahub import (
    DatasetForm,
    DatasetList,
    DatasetOut,
    DatasetPatch,
    LineageOut,
    PreviewOut,
    PublicCatalogueOut,
    PublicIndexOut,
    PublicRowsOut,
    RowsOut,
)
from kizuna.server.tables import City
from kizuna.server.tables.datahub import Dataset, DatasetKind
from kizuna.server.tenancy import datahub as hub_service
from kizuna.server.tenancy import datahub_public as public
from kizuna.server.tenancy.datahub import HubWarehouse, download_formats, hub_for
from kizuna.server.tenancy.datahub_imports import ImportedDataset, commit_import
from kizuna.server.tenancy.datahub_uploads import import_upload, preview_upload

router = APIRouter(tags=["datahub"])

#: The warehouse may be held by another program (``kizuna data`` on the same folder).
BUSY = {503: {"model": ErrorOut, "description": "The warehouse is in use by another program"}}
FILE_TYPES = "CSV, Excel, Parquet, JSON or GeoJSON (docs/datahub.md, Files)."


def hub(request: Request) -> HubWarehouse:
    """The warehouse of this app (`Settings.datahub_dir`, or beside the SQLite file)."""
    settings = request.app.state.settings
    return hub_for(settings.datahub_dir, settings.database_url)


def public_urls(request: Request) -> PublicUrls:
    """The public addresses of this server, as the request reached it."""
    return PublicUrls(str(request.base_url).rstrip("/"))


def download_response(download: Download, *, attachment: bool = True) -> Response:
    """A file answer with its media type and name."""
    disposition = "attachment" if attachment else "inline"
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"content-disposition": f'{disposition}; filename="{download.filename}"'},
    )


def dataset_out(dataset: Dataset) -> DatasetOut:
    return DatasetOut.of(dataset, download_formats(dataset))


def _dataset(session: SessionDep, auth: AuthDep, slug: str, name: str) -> Dataset:
    city = tenancy.get_city(session, auth.principal, slug)
    return hub_service.get_dataset(session, auth.principal, city, name)


async def store_upload(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    city: City,
    file: UploadFile,
    form: DatasetForm,
) -> ImportedDataset:
    """Read the upload (size-limited), import it as `form` says and commit; the session is
    rolled back on any error (the API and the upload page both store uploads this way)."""
    limit = request.app.state.settings.upload_max_bytes
    warehouse = hub(request)
    try:
        filename, data = await read_upload(file, limit)
        done = import_upload(
            session,
            auth.principal,
            city,
            warehouse,
            filename=filename,
            data=data,
            fields=form.fields(),
            mode=form.mode,
            visibility=form.visibility,
            licence=form.licence or None,
            max_bytes=limit,
            encoding=form.encoding,
            sheet=form.sheet,
        )
    except BaseException:
        session.rollback()
        raise
    commit_import(session, warehouse, done)
    return done


# --- the caller's data sets -------------------------------------------------------------------


@router.get("/datasets", response_model=DatasetList, responses=errors(404, 422))
def list_datasets(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    city: Annotated[str | None, Query(max_length=64, description="Slug of a city.")] = None,
    kind: Annotated[DatasetKind | None, Query(description="time_series, map or table.")] = None,
) -> Response:
    """A page of the data sets you may read, by city and title; filter by `city` or `kind`."""

    def build() -> DatasetList:
        found = tenancy.get_city(session, auth.principal, city) if city else None
        items = hub_service.list_datasets(
            session, auth.principal, city=found, kind=kind, limit=page.limit, offset=page.offset
        )
        total = hub_service.count_datasets(session, auth.principal, city=found, kind=kind)
        return DatasetList(datasets=[dataset_out(d) for d in items], **page.info(request, total))

    return cached_read(request, session, auth, build)


@router.post(
    "/cities/{slug}/datasets/preview",
    response_model=PreviewOut,
    responses=errors(403, 404, 413, 422),
)
async def preview_dataset(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File(description=FILE_TYPES)],
    encoding: Annotated[str, Form(max_length=40)] = "utf-8",
    sheet: Annotated[str | None, Form(max_length=100)] = None,
) -> PreviewOut:
    """What the file holds: columns, types, units, blanks, examples, the first rows and every
    problem, with the columns it suggests for the import. Nothing is stored. Editors and up
    of the city's owner."""
    limit = request.app.state.settings.upload_max_bytes
    name, data = await read_upload(file, limit)
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.require_change(session, auth.principal, city, action="add data sets to the city")
    found = preview_upload(name, data, max_bytes=limit, encoding=encoding, sheet=sheet)
    return PreviewOut.model_validate(found)


@router.post(
    "/cities/{slug}/datasets",
    response_model=DatasetOut,
    status_code=201,
    responses={**errors(403, 404, 413, 422), **BUSY},
)
async def import_dataset(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File(description=FILE_TYPES)],
    form: Annotated[DatasetForm, Form()],
) -> DatasetOut:
    """Import the file as data set `name` of the city: checked in full first (every problem
    answered at once, 422, nothing stored), then stored in the warehouse with its lineage
    and registered with its sharing. `mode` create (a new name), append or replace."""
    city = tenancy.get_city(session, auth.principal, slug)
    done = await store_upload(request, session, auth, city, file, form)
    return dataset_out(hub_service.get_dataset(session, auth.principal, city, done.dataset.name))


@router.get("/cities/{slug}/datasets", response_model=DatasetList, responses=errors(404, 422))
def city_datasets(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, page: PagingDep
) -> Response:
    """A page of the city's data sets you may read."""

    def build() -> DatasetList:
        city = tenancy.get_city(session, auth.principal, slug)
        items = hub_service.list_datasets(
            session, auth.principal, city=city, limit=page.limit, offset=page.offset
        )
        total = hub_service.count_datasets(session, auth.principal, city=city)
        return DatasetList(datasets=[dataset_out(d) for d in items], **page.info(request, total))

    return cached_read(request, session, auth, build)


@router.get("/cities/{slug}/datasets/{name}", response_model=DatasetOut, responses=errors(404))
def get_dataset(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """One data set: columns, unit, time range, rows, sources, sharing and addresses."""
    return cached_read(
        request, session, auth, lambda: dataset_out(_dataset(session, auth, slug, name))
    )


@router.patch(
    "/cities/{slug}/datasets/{name}", response_model=DatasetOut, responses=errors(403, 404, 422)
)
def update_dataset(
    slug: str, name: str, body: DatasetPatch, session: SessionDep, auth: AuthDep
) -> DatasetOut:
    """Change the title, description, unit or sources (editors and up of its owner)."""
    dataset = _dataset(session, auth, slug, name)
    hub_service.update_dataset(
        session, auth.principal, dataset, **body.model_dump(exclude_unset=True)
    )
    session.commit()
    return dataset_out(dataset)


@router.delete(
    "/cities/{slug}/datasets/{name}", status_code=204, responses={**errors(403, 404), **BUSY}
)
def delete_dataset(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """Delete the data set and its rows in the warehouse (editors and up of its owner)."""
    dataset = _dataset(session, auth, slug, name)
    warehouse_name = dataset.warehouse_name
    tenancy.delete_object(session, auth.principal, dataset)
    session.commit()
    hub_service.drop_from_warehouse(hub(request), warehouse_name)
    return Response(status_code=204)


@router.get(
    "/cities/{slug}/datasets/{name}/rows",
    response_model=RowsOut,
    responses={**errors(404, 422), **BUSY},
)
def dataset_rows(
    request: Request,
    slug: str,
    name: str,
    session: SessionDep,
    auth: AuthDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000_000, description="Rows to skip.")] = 0,
) -> Response:
    """`limit` rows of the data set from `offset`, times in ISO 8601 UTC."""

    def build() -> dict[str, Any]:
        dataset = _dataset(session, auth, slug, name)
        page = hub_service.dataset_rows(hub(request), dataset, limit=limit, offset=offset)
        following = offset + limit < dataset.rows
        base = f"{request.url.path}?limit={limit}&offset={offset + limit}"
        return {
            "dataset": dataset.name,
            "columns": [{"name": str(c), "dtype": str(page[c].dtype)} for c in page.columns],
            "total": dataset.rows,
            "offset": offset,
            "limit": limit,
            "next": base if following else None,
            "rows": public.records(page),
        }

    return cached_read(request, session, auth, build)


@router.get(
    "/cities/{slug}/datasets/{name}/lineage",
    response_model=LineageOut,
    responses={**errors(404), **BUSY},
)
def dataset_lineage(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """Where the data set came from (source, retrieval time, transformation, rows), newest
    first, and the warehouse objects derived from it."""

    def build() -> dict[str, Any]:
        dataset = _dataset(session, auth, slug, name)
        return {"dataset": dataset.name, **hub_service.dataset_lineage(hub(request), dataset)}

    return cached_read(request, session, auth, build)


DOWNLOADS = {
    "text/csv": {},
    "application/vnd.apache.parquet": {},
    "application/json": {},
    "application/geo+json": {},
}


@router.get(
    "/cities/{slug}/datasets/{name}/download",
    response_class=Response,
    responses={
        **errors(404, 422),
        **BUSY,
        200: {"content": DOWNLOADS, "description": "The data set as a file."},
    },
)
def download_dataset(
    request: Request,
    slug: str,
    name: str,
    session: SessionDep,
    auth: AuthDep,
    format: Annotated[Literal["csv", "parquet", "json", "geojson"], Query()] = "csv",
) -> Response:
    """Download the data set: CSV, Parquet, JSON rows, or a map's GeoJSON FeatureCollection."""
    dataset = _dataset(session, auth, slug, name)
    return download_response(hub_service.download_dataset(hub(request), dataset, format))


# --- the public API ---------------------------------------------------------------------------


@router.get("/public/cities", response_model=PublicIndexOut, tags=["public"])
def public_cities(request: Request, session: SessionDep) -> Response:
    """The public cities of this instance, with the addresses of their catalogues."""
    body = public_index(public.public_cities(session), public_urls(request))
    return json_with_etag(request, body)


@router.get(
    "/public/cities/{slug}/catalogue",
    response_model=PublicCatalogueOut,
    responses=errors(404),
    tags=["public"],
)
def public_catalogue(request: Request, slug: str, session: SessionDep) -> Response:
    """The city's open data catalogue as plain JSON (DCAT: ``catalogue.jsonld``, ``.ttl``)."""
    return json_with_etag(request, public.catalogue_json(session, public_urls(request), slug))


@router.get(
    "/public/cities/{slug}/catalogue.{syntax}",
    response_class=Response,
    responses={
        **errors(404, 422),
        200: {
            "content": {"application/ld+json": {}, "text/turtle": {}},
            "description": "The DCAT catalogue (DCAT-AP 3 shaped) as JSON-LD or Turtle.",
        },
    },
    tags=["public"],
)
def public_dcat(
    request: Request, slug: str, syntax: Literal["jsonld", "ttl"], session: SessionDep
) -> Response:
    """The city's catalogue in DCAT, with the licence of every data set and distribution."""
    download = public.catalogue_file(session, public_urls(request), slug, syntax)
    return download_response(download, attachment=False)


PUBLIC_FILES = {**DOWNLOADS, "application/ld+json": {}}


@router.get(
    "/public/cities/{slug}/datasets/{dataset_id}.{fmt}",
    response_class=Response,
    responses={
        **errors(404, 422),
        **BUSY,
        200: {"content": PUBLIC_FILES, "description": "The public data set as a file."},
    },
    tags=["public"],
)
def public_download(
    request: Request,
    slug: str,
    dataset_id: str,
    fmt: Literal["csv", "parquet", "json", "jsonld", "geojson"],
    session: SessionDep,
) -> Response:
    """A public data set as CSV, Parquet, JSON, NGSI-LD (``jsonld``, where it has one) or
    GeoJSON (a map)."""
    download = public.public_file(
        session, hub(request), public_urls(request), slug, dataset_id, fmt
    )
    return download_response(download)


@router.get(
    "/public/cities/{slug}/datasets/{dataset_id}",
    response_model=PublicRowsOut,
    responses={**errors(404, 422), **BUSY},
    tags=["public"],
)
def public_rows(
    request: Request,
    slug: str,
    dataset_id: str,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000_000, description="Rows to skip.")] = 0,
) -> Response:
    """A public data set's metadata, columns and one page of rows."""
    body = public.public_rows(
        session, hub(request), public_urls(request), slug, dataset_id, limit=limit, offset=offset
    )
    return json_with_etag(request, body)


@router.get(
    "/public/cities/{slug}/ngsi-ld",
    response_class=Response,
    responses={
        **errors(404),
        200: {
            "content": {"application/ld+json": {}},
            "description": "KeyPerformanceIndicator and CarbonFootprint entities (normalized).",
        },
    },
    tags=["public"],
)
def public_ngsi_ld(request: Request, slug: str, session: SessionDep) -> Response:
    """The city's targets as KeyPerformanceIndicator and its emissions as CarbonFootprint
    entities (Smart Data Models, NGSI-LD normalized), validated against their schemas."""
    entities = public.ngsi_ld(session, public_urls(request), slug)
    return download_response(
        Download(public.json_bytes(entities), "application/ld+json", f"{slug}-ngsi-ld.jsonld"),
        attachment=False,
    )


@router.get(
    "/public/cities/{slug}/open-sdg.zip",
    response_class=Response,
    responses={
        **errors(404),
        200: {"content": {"application/zip": {}}, "description": "Open SDG data folder."},
    },
    tags=["public"],
)
def public_open_sdg(slug: str, session: SessionDep) -> Response:
    """The city's Open SDG data: ``data/indicator_13-2-2.csv`` (total GHG emissions per year,
    by GPC sector, tCO2e) and ``indicator-config/13-2-2.yml``."""
    return download_response(public.open_sdg_zip(session, slug))
