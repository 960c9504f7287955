"""``/api/v1/cities``: city profiles, listed, read, created, changed and deleted."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from kizuna.server import tenancy
from kizuna.server.api.common import PagingDep, cached_read, errors
from kizuna.server.api.datahub import hub
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import CityFields, CityIn, CityList, CityOut
from kizuna.server.tenancy.datahub import WarehouseBusy, forget_city

router = APIRouter(tags=["cities"])
log = logging.getLogger(__name__)


@router.get("/cities", response_model=CityList, responses=errors(422))
def list_cities(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    country: Annotated[str | None, Query(max_length=100, description="Exact country.")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name.")] = None,
) -> Response:
    """A page of the cities you may read, by name, each with a summary of the inventories
    you may read (tCO2e). Filter by `country` or by a part of the name (`q`)."""

    def build() -> CityList:
        cities = tenancy.list_cities(
            session, auth.principal, country=country, q=q, limit=page.limit, offset=page.offset
        )
        total = tenancy.count_cities(session, auth.principal, country=country, q=q)
        return CityList(cities=[CityOut.from_city(c) for c in cities], **page.info(request, total))

    return cached_read(request, session, auth, build)


@router.post("/cities", response_model=CityOut, status_code=201, responses=errors(403, 404, 422))
def create_city(body: CityIn, session: SessionDep, auth: AuthDep) -> CityOut:
    """Add a city owned by organisation `owner` (you are its editor or more; a city that is
    not private needs an admin and, when public, an open licence)."""
    owner = tenancy.get_organisation(session, body.owner)
    profile = body.model_dump(exclude={"slug", "owner", "visibility", "licence"})
    city = tenancy.create_city(
        session,
        auth.principal,
        owner_org_id=owner.id,
        slug=body.slug,
        visibility=body.visibility,
        licence=body.licence,
        **profile,
    )
    session.commit()
    return CityOut.from_city(tenancy.get_city(session, auth.principal, city.slug))


@router.get("/cities/{slug}", response_model=CityOut, responses=errors(404))
def get_city(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One city profile."""
    return cached_read(
        request,
        session,
        auth,
        lambda: CityOut.from_city(tenancy.get_city(session, auth.principal, slug)),
    )


@router.patch("/cities/{slug}", response_model=CityOut, responses=errors(403, 404, 422))
def update_city(slug: str, body: CityFields, session: SessionDep, auth: AuthDep) -> CityOut:
    """Change profile fields of a city (editors and up of its owner); sharing is separate."""
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.update_city(session, auth.principal, city, **body.model_dump(exclude_unset=True))
    session.commit()
    return CityOut.from_city(tenancy.get_city(session, auth.principal, slug))


@router.delete("/cities/{slug}", status_code=204, responses=errors(403, 404))
def delete_city(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """Delete a city with its inventories, plan, data sets and pipelines (editors and up of
    its owner); their rows then leave the data hub's warehouse."""
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.delete_object(session, auth.principal, city)
    session.commit()
    try:
        forget_city(hub(request), slug)
    except WarehouseBusy:  # the city is gone; its rows stay unreadable until a new upload
        log.warning("warehouse busy: the rows of the deleted city %s stay in it", slug)
    return Response(status_code=204)
