"""The JSON API, version 1 (``/api/v1``) and the health check."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

import kizuna
from kizuna.server import store
from kizuna.server.deps import SessionDep
from kizuna.server.schemas import CityList, CityOut, ErrorOut, Health, InventoryList, PlanOut

router = APIRouter(prefix="/api/v1", tags=["cities"])
health_router = APIRouter(tags=["service"])

_ERRORS = {404: {"model": ErrorOut, "description": "Unknown city"}}
_PLAN_ERRORS = {404: {"model": ErrorOut, "description": "Unknown city, or a city without a plan"}}


@router.get("/cities", response_model=CityList)
def list_cities(session: SessionDep) -> CityList:
    """All cities with a summary of their inventories."""
    return CityList(cities=[CityOut.from_city(c) for c in store.list_cities(session)])


@router.get("/cities/{slug}", response_model=CityOut, responses=_ERRORS)
def get_city(slug: str, session: SessionDep) -> CityOut:
    """One city profile."""
    return CityOut.from_city(store.get_city(session, slug))


@router.get("/cities/{slug}/inventories", response_model=InventoryList, responses=_ERRORS)
def list_inventories(slug: str, session: SessionDep) -> InventoryList:
    """The computed inventories of a city, oldest first (totals and breakdowns in tCO2e)."""
    city = store.get_city(session, slug)
    return InventoryList(city=city.slug, inventories=[inv.result for inv in city.inventories])


@router.get("/cities/{slug}/plan", response_model=PlanOut, responses=_PLAN_ERRORS)
def get_plan(slug: str, session: SessionDep) -> PlanOut:
    """The city's plan with its least-cost roadmap (tCO2e, plan currency) and MACC."""
    city = store.get_city(session, slug)
    return PlanOut.from_plan(city, store.get_plan(city))


@health_router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Health:
    """Answers 200 when the service runs and its database answers."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=kizuna.__version__, database="ok")
