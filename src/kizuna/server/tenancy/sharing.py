"""Deciding who reads an object: its visibility, its licence and its shares with partners.

These need an admin or owner of the object's owner organisation (and, for a
token, the ``admin`` scope). Each change adds an audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.errors import Forbidden, InputError, Location
from kizuna.server.tables import Organisation, Role, Share, SharedObject, Visibility
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import require_change, require_readable
from kizuna.server.tenancy.principals import Principal


def set_visibility(
    session: Session,
    principal: Principal,
    obj: SharedObject,
    visibility: Visibility,
    licence: str | None = None,
) -> SharedObject:
    """Make `obj` private, partners-only, network-wide or public (with an open `licence`)."""
    require_change(session, principal, obj, minimum=Role.ADMIN, action="change who sees it")
    visibility = Visibility(visibility)
    licence = check_licence(visibility, licence)
    before = (obj.visibility.value, obj.licence)
    obj.visibility, obj.licence = visibility, licence
    session.flush()
    record(
        session,
        principal,
        f"{obj.shared_type}.visibility",
        organisation_id=obj.owner_org_id,
        object_type=obj.shared_type,
        object_id=obj.id,
        details={
            "from": before[0],
            "to": visibility.value,
            "licence_from": before[1],
            "licence": licence,
        },
    )
    return obj


def share_object(
    session: Session, principal: Principal, obj: SharedObject, partner_org_id: int
) -> Share:
    """Share `obj` with organisation `partner_org_id` (idempotent).

    Partners read the object while its visibility is `partners` (or wider).
    """
    require_change(session, principal, obj, minimum=Role.ADMIN, action="share it")
    partner = session.get(Organisation, partner_org_id)
    if partner is None:
        raise InputError(
            f"No organisation with id {partner_org_id}",
            where=Location(field="partner_org_id"),
            hint="pick the partner from the list of organisations",
        )
    if partner.id == obj.owner_org_id:
        raise InputError(
            "An object is not shared with its own organisation: its members always see it",
            where=Location(field="partner_org_id"),
            hint="pick another organisation",
        )
    share = _find_share(session, obj, partner_org_id)
    if share is not None:
        return share
    share = Share(object_type=obj.shared_type, object_id=obj.id, partner_org_id=partner_org_id)
    session.add(share)
    session.flush()
    record(
        session,
        principal,
        "share.add",
        organisation_id=obj.owner_org_id,
        object_type=obj.shared_type,
        object_id=obj.id,
        details={"partner_org_id": partner.id, "partner": partner.slug},
    )
    return share


def unshare_object(
    session: Session, principal: Principal, obj: SharedObject, partner_org_id: int
) -> None:
    """Stop sharing `obj` with organisation `partner_org_id` (nothing happens if it was not)."""
    require_change(session, principal, obj, minimum=Role.ADMIN, action="stop sharing it")
    share = _find_share(session, obj, partner_org_id)
    if share is None:
        return
    session.delete(share)
    session.flush()
    record(
        session,
        principal,
        "share.remove",
        organisation_id=obj.owner_org_id,
        object_type=obj.shared_type,
        object_id=obj.id,
        details={"partner_org_id": partner_org_id},
    )


def list_shares(session: Session, principal: Principal, obj: SharedObject) -> Sequence[Share]:
    """The organisations `obj` is shared with, for members of its owner organisation."""
    require_readable(session, principal, obj)
    if not principal.has_role(obj.owner_org_id, Role.VIEWER):
        raise Forbidden(
            "Only members of the owner organisation see whom an object is shared with",
            hint="ask the owner organisation",
        )
    stmt = (
        select(Share)
        .where(Share.object_type == obj.shared_type, Share.object_id == obj.id)
        .order_by(Share.partner_org_id)
    )
    return session.scalars(stmt).all()


def _find_share(session: Session, obj: SharedObject, partner_org_id: int) -> Share | None:
    return session.scalars(
        select(Share).where(
            Share.object_type == obj.shared_type,
            Share.object_id == obj.id,
            Share.partner_org_id == partner_org_id,
        )
    ).one_or_none()
