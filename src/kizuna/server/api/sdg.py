"""``/api/v1/.../sdg`` and ``/api/v1/cities/{slug}/vlr``: SDG data sets, their progress, and
the city's Voluntary Local Review.

- data sets: list (all, or a city's), upload (a zip of an Open SDG data folder, or CSV and
  config files; checked in full, nothing stored on error), read, one indicator, progress
  (Open SDG / Statistics Canada method), download as an Open SDG zip, delete;
- the VLR: read, create or change its settings (city.yaml fields, data set, plan), set
  narratives, download the report as HTML (self-contained) or PDF (built in a few seconds,
  then kept in the answer cache while nothing changes), delete.

Everything goes through the tenancy service with the request's principal: a data set or
VLR the caller may not read answers 404, one it may read but not change 403.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from kizuna.errors import NotFound
from kizuna.server import tenancy
from kizuna.server.api.common import Paging, PagingDep, cached_read, errors, read_upload
from kizuna.server.deps import Auth, AuthDep, SessionDep
from kizuna.server.imports import safe_name
from kizuna.server.schemas.sdg import (
    NarrativesIn,
    ProgressOut,
    SdgDatasetList,
    SdgDatasetOut,
    SdgDatasetSummary,
    SdgIndicatorOut,
    VlrIn,
    VlrOut,
    indicator_summary,
)
from kizuna.server.sdg_files import assess_dataset, dataset_zip, read_dataset_files
from kizuna.server.sdg_vlr import build_report, cached_pdf
from kizuna.server.tables import Visibility
from kizuna.server.tables.sdg import SdgDataset, VlrProject
from kizuna.server.tenancy import sdg as service

router = APIRouter(tags=["sdg"])

Language = Annotated[Literal["en", "ja"], Query(description="The report's language.")]
NAME = r"^[a-z0-9][a-z0-9-]{0,63}$"


def _dataset(session: SessionDep, auth: AuthDep, slug: str, name: str) -> SdgDataset:
    city = tenancy.get_city(session, auth.principal, slug)
    return service.get_dataset(session, auth.principal, city, name)


def _vlr(session: SessionDep, auth: AuthDep, slug: str) -> VlrProject:
    city = tenancy.get_city(session, auth.principal, slug)
    return service.get_vlr(session, auth.principal, city)


def _dataset_list(
    request: Request, session: SessionDep, auth: Auth, page: Paging, slug: str | None
) -> SdgDatasetList:
    city = tenancy.get_city(session, auth.principal, slug) if slug else None
    found = service.list_datasets(session, auth.principal, city)
    shown = found[page.offset : page.offset + page.limit]
    counts = service.indicator_counts(session, shown)
    return SdgDatasetList(
        datasets=[SdgDatasetSummary.of(d, counts.get(d.id, 0)) for d in shown],
        **page.info(request, len(found)),
    )


@router.get("/sdg/datasets", response_model=SdgDatasetList, responses=errors(422))
def list_all_datasets(
    request: Request, session: SessionDep, auth: AuthDep, page: PagingDep
) -> Response:
    """A page of the SDG data sets you may read, by city."""
    return cached_read(
        request, session, auth, lambda: _dataset_list(request, session, auth, page, None)
    )


@router.get(
    "/cities/{slug}/sdg/datasets", response_model=SdgDatasetList, responses=errors(404, 422)
)
def list_datasets(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, page: PagingDep
) -> Response:
    """A page of the city's SDG data sets you may read."""
    return cached_read(
        request, session, auth, lambda: _dataset_list(request, session, auth, page, slug)
    )


def dataset_out(dataset: SdgDataset) -> SdgDatasetOut:
    """The API view of a stored data set and its indicators."""
    items, assessment = assess_dataset(dataset)
    return SdgDatasetOut(
        **SdgDatasetOut.fields_of(dataset),
        indicators=[indicator_summary(dataset, item, assessment) for item in items],
    )


