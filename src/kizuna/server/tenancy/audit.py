"""The append-only audit log: `record` one entry per change, `audit_log` to read an organisation's.

Entries are inserted and never changed: there is no update or delete here,
and the database refuses them (triggers made by the migrations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.errors import Forbidden
from kizuna.server.tables import AuditEntry, Role
from kizuna.server.tenancy.principals import Principal


def record(
    session: Session,
    principal: Principal,
    action: str,
    *,
    organisation_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry: `principal` did `action` (``<type>.<verb>``) to an object."""
    entry = AuditEntry(
        actor_user_id=principal.user_id,
        actor_token_id=principal.token_id,
        actor_label=principal.label,
        organisation_id=organisation_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details or {},
    )
    session.add(entry)
    return entry


def audit_log(
    session: Session,
    principal: Principal,
    organisation_id: int,
    *,
    limit: int = 50,
    before_id: int | None = None,
    action: str | None = None,
) -> Sequence[AuditEntry]:
    """The newest entries of organisation `organisation_id`, for its admins and owners.

    Page back with `before_id` (the smallest id of the previous page); filter by
    `action` (``share.add``). Raises `Forbidden` for anyone below admin.
    """
    if not principal.has_role(organisation_id, Role.ADMIN):
        raise Forbidden(
            "Only the organisation's admins and owners may read its audit log",
            hint="ask an owner of the organisation to make you an admin",
        )
    stmt = select(AuditEntry).where(AuditEntry.organisation_id == organisation_id)
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    stmt = stmt.order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 500)))
    return session.scalars(stmt).all()
