"""``/api/v1/sharing/{type}/{id}``: who reads an object: its visibility, licence and partners.

`type` is a shared object's type (``city``, ``inventory``, ``plan``, and the types
later parts of the platform add to `kizuna.server.tables.SHARED_TYPES`); every
object's ``links.sharing`` gives its address here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from kizuna.errors import NotFound
from kizuna.server import tenancy
from kizuna.server.api.common import errors, json_with_etag
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import PartnerIn, SharingOut, VisibilityIn
from kizuna.server.tables import SHARED_TYPES, SharedObject

router = APIRouter(tags=["sharing"])


def shared_object(
    session: SessionDep, auth: AuthDep, object_type: str, object_id: int
) -> SharedObject:
    """The object `object_type` #`object_id` if the caller may read it; `NotFound` otherwise."""
    model = SHARED_TYPES.get(object_type)
    if model is None:
        raise NotFound(
            f"No kind of object {object_type!r}",
            hint=f"use one of: {', '.join(sorted(SHARED_TYPES))}",
        )
    return tenancy.get_object(session, auth.principal, model, object_id)


def _sharing(session: SessionDep, auth: AuthDep, obj: SharedObject) -> SharingOut:
    return SharingOut.of(obj, list(tenancy.list_shares(session, auth.principal, obj)))


@router.get(
    "/sharing/{object_type}/{object_id}", response_model=SharingOut, responses=errors(403, 404)
)
def get_sharing(
    request: Request, object_type: str, object_id: int, session: SessionDep, auth: AuthDep
) -> Response:
    """Who owns the object, its visibility, licence and partners (for the owner's members)."""
    obj = shared_object(session, auth, object_type, object_id)
    return json_with_etag(request, _sharing(session, auth, obj))


@router.put(
    "/sharing/{object_type}/{object_id}", response_model=SharingOut, responses=errors(403, 404, 422)
)
def set_visibility(
    object_type: str, object_id: int, body: VisibilityIn, session: SessionDep, auth: AuthDep
) -> SharingOut:
    """Make the object private, partners-only, network-wide or public (with an open
    licence); admins and owners of its owner organisation."""
    obj = shared_object(session, auth, object_type, object_id)
    tenancy.set_visibility(session, auth.principal, obj, body.visibility, body.licence)
    session.commit()
    return _sharing(session, auth, obj)


@router.post(
    "/sharing/{object_type}/{object_id}/partners",
    response_model=SharingOut,
    responses=errors(403, 404, 422),
)
def add_partner(
    object_type: str, object_id: int, body: PartnerIn, session: SessionDep, auth: AuthDep
) -> SharingOut:
    """Share the object with an organisation (it reads it while the object is `partners`
    or wider)."""
    obj = shared_object(session, auth, object_type, object_id)
    partner = tenancy.get_organisation(session, body.organisation)
    tenancy.share_object(session, auth.principal, obj, partner.id)
    session.commit()
    return _sharing(session, auth, obj)


@router.delete(
    "/sharing/{object_type}/{object_id}/partners/{organisation}",
    response_model=SharingOut,
    responses=errors(403, 404),
)
def remove_partner(
    object_type: str, object_id: int, organisation: str, session: SessionDep, auth: AuthDep
) -> SharingOut:
    """Stop sharing the object with an organisation."""
    obj = shared_object(session, auth, object_type, object_id)
    partner = tenancy.get_organisation(session, organisation)
    tenancy.unshare_object(session, auth.principal, obj, partner.id)
    session.commit()
    return _sharing(session, auth, obj)
