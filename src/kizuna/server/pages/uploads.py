"""The upload and edit pages: a new city, an inventory file, a plan file, optimising again.

Each form is checked in full before anything is stored (`kizuna.server.imports`);
a refused file comes back with every problem listed next to the form (file, row,
column or field, and how to fix it), and nothing is written.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import KizunaError
from kizuna.reference.gwp import GWP_SETS
from kizuna.server import imports, tenancy
from kizuna.server.api.common import read_upload
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.pages.forms import csrf_form, done, form_error, render, signed_in
from kizuna.server.tables import City, Role

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]


def _editable_orgs(session: SessionDep, auth: AuthDep) -> list[Any]:
    """The organisations in which the signed-in user may add content (editor or more)."""
    orgs = tenancy.list_organisations(session)
    return [o for o in orgs if auth.principal.has_role(o.id, Role.EDITOR)]


@router.get("/cities/new")
def new_city_form(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The form for a new city profile, owned by one of the user's organisations."""
    signed_in(request, auth)
    return render(
        request, "city_new.html", {"orgs": _editable_orgs(session, auth), "form": {}, "error": None}
    )


@router.post("/cities/new")
def new_city(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    owner: Annotated[str, Form(max_length=64)] = "",
    slug: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    name_ja: Annotated[str, Form(max_length=200)] = "",
    country: Annotated[str, Form(max_length=100)] = "",
    population: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Add the city (private: its owner shares it later)."""
    csrf_form(request, auth, csrf_token)
    form = {"owner": owner, "slug": slug, "name": name, "name_ja": name_ja, "country": country}
    form["population"] = population
    try:
        org = tenancy.get_organisation(session, owner)
        city = tenancy.create_city(
            session,
            auth.principal,
            owner_org_id=org.id,
            slug=slug.strip(),
            name=name.strip() or slug.strip(),
            name_ja=name_ja.strip() or None,
            country=country.strip(),
            population=int(population) if population.strip().isdigit() else None,
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = {"orgs": _editable_orgs(session, auth), "form": form}
        return form_error(request, "city_new.html", "city_new.html", context, exc)
    return done(request, f"/cities/{city.slug}/upload")


def _upload_context(city: City, **extra: Any) -> dict[str, Any]:
    return {"city": city, "gwp_sets": GWP_SETS, "error": None, "stored": None, **extra}


@router.get("/cities/{slug}/upload")
def inventory_form(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The inventory upload form of a city (its editors)."""
    signed_in(request, auth)
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.require_change(session, auth.principal, city, action="add inventories to the city")
    return render(request, "upload_inventory.html", _upload_context(city))


@router.post("/cities/{slug}/upload")
async def upload_inventory(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    csrf_token: Csrf = "",
    gwp: Annotated[str, Form(max_length=8)] = "AR5",
) -> Response:
    """Compute and store the uploaded inventory file, or show its problems."""
    csrf_form(request, auth, csrf_token)
    city = tenancy.get_city(session, auth.principal, slug)
    try:
        name, data = await read_upload(file, request.app.state.settings.upload_max_bytes)
        done_import = imports.import_inventory(
            session, auth.principal, city, filename=name, data=data, gwp=gwp
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _upload_context(city, gwp=gwp)
        return form_error(
            request, "upload_inventory.html", "_upload_inventory_form.html", context, exc
        )
    latest = max(inv.year for inv in done_import.inventories)
    return done(request, f"/cities/{city.slug}?year={latest}")


@router.get("/cities/{slug}/plan/upload")
def plan_form(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The plan upload form of a city (its editors)."""
    signed_in(request, auth)
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.require_change(session, auth.principal, city, action="add or replace the city's plan")
    return render(request, "upload_plan.html", _upload_context(city))


@router.post("/cities/{slug}/plan/upload")
async def upload_plan(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    csrf_token: Csrf = "",
) -> Response:
    """Validate, optimise and store the uploaded plan file, or show its problems."""
    csrf_form(request, auth, csrf_token)
    city = tenancy.get_city(session, auth.principal, slug)
    try:
        name, data = await read_upload(file, request.app.state.settings.upload_max_bytes)
        imports.import_plan(session, auth.principal, city, filename=name, data=data)
        session.commit()
    except KizunaError as exc:
        session.rollback()
        return form_error(
            request, "upload_plan.html", "_upload_plan_form.html", _upload_context(city), exc
        )
    return done(request, f"/cities/{city.slug}/plan")


@router.post("/cities/{slug}/plan/optimise")
def optimise_again(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, csrf_token: Csrf = ""
) -> Response:
    """Optimise the stored plan again (after a new base-year inventory, say)."""
    csrf_form(request, auth, csrf_token)
    city = tenancy.get_city(session, auth.principal, slug)
    imports.reoptimise_plan(session, auth.principal, city)
    session.commit()
    return done(request, f"/cities/{city.slug}/plan")
