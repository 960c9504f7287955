"""The sharing page of an object (visibility, licence, partners) and the open data page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kizuna.errors import KizunaError, NotFound
from kizuna.server import tenancy
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.pages.forms import csrf_form, done, form_error, render, signed_in
from kizuna.server.tables import (
    SHARED_TYPES,
    City,
    CityPlan,
    Inventory,
    Role,
    SharedObject,
    Visibility,
)
from kizuna.server.tenancy import ANONYMOUS, OPEN_LICENCES

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]


def _object(session: SessionDep, auth: AuthDep, object_type: str, object_id: int) -> SharedObject:
    model = SHARED_TYPES.get(object_type)
    if model is None:
        raise NotFound(f"No kind of object {object_type!r}", hint="follow a Sharing link")
    return tenancy.get_object(session, auth.principal, model, object_id)


def _context(session: SessionDep, auth: AuthDep, obj: SharedObject) -> dict[str, Any]:
    shares = tenancy.list_shares(session, auth.principal, obj)
    shared_ids = {s.partner_org_id for s in shares}
    orgs = tenancy.list_organisations(session)
    return {
        "obj": obj,
        "about": dict(zip(("title", "href"), obj.describe(), strict=True)),
        "shares": shares,
        "candidates": [o for o in orgs if o.id not in shared_ids and o.id != obj.owner_org_id],
        "visibilities": list(Visibility),
        "licences": OPEN_LICENCES,
        "can_share": auth.principal.has_role(obj.owner_org_id, Role.ADMIN),
        "error": None,
    }


@router.get("/sharing/{object_type}/{object_id}")
def sharing(
    request: Request, object_type: str, object_id: int, session: SessionDep, auth: AuthDep
) -> Response:
    """Who reads the object: its visibility, licence and partners (the owner's members see
    it; its admins change it)."""
    signed_in(request, auth)
    obj = _object(session, auth, object_type, object_id)
    return render(request, "sharing.html", _context(session, auth, obj))


@router.post("/sharing/{object_type}/{object_id}")
def change_sharing(
    request: Request,
    object_type: str,
    object_id: int,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    visibility: Annotated[str, Form(max_length=16)] = "",
    licence: Annotated[str, Form(max_length=64)] = "",
    add_partner: Annotated[str, Form(max_length=64)] = "",
    remove_partner: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Set the visibility and licence, or add or remove a partner organisation."""
    csrf_form(request, auth, csrf_token)
    obj = _object(session, auth, object_type, object_id)
    try:
        if add_partner:
            partner = tenancy.get_organisation(session, add_partner)
            tenancy.share_object(session, auth.principal, obj, partner.id)
        elif remove_partner:
            partner = tenancy.get_organisation(session, remove_partner)
            tenancy.unshare_object(session, auth.principal, obj, partner.id)
        else:
            known = {v.value for v in Visibility}
            chosen = Visibility(visibility) if visibility in known else obj.visibility
            tenancy.set_visibility(session, auth.principal, obj, chosen, licence or None)
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _context(session, auth, obj)
        return form_error(request, "sharing.html", "sharing.html", context, exc)
    return done(request, f"/sharing/{object_type}/{object_id}?saved=1")


@router.get("/open-data")
def open_data(request: Request, session: SessionDep) -> Response:
    """What is public on this instance, with its licence and download links."""
    public: dict[str, list[Any]] = {}
    for name, model in (("cities", City), ("inventories", Inventory), ("plans", CityPlan)):
        stmt = tenancy.visible(select(model), model, ANONYMOUS).order_by(model.id)
        public[name] = list(session.scalars(stmt))
    public["inventories"].sort(key=lambda inv: (inv.city.name, inv.year))
    return render(request, "open_data.html", {"public": public, "licences": OPEN_LICENCES})
