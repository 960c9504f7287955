"""The JSON API, version 1 (``/api/v1``) and the health check.

Every read goes through the tenancy service with the request's principal
(`kizuna.server.deps.get_auth`: session cookie, else ``Authorization: Bearer``
token, else anonymous), so an object the caller may not read answers 404 exactly
like a missing one.
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

import kizuna
from kizuna.server import tenancy
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import CityList, CityOut, ErrorOut, Health, InventoryList, PlanOut

router = APIRouter(prefix="/api/v1", tags=["cities"])
health_router = APIRouter(tags=["service"])

_UNAUTHENTICATED = {401: {"model": ErrorOut, "description": "Invalid, expired or revoked token"}}
_LIST_ERRORS: dict[int | str, dict[str, object]] = {**_UNAUTHENTICATED}
_ERRORS: dict[int | str, dict[str, object]] = {
    **_UNAUTHENTICATED,
    404: {"model": ErrorOut, "description": "Unknown city, or one you may not read"},
}
_PLAN_ERRORS: dict[int | str, dict[str, object]] = {
    **_UNAUTHENTICATED,
    404: {
        "model": ErrorOut,
        "description": "Unknown city, or a city without a plan you may read",
    },
}


@router.get("/cities", response_model=CityList, responses=_LIST_ERRORS)
def list_cities(session: SessionDep, auth: AuthDep) -> CityList:
    """The cities you may read, each with a summary of the inventories you may read."""
    cities = tenancy.list_cities(session, auth.principal)
    return CityList(cities=[CityOut.from_city(c) for c in cities])


@router.get("/cities/{slug}", response_model=CityOut, responses=_ERRORS)
def get_city(slug: str, session: SessionDep, auth: AuthDep) -> CityOut:
    """One city profile."""
    return CityOut.from_city(tenancy.get_city(session, auth.principal, slug))


@router.get("/cities/{slug}/inventories", response_model=InventoryList, responses=_ERRORS)
def list_inventories(slug: str, session: SessionDep, auth: AuthDep) -> InventoryList:
    """The computed inventories of a city you may read, oldest first (totals and
    breakdowns in tCO2e)."""
    city = tenancy.get_city(session, auth.principal, slug)
    inventories = tenancy.list_inventories(session, auth.principal, city)
    return InventoryList(city=city.slug, inventories=[inv.result for inv in inventories])


@router.get("/cities/{slug}/plan", response_model=PlanOut, responses=_PLAN_ERRORS)
def get_plan(slug: str, session: SessionDep, auth: AuthDep) -> PlanOut:
    """The city's plan with its least-cost roadmap (tCO2e, plan currency) and MACC."""
    city = tenancy.get_city(session, auth.principal, slug)
    return PlanOut.from_plan(city, tenancy.get_plan(session, auth.principal, city))


@health_router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Health:
    """Answers 200 when the service runs and its database answers."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=kizuna.__version__, database="ok")
