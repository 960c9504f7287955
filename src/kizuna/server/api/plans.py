"""``/api/v1/cities/{slug}/plan``: upload a plan, optimise it, read its roadmap and MACC."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from kizuna.server import imports, tenancy
from kizuna.server.api.common import cached_read, errors, read_upload
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import MaccOut, PlanOut
from kizuna.server.tables import City, CityPlan, Visibility

router = APIRouter(tags=["plans"])


def _plan(session: SessionDep, auth: AuthDep, slug: str) -> tuple[City, CityPlan]:
    city = tenancy.get_city(session, auth.principal, slug)
    return city, tenancy.get_plan(session, auth.principal, city)


@router.get("/cities/{slug}/plan", response_model=PlanOut, responses=errors(404))
def get_plan(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The city's plan with its least-cost roadmap (tCO2e, plan currency) and MACC."""
    return cached_read(
        request, session, auth, lambda: PlanOut.from_plan(*_plan(session, auth, slug))
    )


@router.put("/cities/{slug}/plan", response_model=PlanOut, responses=errors(403, 404, 413, 422))
async def upload_plan(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File(description="A plan file, YAML or JSON (docs/formats.md).")],
    visibility: Annotated[Visibility | None, Form()] = None,
    licence: Annotated[str | None, Form(max_length=64)] = None,
) -> PlanOut:
    """Validate a plan file, optimise it (HiGHS) and store it as the city's plan.

    A `baseline.inventory` in the file reads the city's stored inventory of the base
    year. Problems answer 422 with the field paths in `error.details`; nothing is stored.
    """
    name, data = await read_upload(file, request.app.state.settings.upload_max_bytes)
    city = tenancy.get_city(session, auth.principal, slug)
    stored = imports.import_plan(
        session,
        auth.principal,
        city,
        filename=name,
        data=data,
        visibility=visibility,
        licence=licence or None,
    )
    session.commit()
    return PlanOut.from_plan(city, stored)


@router.post(
    "/cities/{slug}/plan/optimise", response_model=PlanOut, responses=errors(403, 404, 422)
)
def optimise_plan(slug: str, session: SessionDep, auth: AuthDep) -> PlanOut:
    """Optimise the stored plan again (after its base-year inventory changed, say)."""
    city = tenancy.get_city(session, auth.principal, slug)
    stored = imports.reoptimise_plan(session, auth.principal, city)
    session.commit()
    return PlanOut.from_plan(city, stored)


@router.get("/cities/{slug}/plan/result", responses=errors(404))
def get_plan_result(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The optimised roadmap alone (`PlanResult.to_dict()`: tCO2e, plan currency)."""

    def build() -> dict[str, Any]:
        _city, stored = _plan(session, auth, slug)
        return stored.result

    return cached_read(request, session, auth, build)


@router.get("/cities/{slug}/plan/macc", response_model=MaccOut, responses=errors(404))
def get_plan_macc(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The plan's MACC: levelised cost of abatement per measure (currency/tCO2e), sorted."""

    def build() -> MaccOut:
        city, stored = _plan(session, auth, slug)
        return MaccOut(city=city.slug, currency=stored.currency, measures=stored.macc)

    return cached_read(request, session, auth, build)


@router.delete("/cities/{slug}/plan", status_code=204, responses=errors(403, 404))
def delete_plan(slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """Delete the city's plan (editors and up of its owner)."""
    _city, stored = _plan(session, auth, slug)
    tenancy.delete_object(session, auth.principal, stored)
    session.commit()
    return Response(status_code=204)