@router.post(
    "/cities/{slug}/sdg/datasets",
    response_model=SdgDatasetOut,
    status_code=201,
    responses=errors(403, 404, 413, 422),
)
async def upload_dataset(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[
        list[UploadFile],
        File(
            description="One zip of an Open SDG data folder, or indicator_<id>.csv files "
            "with their <id>.yml configs."
        ),
    ],
    name: Annotated[str, Form(pattern=NAME)] = "indicators",
    title: Annotated[str, Form(max_length=200)] = "",
    visibility: Annotated[Visibility | None, Form()] = None,
    licence: Annotated[str | None, Form(max_length=64)] = None,
) -> SdgDatasetOut:
    """Store Open SDG indicator data as the city's data set `name` (replacing its
    indicators when it exists). Every problem of the files is answered at once (422, with
    file, row and column in `error.details`) and nothing is stored."""
    limit = request.app.state.settings.upload_max_bytes
    uploads = [await read_upload(f, limit) for f in file]
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.require_change(session, auth.principal, city, action="add SDG data to the city")
    indicators = read_dataset_files(uploads, limit)
    source = ", ".join(safe_name(n, "upload") for n, _ in uploads)
    dataset = service.save_dataset(
        session,
        auth.principal,
        city,
        name=name,
        title=title or "SDG indicators",
        source_file=source,
        indicators=indicators,
        visibility=visibility,
        licence=licence or None,
    )
    session.commit()
    return dataset_out(dataset)


@router.get(
    "/cities/{slug}/sdg/datasets/{name}", response_model=SdgDatasetOut, responses=errors(404)
)
def get_dataset(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """One data set with its indicators (number, name, unit, years)."""
    return cached_read(
        request, session, auth, lambda: dataset_out(_dataset(session, auth, slug, name))
    )


@router.get(
    "/cities/{slug}/sdg/datasets/{name}/progress",
    response_model=ProgressOut,
    responses=errors(404),
)
def get_progress(
    request: Request, slug: str, name: str, session: SessionDep, auth: AuthDep
) -> Response:
    """The progress of every series, indicator, global indicator, target and goal of the
    data set (Open SDG / Statistics Canada method: scores from -5 to 5)."""

    def build() -> dict[str, Any]:
        dataset = _dataset(session, auth, slug, name)
        _items, assessment = assess_dataset(dataset)
        return {"city": dataset.city.slug, "dataset": dataset.name, **assessment.to_dict()}

    return cached_read(request, session, auth, build)


@router.get(
    "/cities/{slug}/sdg/datasets/{name}/indicators/{indicator_id}",
    response_model=SdgIndicatorOut,
    responses=errors(404),
)
def get_indicator(
    request: Request, slug: str, name: str, indicator_id: str, session: SessionDep, auth: AuthDep
) -> Response:
    """One indicator: its summary, Open SDG config and data rows."""

    def build() -> SdgIndicatorOut:
        dataset = _dataset(session, auth, slug, name)
        items, assessment = assess_dataset(dataset)
        item = next((i for i in items if i.id == indicator_id), None)
        if item is None:
            raise NotFound(
                f"{dataset.title} has no indicator {indicator_id!r}",
                hint=f"use one of: {', '.join(i.id for i in items)}",
            )
        frame = item.frame.astype(object).where(item.frame.notna(), None)
        return SdgIndicatorOut(
            **indicator_summary(dataset, item, assessment),
            config=item.config,
            columns=list(frame.columns),
            rows=frame.to_dict("records"),
        )

    return cached_read(request, session, auth, build)


@router.get(
    "/cities/{slug}/sdg/datasets/{name}/download",
    responses={
        **errors(404),
        200: {"content": {"application/zip": {}}, "description": "An Open SDG data folder."},
    },
    response_class=Response,
)
def download_dataset(slug: str, name: str, session: SessionDep, auth: AuthDep) -> Response:
    """The data set as a zip of an Open SDG data folder (data/indicator_<id>.csv and
    indicator-config/<id>.yml, as uploaded), ready for an Open SDG site."""
    dataset = _dataset(session, auth, slug, name)
    filename = f"{dataset.city.slug}-{dataset.name}-opensdg.zip"
    return Response(
        dataset_zip(dataset),
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.delete("/cities/{slug}/sdg/datasets/{name}", status_code=204, responses=errors(403, 404))
def delete_dataset(slug: str, name: str, session: SessionDep, auth: AuthDep) -> Response:
    """Delete a data set (editors and up of its owner); a VLR that reviews it keeps its
    narratives and reviews no data set until one is chosen."""
    tenancy.delete_object(session, auth.principal, _dataset(session, auth, slug, name))
    session.commit()
    return Response(status_code=204)


# --- the VLR ---------------------------------------------------------------------------------


@router.get("/cities/{slug}/vlr", response_model=VlrOut, responses=errors(404))
def get_vlr(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The city's VLR project: city.yaml fields, narratives, data set and plan choice."""
    return cached_read(request, session, auth, lambda: VlrOut.of(_vlr(session, auth, slug)))


@router.put("/cities/{slug}/vlr", response_model=VlrOut, responses=errors(403, 404, 422))
def put_vlr(slug: str, body: VlrIn, session: SessionDep, auth: AuthDep) -> VlrOut:
    """Create the city's VLR or change its settings (its narratives are kept). The fields
    are checked as city.yaml is (422 naming each field); nothing is stored on error."""
    city = tenancy.get_city(session, auth.principal, slug)
    dataset = (
        service.get_dataset(session, auth.principal, city, body.dataset) if body.dataset else None
    )
    project = service.save_vlr(
        session,
        auth.principal,
        city,
        config=body.config,
        dataset=dataset,
        use_plan=body.use_plan,
        visibility=body.visibility,
        licence=body.licence or None,
    )
    session.commit()
    return VlrOut.of(project)


@router.patch(
    "/cities/{slug}/vlr/narratives", response_model=VlrOut, responses=errors(403, 404, 422)
)
def patch_narratives(slug: str, body: NarrativesIn, session: SessionDep, auth: AuthDep) -> VlrOut:
    """Set narrative sections (Markdown) by language and section; an empty text removes
    one, sections not named are kept."""
    project = _vlr(session, auth, slug)
    service.update_narratives(session, auth.principal, project, dict(body.narratives))
    session.commit()
    return VlrOut.of(project)


def report_response(
    request: Request, session: SessionDep, auth: Auth, project: VlrProject, lang: str, pdf: bool
) -> Response:
    """The VLR as an attachment (a PDF from the app's answer cache when built already)."""
    kind = "pdf" if pdf else "html"
    if pdf:
        cache = request.app.state.response_cache
        content = cached_pdf(cache, session, auth.principal, project, lang)
    else:
        content = build_report(session, auth.principal, project, lang, pdf=False).content
    filename = f"{project.city.slug}-vlr-{lang}.{kind}"
    return Response(
        content,
        media_type="application/pdf" if pdf else "text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/cities/{slug}/vlr/report.html",
    responses={
        **errors(404, 422),
        200: {"content": {"text/html": {}}, "description": "The VLR as one offline HTML file."},
    },
    response_class=Response,
)
def vlr_html(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, language: Language = "en"
) -> Response:
    """The VLR as one self-contained HTML file (Plotly.js and charts inside; opens offline).
    The climate plan is shown when you may read the city's plan."""
    return report_response(request, session, auth, _vlr(session, auth, slug), language, False)


@router.get(
    "/cities/{slug}/vlr/report.pdf",
    responses={
        **errors(404, 422),
        200: {"content": {"application/pdf": {}}, "description": "The VLR as a PDF (A4)."},
    },
    response_class=Response,
)
def vlr_pdf(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, language: Language = "en"
) -> Response:
    """The VLR as a PDF (WeasyPrint; a few seconds the first time)."""
    return report_response(request, session, auth, _vlr(session, auth, slug), language, True)


@router.delete("/cities/{slug}/vlr", status_code=204, responses=errors(403, 404))
def delete_vlr(slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """Delete the city's VLR project (editors and up of its owner)."""
    tenancy.delete_object(session, auth.principal, _vlr(session, auth, slug))
    session.commit()
    return Response(status_code=204)
